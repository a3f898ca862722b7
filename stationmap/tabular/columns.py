"""What reading and writing share: the error, the format names and the columns.

:class:`TableError`, the column names (:data:`FIELD_ALIASES`, :data:`READ_ONLY_COLUMNS`,
:data:`REQUIRED_COLUMNS`) with the header each gets, the characters that make a text cell
a formula (:data:`GUARDED`) and spreadsheet column letters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from stationmap.station_fields import FieldError

Format = Literal["csv", "xlsx", "xls", "geojson"]

REQUIRED_COLUMNS = ("name", "lat", "lon")

#: Header aliases (case-insensitive); the first one is the header XLSX files get.
FIELD_ALIASES: Mapping[str, tuple[str, ...]] = {
    "code": ("编号", "站点编号", "驿站编号"),
    "name": ("名称", "站点名称", "驿站名称"),
    "address": ("地址", "详细地址", "驿站地址", "站点地址"),
    "lat": ("纬度", "latitude", "北纬"),
    "lon": ("经度", "lng", "longitude", "东经"),
    "datum": ("坐标系", "坐标系统", "坐标类型", "坐标来源"),
    "host_type": ("依托单位类型", "类型", "站点类型", "驿站类型"),
    "amenities": ("服务设施", "设施", "配套设施"),
    "worker_groups": ("服务对象", "服务群体"),
    "opening_hours": ("开放时间", "营业时间"),
    "phone": ("联系电话", "电话", "联系方式"),
    "contact": ("联系人", "负责人"),
    "services": ("服务内容", "服务清单", "服务项目"),
    "status": ("状态", "运营状态", "站点状态", "使用状态", "开放状态"),
}
#: Columns that exports may add after the fields and imports drop.
READ_ONLY_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "id": ("ID",),
    "district_code": ("所属区县",),
    "demo": ("演示数据",),
    "verified_at": ("核实时间",),
    "updated_at": ("更新时间",),
    "version": ("版本",),
}

#: Read-only columns an import still reads (beside the fields): the version a row was
#: exported at, to tell a stale row from a newer edit.
KEPT_COLUMNS: tuple[str, ...] = ("version",)

#: Opening hours in two columns, when it opens and when it closes: read together into
#: ``opening_hours`` (daily hours). Their cells are often formatted as times.
HOURS_PAIR_ALIASES: Mapping[str, tuple[str, ...]] = {
    "hours_start": (
        "开始时间",
        "上班时间",
        "开门时间",
        "开门",
        "开放开始时间",
        "营业开始时间",
        "开始营业时间",
        "起始时间",
    ),
    "hours_end": (
        "结束时间",
        "下班时间",
        "关门时间",
        "关门",
        "开放结束时间",
        "营业结束时间",
        "结束营业时间",
        "截止时间",
    ),
}

#: One cell holding both coordinates, longitude first ("86.214,44.305"): read into
#: ``lon`` and ``lat``.
COORDINATE_ALIASES = ("坐标", "经纬度", "坐标(经度,纬度)", "经纬度坐标", "纬经度", "coordinates")

GUARDED = ("=", "+", "-", "@", "\t", "\r")


class TableError(ValueError):
    """The file cannot be read as a station table. ``row`` is the row (CSV, XLSX) or
    feature (GeoJSON) number the problem is in, when there is one; ``sheet`` the sheet's
    name and ``column`` the column letter. ``message_zh`` says the same in Chinese.

    The messages start with the place (``第 1 张表“驿站”第 3 行 B 列：``) for a reader
    who sees nothing else; ``words`` are the English and Chinese without it, for a
    report that gives the place apart (an import's notes and errors)."""

    def __init__(
        self,
        message: str,
        row: int | None = None,
        *,
        message_zh: str = "",
        sheet: str | None = None,
        column: str | None = None,
        words: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.row = row
        self.message_zh = message_zh
        self.sheet = sheet
        self.column = column
        self.words = words

    def field_error(self) -> FieldError:
        """This error as the ``file`` error of an import report, its place said once:
        by its sheet, row and column, not again in its words."""
        message, message_zh = self.words or (str(self), self.message_zh)
        return FieldError(
            "file", message, self.row, message_zh, sheet=self.sheet, column=self.column
        )


def header_text(column: str) -> str:
    return (FIELD_ALIASES.get(column) or READ_ONLY_COLUMNS.get(column) or (column,))[0]


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
