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
from datetime import date, datetime, time
from typing import Any

from stationmap.station_fields import FIELDS
from stationmap.tabular.columns import (
    FIELD_ALIASES,
    GUARDED,
    READ_ONLY_COLUMNS,
    REQUIRED_COLUMNS,
    Format,
    TableError,
    column_letter,
    header_text,
)
from stationmap.tabular.guards import check_zip, has_lone_surrogate, json_integer

SHEET_NAMES = ("驿站", "stations")  # read in preference to the first sheet


def _key(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.replace("\ufeff", "").strip()).casefold()


_ALIASES = {
    _key(name): field
    for field, names in (*FIELD_ALIASES.items(), *READ_ONLY_COLUMNS.items())
    for name in (field, *names)
}


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


def _clean(value: object) -> object:
    if isinstance(value, datetime) and value.time() == time() and value.tzinfo is None:
        value = value.date()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, str):
        if value[:1] == "'" and value[1:2] in (*GUARDED, "'"):
            value = value[1:]  # undo _guard
        return value.replace("\r\n", "\n").replace("\r", "\n").strip() or None
    return value


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
        known = ", ".join(f"{f}/{header_text(f)}" for f in FIELDS)
        problems.append(f"unknown column(s) {', '.join(unknown)} (known columns: {known})")
    duplicates = [f"{f} ({', '.join(names)})" for f, names in seen.items() if len(names) > 1]
    if duplicates:
        problems.append(f"duplicate column(s): {'; '.join(duplicates)}")
    missing = [f"{f} ({header_text(f)})" for f in REQUIRED_COLUMNS if f not in seen]
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
                    f"Row {number}: column {column_letter(index)} has a value but no header.",
                    row=number,
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


def _read_xlsx(data: bytes) -> list[tuple[int, dict[str, object]]]:
    check_zip(data)
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


def _json_integer(text: str) -> int | float:
    if not math.isfinite(value := json_integer(text)):
        raise TableError(f"数字 {text[:20]}… 太大，不是坐标。The number {text[:20]}… is too large.")
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
        raise TableError(f"GeoJSON must be UTF-8 (invalid byte at {exc.start}).") from None
    except json.JSONDecodeError as exc:
        raise TableError(
            f"Invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."
        ) from None
    except (ValueError, RecursionError) as exc:
        raise TableError(f"Invalid JSON: {exc}") from None
    if has_lone_surrogate(text, doc):
        raise TableError(
            "文件中有不成对的 \\ud800–\\udfff 转义（不是字符），请删除或改正。"
            "The file has a lone \\ud800-\\udfff escape, which is not a character; "
            "remove or correct it."
        )
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
