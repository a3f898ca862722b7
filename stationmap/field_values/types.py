"""Whether a field's value has a type a station can hold: text (or a number read from a
spreadsheet), a list of them where a list is allowed, and nothing that no encoding can
store (a lone surrogate, which JSON's ``\\ud800`` escape can produce)."""

from __future__ import annotations

from collections.abc import Mapping

from stationmap.field_values import ValueProblem, has_lone_surrogate


def _kind(value: object) -> str:
    """The JSON name of ``value``'s type, as an integrator would call it."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def _scalar(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def type_problem(value: object, label_zh: str, *, list_allowed: bool) -> ValueProblem | None:
    """The problem with ``value``'s type for a field named ``label_zh`` in Chinese, or
    ``None``. ``None`` itself is always fine (the field is left empty)."""
    if value is None or (type(value) is str and value.isascii()):
        return None  # the common cases, quickly (no surrogate is ASCII)
    items = value if isinstance(value, list | tuple) else [value]
    if list_allowed and not all(_scalar(item) for item in items):
        return ValueProblem(
            f"must be text or a list of texts, not a {_kind(value)}",
            f"{label_zh}应为文字或文字列表，不能是{_kind(value)}：请改为文字，多项用“；”分开",
        )
    if not list_allowed and not _scalar(value):
        return ValueProblem(
            f"must be text, not a {_kind(value)}",
            f"{label_zh}应为文字，不能是{_kind(value)}：请改为一段文字",
        )
    if any(isinstance(item, str) and has_lone_surrogate(item) for item in items):
        return ValueProblem(
            "contains an invalid character (an unpaired UTF-16 surrogate such as \\ud800): "
            "type the text again",
            f"{label_zh}含有无效字符（不成对的 UTF-16 代理码，如 \\ud800）：请重新输入这段文字",
        )
    return None
