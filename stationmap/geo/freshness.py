"""Temporary states of a station and how fresh its data is, judged at a moment.

Station staff may say a station is closed until a moment, or that an amenity is
unavailable until a moment; both stop counting by themselves when the moment passes.
Couriers' "closed" reports mark a station *reported closed* until someone confirms it.
A station not verified within ``stale_days`` is *stale*. Everything here is judged
against the moment asked about (``at``, an aware datetime), never the wall clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from stationmap.geo.hours import HoursState, hours_state

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StationFlags:
    """What is stored about a station's temporary states (UTC moments)."""

    closed_until: datetime | None = None
    reported_closed: bool = False
    verified_at: datetime | None = None
    outages: tuple[tuple[str, datetime], ...] = ()  # (amenity code, until)


@dataclass(frozen=True, slots=True)
class Marks:
    """A station's states at one moment, as answers show them."""

    temporarily_closed_until: datetime | None = None
    unavailable_amenities: tuple[str, ...] = ()
    reported_closed: bool = False
    stale: bool = True

    @property
    def closed(self) -> bool:
        return self.temporarily_closed_until is not None


NO_MARKS = Marks()
# The two states nearly every station is in, shared (no object per answer).
STALE = NO_MARKS
FRESH = Marks(stale=False)


def closed_at(closed_until: datetime | None, at: datetime) -> bool:
    """Whether a closure until ``closed_until`` still holds at ``at``."""
    return closed_until is not None and at < closed_until


def unavailable_at(outages: Iterable[tuple[str, datetime]], at: datetime) -> tuple[str, ...]:
    """The amenity codes still unavailable at ``at``, in code order."""
    return tuple(sorted({code for code, until in outages if at < until}))


def is_stale(verified_at: datetime | None, at: datetime, stale_days: float) -> bool:
    """Never verified, or verified more than ``stale_days`` days before ``at``."""
    return verified_at is None or at - verified_at > timedelta(days=stale_days)


def marks(flags: StationFlags, at: datetime, stale_days: float) -> Marks:
    closed = flags.closed_until if closed_at(flags.closed_until, at) else None
    return Marks(
        temporarily_closed_until=closed,
        unavailable_amenities=unavailable_at(flags.outages, at),
        reported_closed=flags.reported_closed,
        stale=is_stale(flags.verified_at, at, stale_days),
    )


def effective_hours(
    text: str | None, at: datetime, tz: ZoneInfo, closed_until: datetime | None
) -> HoursState:
    """The opening-hours state at ``at``, closed while a temporary closure holds; the
    next change is then the closure's end if the hours say open (or unknown) then,
    else the hours' own next opening after it."""
    if not closed_at(closed_until, at):
        return hours_state(text, at, tz)
    assert closed_until is not None
    after = hours_state(text, closed_until, tz)
    change = closed_until.astimezone(tz) if after.open is not False else after.change_at
    return HoursState(False, change)


def reported_last(items: Sequence[T], reported: Callable[[T], bool]) -> list[T]:
    """``items`` (in distance order) with the reported-closed ones moved after the
    others, each group keeping its order."""
    flagged = [item for item in items if reported(item)]
    if not flagged:
        return list(items)
    return [item for item in items if not reported(item)] + flagged


def notice(state: Marks, tz: ZoneInfo, lang: str, amenity_name: Callable[[str], str]) -> str | None:
    """One sentence for people about ``state`` in ``lang`` (``zh`` or ``en``), or
    None when there is nothing to say beyond the usual hours."""
    zh = lang == "zh"
    parts: list[str] = []
    if state.temporarily_closed_until is not None:
        local = state.temporarily_closed_until.astimezone(tz)
        when = local.strftime("%Y-%m-%d %H:%M")
        parts.append(f"暂停开放，{when} 恢复" if zh else f"temporarily closed until {when}")
    if state.reported_closed:
        parts.append(
            "多位骑手报告已关闭，尚待核实"
            if zh
            else "reported closed by couriers, not yet confirmed"
        )
    if state.unavailable_amenities:
        names = ("、" if zh else ", ").join(amenity_name(c) for c in state.unavailable_amenities)
        parts.append(f"暂不可用：{names}" if zh else f"unavailable for now: {names}")
    if state.stale:
        parts.append("信息近期未经核实" if zh else "not verified recently")
    if not parts:
        return None
    return ("；" if zh else "; ").join(parts) + ("。" if zh else ".")
