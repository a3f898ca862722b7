"""Shorthand offices use for hours, rewritten into the forms :mod:`hours_office` reads.

- Chinese numerals before 点 or 时: ``早八点到晚八点`` -> ``早8点到晚8点``.
- A morning clock and an evening one with nothing between: ``早8晚8`` -> ``早8-晚8``.
- A slash between two spans: ``8:30-11:30/14:00-17:30`` -> ``8:30-11:30,14:00-17:30``,
  ``8点到12点/14点到18点`` alike;
  before days, it ends a clause: ``周一至周五 8:00-12:00/周六 9:00-11:00`` -> ``…;周六 …``.
- The next day named at a span's end: ``20:00-次日8:00`` -> ``20:00-凌晨8:00`` (an end
  that is not in the afternoon whatever the start's part of the day; the span runs past
  midnight as ``20:00-08:00`` does in ``opening_hours``).
- A lunch break written as closed: ``中午12:00-13:00休息`` -> ``午休中午12:00-13:00``,
  which :func:`less_lunch` takes out of the day's span.

Input has been through ``hours_office._clean`` (NFKC, every dash ``-``). Pure.
"""

from __future__ import annotations

import re

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
# Not straight after 周, 星期 or 礼拜 (周五九点: Friday, nine o'clock).
_NUMERAL_RE = re.compile(r"(?<![周期拜])([零一二两三四五六七八九十]{1,3})(?=点|时)")
_CLOCK = r"[0-9]{1,2}(?:[:.][0-9]{2})?(?:点半|点|时)?"
_MORNING_EVENING_RE = re.compile(rf"((?:早上|早|上午)\s*{_CLOCK})\s*(?=(?:晚上|晚|下午)\s*[0-9])")
# What a clock ends with before a slash: a digit (12:00), 点 or 时 (12点), 点半 (8点半).
_CLOCK_END = r"(?:(?<=[0-9])|(?<=[0-9][点时])|(?<=[0-9]点半))"
_SLASH_RE = re.compile(
    _CLOCK_END + r"\s*/\s*(?=(?:上午|下午|中午|晚上|早上|早|晚)?\s*[0-9]{1,2}[:.点时])"
)
_SLASH_DAYS_RE = re.compile(_CLOCK_END + r"\s*/\s*(?=周|星期|礼拜|工作日|双休日|节假日|法定)")
_NEXT_DAY_RE = re.compile(r"(?<=[-~至到])\s*(?:次日|第二天|翌日)\s*(凌晨|早上|早|上午)?")
_LUNCH_CLOSED_RE = re.compile(r"(中午\s*[0-9][0-9:.点半\s~至到-]*?[0-9点半])\s*休息?")
_LUNCH_RE = re.compile(r"午休(?:时间)?|午间休息")


def _numeral(text: str) -> str:
    """一 to 二十四 as digits; the text unchanged when it is no hour (十十)."""
    tens, _, ones = text.partition("十")
    if "十" in text:
        if tens not in ("", "二") or ones not in ("", *_DIGITS):  # 十, 十二, 二十, 二十四
            return text
        value = (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    elif len(text) == 1:
        value = _DIGITS[text]
    else:
        return text
    return str(value) if value <= 24 else text


def expand_shorthand(text: str) -> str:
    """``text`` with each shorthand above rewritten; other text unchanged."""
    text = _NUMERAL_RE.sub(lambda m: _numeral(m[1]), text)
    text = _MORNING_EVENING_RE.sub(r"\1-", text)
    text = _SLASH_RE.sub(",", text)
    text = _SLASH_DAYS_RE.sub(";", text)
    text = _NEXT_DAY_RE.sub(lambda m: m[1] or "凌晨", text)
    return _LUNCH_CLOSED_RE.sub(r"午休\1", text)


def take_lunch(text: str) -> tuple[bool, str]:
    """Whether ``text`` names a lunch break (午休), and the text without those words."""
    return _LUNCH_RE.search(text) is not None, _LUNCH_RE.sub(" ", text)


def less_lunch(spans: list[str]) -> list[str] | None:
    """A day's span and its lunch break (``08:00-20:00``, ``12:00-13:00``) as the two
    spans open (``08:00-12:00``, ``13:00-20:00``); None unless there are exactly two
    spans and the second lies strictly inside the first."""
    if len(spans) != 2:
        return None
    (start, end), (lunch_start, lunch_end) = (s.split("-") for s in spans)
    if not start < lunch_start < lunch_end < end:
        return None
    return [f"{start}-{lunch_start}", f"{lunch_end}-{end}"]
