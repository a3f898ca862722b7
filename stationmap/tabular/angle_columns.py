"""Angles written over columns of their own: the degrees, minutes and seconds of a 经度 or
纬度, under a header merged over 度 | 分 | 秒 (a two-row header) or headed 经度（度） |
经度（分） | 经度（秒） in one row. :mod:`~stationmap.tabular.layout` finds them
(:func:`sub_row_angles`, :func:`one_row_angles`) and reads each row's cells as one number
of degrees, d + m/60 + s/3600 (:func:`angle_value`), with a note per angle
(:func:`angle_note`).

Every note and error names its sheet, row and column, in Chinese and English.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from stationmap.station_fields import FieldError
from stationmap.tabular.columns import column_letter
from stationmap.tabular.sheets import Grid

_PARTS = {"度": "d", "°": "d", "分": "m", "′": "m", "'": "m", "秒": "s", "″": "s", '"': "s"}
_PART_WORDS = {"d": ("degrees", "度"), "m": ("minutes", "分"), "s": ("seconds", "秒")}
_BRACKETED_PART = re.compile(r"[(\[【]\s*(度|分|秒|°|′|'|″|\")\s*[)\]】]")
_BRACKETS = re.compile(r"[()\[\]【】\s]")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?", re.ASCII)
_AXES = {"lon": ("longitude", "经度"), "lat": ("latitude", "纬度")}
_EXAMPLE = {"lon": ("86°13′01.2″", "86, 13, 1.2"), "lat": ("44°18′18″", "44, 18, 18")}


@dataclass(frozen=True)
class Angle:
    """The columns (0-based) of one axis's degrees, minutes and, if any, seconds."""

    axis: str  # "lon" or "lat"
    degrees: int
    minutes: int
    seconds: int | None = None

    @property
    def parts(self) -> tuple[int, ...]:
        """The minute and second columns: read with the degrees, no fields of their own."""
        return (self.minutes,) if self.seconds is None else (self.minutes, self.seconds)

    @property
    def last(self) -> int:
        return self.parts[-1]


def _part(text: object) -> str | None:
    """``"d"``, ``"m"`` or ``"s"`` for a sub-header cell naming a part of an angle: 度,
    （分）, ″."""
    if not isinstance(text, str):
        return None
    return _PARTS.get(_BRACKETS.sub("", unicodedata.normalize("NFKC", text)))


def sub_row_angles(
    texts: Mapping[int, str], targets: Mapping[int, str], below: Mapping[int, object]
) -> list[Angle] | None:
    """The angles of a header row whose row ``below`` names only 度 | 分 | 秒 under its
    经度 and 纬度 cells (each merged over its parts, or followed by empty cells); ``None``
    unless every cell of ``below`` is such a part."""
    angles: list[Angle] = []
    used: set[int] = set()
    for col, target in sorted(targets.items()):
        if target not in _AXES or _part(below.get(col)) != "d":
            continue
        found = [col]
        for part, nxt in (("m", col + 1), ("s", col + 2)):
            if _part(below.get(nxt)) != part or nxt in texts:
                break
            found.append(nxt)
        if len(found) < 2:
            return None
        angles.append(Angle(target, *found))
        used.update(found)
    return angles if angles and used == set(below) else None


def one_row_angles(texts: Mapping[int, str], targets: Mapping[int, str]) -> list[Angle]:
    """The angles headed 经度（度） | 经度（分） | 经度（秒） (or （°） | （′） | （″）) in one
    row: one degree and one minute column of an axis, at most one second column, and no
    other column of that axis."""
    angles: list[Angle] = []
    for axis in _AXES:
        cols = [c for c, t in sorted(targets.items()) if t == axis]
        found: dict[str, int] = {}
        for col in cols:
            match = _BRACKETED_PART.search(unicodedata.normalize("NFKC", texts[col]))
            if match is None or (part := _PARTS[match[1]]) in found:
                found = {}
                break
            found[part] = col
        if len(cols) > 1 and len(found) == len(cols) and {"d", "m"} <= found.keys():
            angles.append(Angle(axis, found["d"], found["m"], found.get("s")))
    return angles


def _error(grid: Grid, number: int, col: int, axis: str, en: str, zh: str) -> FieldError:
    dms, parts = _EXAMPLE[axis]
    return FieldError(
        axis,
        f"{en}: correct it (e.g. {dms} is {parts} in the degree, minute and second cells)",
        number,
        f"{zh}：请改正（如 {dms} 的度、分、秒三格分别填 {parts.replace(', ', '、')}）",
        sheet=grid.title,
        column=column_letter(col),
    )


