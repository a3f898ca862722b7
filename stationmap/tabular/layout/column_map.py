"""The columns read, as column -> field: notes for ignored and hidden columns, a
开始时间 / 结束时间 pair, and errors for duplicate or missing columns."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from stationmap.geo.hours_office import clock_of
from stationmap.station_fields import FIELDS
from stationmap.tabular.amenity_columns import AMENITY_PREFIX
from stationmap.tabular.cell_kinds import HOURS_END, HOURS_START
from stationmap.tabular.columns import (
    FIELD_ALIASES,
    HOURS_PAIR_ALIASES,
    KEPT_COLUMNS,
    REQUIRED_COLUMNS,
    column_letter,
    header_text,
)
from stationmap.tabular.layout.header import _Header
from stationmap.tabular.layout.header_names import COORDINATES
from stationmap.tabular.layout.table import Table, _note
from stationmap.tabular.sheets import Grid


def _columns(grid: Grid, header: _Header, table: Table) -> dict[int, str]:
    """The columns read, as column -> field; notes for the ignored ones; a
    :class:`TableError` for duplicate or missing columns."""
    columns: dict[int, str] = {}
    hidden: dict[str, int] = {}
    seen: dict[str, list[int]] = {}
    parts = {c for angle in header.angles for c in angle.parts}
    for col, text in sorted(header.texts.items()):
        target = header.targets.get(col)
        if col in parts:
            continue  # read with its angle's degrees
        if col in grid.hidden_columns:
            if target is not None:
                hidden.setdefault(target, col)
            table.notes.append(
                _note(
                    grid,
                    f"the hidden column {text!r} is not read; unhide it if it should be",
                    f"隐藏列“{text}”未读入；如需读入，请取消隐藏",
                    header.row,
                    col,
                )
            )
        elif target is None:
            table.notes.append(
                _note(
                    grid,
                    f"the column {text!r} is not a station field and is ignored (nothing to fix)",
                    f"“{text}”列不是驿站字段，已忽略（无需修改）",
                    header.row,
                    col,
                )
            )
        elif target in FIELDS or target in KEPT_COLUMNS or target in _OTHER_TARGETS:
            seen.setdefault(target, []).append(col)
            columns[col] = target
        elif target.startswith(AMENITY_PREFIX):
            columns[col] = target  # 饮水 and 热水 may both name water: read together
    _hours_pair(grid, header, table, seen, columns)
    if COORDINATES in seen and ("lat" in seen or "lon" in seen):
        seen.setdefault("lon", []).extend(seen[COORDINATES])
    problems_en: list[str] = []
    problems_zh: list[str] = []
    for target, cols in seen.items():
        if len(cols) > 1 and target != COORDINATES:
            names = "、".join(f"{column_letter(c)} 列“{header.texts[c]}”" for c in sorted(cols))
            names_en = ", ".join(f"{column_letter(c)} {header.texts[c]!r}" for c in sorted(cols))
            if target in ("lon", "lat") and _dms_parts(header.texts[c] for c in cols):
                axis_zh, example = (
                    ("经度", "86°13′01.2″") if target == "lon" else ("纬度", "44°18′18″")
                )
                decimal = "86.217" if target == "lon" else "44.305"
                problems_en.append(
                    f"{names_en} are the degrees, minutes and seconds of the {target}: put "
                    f"them in one column, as {example} or {decimal}"
                )
                problems_zh.append(
                    f"{names} 是{axis_zh}的度、分、秒：请合并成一列，写成如 {example} 的度分秒，"
                    f"或 {decimal} 这样的度数"
                )
                continue
            problems_en.append(f"{names_en} are the same field {target}: keep one of them")
            problems_zh.append(f"{names} 是同一个字段（{header_text(target)}），请只保留一列")
    needed = [f for f in REQUIRED_COLUMNS if f not in seen]
    if COORDINATES in seen:
        needed = [f for f in needed if f not in ("lat", "lon")]
    for target in needed:
        if target in hidden:
            letter = column_letter(hidden[target])
            problems_en.append(f"column {letter} ({target}) is hidden: unhide it")
            problems_zh.append(f"{letter} 列“{header_text(target)}”是隐藏列：请取消隐藏")
        else:
            names = "、".join(f"“{n}”" for n in FIELD_ALIASES[target])
            problems_en.append(
                f"no {target} column: add a column headed {header_text(target)} "
                f"(or one of {', '.join(FIELD_ALIASES[target])})"
            )
            problems_zh.append(f"缺少“{header_text(target)}”列：请加上此列（列名可用 {names}）")
    if problems_en:
        raise grid.error(
            "the header row has problems: " + "; ".join(problems_en) + ".",
            "表头有问题：" + "；".join(problems_zh) + "。",
            header.row,
        )
    return columns


_OTHER_TARGETS = (COORDINATES, HOURS_START, HOURS_END)
_DMS_PART = re.compile(r"[(\[【](?:度|分|秒|°|′|″)[)\]】]")


def _dms_parts(texts: Iterable[str]) -> bool:
    """Whether headers name parts of one angle: 经度（度）, 经度（分）, 经度（秒）."""
    return all(_DMS_PART.search(unicodedata.normalize("NFKC", t)) for t in texts)


def _hours_pair(
    grid: Grid, header: _Header, table: Table, seen: dict[str, list[int]], columns: dict[int, str]
) -> None:
    """Keep a 开始时间 and a 结束时间 column, read as the opening hours, only as a pair
    and where no 开放时间 column gives them; a note for each one left unread."""
    pair = [c for t in (HOURS_START, HOURS_END) for c in seen.get(t, [])]
    if not pair:
        return
    if "opening_hours" in seen:
        why_en = "the opening hours column gives the hours"
        why_zh = f"已有“{header.texts[seen['opening_hours'][0]]}”列"
    elif (dated := _dated_column(grid, header.row, pair)) is not None:
        why_en = f"it holds dates ({dated}), not times of day"
        why_zh = f"其中是日期（如 {dated}），不是每天的开关门时刻"
    elif len(seen.get(HOURS_START, [])) == 1 and len(seen.get(HOURS_END, [])) == 1:
        return
    elif HOURS_START not in seen or HOURS_END not in seen:
        missing = HOURS_END if HOURS_START in seen else HOURS_START
        name = HOURS_PAIR_ALIASES[missing][0]
        why_en = f"there is no {name} column beside it: add one to import the hours"
        why_zh = f"没有与它成对的“{name}”列：如要导入开放时间，请加上此列"
    else:
        why_en = "there are several of them: keep one start and one end column"
        why_zh = "这样的列不止一对：请只保留一列开始时间、一列结束时间"
    for col in pair:
        del columns[col]
        table.notes.append(
            _note(
                grid,
                f"the column {header.texts[col]!r} is not read as opening hours: {why_en}",
                f"“{header.texts[col]}”列未作为开放时间读入：{why_zh}",
                header.row,
                col,
            )
        )
    for target in (HOURS_START, HOURS_END):
        seen.pop(target, None)


# A date with its year (2023-05-01, 2023/5/1 8:00, 2023年5月1日): not a time of day.
_DATE_WITH_YEAR = re.compile(r"^[0-9]{4}\s*[-/.年]\s*[0-9]{1,2}\s*[-/.月]")


def _dated_column(grid: Grid, header_row: int, cols: list[int]) -> str | None:
    """The first date below the header in columns ``cols`` (开始时间 meaning the day a
    station opened, 截止时间 a deadline), or None when they hold none."""
    for number, values in grid.rows:
        if number <= header_row:
            continue
        for col in cols:
            value = values.get(col)
            if isinstance(value, str) and _DATE_WITH_YEAR.match(value) and clock_of(value) is None:
                return value
    return None
