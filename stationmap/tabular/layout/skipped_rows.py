"""Rows under the header that are no station: a repeated header, a section label, units,
totals, notes and sign-offs, and rows that only repeat a template's choices."""

from __future__ import annotations

import re
import unicodedata

from stationmap.station_fields import FieldError
from stationmap.tabular.cell_kinds import rows_text
from stationmap.tabular.layout.header import _Header
from stationmap.tabular.layout.header_names import _BRACKETS, COORDINATES
from stationmap.tabular.layout.table import _note
from stationmap.tabular.sheets import Grid

_TOTAL_ROW = re.compile(
    r"^(合计|总计|小计|共计|累计|注[:：意]|注$|备注[:：]|说明[:：]|填表说明|填报|审核|制表|"
    r"填表人|统计人|单位负责人|分管领导|主管领导|"
    # 以上共5个驿站, 共12家, 数据截至2025年3月1日, a stamp line, a date alone
    r"以上|共\s*[0-9]+\s*[个家处座所]|(?:数据)?截[至止]|.*[(（]盖章[)）]$|"
    r"[0-9]{4}\s*年\s*[0-9]{1,2}\s*月(?:\s*[0-9]{1,2}\s*日)?$)"
)
# A sign-off row under a list (填表人：张三  审核人：李四  填报日期：2025年3月1日): each
# of its cells a label and a colon, wherever the cells fall, 经度 and 纬度 columns too.
_SIGN_OFF_CELL = re.compile(
    r"^(填表人|填报人|审核人|审核|制表人|制表|统计人|负责人|单位负责人|分管领导|主管领导|"
    r"填报单位|填表单位|填报日期|填表日期|制表日期|日期|联系电话|电话)\s*[:：]"
)


# A section label in a list of stations: 一、城区驿站, （二）乡镇驿站, 第三部分.
_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十0-9]+[部分类批])"
)


def _repeated_header(
    grid: Grid, number: int, values: dict[int, object], header: _Header, columns: dict[int, str]
) -> FieldError | None:
    """A note if row ``number`` repeats the header (a block pasted from another list) or
    is a section label alone (一、城区驿站): not a station either way."""
    cells = {c: v for c, v in values.items() if c in columns}
    if len(cells) >= 2 and all(header.texts[c] == v for c, v in cells.items()):
        return _note(
            grid,
            "this row repeats the header; skipped (nothing to fix)",
            "此行重复了表头，已跳过（无需修改）",
            number,
        )
    if len(values) == 1 and len(cells) == 1:
        ((col, value),) = cells.items()
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if columns[col] == "name" and _SECTION.match(text):
            return _note(
                grid,
                f"{str(value)!r} is a section heading, not a station: skipped (nothing to fix)",
                f"“{value}”是分类标题，不是驿站，已跳过（无需修改）",
                number,
                col,
            )
    return None


def _units_row(values: dict[int, object]) -> bool:
    """A row of units under the header: every cell bracketed text (（度）, (°))."""
    return all(
        isinstance(v, str) and _BRACKETS.fullmatch(unicodedata.normalize("NFKC", v).strip())
        for v in values.values()
    )


def _sign_off(values: dict[int, object]) -> bool:
    """Whether every cell of a row is a label and a colon (填表人：张三, 审核人：李四)."""
    return all(
        isinstance(v, str) and _SIGN_OFF_CELL.match(unicodedata.normalize("NFKC", v).strip())
        for v in values.values()
    )


def _skip_note(grid: Grid, row: int, values: dict[int, object]) -> FieldError | None:
    """A note if ``values`` is a total or note row (合计：13个, 注：…)."""
    col = min(values)
    text = unicodedata.normalize("NFKC", str(values[col])).strip()
    if not _TOTAL_ROW.match(text):
        return None
    shown = str(values[col]).strip()
    shown = shown if len(shown) <= 30 else shown[:30] + "…"
    return _note(
        grid,
        f"{shown!r} is a total or note row, not a station: skipped (nothing to fix)",
        f"“{shown}”是合计或说明行，不是驿站，已跳过（无需修改）",
        row,
        col,
    )


_IDENTITY = frozenset(("name", "code", "address", "lat", "lon", COORDINATES, "phone", "contact"))


def _blank_note(
    grid: Grid, header: _Header, columns: dict[int, str], rows: list[int], fields: set[str]
) -> FieldError:
    """The note on rows that name no station and only repeat a template's choices."""
    named = [header.texts[c] for c, t in sorted(columns.items()) if t in fields]
    zh_rows, en_rows = rows_text(rows)
    return _note(
        grid,
        f"{en_rows} fill in only {', '.join(named)} and name no station (no name, address "
        "or coordinates): skipped (nothing to fix; delete them if they are not needed)",
        f"{zh_rows}只填了{'、'.join(named)}，没有名称、地址和坐标，不是驿站，已跳过"
        "（无需修改；不需要的话可删去这些行）",
    )
