"""Opening hours in words, for people: the one describer used by the printed maps, the
posters, the station page and the API's ``hours_zh`` / ``hours_en``.

``Mo-Fr 08:00-20:00; PH off`` reads ``周一至周五 08:00-20:00；节假日 休息`` in Chinese
and ``Mon–Fri 08:00-20:00; public holidays closed`` in English. What a rule says on one
day comes from evaluating the hours (so week numbers, months and holidays count), and
is put first where a person looks for it: ``今天 08:00-20:00（周一至周五 …）``.

Pure: no Flask, no database. Every function here is bounded by the length of the text
(500 characters at most) and one day's evaluation.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise

from stationmap.geo.hours import HoursError, parse_hours

_DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_DAYS = {
    "zh": dict(
        zip(_DAY_CODES, ("周一", "周二", "周三", "周四", "周五", "周六", "周日"), strict=True)
    ),
    "en": dict(zip(_DAY_CODES, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True)),
}
_MONTH_CODES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WORDS = {
    "zh": {
        "PH": "节假日",
        "SH": "学校假期",
        "off": "休息",
        "closed": "休息",
        "unknown": "时间未定",
        "open": "",
        "sunrise": "日出",
        "sunset": "日落",
        "dawn": "黎明",
        "dusk": "黄昏",
        "easter": "复活节",
    },
    "en": {
        "PH": "public holidays",
        "SH": "school holidays",
        "off": "closed",
        "closed": "closed",
        "unknown": "hours unknown",
        "open": "",
        "sunrise": "sunrise",
        "sunset": "sunset",
        "dawn": "dawn",
        "dusk": "dusk",
        "easter": "Easter",
    },
}
_ALWAYS = {"zh": "全天24小时", "en": "open 24 hours"}
_EVERY_DAY = {"zh": "每天", "en": "daily"}
_ALL_DAY = {"zh": "24小时", "en": "24 hours"}
_UNKNOWN = {"zh": "未知", "en": "unknown"}
_TODAY = {"zh": "今天", "en": "Today"}
_DAY_OFF = {"zh": "休息", "en": "closed"}
_DAY_UNKNOWN = {"zh": "时间未定", "en": "hours unknown"}
_OTHERWISE = {"zh": "其他时间：", "en": "other times: "}

_COMMENT_RE = re.compile(r'"([^"]*)"')
_TOKEN_RE = re.compile(
    r"\b(Mo|Tu|We|Th|Fr|Sa|Su|PH|SH|off|closed|unknown|open|sunrise|sunset|dawn|dusk|easter"
    r"|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
)


def _lang(lang: str) -> str:
    return "zh" if lang.startswith("zh") else "en"


def _nth_weekday(match: re.Match[str]) -> str:
    """``Sun[1]`` -> ``1st Sun of the month``."""
    n = int(match.group(2))
    return f"{n}{('st', 'nd', 'rd')[n - 1] if n <= 3 else 'th'} {match.group(1)} of the month"


def _rule_words(rule: str, lang: str) -> str:
    """One rule (no ``;``) in words; each comment in brackets right after the span it
    follows (``08:00-12:00（上午）、14:00-18:00（下午）``); a rule of a comment alone is
    the comment."""
    comments: list[str] = [c.strip() for c in _COMMENT_RE.findall(rule)]
    # Each comment stands in its place as \x04N\x04 until the words are made, so that
    # nothing below rewrites its text.
    numbers = iter(range(len(comments)))
    rule = _COMMENT_RE.sub(lambda _m: f" \x04{next(numbers)}\x04 ", rule).strip()
    rule = re.sub(r"\bMo-Su\b", "\x00", rule)  # every day, said as such below
    rule = rule.replace("00:00-24:00", "\x01").replace("24/7", "\x02")
    rule = re.sub(r"\bweek ([0-9]{1,2}(?:-[0-9]{1,2})?(?:/[0-9]+)?)", "\x03\\1\x03", rule)

    def token(match: re.Match[str]) -> str:
        word = match.group(1)
        if word in _DAY_CODES:
            return _DAYS[lang][word]
        if word in _MONTH_CODES:
            return f"{_MONTH_CODES.index(word) + 1}月" if lang == "zh" else word
        return _WORDS[lang][word]

    out = _TOKEN_RE.sub(token, rule)
    if lang == "zh":
        out = re.sub(r"(周.|节假日)-(周.)", r"\1至\2", out)
        out = re.sub(r"(?<=月) ?0?([0-9]{1,2})-0?([0-9]{1,2})\b(?!:)", r"\1日至\2日", out)
        out = re.sub(r"(?<=月) ?0?([0-9]{1,2})\b(?!:)", r"\1日", out)
        out = re.sub(r"\b((?:19|20|21)[0-9]{2})\b(?!:) ?", r"\1年", out)
        out = re.sub(r"(日出|日落|黎明|黄昏)-(日出|日落|黎明|黄昏)", r"\1至\2", out)
        out = re.sub(
            r"((?:[0-9]{4}年)?[0-9]+月(?:[0-9]+日)?)-(?=(?:[0-9]{4}年)?[0-9]+月)", r"\1至", out
        )
        out = re.sub(r"\x03([^\x03]*)\x03", r"第\1周", out)
        out = re.sub(r"(周.)\[([1-5])\]", r"每月第\2个\1", out)
        out = re.sub(r"(周.)\[-1\]", r"每月最后一个\1", out)
        out = re.sub(r"([0-9]{2}:[0-9]{2})\+", r"\1起", out)
        out = re.sub(r"\s*,\s*", "、", out)
    else:
        out = re.sub(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun)-(?=Mon|Tue|Wed|Thu|Fri|Sat|Sun)", r"\1–", out)
        out = re.sub(r"\x03([^\x03]*)\x03", r"weeks \1", out)
        out = re.sub(r"\b([A-Z][a-z]{2})\[([1-5])\]", _nth_weekday, out)
        out = re.sub(r"\b([A-Z][a-z]{2})\[-1\]", r"last \1 of the month", out)
        out = re.sub(r"([0-9]{2}:[0-9]{2})\+", r"from \1", out)
        out = re.sub(r"\s*,\s*", ", ", out)
    out = out.replace("\x00", _EVERY_DAY[lang]).replace("\x02", _ALWAYS[lang])
    out = out.replace("\x01", _ALL_DAY[lang])
    out = re.sub(r"\s+", " ", out).strip()
    if re.fullmatch(r"\x04[0-9]+\x04", out):  # a comment alone (OSM allows one): as written
        return comments[0]

    def note(match: re.Match[str]) -> str:
        text = comments[int(match.group(1))]
        if not text:
            return ""
        return f"（{text}）" if lang == "zh" else f" ({text})"

    out = re.sub(r" ?\x04([0-9]+)\x04", note, out)
    return re.sub(r"\s+", " ", out).strip()


def _split_outside_comments(text: str, separator: str) -> list[str]:
    """``text`` cut at each ``separator`` that is not inside a ``"comment"``."""
    parts = [""]
    for number, piece in enumerate(re.split(r'("[^"]*")', text)):
        if number % 2:  # a comment, kept whole
            parts[-1] += piece
            continue
        first, *rest = piece.split(separator)
        parts[-1] += first
        parts.extend(rest)
    return [p.strip() for p in parts]


#: A comment and then ", ": the comment ends its rule, so the comma starts another.
_AFTER_COMMENT_RE = re.compile(r'("[^"]*")\s*,\s*')
#: A rule that starts with its times names no day, week or month: it holds every day.
_TIMES_FIRST_RE = re.compile(r"(?:[0-9]{1,2}:[0-9]{2}|sunrise|sunset|dawn|dusk|\()")


def _rules(part: str) -> list[tuple[str, bool]]:
    """The rules of one ``||`` part, each with whether it follows a comment and a comma
    (``Mo-Fr 08:00-12:00 "上午", 14:00-18:00``: the second rule, every day)."""
    out: list[tuple[str, bool]] = []
    for rule in _split_outside_comments(part, ";"):
        pieces = _AFTER_COMMENT_RE.split(rule)  # text, comment, text, comment, ..., text
        joined = [text + comment for text, comment in zip(pieces[:-1:2], pieces[1::2], strict=True)]
        joined.append(pieces[-1])
        out.extend((piece.strip(), n > 0) for n, piece in enumerate(joined) if piece.strip())
    return out


def every_day_after_comment(text: str) -> list[tuple[str, str]]:
    """The rules of valid ``text`` that name no day yet follow a comment and a comma
    (``14:00-18:00 "下午"`` in ``Mo-Fr 08:00-12:00 "上午", 14:00-18:00 "下午"``), each
    with the days the rule before it names (``Mo-Fr``): by the opening_hours grammar the
    comment ends its rule, so such a rule holds every day, weekends too, which the
    office rarely means."""
    if '"' not in text:  # no comment, no such rule: most hours, every import row
        return []
    out = []
    for part in _split_outside_comments(text.strip(), "||"):
        rules = _rules(part)
        for (before, _), (rule, after_comment) in pairwise(rules):
            plain = _COMMENT_RE.sub("", before)  # a rule of a comment alone names no days
            first_time = _TIMES_FIRST_RE.search(plain)
            days = plain[: first_time.start() if first_time else None].strip()
            if after_comment and _TIMES_FIRST_RE.match(rule) and days:
                out.append((rule, days))
    return out


@lru_cache(maxsize=4096)
def describe_schedule(text: str | None, lang: str = "zh") -> str:
    """The whole week of OSM ``opening_hours`` ``text`` in words in ``lang``
    (``zh`` or ``en``): ``Mo-Fr 08:00-20:00; PH off`` -> ``周一至周五 08:00-20:00；节假日
    休息``. Empty or missing hours read 未知 / unknown; text that is not OSM syntax is
    given back as written (it is what the office wrote)."""
    lang = _lang(lang)
    if text is None or not text.strip():
        return _UNKNOWN[lang]
    stripped = text.strip()
    if stripped == "24/7":
        return _ALWAYS[lang]
    try:
        parse_hours(stripped)
    except HoursError:
        return stripped
    glue = "；" if lang == "zh" else "; "
    said = []
    for number, part in enumerate(_split_outside_comments(stripped, "||")):
        words = []
        for index, (rule, _) in enumerate(_rules(part)):
            if not (said_rule := _rule_words(rule, lang)):
                continue
            if index and _TIMES_FIRST_RE.match(rule):  # no day named: every day
                said_rule = f"{_EVERY_DAY[lang]} {said_rule}"
            words.append(said_rule)
        if number and words:  # a fallback rule: what holds when no rule before does
            words[0] = f"{_OTHERWISE[lang]}{words[0]}"
        said.extend(words)
    return glue.join(said)


def _clock(moment: datetime, day: date) -> str:
    if moment.date() > day:
        return "24:00"
    return moment.strftime("%H:%M")


@lru_cache(maxsize=4096)
def describe_day(text: str, day: date, lang: str = "zh") -> str | None:
    """What ``text`` says about the local date ``day``: its open spans
    (``08:00-12:00、14:00-18:00``), ``24小时``, ``休息`` or ``时间未定``; None when the
    hours are missing or not OSM syntax. Evaluated, so holidays and week numbers count."""
    lang = _lang(lang)
    try:
        hours = parse_hours(text.strip())
    except HoursError:
        return None
    spans = hours.day_spans(day)
    if spans is None:
        return None
    open_spans = [(s, e) for s, e, is_open in spans if is_open is True]
    if not open_spans:
        if any(is_open is None for _, _, is_open in spans):
            return _DAY_UNKNOWN[lang]
        return _DAY_OFF[lang]
    if len(open_spans) == 1 and open_spans[0][1] - open_spans[0][0] >= timedelta(days=1):
        return _ALL_DAY[lang]
    sep = "、" if lang == "zh" else ", "
    return sep.join(f"{s:%H:%M}-{_clock(e, day)}" for s, e in open_spans)


_EVERY_DAY_RULE = re.compile(
    r"(?:Mo-Su )?[0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2}(?:,[0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2})*"
)


def _same_every_day(text: str) -> bool:
    """True for one rule of times only, every day alike (``Mo-Su 22:00-06:00``,
    ``08:00-12:00,14:00-18:00``): no day, month, week or holiday makes one day differ."""
    return _EVERY_DAY_RULE.fullmatch(text.strip()) is not None


def describe_hours(text: str | None, day: date, lang: str = "zh") -> str | None:
    """The hours in words with ``day``'s first, for a page or an API answer:
    ``今天 08:00-20:00（周一至周五 08:00-20:00；周六、周日 休息）``. Hours the same every
    day are said once (``每天 08:00-20:00``, ``全天24小时``); text that is not OSM syntax
    is given back as written; None when there are no hours."""
    lang = _lang(lang)
    if text is None or not text.strip():
        return None
    schedule = describe_schedule(text, lang)
    today = describe_day(text, day, lang)
    if today is None:
        return schedule
    if schedule in (_ALWAYS[lang], f"{_EVERY_DAY[lang]} {today}"):
        return schedule
    if _same_every_day(text):
        # One rule for every day: overnight hours (22:00-06:00) would otherwise read
        # "今天 00:00-06:00、22:00-24:00（每天 22:00-06:00）", the night cut in two.
        return schedule
    if lang == "zh":
        return f"{_TODAY[lang]} {today}（{schedule}）"
    return f"{_TODAY[lang]} {today} ({schedule})"
