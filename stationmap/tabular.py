"""Station tables in and out: CSV, XLSX and GeoJSON files. Pure: no Flask, no database.

:func:`read_table` turns an uploaded file into ``(row_number, {field: raw value})`` pairs
keyed by :data:`stationmap.station_fields.FIELDS`. It checks the *file* (encoding,
headers, zip bombs, XML entities), not the values: that is
:func:`stationmap.station_fields.parse_station`'s job. :func:`write_table` writes the
same fields so that export -> import gives back the same stations.

Reading normalises cells: text loses surrounding whitespace, line breaks become ``\\n``,
an empty cell is ``None``. Writing guards against formula injection: a text cell that
starts with ``= + - @``, a tab or a carriage return gets a leading ``'`` (as does one
that starts with ``'`` and one of those, or ``''``); reading removes exactly that ``'``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time
from typing import Any, Literal

from stationmap import catalog
from stationmap.geo.datum import DATUMS
from stationmap.station_fields import FIELDS

Format = Literal["csv", "xlsx", "geojson"]

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # zip guards, checked before openpyxl runs
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_MIN_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
XML_HEAD_BYTES = 16 * 1024
REQUIRED_COLUMNS = ("name", "lat", "lon")
SHEET_NAMES = ("驿站", "stations")  # read in preference to the first sheet

#: Header aliases (case-insensitive); the first one is the header XLSX files get.
FIELD_ALIASES: Mapping[str, tuple[str, ...]] = {
    "code": ("编号", "站点编号", "驿站编号"),
    "name": ("名称", "站点名称", "驿站名称"),
    "address": ("地址", "详细地址"),
    "lat": ("纬度", "latitude"),
    "lon": ("经度", "lng", "longitude"),
    "datum": ("坐标系", "坐标系统"),
    "host_type": ("依托单位类型", "类型", "站点类型"),
    "amenities": ("服务设施", "设施", "配套设施"),
    "worker_groups": ("服务对象", "服务群体"),
    "opening_hours": ("开放时间", "营业时间"),
    "phone": ("联系电话", "电话"),
    "contact": ("联系人",),
    "services": ("服务内容", "服务清单", "服务项目"),
    "status": ("状态",),
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
_GUARDED = ("=", "+", "-", "@", "\t", "\r")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XML_SKIP = re.compile(r"<\?.*?\?>|<!--.*?-->", re.S)
_XML_FIRST = re.compile(r"<!--|<\?|<[A-Za-z_:]")


class TableError(ValueError):
    """The file cannot be read as a station table. ``row`` is the row (CSV, XLSX) or
    feature (GeoJSON) number the problem is in, when there is one."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


def _key(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.replace("\ufeff", "").strip()).casefold()


_ALIASES = {
    _key(name): field
    for field, names in (*FIELD_ALIASES.items(), *READ_ONLY_COLUMNS.items())
    for name in (field, *names)
}


def _header_text(column: str) -> str:
    return (FIELD_ALIASES.get(column) or READ_ONLY_COLUMNS.get(column) or (column,))[0]


def detect_format(data: bytes, filename: str | None = None) -> Format:
    """Tell an uploaded file's format by its content, then by its name.

    A zip file is XLSX and text starting with ``{`` is GeoJSON; other text is CSV unless
    ``filename`` ends in ``.geojson`` or ``.json``.

    Raises
    ------
    TableError
        For legacy ``.xls`` workbooks, web pages, PDFs, images, archives, empty files.
    """
    suffix = filename.rsplit(".", 1)[-1].lower() if filename and "." in filename else ""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(_OLE_MAGIC):
        raise TableError(
            "This is a legacy Excel .xls workbook (or a password-protected "
            "one): save it as .xlsx or CSV and upload that."
        )
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if not start:
        raise TableError("The file is empty.")
    if start == b"{":
        return "geojson"
    if start == b"<":
        raise TableError(
            "This looks like a web page or XML, not a table: open it in a "
            "spreadsheet program and save it as .xlsx or CSV."
        )
    for magic, what in _OTHER_MAGIC:
        if data.startswith(magic):
            raise TableError(f"This is {what}, not a table: upload .xlsx, CSV or GeoJSON.")
    if suffix in ("xlsx", "xlsm"):
        raise TableError("The file is named .xlsx but is not an Excel workbook.")
    return "geojson" if suffix in ("geojson", "json") else "csv"


