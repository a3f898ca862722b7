"""Opening hours as county offices write them, read into ``opening_hours`` syntax.

Offices write ``全天24小时``, ``周一至周五 9:00-18:00``, ``工作日 09:00-17:30``,
``08:00—20:00`` (em dash), ``０８：００－２０：００`` (full width), ``9:00-12:00
14:30-18:00``, ``上午8:30-12:00 下午2:30-6:00``, ``节假日休息``. What has one meaning is
converted (``Mo-Fr 09:00-18:00``) and the conversion is reported so a person can see
it. What a person must decide (``夏季8:00-21:00，冬季9:00-19:00``: the seasons' months
are not said) is kept as written, evaluated as unknown. Text that is neither is refused
with a message, in Chinese and English, that says how to write it.

Pure: no Flask, no database.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from stationmap.geo.hours import MAX_LENGTH, HoursError, parse_hours
from stationmap.geo.hours_shorthand import expand_shorthand, less_lunch, take_lunch
from stationmap.geo.hours_text import describe_schedule, every_day_after_comment

EXAMPLE = "24/7 或 Mo-Fr 09:00-18:00"
EXAMPLE_EN = "24/7 or Mo-Fr 09:00-18:00"


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """How a cell of hours was read.

    ``opening_hours`` is valid OSM syntax, or None when the text is kept as written
    (``as_written``) for a person to decide. ``note_zh``/``note_en`` say what was
    converted or kept; both are empty when the text was OSM syntax already.
    """

    opening_hours: str | None
    as_written: str | None = None
    note_zh: str = ""
    note_en: str = ""


_DAY = {
    "一": "Mo",
    "二": "Tu",
    "三": "We",
    "四": "Th",
    "五": "Fr",
    "六": "Sa",
    "日": "Su",
    "天": "Su",
}
_ORDER = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_WEEKDAY = r"(?:周|星期|礼拜)([一二三四五六日天])"
_ALWAYS_RE = re.compile(
    r"^(?:(?:7|七)[x×*])?(?:全天)?(?:24|二十四)(?:小时|h|H)(?:[x×*](?:7|七))?"
    r"(?:营业|开放|服务)?$|^全天(?:开放|营业)?$"
)
# Words that make a text need a person: periods whose dates are not said.
_UNDECIDED_RE = re.compile(
    r"[夏冬春秋]季|[夏冬]令|旺季|淡季|寒暑假|另行|通知|预约|不定|视情况|农忙"
)
#: The "5+2" off-peak programme named instead of the hours.
_PROGRAMME_RE = re.compile(r"5\s*\+\s*2|五加二")
_PARTS = r"上午|下午|中午|晚上|早上|凌晨|早|晚"  # 早8点-晚8点: morning, evening
_EVENING = ("下午", "晚上", "晚")


def _clock_pattern(n: int) -> str:
    return (
        rf"(?P<part{n}>{_PARTS})?\s*(?P<hour{n}>[0-9]{{1,2}})"
        rf"(?:[:.：](?P<minute{n}>[0-9]{{2}})|(?P<half{n}>点半)|点|时)?"
    )


_SPAN_RE = re.compile(_clock_pattern(1) + r"\s*[-~至到]\s*" + _clock_pattern(2))
_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "―": "-", "～": "~", "〜": "~"})


def _clean(text: str) -> str:
    """Full-width forms to ASCII (NFKC), every dash to ``-``, spaces squeezed."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    text = text.replace("--", "-")
    return re.sub(r"\s+", " ", text).strip()


def _clock(match: re.Match[str], n: int, part: str | None) -> str | None:
    """Clock ``n`` of a span as ``HH:MM`` on the 24-hour clock; None if impossible."""
    hour = int(match[f"hour{n}"])
    minute = 30 if match[f"half{n}"] else int(match[f"minute{n}"] or 0)
    if (part in _EVENING and hour < 12) or (part == "中午" and hour < 11):
        hour += 12
    elif part in ("晚上", "晚") and hour == 12:
        hour = 24  # 晚上12点 is midnight
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return None
    return f"{hour:02d}:{minute:02d}"


