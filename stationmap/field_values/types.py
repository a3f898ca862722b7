"""Whether a field's value has a type a station can hold: text (or a number read from a
spreadsheet), a list of them where a list is allowed, and nothing that no encoding can
store (a lone surrogate, which JSON's ``\\ud800`` escape can produce)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time

from stationmap.field_values import ValueProblem, has_lone_surrogate


def _kind(value: object) -> tuple[str, str]:
    """The name of ``value``'s type in English (with its article) and in Chinese, as
    an integrator (JSON) or an office (a spreadsheet cell) would call it."""
    if isinstance(value, bool):
        return "a boolean (true/false)", "真假值（true/false）"
    if isinstance(value, list | tuple):
        return "a list", "列表"
    if isinstance(value, Mapping):
        return "an object ({...})", "对象（{…}）"
    if isinstance(value, datetime | date | time):
        return "a date or time", "日期或时间"
    name = type(value).__name__
    return f"a value of type {name}", f"{name} 类型的值"


def _scalar(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def type_problem(value: object, label_zh: str, *, list_allowed: bool) -> ValueProblem | None:
    """The problem with ``value``'s type for a field named ``label_zh`` in Chinese, or
    ``None``. ``None`` itself is always fine (the field is left empty)."""
    if value is None or (type(value) is str and value.isascii()):
        return None  # the common cases, quickly (no surrogate is ASCII)
    items = value if isinstance(value, list | tuple) else [value]
    if list_allowed and not all(_scalar(item) for item in items):
        kind_en, kind_zh = _kind(value)
        if isinstance(value, list | tuple):  # a list is allowed: name what is in it
            item_en, item_zh = _kind(next(item for item in items if not _scalar(item)))
            kind_en, kind_zh = f"a list holding {item_en}", f"含有{item_zh}的列表"
        return ValueProblem(
            f"must be text or a list of texts, not {kind_en}",
            f"{label_zh}应为文字或文字列表，不能是{kind_zh}：请改为文字，多项用“；”分开",
        )
    if not list_allowed and not _scalar(value):
        kind_en, kind_zh = _kind(value)
        return ValueProblem(
            f"must be text, not {kind_en}",
            f"{label_zh}应为文字，不能是{kind_zh}：请改为一段文字",
        )
    if any(isinstance(item, str) and has_lone_surrogate(item) for item in items):
        return ValueProblem(
            "contains an invalid character (an unpaired UTF-16 surrogate such as \\ud800): "
            "type the text again",
            f"{label_zh}含有无效字符（不成对的 UTF-16 代理码，如 \\ud800）：请重新输入这段文字",
        )
    return None
