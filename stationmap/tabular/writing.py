"""Writing: :func:`write_table` (CSV, XLSX, GeoJSON) and the XLSX import template
:func:`template_xlsx`."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, cast

from stationmap import catalog
from stationmap.geo.datum import DATUMS
from stationmap.station_fields import FIELDS
from stationmap.tabular.columns import (
    GUARDED,
    READ_ONLY_COLUMNS,
    REQUIRED_COLUMNS,
    Format,
    column_letter,
    header_text,
)

_WIDTHS = {
    "code": 14,
    "name": 34,
    "address": 40,
    "amenities": 30,
    "worker_groups": 22,
    "opening_hours": 32,
    "phone": 18,
    "services": 40,
    "host_type": 14,
}
# Digits that are not numbers: Excel and WPS show 13912345678 as 1.39E+10 and drop the
# leading 0 of 04716543210 unless the cell is text (the XLSX export's cells are).
_TEXT_COLUMNS = ("code", "phone")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def guard_text(text: str) -> str:
    """``text`` as a CSV cell that a spreadsheet never runs as a formula (``=1+1`` ->
    ``'=1+1``)."""
    risky = text[:1] in GUARDED or (text[:1] == "'" and text[1:2] in (*GUARDED, "'"))
    return "'" + text if risky else text


def _coordinate(value: object, column: str) -> float | None:
    if value is None:
        return None
    try:
        number = math.nan if isinstance(value, bool) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(f"{column} must be a finite number, not {value!r}")
    return number


def _cell(column: str, value: object, *, xlsx: bool = False) -> object:
    """A CSV/XLSX cell: coordinates and numbers in extra columns stay numbers; the rest
    is guarded text (in XLSX with ``\\n`` line breaks and no characters XML forbids)."""
    if column in ("lat", "lon"):
        return _coordinate(value, column)
    if value is None:
        return None
    if isinstance(value, list | tuple):
        value = ("\n" if column == "services" else ";").join(str(item) for item in value)
    elif isinstance(value, datetime | date):
        value = value.isoformat()
    elif column not in FIELDS and isinstance(value, int | float):
        return value
    text = str(value)
    if xlsx:
        text = _XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return guard_text(text)


#: The words a Chinese export writes for codes; imports read them back (catalog.lookup).
_WORDS: Mapping[str, Mapping[str, str]] = {
    "host_type": {t.code: t.zh for t in catalog.HOST_TYPES},
    "amenities": {t.code: t.zh for t in catalog.AMENITIES},
    "worker_groups": {t.code: t.zh for t in catalog.WORKER_GROUPS},
    "status": {t.code: t.zh for t in catalog.STATUSES},
    "datum": {"wgs84": "GPS"},
}


def in_words(row: Mapping[str, object]) -> dict[str, object]:
    """``row`` with its codes (host type, amenities, worker groups, status, datum) as
    the Chinese words an office uses, which imports read back as the same codes."""
    out = dict(row)
    for column, words in _WORDS.items():
        value = out.get(column)
        if isinstance(value, list | tuple):
            out[column] = [words.get(str(v), v) for v in value]
        elif isinstance(value, str):
            out[column] = words.get(value, value)
    return out


def write_table(
    rows: list[dict[str, object]],
    fmt: Format,
    *,
    extra_columns: tuple[str, ...] = (),
    lang: str = "en",
) -> bytes:
    """Write stations as a file that :func:`read_table` reads back to the same values.

    Parameters
    ----------
    rows
        One mapping per station with the :data:`FIELDS` keys (a missing key is empty):
        ``lat``/``lon`` in degrees in the datum named by ``datum`` (GeoJSON: each
        feature's ``datum`` property, and a ``datum`` member when not WGS-84),
        ``amenities``/``worker_groups`` lists of codes, ``services`` a list of lines;
        plus the ``extra_columns``. Other keys are ignored.
    fmt
        ``"csv"`` (UTF-8 with BOM, the field codes as headers), ``"xlsx"`` (sheet 驿站,
        Chinese headers) or ``"geojson"`` (a FeatureCollection of Points).
    extra_columns
        Columns of :data:`READ_ONLY_COLUMNS` to write after the fields.
    lang
        ``"zh"``: codes as Chinese words (:func:`in_words`) and, in CSV, Chinese
        headers; ``"en"`` (the default): codes, and CSV headers are field codes.

    Raises
    ------
    ValueError
        For a non-numeric or non-finite coordinate, a GeoJSON row without coordinates
        or in an unknown datum, or an extra column that imports would not accept.
    """
    if fmt not in ("csv", "xlsx", "geojson"):
        raise ValueError(f"unknown table format {fmt!r}")
    if unknown := [c for c in extra_columns if c not in READ_ONLY_COLUMNS]:
        raise ValueError(f"extra columns must be read-only columns, not {unknown}")
    columns = (*FIELDS, *extra_columns)
    if lang.startswith("zh") and fmt != "geojson":
        rows = [in_words(row) for row in rows]
    if fmt == "geojson":
        return _write_geojson(rows, columns)
    if fmt == "xlsx":
        return _save(_workbook(rows, columns))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header_text(c) for c in columns] if lang.startswith("zh") else columns)
    for row in rows:
        writer.writerow(["" if (v := _cell(c, row.get(c))) is None else v for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _save(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _workbook(rows: Iterable[Mapping[str, object]], columns: tuple[str, ...]) -> Any:
    """A write-only openpyxl workbook whose sheet 驿站 holds ``rows``."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("驿站")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns):
        sheet.column_dimensions[column_letter(index)].width = _WIDTHS.get(column, 12)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def cell(column: str, value: object, header: bool = False) -> WriteOnlyCell:
        out = WriteOnlyCell(sheet, value if header else _cell(column, value, xlsx=True))
        if isinstance(out.value, str):
            out.data_type = "s"  # never a formula, whatever the text
        if header:
            out.font = bold
        elif column == "services":
            out.alignment = wrap
        elif column in _TEXT_COLUMNS:
            out.number_format = "@"  # Text: a number typed over it in Excel stays text
        return out

    sheet.append([cell(c, header_text(c), header=True) for c in columns])
    for row in rows:
        sheet.append([cell(c, row.get(c)) for c in columns])
    return book


def _write_geojson(rows: list[dict[str, object]], columns: tuple[str, ...]) -> bytes:
    features = []
    for number, row in enumerate(rows, start=1):
        lat, lon = _coordinate(row.get("lat"), "lat"), _coordinate(row.get("lon"), "lon")
        if lat is None or lon is None:
            raise ValueError(f"row {number} has no coordinates")
        datum = str(row.get("datum") or "wgs84").strip().lower()
        if datum not in DATUMS:
            raise ValueError(f"row {number}: unknown datum {datum!r}")
        # Stored points are WGS-84 to 1e-7°; a converted one keeps two more digits, so
        # that converting it back lands within 5e-8° of the stored point (unchanged).
        d = 7 if datum == "wgs84" else 9
        properties: dict[str, object] = {}
        for column in columns:
            value = row.get(column)
            if column in ("amenities", "worker_groups", "services"):
                if isinstance(value, str):
                    value = value.splitlines() if column == "services" else value.split(";")
                value = [str(item) for item in cast("Iterable[object]", value or ())]
            elif isinstance(value, datetime | date):
                value = value.isoformat()
            if column not in ("lat", "lon"):
                properties[column] = value
        properties["datum"] = datum
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": {"type": "Point", "coordinates": [round(lon, d), round(lat, d)]},
            }
        )
    doc: dict[str, object] = {"type": "FeatureCollection", "features": features}
    datums = {str(f["properties"]["datum"]) for f in features}  # type: ignore[index]
    if datums and datums != {"wgs84"}:
        # RFC 7946 coordinates are WGS-84; a file in another datum says so (a foreign
        # member, beside each feature's datum property).
        doc["datum"] = datums.pop() if len(datums) == 1 else "mixed"
    return json.dumps(doc, ensure_ascii=False, allow_nan=False).encode("utf-8")


_MEANINGS = {
    "code": "驿站编号：6位行政区划代码-序号，如 659001-0001；新增驿站可留空",
    "name": "驿站名称",
    "address": "详细地址",
    "lat": "纬度，十进制度，如 44.305",
    "lon": "经度，十进制度，如 86.214",
    "datum": "坐标系，默认 wgs84（GPS、天地图）；gcj02 为高德、腾讯地图，bd09 为百度地图",
    "host_type": "依托单位类型，填写代码或中文名称",
    "amenities": "服务设施，可填多项，用分号 ; 分隔，填写代码或中文名称",
    "worker_groups": "服务对象，可填多项，用分号 ; 分隔，填写代码或中文名称",
    "opening_hours": "开放时间，OpenStreetMap opening_hours 格式，如 Mo-Fr 08:30-18:00; "
    "Sa,Su 09:00-17:00；全天开放填 24/7",
    "phone": "联系电话，如 0993-1234567 或 +86 993 1234567",
    "contact": "联系人",
    "services": "服务内容，每行一项（单元格内按 Alt+Enter 换行）",
    "status": "状态，默认 active，填写代码或中文名称",
}
_CODES = {
    "host_type": catalog.HOST_TYPES,
    "amenities": catalog.AMENITIES,
    "worker_groups": catalog.WORKER_GROUPS,
    "status": catalog.STATUSES,
}
#: The example row of :func:`template_xlsx`.
EXAMPLE_STATION: Mapping[str, object] = {
    "code": "659001-0001",
    "name": "人民路社区党群服务中心暖新驿站",
    "address": "新疆石河子市新城街道人民路社区党群服务中心一楼",
    "lat": 44.305,
    "lon": 86.214,
    "datum": "wgs84",
    "host_type": "community",
    "amenities": ["water", "toilet", "phone_charging"],
    "worker_groups": ["food_delivery", "courier"],
    "opening_hours": "Mo-Fr 08:30-18:00; Sa,Su 09:00-17:00",
    "phone": "0993-1234567",
    "contact": "王女士",
    "services": ["免费饮水、手机充电、休息", "夏季提供防暑降温用品"],
    "status": "active",
}


def template_xlsx() -> bytes:
    """An import template: sheet 驿站 with the Chinese headers and no rows, and sheet
    说明 with each column's meaning, the allowed codes (from the catalog) and, below,
    an example station marked 示例. The example is never in sheet 驿站, so a template
    filled in and uploaded cannot import it (and imports refuse it by its code and
    name, for templates handed out before)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = _workbook([], FIELDS)
    notes = book.create_sheet("说明")
    for letter, width in zip("ABCDE", (14, 16, 8, 60, 48), strict=True):
        notes.column_dimensions[letter].width = width
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    lines = [("列名", "字段代码", "必填", "说明", "可填写的值")]
    for field in FIELDS:
        allowed = [f"{t.code}（{t.zh}）" for t in _CODES.get(field, ())]
        lines.append(
            (
                header_text(field),
                field,
                "是" if field in REQUIRED_COLUMNS else "",
                _MEANINGS[field],
                "\n".join(DATUMS if field == "datum" else allowed),
            )
        )
    for number, line in enumerate(lines):
        cells = [WriteOnlyCell(notes, text) for text in line]
        for cell in cells:
            cell.alignment = wrap
            if number == 0:
                cell.font = bold
        notes.append(cells)
    notes.append([])
    notes.append(
        ["表头可用中文列名或字段代码；导出文件中的所属区县、更新时间等只读列在导入时忽略。"]
    )
    notes.append([])
    notes.append(["示例（仅供参考，请勿复制到“驿站”表；导入时会拒绝这一行）："])
    example = in_words(EXAMPLE_STATION)
    for column in FIELDS:
        value = _cell(column, example.get(column), xlsx=True)
        notes.append(["示例", header_text(column), "", "" if value is None else value])
    return _save(book)