def _spans(text: str) -> tuple[list[str], str] | None:
    """Every ``start-end`` in ``text`` as ``HH:MM-HH:MM``, and the text left around them;
    None when a clock is impossible (25:00)."""
    spans: list[str] = []
    previous: tuple[str, str] | None = None
    for match in _SPAN_RE.finditer(text):
        start_part, end_part = match["part1"], match["part2"]
        start = _clock(match, 1, start_part)
        end = _clock(match, 2, end_part)
        # 下午2:00-6:00, 中午1:00-2:00: the end says no part of the day and would run
        # backwards, so it shares the start's.
        backwards = start is not None and end is not None and end < start
        if end_part is None and start_part in (*_EVENING, "中午") and backwards:
            end = _clock(match, 2, start_part)
        if start is None or end is None:
            return None
        if previous is not None and start_part is None and end_part is None:
            start, end = _afternoon(previous, start, end)
        previous = (start, end)
        spans.append(f"{start}-{end}")
    return spans, _SPAN_RE.sub(" ", text)


def _afternoon(previous: tuple[str, str], start: str, end: str) -> tuple[str, str]:
    """A span with no part of the day written, after ``previous`` (a morning: it ends by
    14:00) in the same clause, on the afternoon's clock when it would otherwise lie
    wholly before ``previous`` and the afternoon's begins where or after ``previous``
    ends: ``2:30-6:00`` after ``08:30-12:00`` is 14:30-18:00, not the night. Else as it
    is (``0:00-2:00`` after ``20:00-24:00`` is the night, ``8:00-12:00`` after
    ``13:00-18:00`` the morning)."""
    first_start, first_end = previous
    if first_end > "14:00" or not start < end <= first_start or end > "12:00":
        return start, end
    later = tuple(f"{int(t[:2]) + 12:02d}{t[2:]}" for t in (start, end))
    return (later[0], later[1]) if later[0] >= first_end else (start, end)


def _day_range(first: str, last: str) -> str:
    a, b = _ORDER.index(_DAY[first]), _ORDER.index(_DAY[last])
    if a == b:
        return _ORDER[a]
    if b == a + 1:
        return f"{_ORDER[a]},{_ORDER[b]}"
    return f"{_ORDER[a]}-{_ORDER[b]}"


def _days(text: str) -> tuple[str | None, str]:
    """The days a segment names, in OSM (``Mo-Fr``), and the text left; None if none."""
    patterns: list[tuple[str, object]] = [
        (_WEEKDAY + r"\s*(?:至|到|-|~)\s*" + _WEEKDAY, lambda m: _day_range(m[1], m[2])),
        (r"(?:周|星期)([一二三四五六日天])(?:[、,和及]?([一二三四五六日天]))+", None),
        (r"工作日|周一至五", "Mo-Fr"),
        (r"周末|双休日|周六日|周六、?周日|星期六、?星期日|周六和周日", "Sa,Su"),
        (r"每天|每日|天天|全年|全周|周一至周日", "Mo-Su"),
        (_WEEKDAY, lambda m: _DAY[m[1]]),
    ]
    for pattern, out in patterns:
        match = re.search(pattern, text)
        if not match:
            continue
        if out is None:
            named = re.findall(r"[一二三四五六日天]", match.group(0))
            codes = sorted({_DAY[c] for c in named}, key=_ORDER.index)
            days = ",".join(codes)
        elif callable(out):
            days = out(match)
        else:
            days = str(out)
        return days, text[: match.start()] + " " + text[match.end() :]
    return None, text


_CLOSED_RE = re.compile(r"休息|闭馆|关闭|不开放|停止开放|除外|休")
_HOLIDAY_RE = re.compile(r"节假日|法定节假日|法定假日|节日|假日|公休日")
_FILLER_RE = re.compile(r"[\s,，、;；:：。.()（）]|开放|营业|服务|时间|全天|照常|正常|均|为")


