"""A recording stand-in for the ``opening_hours`` library as stationmap.geo.hours uses it.

Issue 11: rules that never change (``Mo-Su 00:00-24:00``) made the library walk years
ahead for the next change, seconds per evaluation. The guard is the search limit that
hours.py gives the library (``max_interval_days``). Instead of timing evaluations, tests
put this spy in the module's place and look at the work asked of the library: which
limit each parsed expression was built with, how many calls an evaluation makes, and
the span of dates each call covers.

A ``next_change`` asked of an expression built without a limit of at most
:data:`MAX_SEARCH_DAYS` is refused at once (:class:`UnboundedSearch`) rather than
passed to the library, so a test of a guard that has been removed fails in
milliseconds instead of waiting seconds per string for the library's answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import opening_hours as library

import stationmap.geo.hours as hours_module

# A week (the documented horizon) and the one whole day the library counts from the
# day asked about: written here from the issue, not read from hours.py.
MAX_SEARCH_DAYS = 8


class UnboundedSearch(AssertionError):
    """A next-change search the library would have made without a limit of a week."""


@dataclass
class Call:
    """One call into a parsed expression: the method, the text, the local dates asked
    about (start, end) and what the library answered."""

    method: str
    text: str
    start: datetime
    end: datetime | None
    answer: Any = None


@dataclass
class LibraryLog:
    """Every expression built (its text and its ``max_interval_days``) and every call."""

    built: list[tuple[str, int | None]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    def of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def clear(self) -> None:
        self.built.clear()
        self.calls.clear()


class _Expression:
    """A parsed expression that reports each call to the log before answering."""

    def __init__(self, log: LibraryLog, text: str, limit: int | None, real: Any) -> None:
        self._log = log
        self._text = text
        self._limit = limit
        self._real = real

    def state(self, at: datetime) -> Any:
        answer = self._real.state(at)
        self._log.calls.append(Call("state", self._text, at, None, answer))
        return answer

    def next_change(self, at: datetime) -> datetime | None:
        call = Call("next_change", self._text, at, None)
        self._log.calls.append(call)
        if self._limit is None or self._limit > MAX_SEARCH_DAYS:
            raise UnboundedSearch(
                f"{self._text!r}: next change searched with max_interval_days={self._limit}"
            )
        answer: datetime | None = self._real.next_change(at)
        call.answer = answer
        return answer

    def intervals(self, start: datetime, end: datetime) -> Any:
        answer = list(self._real.intervals(start, end))
        self._log.calls.append(Call("intervals", self._text, start, end, answer))
        return answer


class _Library:
    """The ``opening_hours`` module with a recording ``OpeningHours``; the rest (State,
    ParserError) is the real library's."""

    def __init__(self, log: LibraryLog) -> None:
        self._log = log

    def OpeningHours(self, text: str, **options: Any) -> _Expression:
        real = library.OpeningHours(text, **options)
        limit = options.get("max_interval_days")
        self._log.built.append((text, limit))
        return _Expression(self._log, text, limit, real)

    def __getattr__(self, name: str) -> Any:
        return getattr(library, name)


@contextmanager
def spied_library() -> Iterator[LibraryLog]:
    """hours.py talks to the spy while the block runs. The parse cache is emptied on
    entry (its expressions were built before) and on exit (so no expression built by
    the spy outlives the block)."""
    log = LibraryLog()
    hours_module.parse_hours.cache_clear()
    try:
        with mock.patch.object(hours_module, "_oh", _Library(log)):
            yield log
    finally:
        hours_module.parse_hours.cache_clear()


def days_searched(call: Call) -> timedelta:
    """How far past the asked moment a next-change answer lies (zero for None)."""
    if call.answer is None:
        return timedelta(0)
    answer: datetime = call.answer
    return answer - call.start
