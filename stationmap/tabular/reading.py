"""Reading: :func:`read_table` with the CSV, XLSX and GeoJSON readers.

The checks a file passes first (:func:`~stationmap.tabular.guards.detect_format`, the zip
checks of XLSX files) are in :mod:`stationmap.tabular.guards`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

from stationmap.station_fields import FIELDS, FieldError
from stationmap.tabular.columns import KEPT_COLUMNS, Format, TableError
from stationmap.tabular.guards import (
    check_zip,
    has_lone_surrogate,
    json_integer,
    web_table_kind,
)
from stationmap.tabular.layout import COORDINATES, Table, TableRow, header_target, read_grids
from stationmap.tabular.sheets import MAX_READ_SECONDS, Budget, csv_grid, xlsx_grids


def read_rows(data: bytes, fmt: Format, *, max_seconds: float = MAX_READ_SECONDS) -> Table:
    """Read the stations in a CSV, XLSX, XLS or GeoJSON file, with where each came from.

    CSV, XLSX and XLS (a legacy workbook, or a web-page table or Excel 2003 XML workbook
    under an ``.xls`` name): every sheet with a station header is read (title and filler rows above
    the header, total and note rows below, columns we do not keep and hidden columns are
    skipped with a note); merged cells carry their value to each row they cover; a 坐标
    cell is split into ``lon`` and ``lat``. Reading stops with a :class:`TableError`
    naming the limit past :data:`~stationmap.tabular.sheets.MAX_DATA_ROWS` rows,
    :data:`~stationmap.tabular.sheets.MAX_COLUMNS` columns or ``max_seconds``.

    Returns
    -------
    Table
        ``rows``: each row's number as a person sees it (CSV/XLSX/XLS: the spreadsheet row;
        GeoJSON: the feature, from 1), sheet, column letters and values keyed by field
        name: text (stripped), numbers (XLSX, GeoJSON), lists (GeoJSON) or ``None``;
        ``notes``: what was skipped or changed, for the import preview.

    Raises
    ------
    TableError
        For an undecodable, malformed, unsafe or too large file, or a station header
        with duplicate or missing columns; the message (English, and Chinese in
        ``message_zh``) names the sheet, row and column and says how to fix it.
    """
    budget = Budget(max_seconds)
    if fmt == "csv":
        return read_grids([csv_grid(_csv_rows(data), budget)], budget)
    if fmt == "xlsx":
        check_zip(data)
        return read_grids(xlsx_grids(data, budget), budget)
    if fmt == "xls":
        return _xls_table(data, budget)
    if fmt == "geojson":
        return Table([TableRow(number, values) for number, values in _read_geojson(data)])
    raise ValueError(f"unknown table format {fmt!r}")


def _xls_table(data: bytes, budget: Budget) -> Table:
    """A file named ``.xls``: a legacy workbook, or (by its content) a web-page table or an
    Excel 2003 XML workbook, with a note saying which of the two it was read as."""
    kind = web_table_kind(data)
    if kind is None:
        from stationmap.tabular.xls_sheets import xls_grids

        return read_grids(xls_grids(data, budget), budget)
    if kind == "html":
        from stationmap.tabular.html_sheets import html_grids

        table = read_grids(html_grids(data, budget), budget)
        note = (
            'The file is a web-page table (HTML, as systems\' "export to Excel" buttons '
            "write it), not an Excel workbook; it was read as such: check the preview",
            "此文件是网页格式的表格（HTML，许多系统的“导出 Excel”会生成这种文件），"
            "不是 Excel 工作簿，已按网页表格读入：请核对预览",
        )
    else:
        from stationmap.tabular.xml_sheets import xml_grids

        table = read_grids(xml_grids(data, budget), budget)
        note = (
            "The file is an Excel 2003 XML workbook (XML spreadsheet), not an .xls "
            "workbook; it was read as such: check the preview",
            "此文件是 Excel 2003 XML 格式的表格（XML 电子表格），不是 .xls 工作簿，"
            "已按 XML 表格读入：请核对预览",
        )
    table.notes.insert(0, FieldError("file", note[0], message_zh=note[1]))
    return table


def read_table(data: bytes, fmt: Format) -> list[tuple[int, dict[str, object]]]:
    """:func:`read_rows`' rows as ``(row number, values)`` pairs, without the notes."""
    return [(row.number, row.values) for row in read_rows(data, fmt).rows]