def _segment(text: str) -> str | None:
    """One clause (``周一至周五 9:00-18:00``, ``节假日休息``) as one OSM rule; empty when
    it adds nothing (``节假日照常营业``); None when it is not understood."""
    if _ALWAYS_RE.match(text.replace(" ", "")):
        return "24/7"
    holiday = _HOLIDAY_RE.search(text)
    rest = _HOLIDAY_RE.sub(" ", text)
    lunch, rest = take_lunch(rest)
    days, rest = _days(rest)
    holidays_too = bool(holiday and days is None and _HOLIDAYS_TOO_RE.search(rest))
    if holidays_too:
        days = "Mo-Su,PH"  # 8:00-20:00（节假日不休）: every day, holidays too
        rest = _HOLIDAYS_TOO_RE.sub(" ", rest)
    elif holiday:
        days = "PH" if days is None else f"{days},PH"
    found = _spans(rest)
    if found is None:
        return None
    spans, rest = found
    if lunch:  # 8:00-20:00（午休12:00-13:00）: open before and after the break
        shorter = less_lunch(spans)
        if shorter is None:
            return None
        spans = shorter
    rest = rest.replace("无休", " ")  # 全年无休: open every day, not 休 (closed)
    closed = bool(_CLOSED_RE.search(rest))
    rest = _CLOSED_RE.sub(" ", rest)
    if re.search(r"(?:24|二十四)\s*小时", rest):
        spans = spans or ["00:00-24:00"]
        rest = re.sub(r"(?:24|二十四)\s*小时", " ", rest)
    if _FILLER_RE.sub("", rest):
        return None  # words left over that were not understood
    if holidays_too and not spans and not closed:
        return ""  # 节假日照常营业 after the week's hours: nothing to add
    if closed and not spans:
        return f"{days} off" if days else "off"
    if not spans or closed:
        return None
    times = ",".join(spans)
    return f"{days or 'Mo-Su'} {times}"


#: A span with its part of the day written after it in brackets, ``2:00-6:00（下午）``:
#: the same as ``下午2:00-6:00``.
_PART_AFTER_RE = re.compile(
    r"([0-9]{1,2}(?:[:.][0-9]{2})?\s*-\s*[0-9]{1,2}(?:[:.][0-9]{2})?)\s*\((上午|下午|中午|晚上)\)"
)
#: Holidays named as open like every day: 节假日不休, 节假日照常, 节假日无休.
_HOLIDAYS_TOO_RE = re.compile(r"不休息|不休|无休|照常|正常")


def _convert(text: str) -> str | None:
    """The whole text as OSM rules, or None when any part is not understood."""
    cleaned = expand_shorthand(_clean(text))
    # Clauses are split at ；。 newlines and commas, but a comma before another span or
    # day of the same clause (``9:00-12:00，14:30-18:00``, ``周一,三``) does not split,
    # and 、 only ever lists.
    clauses = re.split(
        r"[;；。\n]|[,，](?!\s*(?:(?:上午|下午|中午|晚上)?\s*[0-9]{1,2}[:.：点时]|[一二三四五六日天]|午休))"
        # A span, then days with their own hours (8:00-20:00 周末10:00-16:00), or holidays
        # (9:00-18:00 节假日休息, 8:00-20:00（节假日除外）): two clauses.
        r"|(?<=[0-9])\s*\(?(?=周|星期|礼拜|工作日|双休日|每天|每日|法定|节假日|节日|假日|公休日)",
        cleaned,
    )
    rules: list[str] = []
    for clause in (_PART_AFTER_RE.sub(r"\2\1", c).strip() for c in clauses):
        if not clause:
            continue
        rule = _segment(clause)
        if rule is None:
            return None
        days, _, times = rule.partition(" ")
        last_days, _, last_times = rules[-1].partition(" ") if rules else ("", "", "")
        if times and days == last_days and "off" not in (times, last_times):
            # 9:00-12:00；14:30-18:00: both spans of the same days (a second OSM rule for
            # them would replace the first)
            rules[-1] = f"{days} {last_times},{times}"
        elif not rule and last_times and last_times != "off" and "PH" not in last_days:
            # 9:00-21:00，节假日照常营业: holidays keep the hours before, said outright
            rules[-1] = f"{last_days},PH {last_times}"
        elif rule:
            rules.append(rule)
    if not rules:
        return None
    # Exceptions (``PH off``, ``Sa,Su off``) go after the rules they override.
    rules.sort(key=lambda r: r.endswith(" off"))
    return "; ".join(rules)