def read_table(data: bytes, fmt: Format) -> list[tuple[int, dict[str, object]]]:
    """Read the stations in a CSV, XLSX or GeoJSON file.

    Returns
    -------
    list of (int, dict)
        Each row's number as a person sees it (CSV/XLSX: the spreadsheet row, the
        header being row 1; GeoJSON: the feature, from 1) and its values keyed by field
        name: text (stripped), numbers (XLSX, GeoJSON), lists (GeoJSON) or ``None``.
        Completely empty rows are skipped; read-only export columns are dropped.

    Raises
    ------
    TableError
        For an undecodable, malformed or unsafe file, or unknown, duplicate or missing
        columns; the message names the column, row or feature.
    """
    if fmt == "csv":
        return _records(_csv_rows(data))
    if fmt == "xlsx":
        return _read_xlsx(data)
    if fmt == "geojson":
        return _read_geojson(data)
    raise ValueError(f"unknown table format {fmt!r}")


def _guard(text: str) -> str:
    risky = text[:1] in _GUARDED or (text[:1] == "'" and text[1:2] in (*_GUARDED, "'"))
    return "'" + text if risky else text


def _clean(value: object) -> object:
    if isinstance(value, datetime) and value.time() == time() and value.tzinfo is None:
        value = value.date()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, str):
        if value[:1] == "'" and value[1:2] in (*_GUARDED, "'"):
            value = value[1:]  # undo _guard
        return value.replace("\r\n", "\n").replace("\r", "\n").strip() or None
    return value


def _letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _columns(header: list[object], number: int) -> list[str | None]:
    """Each header cell's field, ``""`` for a dropped read-only column, ``None`` if empty."""
    columns: list[str | None] = []
    unknown: list[str] = []
    seen: dict[str, list[str]] = {}
    for cell in header:
        text = "" if cell is None else str(cell).strip()
        target = _ALIASES.get(_key(text)) if text else None
        if text and target is None:
            unknown.append(repr(text))
        elif target is not None:
            seen.setdefault(target, []).append(text)
        columns.append((target if target in FIELDS else "") if text else None)
    problems = []
    if unknown:
        known = ", ".join(f"{f}/{_header_text(f)}" for f in FIELDS)
        problems.append(f"unknown column(s) {', '.join(unknown)} (known columns: {known})")
    duplicates = [f"{f} ({', '.join(names)})" for f, names in seen.items() if len(names) > 1]
    if duplicates:
        problems.append(f"duplicate column(s): {'; '.join(duplicates)}")
    missing = [f"{f} ({_header_text(f)})" for f in REQUIRED_COLUMNS if f not in seen]
    if missing:
        problems.append(f"missing required column(s): {', '.join(missing)}")
    if problems:
        raise TableError(f"Header row {number}: " + "; ".join(problems) + ".", row=number)
    return columns


def _records(rows: Iterable[tuple[int, list[object]]]) -> list[tuple[int, dict[str, object]]]:
    """The first non-empty row is the header; each later non-empty row is a record."""
    stream = iter(rows)
    for number, cells in stream:
        if any(_clean(cell) is not None for cell in cells):
            columns = _columns(cells, number)
            break
    else:
        raise TableError("The file has no header row.")
    records = []
    for number, cells in stream:
        values = [_clean(cell) for cell in cells]
        if all(value is None for value in values):
            continue
        record: dict[str, object] = {column: None for column in columns if column}
        for index, value in enumerate(values):
            column = columns[index] if index < len(columns) else None
            if column:
                record[column] = value
            elif column is None and value is not None:
                raise TableError(
                    f"Row {number}: column {_letter(index)} has a value but no header.", row=number
                )
        records.append((number, record))
    return records


