"""Opening hours in OpenStreetMap ``opening_hours`` syntax.

``24/7``, ``Mo-Fr 08:00-20:00; Sa,Su 10:00-16:00``, ``PH off`` and the rest of the
specification are parsed and evaluated by the ``opening-hours-py`` package (a binding of
a complete implementation of the OSM specification); Chinese public holidays (``PH``)
come from its calendar for country ``CN``. This module adds what stationmap needs on
top: clear error messages, a parse cache, evaluation in the configured time zone, and a
short description for people ("open now, closes 20:00").

Times are evaluated in the station's local time zone: an aware ``datetime`` is converted
to it; a naive one is taken as already local.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import opening_hours as _oh

MAX_LENGTH = 500
_MINUTE = timedelta(minutes=1)
# How far ahead the next opening or closing is looked for. Without a limit the library
# walks years ahead for rules that never change (``Mo-Su 00:00-24:00``, with a comment
# or ``unknown``): 0.75-4 s per evaluation. A week covers every weekly pattern; a change
# further off is reported as none (``change_at`` None), and the search then costs well
# under a millisecond. The library's own limit counts whole days from the day asked
# about, so it is set a day longer and the answer cut to exactly this horizon.
NEXT_CHANGE_HORIZON = timedelta(days=7)
_LIBRARY_HORIZON_DAYS = NEXT_CHANGE_HORIZON.days + 1


class HoursError(ValueError):
    """The text is not valid ``opening_hours``; the message says where and why, in
    English (``message``, the exception's text) and Chinese (``message_zh``)."""

    def __init__(self, message: str, message_zh: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh or message


@dataclass(frozen=True, slots=True)
class HoursState:
    """What a person needs to know at one moment.

    ``open`` is True, False or None (unknown). ``change_at`` is the next local time at
    which the state changes, or None when it does not change within
    :data:`NEXT_CHANGE_HORIZON` (7 days: ``24/7``, ``Mo-Su 00:00-24:00``, a long
    closure) or is unknown.
    """

    open: bool | None
    change_at: datetime | None
    comment: str = ""
    _change_iso: str | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        # Written once here: a remembered state is asked for it by every answer.
        change = self.change_at
        if change is not None:
            offset = change.utcoffset()
            if offset is not None and offset.seconds % 60:
                change = change.astimezone(UTC)
            object.__setattr__(self, "_change_iso", change.isoformat(timespec="seconds"))

    def change_at_iso(self) -> str | None:
        """``change_at`` as ISO-8601 local time to the second. An offset that is not
        whole minutes (local mean time, before standard time zones) is written in UTC
        instead: ISO-8601 offsets have no seconds."""
        return self._change_iso


class Hours:
    """Parsed opening hours; build with :func:`parse_hours`."""

    __slots__ = ("_memo", "_oh", "text")

    def __init__(self, text: str, parsed: _oh.OpeningHours) -> None:
        self.text = text
        self._oh = parsed
        # The last answer and the minute it holds for (see state()).
        self._memo: tuple[ZoneInfo, datetime, datetime, HoursState] | None = None

    def is_open(self, at: datetime, tz: ZoneInfo) -> bool | None:
        """True if open at ``at``, False if closed, None if the hours say "unknown" or
        ``at`` lies outside the years the holiday calendar covers."""
        return self.state(at, tz).open

    def state(self, at: datetime, tz: ZoneInfo) -> HoursState:
        """The state at ``at`` and when it next changes.

        The syntax has no unit below the minute, so the answer is the same for every
        instant of a local minute: it is computed for the minute's start and kept, with
        that minute as a UTC interval, until another minute or zone is asked about.
        A nearest answer asks a few strings about the same minute again and again.
        """
        memo = self._memo
        if memo is not None and memo[0] is tz and at.tzinfo is not None and memo[1] <= at < memo[2]:
            return memo[3]
        local = _local(at, tz)
        if local is None:
            return UNKNOWN
        minute = local.replace(second=0, microsecond=0)
        answer = self._evaluate(minute, tz)
        # fold=0: in a repeated hour (end of summer time) the second pass misses the
        # memo and is computed afresh, never answered from the first.
        start = minute.replace(tzinfo=tz).astimezone(UTC)
        self._memo = (tz, start, start + _MINUTE, answer)
        return answer

    def _evaluate(self, local: datetime, tz: ZoneInfo) -> HoursState:
        state, comment = self._oh.state(local)
        is_open = _is_open(state)
        change = self._oh.next_change(local)
        if change is not None and change - local > NEXT_CHANGE_HORIZON:
            change = None
        if change is not None:
            change = change.replace(tzinfo=tz)
        return HoursState(is_open, change, comment or "")

    def day_spans(self, day: date) -> list[tuple[datetime, datetime, bool | None]] | None:
        """The local date ``day`` as spans of one state: ``(start, end, open)`` with
        ``open`` True, False or None (unknown), naive local times, the last ending at the
        next midnight; None outside :data:`SUPPORTED_YEARS`. One day's evaluation."""
        if day.year not in SUPPORTED_YEARS or day.year + 1 not in SUPPORTED_YEARS:
            return None
        start = datetime(day.year, day.month, day.day)
        spans = []
        for begin, end, state, _comment in self._oh.intervals(start, start + timedelta(days=1)):
            spans.append((begin, end, _is_open(state)))
        return spans

    def __repr__(self) -> str:
        return f"Hours({self.text!r})"


def _is_open(state: _oh.State) -> bool | None:
    """The library's state as True (open), False (closed) or None (unknown)."""
    return None if state == _oh.State.UNKNOWN else state == _oh.State.OPEN


# The evaluator clamps earlier dates to 1900; answers outside this range would be wrong.
SUPPORTED_YEARS = range(1900, 2200)


def _local(at: datetime, tz: ZoneInfo) -> datetime | None:
    """``at`` as naive local time in ``tz``; None when it cannot be evaluated."""
    if at.tzinfo is not None:
        try:
            at = at.astimezone(tz).replace(tzinfo=None)
        except (OverflowError, ValueError):
            return None
    return at if at.year in SUPPORTED_YEARS else None


@lru_cache(maxsize=4096)
def parse_hours(text: str) -> Hours:
    """Parse ``text``; raise :class:`HoursError` with a one-line reason if invalid.

    Results are cached: a dataset repeats a few dozen distinct strings.
    """
    stripped = text.strip()
    if not stripped:
        raise HoursError(
            "opening hours are empty; leave the field out if they are unknown",
            "开放时间是空的：不知道开放时间就不填这一栏",
        )
    if len(stripped) > MAX_LENGTH:
        raise HoursError(
            f"opening hours are longer than {MAX_LENGTH} characters; shorten them",
            f"开放时间超过 {MAX_LENGTH} 个字符，请缩短",
        )
    _refuse_missing_days(stripped)
    try:
        parsed = _oh.OpeningHours(
            _comment_rules_unknown(stripped),
            country="CN",
            max_interval_days=_LIBRARY_HORIZON_DAYS,
        )
    except (_oh.ParserError, SyntaxError, ValueError) as exc:  # type: ignore[attr-defined]
        raise HoursError(*_explain(stripped, str(exc))) from None
    return Hours(stripped, parsed)


# The longest each month gets (Feb 29 exists in leap years), in the syntax's month names.
_MONTH_DAYS = {
    "jan": 31, "feb": 29, "mar": 31, "apr": 30, "may": 31, "jun": 30,
    "jul": 31, "aug": 31, "sep": 30, "oct": 31, "nov": 30, "dec": 31,
}  # fmt: skip
_MONTH_NUMBER = {name: number for number, name in enumerate(_MONTH_DAYS, start=1)}
# A month and a day number after it (``Apr 31``), and the day that ends a range within
# that month (``Apr 15-31``). A number followed by ``:`` is a time (``Apr 10:00``).
_MONTH_DAY = re.compile(
    r"\b(?P<month>" + "|".join(_MONTH_DAYS) + r")\s*(?P<day>\d{1,2})(?![\d:])"
    r"(?:\s*-\s*(?P<end>\d{1,2})(?![\d:]))?",
    re.IGNORECASE,
)
_COMMENT = re.compile(r'"[^"]*"')


def _refuse_missing_days(text: str) -> None:
    """Refuse a date no calendar has (``Apr 31``, ``Feb 30``, ``Nov 28-31``), outside
    comments. The parsing library does not: it read ``Nov 31 off`` as closed every day
    of the year and ``Apr 31 10:00-11:00`` as open every day, and dropped ``Apr 15-31
    off`` altogether, so one mistyped holiday decided a station's every day."""
    for match in _MONTH_DAY.finditer(_COMMENT.sub(lambda c: " " * len(c.group()), text)):
        month = match["month"].lower()
        longest = _MONTH_DAYS[month]
        for day in (match["day"], match["end"]):
            if day is not None and int(day) > longest:
                written = f"{match['month']} {day}"
                number = _MONTH_NUMBER[month]
                raise HoursError(
                    f"opening hours name a day that does not exist: {written!r} (month "
                    f"{number} has at most {longest} days); correct the date",
                    f"开放时间中的日期“{written}”不存在（{number} 月最多 {longest} 天）："
                    "请改正日期",
                )


# A quoted comment, or a rule separator (``;``, ``||``, ``,`` and a space) outside one.
_RULE_PART = re.compile(r'"[^"]*"|\|\||;|,(?=\s)')
_COMMENT_ONLY = re.compile(r'\s*"[^"]*"\s*')


def _comment_rules_unknown(text: str) -> str:
    """``text`` with each rule that is only a comment (``"电话预约"``, ``Mo-Fr
    08:00-18:00 || "call"``) marked ``unknown``: such a rule says nothing of when the
    station is open, and reading it as open (as the parsing library does) showed a
    station open all day, to the open-now filter too, on the days its other rules leave
    out. opening_hours.js and KOpeningHours read it as unknown, and so does this."""
    if '"' not in text:
        return text
    rules, start = [], 0
    for match in _RULE_PART.finditer(text):
        if not match.group().startswith('"'):
            rules.append((text[start : match.start()], match.group()))
            start = match.end()
    rules.append((text[start:], ""))
    return "".join(
        (f" unknown {rule.strip()}" if _COMMENT_ONLY.fullmatch(rule) else rule) + separator
        for rule, separator in rules
    ).strip()


UNKNOWN = HoursState(None, None)


def hours_state(text: str | None, at: datetime, tz: ZoneInfo) -> HoursState:
    """The state of stored hours ``text`` at ``at``; :data:`UNKNOWN` when there are no
    hours or they no longer parse (stored before a rule changed)."""
    if text is None:
        return UNKNOWN
    try:
        return parse_hours(text).state(at, tz)
    except HoursError:
        return UNKNOWN


def _explain(text: str, detail: str) -> tuple[str, str]:
    """Turn the parser's multi-line report into one sentence with the column, in
    English and in Chinese."""
    position = re.search(r"-->\s*\d+:(\d+)", detail)
    column = int(position.group(1)) if position else None
    expected = ""
    for line in detail.splitlines():
        line = line.strip()
        if line.startswith("= "):
            expected = line.removeprefix("= ").strip()
    where = f" at character {column}" if column else ""
    hint = f" ({expected})" if expected and expected != "unknown parsing error" else ""
    where_zh = f"第 {column} 个字符处" if column else ""
    return (
        f"invalid opening hours {text!r}{where}{hint}; use OpenStreetMap syntax such as "
        "'24/7' or 'Mo-Fr 08:00-20:00; Sa,Su 10:00-16:00; PH off'",
        f"开放时间“{text}”{where_zh}写法有误：请写成 24/7 或 "
        "Mo-Fr 08:00-20:00; Sa,Su 10:00-16:00; PH off 这样的格式",
    )


SOON = timedelta(minutes=30)
# Monday first (datetime.weekday()); the courier's list (app.js) names them alike.
_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def describe(state: HoursState, now: datetime, lang: str = "zh") -> str:
    """A short phrase: "营业中，20:00 关门" / "open now, closes 20:00"."""
    zh = lang.startswith("zh")
    if state.open is None:
        return "开放时间未知" if zh else "hours unknown"
    when = ""
    if state.change_at is not None:
        local_now = now.astimezone(state.change_at.tzinfo) if now.tzinfo else now
        days = (state.change_at.date() - local_now.date()).days
        clock = state.change_at.strftime("%H:%M")
        if days == 0:
            when = clock
        elif days == 1 and state.open and clock == "00:00":
            when = "24:00"  # closing at midnight tonight, as the hours in words say it
        elif days == 1:
            when = ("明天 " if zh else "tomorrow ") + clock
        elif days < 7:  # this week: its weekday, as the courier's list says it
            names = _WEEKDAYS_ZH if zh else _WEEKDAYS_EN
            when = f"{names[state.change_at.weekday()]} {clock}"
        else:
            when = state.change_at.strftime("%m-%d %H:%M")
    # A change within SOON is said first, as the courier's list says it: a station
    # closing in five minutes is open now, but not for a rider ten minutes away.
    soon = state.change_at is not None and now.tzinfo is not None and state.change_at - now <= SOON
    if state.open:
        if not when:
            return "24小时开放" if zh else "open 24 hours"
        if soon:
            return f"即将关门（{when}）" if zh else f"closing soon ({when})"
        return f"营业中，{when} 关门" if zh else f"open now, closes {when}"
    if not when:
        return "已关闭" if zh else "closed"
    if soon:
        return f"即将开门（{when}）" if zh else f"opening soon ({when})"
    return f"未营业，{when} 开门" if zh else f"closed, opens {when}"