def _plausible(text: str) -> bool:
    """Chinese text that speaks of hours: a person can decide what it means."""
    has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    speaks = re.search(r"[0-9]{1,2}\s*[:：点时]|小时|开放|营业|休息|[夏冬春秋]季|周|星期", text)
    return has_cjk and bool(speaks)


def _osm_hours(osm: str) -> OfficeHours:
    """Valid OSM hours as they are, with a note on a rule that holds every day only
    because a comment and a comma came before it."""
    trapped = every_day_after_comment(osm)
    if not trapped:
        return OfficeHours(osm)
    rule, days = trapped[0]
    days_zh, days_en = describe_schedule(days, "zh"), describe_schedule(days, "en")
    return OfficeHours(
        osm,
        note_zh=f"开放时间中的“{rule}”前面是引号里的说明和逗号，按 opening_hours 规则它是单独的"
        f"一条，每天都适用（周末也算）；若它也只在{days_zh}，请在前面加上 {days}，"
        f"写成“{days} {rule}”",
        note_en=f"in the opening hours, {rule!r} follows a comment and a comma, so by the "
        "opening_hours rules it is a rule of its own and holds every day, weekends too; "
        f"if it is also only on {days_en}, put {days} in front of it: '{days} {rule}'",
    )


def read_office_hours(text: str) -> OfficeHours:
    """Read ``text`` as an office wrote it; raise :class:`HoursError` (with Chinese)
    when it is neither convertible nor plausibly hours.

    OSM syntax is kept unchanged. An unambiguous office form is converted and a note
    says how; a form that needs a person (seasons without dates) is kept as written.
    """
    stripped = text.strip()
    try:
        hours = parse_hours(stripped)
    except HoursError as exc:
        error = exc
    else:
        _refuse_same_start_and_end(stripped, hours.text)
        return _osm_hours(hours.text)
    if len(stripped) <= _MAX_CLOCK_TEXT and (clock := clock_of(stripped)) is not None:
        raise _lone_clock(stripped, clock)
    if len(stripped) > MAX_LENGTH:
        raise error
    if _PROGRAMME_RE.search(stripped):
        return _kept(stripped, "“5+2”没有写明每天几点开放", "'5+2' does not say at what times")
    if _UNDECIDED_RE.search(stripped) and _plausible(stripped):
        return _kept(
            stripped, "季节或时段的起止日期没有写明", "the dates of each period are not said"
        )
    converted = _convert(stripped)
    if converted is not None:
        try:
            osm = parse_hours(converted).text
        except HoursError:
            osm = None
        if osm is not None:
            _refuse_same_start_and_end(stripped, osm)
            return OfficeHours(
                osm,
                note_zh=f"开放时间“{stripped}”已按 {osm} 理解，请核对",
                note_en=f"opening hours {stripped!r} were read as {osm}; please check",
            )
    if _plausible(stripped):
        return _kept(stripped, "无法自动换算", "they could not be converted")
    if not any("\u4e00" <= ch <= "\u9fff" for ch in stripped):
        raise error  # OSM syntax with a mistake: the parser's message names the place
    raise HoursError(
        f"opening hours {stripped!r} are not understood; write them as {EXAMPLE_EN} "
        "(OpenStreetMap syntax) or in words such as 周一至周五 9:00-18:00",
        f"开放时间“{stripped}”无法识别：请写成 {EXAMPLE}，或写成“周一至周五 9:00-18:00”这样的文字",
    ) from None


#: A span of OSM hours (``08:00-20:00``), and a comment, blanked before spans are sought.
_OSM_SPAN_RE = re.compile(r"(?<![0-9:])([0-9]{1,2}):([0-9]{2})\s*-\s*([0-9]{1,2}):([0-9]{2})")
_QUOTED_RE = re.compile(r'"[^"]*"')