def _numbered(
    rows: Iterator[Iterable[str]], errors: tuple[type[Exception], ...]
) -> Iterator[tuple[int, list[str]]]:
    """Number the rows from 1, turning a reader's ``errors`` into :class:`TableError`."""
    number = 0
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except errors as exc:
            raise TableError(
                f"Row {number + 1} cannot be read: {exc}",
                row=number + 1,
                message_zh=f"第 {number + 1} 行无法读取（{exc}）：请检查该行的引号，"
                "或用 Excel 另存为“CSV UTF-8”后上传",
            ) from exc
        number += 1
        yield number, list(cells)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")  # a superset of GBK, what Chinese Excel writes
        except UnicodeDecodeError as gb_error:
            first = "UTF-16" if utf8_error.encoding.startswith("utf-16") else "UTF-8"
            raise TableError(
                f"Cannot read the text: it is not {first} (invalid byte at position "
                f"{utf8_error.start}) and not GBK/GB18030 (invalid byte at position "
                f"{gb_error.start}). Save it as 'CSV UTF-8'.",
                message_zh="无法识别文件的文字编码（不是 UTF-8，也不是 GBK）："
                "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后上传",
            ) from None
    header = re.sub(r'"[^"]*"', "", text.lstrip("\r\n").split("\n", 1)[0])
    delimiter = max((",", ";", "\t"), key=header.count)  # ties go to ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _numbered(reader, (csv.Error,))


def _json_number(text: str) -> float:
    if not math.isfinite(value := float(text)):
        raise TableError(
            f"The number {text[:20]} is too large.",
            message_zh=f"数字 {text[:20]} 太大，不是有限的数：请改正",
        )
    return value


def _json_constant(name: str) -> object:
    raise TableError(
        f"{name} is not a number in JSON (RFC 8259); write a finite number.",
        message_zh=f"{name} 不是 JSON 中的数字：请写有限的数字",
    )


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len({key for key, _ in pairs}) < len(pairs):
        keys = [key for key, _ in pairs]
        twice = next(k for k in keys if keys.count(k) > 1)
        raise TableError(
            f"The key {twice!r} appears twice in one JSON object.",
            message_zh=f"同一个 JSON 对象中“{twice}”出现了两次：请只保留一个",
        )
    return dict(pairs)


def _json_integer(text: str) -> int | float:
    if not math.isfinite(value := json_integer(text)):
        raise TableError(
            f"The number {text[:20]}… is too large.",
            message_zh=f"数字 {text[:20]}… 太大，不是坐标：请改正",
        )
    return value