def _shown(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _joined(parts: list[str], lang: int, between: str) -> str:
    """The names of ``parts`` (``lang`` 0: English, 1: Chinese), joined."""
    return between.join(_PART_WORDS[p][lang] for p in parts)


def _nonzero(parts: tuple[str, ...], read: Mapping[str, float]) -> list[str]:
    return [p for p in parts if read.get(p)]


def _number(value: object) -> float | None:
    """A cell's number: an int or a float, or text of one (full-width digits too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return float(text) if _NUMBER.fullmatch(text) else None


def angle_value(
    grid: Grid, number: int, angle: Angle, degrees: object, values: Mapping[int, object]
) -> tuple[float | None, str | FieldError]:
    """Row ``number``'s degrees of ``angle``, d + m/60 + s/3600 (the sign of d for the
    whole), and the parts as written (86°13′1.2″); or ``None`` and the error on the cell
    at fault. An empty second is 0; all cells empty is ``None`` and no error (the field's
    own check says it is required)."""
    axis_en, axis_zh = _AXES[angle.axis]
    cells = {"d": degrees, "m": values.get(angle.minutes)}
    columns = {"d": angle.degrees, "m": angle.minutes}
    if angle.seconds is not None:
        cells["s"], columns["s"] = values.get(angle.seconds), angle.seconds
    read: dict[str, float] = {}
    for part, cell in cells.items():
        en, zh = _PART_WORDS[part]
        if cell is None:
            continue
        if (found := _number(cell)) is None:
            return None, _error(
                grid,
                number,
                columns[part],
                angle.axis,
                f"the {en} of the {axis_en}, {_shown(cell)!r}, is not a number",
                f"{axis_zh}的{zh}“{_shown(cell)}”不是数，此格只填数字",
            )
        if part != "d" and not 0 <= found < 60:
            return None, _error(
                grid,
                number,
                columns[part],
                angle.axis,
                f"the {en} of the {axis_en} are {_shown(cell)}: they must be at least 0 "
                "and less than 60",
                f"{axis_zh}的{zh}是 {_shown(cell)}，应不小于 0、小于 60",
            )
        read[part] = found
    if not read:
        return None, ""
    for part, later in (("d", ("m", "s")), ("m", ("s",))):
        en, zh = _PART_WORDS[part]
        if part not in read and (given := [p for p in later if p in read]):
            words_en = f"are empty, but the {_joined(given, 0, ' and ')} are not: fill them in"
            words_zh = f"是空的，{_joined(given, 1, '、')}却有值：请填上{zh}（没有就填 0）"
        elif part in read and not read[part].is_integer() and (given := _nonzero(later, read)):
            shown = _shown(cells[part])
            words_en = (
                f"({shown}) have decimals though the {_joined(given, 0, ' and ')} follow: "
                "only the last part may have decimals"
            )
            words_zh = f"“{shown}”带小数，后面却还有{_joined(given, 1, '、')}：只有最后一格可带小数"
        else:
            continue
        return None, _error(
            grid,
            number,
            columns[part],
            angle.axis,
            f"the {en} of the {axis_en} {words_en}",
            f"{axis_zh}的{zh}{words_zh}",
        )
    d, m, s = read["d"], read.get("m", 0.0), read.get("s", 0.0)
    sign = -1.0 if d < 0 else 1.0
    value = sign * (abs(d) + m / 60 + s / 3600)
    seconds = f"{_shown(s)}″" if angle.seconds is not None else ""
    return value, f"{_shown(d)}°{_shown(m)}′{seconds}"


def angle_note(grid: Grid, angle: Angle, row: int, shown: str, value: float) -> FieldError:
    """The note on an angle's columns, read as one number of degrees (first at ``row``)."""
    axis_en, axis_zh = _AXES[angle.axis]
    first, last = column_letter(angle.degrees), column_letter(angle.last)
    seconds = angle.seconds is not None
    words_zh = "度、分、秒" if seconds else "度、分"
    words_en = "degrees, minutes and seconds" if seconds else "degrees and minutes"
    sum_zh = "度 + 分/60 + 秒/3600" if seconds else "度 + 分/60"
    return FieldError(
        angle.axis,
        f"columns {first}-{last} are the {words_en} of the {axis_en}, combined into one "
        f"number of degrees (row {row}: {shown} = {value:.6f}); check the points",
        None,
        f"{first}–{last} 列是{axis_zh}的{words_zh}，已按 {sum_zh} 合并为{axis_zh}读入"
        f"（第 {row} 行：{shown} = {value:.6f}°），请核对位置",
        sheet=grid.title,
        column=first,
    )