def _refuse_same_start_and_end(text: str, osm: str) -> None:
    """Refuse hours ``text`` (read as ``osm``) with a span that opens and closes at the
    same minute (``10:00-10:00``), outside comments: the parsing library reads it as open
    around the clock, and an office that means that writes 24/7. Stored hours are not
    checked here, so a station saved with such a span still loads and displays."""
    for match in _OSM_SPAN_RE.finditer(_QUOTED_RE.sub(lambda c: " " * len(c[0]), osm)):
        hour, minute, end_hour, end_minute = (int(n) for n in match.groups())
        if (hour, minute) == (end_hour, end_minute):
            span = match[0]
            raise HoursError(
                f"opening hours {text!r} start and end at the same time ({span}): for a "
                "station open all day write 24/7 or 00:00-24:00; otherwise correct the "
                "opening or closing time",
                f"开放时间“{text}”的开始和结束时间相同（{span}）：如全天开放请写 24/7 或 "
                "00:00-24:00，否则请改正开门或关门时间",
            )


def _kept(text: str, why_zh: str, why_en: str) -> OfficeHours:
    return OfficeHours(
        None,
        as_written=text,
        note_zh=f"开放时间“{text}”需要人工确认（{why_zh}），已按原文保存，开放状态显示为"
        f"“未知”；确认后请改写成 {EXAMPLE}",
        note_en=f"opening hours {text!r} need a person to decide ({why_en}); kept as written "
        f"and shown with the open state unknown; rewrite them as {EXAMPLE_EN}",
    )


# Excel keeps a time as a fraction of a day (0.5 is 12:00). A cell holding only a time
# shows a date before 1900 (or 1904 in a Mac workbook) when its format has a date:
# Excel shows serial 0 as 1900/1/0, openpyxl and pandas as 1899-12-30.
_TIME_ONLY_DAYS = (date(1899, 12, 30), date(1899, 12, 31), date(1904, 1, 1))
_MAX_CLOCK_TEXT = 40
_CLOCK_RE = re.compile(
    r"(?:(?:1899[-/.]12[-/.]3[01]|1900[-/.]0?1[-/.]0?0|1904[-/.]0?1[-/.]0?1)(?:\s+|T))?"
    r"(?P<part>上午|下午|中午|晚上|早上|凌晨|早|晚)?\s*(?P<hour>[0-9]{1,2})"
    r"(?:[:：](?P<minute>[0-9]{2})(?:[:：](?P<second>[0-9]{2}(?:\.[0-9]+)?))?"
    r"|[点时](?:(?P<cn_minute>[0-9]{1,2})分?|(?P<half>半))?)"
    r"\s*(?P<ampm>AM|PM|A\.M\.|P\.M\.)?",
    re.IGNORECASE,
)
_SERIAL_RE = re.compile(r"0?\.[0-9]+|0")


def _hh_mm(seconds: float) -> str | None:
    """A time of day ``seconds`` after midnight as ``HH:MM``, to the nearest minute
    (24:00 for the end of the day); None past it."""
    minutes = round(seconds / 60)
    if not 0 <= minutes <= 24 * 60:
        return None
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def clock_of(value: object) -> str | None:
    """A time of day in a spreadsheet cell as ``HH:MM``, or None if the cell holds none.

    Read: a time (``datetime.time``), a date-time on a date Excel gives a time alone
    (1899-12-30, 1900/1/0, 1904-01-01), a duration under a day, Excel's time serial (a
    number from 0 to 1: 0.5 is 12:00, as a CSV exported without formats holds it), and
    text: ``8:00``, ``08:00:00``, ``8点``, ``8点半``, ``下午6:30``, ``6:30 PM``,
    ``1899-12-30 08:00:00``. Seconds are rounded to the minute."""
    if isinstance(value, datetime):
        if value.date() not in _TIME_ONLY_DAYS:
            return None
        value = value.time()
    if isinstance(value, time):
        return _hh_mm(value.hour * 3600 + value.minute * 60 + value.second)
    if isinstance(value, timedelta):
        return _hh_mm(value.total_seconds()) if value < timedelta(days=1) else None
    if isinstance(value, float | int) and not isinstance(value, bool):
        if math.isfinite(value) and 0 <= value < 1:
            return _hh_mm(value * 86400)
        return None
    if not isinstance(value, str) or len(value) > _MAX_CLOCK_TEXT:
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    if _SERIAL_RE.fullmatch(text):
        return _hh_mm(float(text) * 86400)
    match = _CLOCK_RE.fullmatch(text)
    if match is None:
        return None
    hour = int(match["hour"])
    minute = int(match["minute"] or match["cn_minute"] or (30 if match["half"] else 0))
    second = float(match["second"] or 0)
    afternoon = (match["ampm"] or "").upper().startswith("P") or match["part"] in _EVENING
    if afternoon and hour < 12:
        hour += 12
    elif match["part"] in ("晚上", "晚") and hour == 12:
        hour = 24  # 晚上12点 is midnight
    elif (match["ampm"] or "").upper().startswith("A") and hour == 12:
        hour = 0
    if hour > 24 or minute > 59 or second >= 60:
        return None
    return _hh_mm(hour * 3600 + minute * 60 + second)