def _read_geojson(data: bytes) -> list[tuple[int, dict[str, object]]]:
    try:
        text = data.decode("utf-8-sig")
        doc = json.loads(
            text,
            parse_float=_json_number,
            parse_int=_json_integer,
            parse_constant=_json_constant,
            object_pairs_hook=_json_object,
        )
    except TableError:
        raise
    except UnicodeDecodeError as exc:
        raise TableError(
            f"GeoJSON must be UTF-8 (invalid byte at {exc.start}).",
            message_zh=f"GeoJSON 文件应为 UTF-8 编码（第 {exc.start} 字节无效）：请另存为 UTF-8",
        ) from None
    except json.JSONDecodeError as exc:
        raise TableError(
            f"Invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}.",
            message_zh=f"JSON 写法有误（第 {exc.lineno} 行第 {exc.colno} 列）："
            "请用 GIS 软件重新导出 GeoJSON",
        ) from None
    except (ValueError, RecursionError) as exc:
        raise TableError(
            f"Invalid JSON: {exc}",
            message_zh="JSON 无法读取（嵌套过深或数字过长）：请用 GIS 软件重新导出 GeoJSON",
        ) from None
    if has_lone_surrogate(text, doc):
        raise TableError(
            "The file has a lone \\ud800-\\udfff escape, which is not a character; "
            "remove or correct it.",
            message_zh="文件中有不成对的 \\ud800–\\udfff 转义（不是字符）：请删除或改正",
        )
    kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
    if kind == "Feature":
        features = [doc]
    elif kind == "FeatureCollection" and isinstance(doc.get("features"), list):
        features = doc["features"]
    else:
        raise TableError(
            f"GeoJSON must be a FeatureCollection or a Feature, not {kind!r}.",
            message_zh=f"GeoJSON 应为 FeatureCollection 或 Feature，而不是 {kind!r}："
            "请导出点图层的 GeoJSON",
        )
    records = ((n, _feature_record(n, feature)) for n, feature in enumerate(features, 1))
    return [(number, record) for number, record in records if record is not None]


def _feature_record(number: int, feature: object) -> dict[str, object] | None:
    """A feature's fields; ``None`` for an empty feature."""
    where, where_zh = f"Feature {number}", f"第 {number} 个要素"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise TableError(
            f"{where} is not a GeoJSON Feature.",
            row=number,
            message_zh=f"{where_zh}不是 GeoJSON Feature",
        )
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise TableError(
            f"{where}: properties must be an object.",
            row=number,
            message_zh=f"{where_zh}：properties 应为对象",
        )
    unknown = [repr(k) for k in properties if header_target(k) in (None, COORDINATES)]
    if unknown:
        raise TableError(
            f"{where}: unknown property(ies) {', '.join(unknown)}.",
            row=number,
            message_zh=f"{where_zh}：不认识的属性 {'、'.join(unknown)}：请改为模板中的列名，或删除",
        )
    record: dict[str, object] = {}
    for key, value in properties.items():
        field = str(header_target(key))
        if field in record:
            raise TableError(
                f"{where}: {field} is given twice.",
                row=number,
                message_zh=f"{where_zh}：{field} 给了两次：请只保留一个",
            )
        if field in FIELDS or field in KEPT_COLUMNS:
            record[field] = (value.strip() or None) if isinstance(value, str) else value
    geometry = feature.get("geometry")
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        coords = geometry.get("coordinates")
        if not (
            isinstance(coords, list)
            and len(coords) >= 2
            and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords[:2])
        ):
            raise TableError(
                f"{where}: Point coordinates must be [lon, lat].",
                row=number,
                message_zh=f"{where_zh}：点坐标应为 [经度, 纬度] 两个数",
            )
        for field, value in (("lon", coords[0]), ("lat", coords[1])):
            if (given := record.get(field)) is not None:
                try:
                    same = isinstance(given, str | int | float) and math.isclose(
                        float(given), value, abs_tol=1e-9
                    )
                except (TypeError, ValueError):
                    same = False
                if not same:
                    raise TableError(
                        f"{where}: the {field} property disagrees with the "
                        "Point geometry; keep one.",
                        row=number,
                        message_zh=f"{where_zh}：属性 {field} 与点的坐标不一致：请只保留一个",
                    )
            record[field] = float(value)
        record["datum"] = record.get("datum") or "wgs84"  # RFC 7946, unless stated
    elif record.get("lat") is None or record.get("lon") is None:
        if geometry is None and all(value is None for value in record.values()):
            return None
        what, what_zh = (
            ("no geometry", "没有几何")
            if geometry is None
            else ("a geometry that is not a Point", "的几何不是点")
        )
        raise TableError(
            f"{where} has {what} and no lat/lon properties.",
            row=number,
            message_zh=f"{where_zh}{what_zh}，也没有 lat/lon 属性：请导出点图层，或填写经纬度",
        )
    return record
