"""Reading the values people type into station fields. Pure: no Flask, no database.

County offices keep their station lists in their own spreadsheets, so a coordinate may be
written as ``86°13′01.2″E`` or in full-width digits (``４４．３１``), a phone cell may hold
two numbers and a name, and the 服务内容 cell lists services in words. The modules here
turn such values into the stored forms; :mod:`stationmap.station_fields` calls them and
turns a :class:`ValueProblem` into a field error.

- :mod:`.degrees`: decimal degrees and degrees-minutes-seconds, with hemisphere letters.
- :mod:`.phones`: Chinese mobile and landline numbers, several in a cell, a lost leading 0.
- :mod:`.services`: the amenities that the words of a service list name.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Full-width ASCII (U+FF01-U+FF5E) to ASCII, the ideographic space to a space.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


class ValueProblem(ValueError):
    """A value that cannot be read, with the reason and the fix in English and Chinese."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh


class Note(NamedTuple):
    """Something a person should check about a value that was read (a guess, a change),
    in English and Chinese."""

    message: str
    message_zh: str


def to_ascii(text: str) -> str:
    """``"４４．３１"`` -> ``"44.31"``: full-width letters, digits and punctuation, and the
    ideographic space, as their ASCII forms; every other character is kept."""
    return text.translate(_FULL_WIDTH)


def shown(value: object, limit: int = 40) -> str:
    """``value`` as it may be quoted back in a message: at most ``limit`` characters and
    characters that cannot be encoded (lone surrogates) as ``\\udXXX`` escapes."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def has_lone_surrogate(text: str) -> bool:
    """True if ``text`` holds a UTF-16 surrogate on its own (``"\\ud800"``), which no
    encoding can store: JSON's ``\\ud800`` escape can produce one."""
    return _SURROGATE_RE.search(text) is not None