def _lone_clock(text: str, clock: str) -> HoursError:
    span = f"{clock}-20:00" if clock < "20:00" else f"08:00-{clock}"
    serial = _SERIAL_RE.fullmatch(text) is not None
    how_zh = f"（Excel 的时间数值 {text}，即 {clock}）" if serial else ""
    how_en = f" (Excel's time number {text}, that is {clock})" if serial else ""
    return HoursError(
        f"opening hours {text!r}{how_en} are one time of day, not a span: write when the "
        f"station opens and closes, e.g. {span} (every day) or Mo-Fr {span}; "
        "if the cell is formatted as a time, set its format to Text first, or use two "
        "columns headed 开始时间 and 结束时间",
        f"开放时间“{text}”{how_zh}只是一个时刻，不是开放时段：请写明开门和关门时间，如 "
        f"{span}（每天）或 周一至周五 {span}；如单元格是时间格式，请先把格式"
        "改为“文本”再输入，或分成“开始时间”“结束时间”两列",
    )


def hours_from_pair(start: object, end: object, start_name: str, end_name: str) -> OfficeHours:
    """Daily hours from a start and an end column (开始时间 08:00, 结束时间 20:00 ->
    ``08:00-20:00``), each a time as :func:`clock_of` reads it, with a note saying how
    they were read; ``OfficeHours(None)`` when both are empty. Raises
    :class:`HoursError` naming the column (``start_name``, ``end_name``: the headers as
    the office wrote them) that is empty or not a time."""
    given = [(v, n) for v, n in ((start, start_name), (end, end_name)) if v not in (None, "")]
    if not given:
        return OfficeHours(None)
    clocks = []
    for value, name in ((start, start_name), (end, end_name)):
        if value in (None, ""):
            other = end_name if name == start_name else start_name
            raise HoursError(
                f"{other} is given but {name} is empty: fill in both, e.g. 08:00 and 20:00",
                f"填了“{other}”，但“{name}”是空的：请两项都填，如 08:00 和 20:00",
            )
        clock = clock_of(value)
        if clock is None:
            shown = str(value)[:40]
            raise HoursError(
                f"{name} {shown!r} is not a time of day: write it as 08:00",
                f"“{name}”的“{shown}”不是时刻：请写成 08:00 这样的时间",
            )
        clocks.append(clock)
    opens, closes = clocks
    if closes == "00:00":
        closes = "24:00"  # closes at midnight
    if opens == closes or opens == "24:00":
        raise HoursError(
            f"{start_name} {opens} and {end_name} {closes} give no hours: write when the "
            "station opens and when it closes (for a station always open, write 24/7 in "
            "an 开放时间 column)",
            f"“{start_name}”{opens} 与“{end_name}”{closes} 构不成开放时段：请填写开门和"
            "关门时间（全天开放的驿站请在“开放时间”列写 24/7）",
        )
    span = f"{opens}-{closes}"
    osm = parse_hours(span).text
    return OfficeHours(
        osm,
        note_zh=f"“{start_name}”{opens}、“{end_name}”{closes} 已按每天 {osm} 读入，请核对"
        f"（如周末不开，请改为开放时间列，写 Mo-Fr {span}）",
        note_en=f"{start_name} {opens} and {end_name} {closes} were read as {osm} every day; "
        f"please check (if closed at weekends, use an opening hours column: Mo-Fr {span})",
    )