def _numbered(
    rows: Iterator[Iterable[Any]], errors: tuple[type[Exception], ...]
) -> Iterator[tuple[int, list[object]]]:
    """Number the rows from 1, turning a reader's ``errors`` into :class:`TableError`."""
    number = 0
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except errors as exc:
            raise TableError(f"Row {number + 1} cannot be read: {exc}", row=number + 1) from exc
        number += 1
        yield number, list(cells)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[object]]]:
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
                f"{gb_error.start}). Save it as 'CSV UTF-8'."
            ) from None
    header = re.sub(r'"[^"]*"', "", text.lstrip("\r\n").split("\n", 1)[0])
    delimiter = max((",", ";", "\t"), key=header.count)  # ties go to ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _numbered(reader, (csv.Error,))


def _check_xml_head(name: str, head: bytes, complete: bool) -> None:
    """Refuse a DOCTYPE (entity expansion, external entities) in one zip member."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"):
        codec = {b"<\x00": "utf-16-le", b"\x00<": "utf-16-be"}.get(head[:2], "utf-16")
        text = head.decode(codec, errors="ignore")
    else:
        text = head.decode("latin-1")
    if not text.lstrip("\ufeff\xef\xbb\xbf \t\r\n").startswith("<"):
        return  # not XML: an image or a binary part
    if "<!doctype" in text.lower() or "<!entity" in text.lower():
        raise TableError(
            f"The workbook part {name} declares a DOCTYPE or ENTITY, which "
            "Excel never writes; the file is rejected as unsafe."
        )
    first = _XML_FIRST.search(_XML_SKIP.sub("", text))
    if not complete and (first is None or first.group() in ("<!--", "<?")):
        raise TableError(
            f"The workbook part {name} has an XML prolog longer than "
            f"{XML_HEAD_BYTES} bytes; the file is rejected as unsafe."
        )


def _check_zip(data: bytes) -> None:
    """Refuse a zip bomb or an XML entity attack before any XML parser sees the file.

    Declared sizes are upper bounds: :mod:`zipfile`, which openpyxl uses, never returns
    more than a member's declared size. Only the first :data:`XML_HEAD_BYTES` of each
    member are unpacked here, since a DOCTYPE can only come before the root element.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise TableError(f"The workbook is damaged (not a valid zip file: {exc}).") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise TableError(
                f"The workbook has {len(infos)} parts (at most "
                f"{MAX_ZIP_MEMBERS}); it is rejected as unsafe."
            )
        if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
            raise TableError(
                f"The workbook unpacks to more than {MAX_UNCOMPRESSED_BYTES:,} "
                "bytes; split it into smaller files."
            )
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
                raise TableError(
                    f"The workbook part {info.filename} is compressed "
                    f"{ratio:.0f} times (a zip bomb?); it is rejected."
                )
        if "[Content_Types].xml" not in archive.namelist():
            raise TableError(
                "This zip file is not an Excel workbook (an .ods or .numbers "
                "file?): save the table as .xlsx or CSV."
            )
        try:
            for info in infos:
                if not info.is_dir():
                    with archive.open(info) as member:
                        head = member.read(XML_HEAD_BYTES)
                    _check_xml_head(info.filename, head, len(head) >= info.file_size)
        except (RuntimeError, NotImplementedError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise TableError(
                f"The workbook cannot be unpacked ({exc}); if it has a "
                "password, remove it and save again."
            ) from None


def _read_xlsx(data: bytes) -> list[tuple[int, dict[str, object]]]:
    _check_zip(data)
    import openpyxl
    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:  # True whenever defusedxml (a dependency) is installed
        raise RuntimeError(
            "openpyxl must parse with defusedxml: install defusedxml and "
            "leave OPENPYXL_DEFUSEDXML unset"
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise TableError(f"The workbook cannot be read: {exc}") from exc
    try:
        if not book.worksheets:
            raise TableError("The workbook has no worksheet.")
        sheets = {sheet.title.strip().casefold(): sheet for sheet in book.worksheets}
        sheet = next((sheets[n] for n in SHEET_NAMES if n in sheets), book.worksheets[0])
        sheet.reset_dimensions()  # the stored sheet size may be wrong
        return _records(_numbered(sheet.iter_rows(min_row=1, values_only=True), (Exception,)))
    finally:
        book.close()


def _json_number(text: str) -> float:
    if not math.isfinite(value := float(text)):
        raise TableError(f"The number {text} is too large.")
    return value


def _json_constant(name: str) -> object:
    raise TableError(f"{name} is not a number in JSON (RFC 8259); write a finite number.")


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len({key for key, _ in pairs}) < len(pairs):
        keys = [key for key, _ in pairs]
        raise TableError(
            f"The key {next(k for k in keys if keys.count(k) > 1)!r} appears "
            "twice in one JSON object."
        )
    return dict(pairs)


def _read_geojson(data: bytes) -> list[tuple[int, dict[str, object]]]:
    try:
        doc = json.loads(
            data.decode("utf-8-sig"),
            parse_float=_json_number,
            parse_constant=_json_constant,
            object_pairs_hook=_json_object,
        )
    except TableError:
        raise
    except UnicodeDecodeError as exc:
        raise TableError(f"GeoJSON must be UTF-8 (invalid byte at {exc.start}).") from None
    except json.JSONDecodeError as exc:
        raise TableError(
            f"Invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."
        ) from None
    except (ValueError, RecursionError) as exc:
        raise TableError(f"Invalid JSON: {exc}") from None
    kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
    if kind == "Feature":
        features = [doc]
    elif kind == "FeatureCollection" and isinstance(doc.get("features"), list):
        features = doc["features"]
    else:
        raise TableError(f"GeoJSON must be a FeatureCollection or a Feature, not {kind!r}.")
    records = ((n, _feature_record(n, feature)) for n, feature in enumerate(features, 1))
    return [(number, record) for number, record in records if record is not None]


def _feature_record(number: int, feature: object) -> dict[str, object] | None:
    """A feature's fields; ``None`` for an empty feature."""
    where = f"Feature {number}"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise TableError(f"{where} is not a GeoJSON Feature.", row=number)
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise TableError(f"{where}: properties must be an object.", row=number)
    unknown = [repr(k) for k in properties if _ALIASES.get(_key(k)) is None]
    if unknown:
        raise TableError(f"{where}: unknown property(ies) {', '.join(unknown)}.", row=number)
    record: dict[str, object] = {}
    for key, value in properties.items():
        field = _ALIASES[_key(key)]
        if field in record:
            raise TableError(f"{where}: {field} is given twice.", row=number)
        if field in FIELDS:
            record[field] = (value.strip() or None) if isinstance(value, str) else value
    geometry = feature.get("geometry")
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        coords = geometry.get("coordinates")
        if not (
            isinstance(coords, list)
            and len(coords) >= 2
            and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords[:2])
        ):
            raise TableError(f"{where}: Point coordinates must be [lon, lat].", row=number)
        for field, value in (("lon", coords[0]), ("lat", coords[1])):
            if (given := record.get(field)) is not None:
                try:
                    same = math.isclose(float(given), value, abs_tol=1e-9)
                except (TypeError, ValueError):
                    same = False
                if not same:
                    raise TableError(
                        f"{where}: the {field} property disagrees with the "
                        "Point geometry; keep one.",
                        row=number,
                    )
            record[field] = float(value)
        record["datum"] = record.get("datum") or "wgs84"  # RFC 7946, unless stated
    elif record.get("lat") is None or record.get("lon") is None:
        if geometry is None and all(value is None for value in record.values()):
            return None
        what = "no geometry" if geometry is None else "a geometry that is not a Point"
        raise TableError(f"{where} has {what} and no lat/lon properties.", row=number)
    return record


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
    return _guard(text)


def write_table(
    rows: list[dict[str, object]], fmt: Format, *, extra_columns: tuple[str, ...] = ()
) -> bytes:
    """Write stations as a file that :func:`read_table` reads back to the same values.

    Parameters
    ----------
    rows
        One mapping per station with the :data:`FIELDS` keys (a missing key is empty):
        ``lat``/``lon`` in degrees in the datum named by ``datum`` (GeoJSON: WGS-84
        only), ``amenities``/``worker_groups`` lists of codes, ``services`` a list of
        lines; plus the ``extra_columns``. Other keys are ignored.
    fmt
        ``"csv"`` (UTF-8 with BOM, the field codes as headers), ``"xlsx"`` (sheet 驿站,
        Chinese headers) or ``"geojson"`` (a FeatureCollection of Points).
    extra_columns
        Columns of :data:`READ_ONLY_COLUMNS` to write after the fields.

    Raises
    ------
    ValueError
        For a non-numeric or non-finite coordinate, a GeoJSON row without coordinates
        or not in WGS-84, or an extra column that imports would not accept.
    """
    if fmt not in ("csv", "xlsx", "geojson"):
        raise ValueError(f"unknown table format {fmt!r}")
    if unknown := [c for c in extra_columns if c not in READ_ONLY_COLUMNS]:
        raise ValueError(f"extra columns must be read-only columns, not {unknown}")
    columns = (*FIELDS, *extra_columns)
    if fmt == "geojson":
        return _write_geojson(rows, columns)
    if fmt == "xlsx":
        return _save(_workbook(rows, columns))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
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
        sheet.column_dimensions[_letter(index)].width = _WIDTHS.get(column, 12)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def cell(column: str, value: object, header: bool = False) -> WriteOnlyCell:
        out = WriteOnlyCell(sheet, value if header else _cell(column, value, xlsx=True))
        if isinstance(out.value, str):
            out.data_type = "s"  # never a formula, whatever the text
        if header:
            out.font = bold
        elif column == "services":
            out.alignment = wrap
        return out

    sheet.append([cell(c, _header_text(c), header=True) for c in columns])
    for row in rows:
        sheet.append([cell(c, row.get(c)) for c in columns])
    return book


def _write_geojson(rows: list[dict[str, object]], columns: tuple[str, ...]) -> bytes:
    features = []
    for number, row in enumerate(rows, start=1):
        lat, lon = _coordinate(row.get("lat"), "lat"), _coordinate(row.get("lon"), "lon")
        if lat is None or lon is None:
            raise ValueError(f"row {number} has no coordinates")
        if str(row.get("datum") or "wgs84").strip().lower() != "wgs84":
            raise ValueError(f"row {number}: GeoJSON coordinates must be WGS-84")
        properties: dict[str, object] = {}
        for column in columns:
            value = row.get(column)
            if column in ("amenities", "worker_groups", "services"):
                if isinstance(value, str):
                    value = value.splitlines() if column == "services" else value.split(";")
                value = [str(item) for item in value or ()]
            elif isinstance(value, datetime | date):
                value = value.isoformat()
            if column not in ("lat", "lon"):
                properties[column] = value
        properties["datum"] = "wgs84"
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
            }
        )
    doc = {"type": "FeatureCollection", "features": features}
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
    """An import template: sheet 驿站 with the Chinese headers and one example station,
    and sheet 说明 with each column's meaning and allowed codes (from the catalog)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = _workbook([EXAMPLE_STATION], FIELDS)
    notes = book.create_sheet("说明")
    for letter, width in zip("ABCDE", (14, 16, 8, 60, 48), strict=True):
        notes.column_dimensions[letter].width = width
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    lines = [("列名", "字段代码", "必填", "说明", "可填写的值")]
    for field in FIELDS:
        allowed = [f"{t.code}（{t.zh}）" for t in _CODES.get(field, ())]
        lines.append(
            (
                _header_text(field),
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
    return _save(book)
