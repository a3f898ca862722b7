"""The datum coordinate headers name (高德经度, 经度（百度）): a note for the sheet, and
each row's 坐标系 given or checked against it."""

from __future__ import annotations

from dataclasses import replace

from stationmap.geo.datum import Datum
from stationmap.station_fields import FieldError
from stationmap.tabular.columns import column_letter
from stationmap.tabular.layout.header import _Header
from stationmap.tabular.layout.header_names import (
    _DATUM_EN,
    _DATUM_ZH,
    COORDINATES,
    _parsed_datum,
    datum_header,
)
from stationmap.tabular.layout.table import Table, _note
from stationmap.tabular.sheets import Grid


def _header_datum(
    grid: Grid, header: _Header, columns: dict[int, str], table: Table
) -> tuple[Datum, int] | None:
    """The datum the coordinate headers name (高德经度, 经度（百度）) and the first column
    naming it; a :class:`TableError` when two of them name different ones."""
    named: dict[int, Datum] = {}
    texts: dict[int, str] = {}  # the header that names it: its own, or a group's above it
    for col, target in columns.items():
        if target in ("lon", "lat", COORDINATES):
            for text in (header.texts[col], header.above.get(col)):
                if text is not None and (found := datum_header(text)) is not None:
                    named[col], texts[col] = found[1], text
                    break
    if not named:
        return None
    if len(set(named.values())) > 1:
        listed_zh = "、".join(f"{column_letter(c)} 列“{texts[c]}”" for c in sorted(named))
        listed_en = ", ".join(f"{column_letter(c)} {texts[c]!r}" for c in sorted(named))
        raise grid.error(
            f"the headers {listed_en} name different maps: the longitude and latitude of a "
            "row must come from one map; correct the headers",
            f"{listed_zh} 的列名写的是不同的地图：同一行的经度和纬度只能来自同一个地图，请改正列名",
            header.row,
        )
    col = min(named)
    datum = named[col]
    text = texts[col]
    table.notes.append(
        _note(
            grid,
            f"the header {text!r} says the coordinates come from {_DATUM_EN[datum]}: rows "
            "without a 坐标系 are read in it",
            f"列名“{text}”说明坐标来自{_DATUM_ZH[datum]}：未填坐标系的行按此换算，请核对",
            header.row,
            col,
        )
    )
    return datum, col


def _check_header_datum(
    grid: Grid,
    number: int,
    record: dict[str, object],
    named: tuple[Datum, int],
    header: _Header,
    datum_col: int | None,
) -> list[FieldError]:
    """Give ``record`` the datum its headers name where its 坐标系 is empty; an error
    on the 坐标系 cell (``datum_col``) where it names another one."""
    datum, col = named
    given = record.get("datum")
    if given is None or (isinstance(given, str) and not given.strip()):
        record["datum"] = datum
        return []
    if (stated := _parsed_datum(str(given))) is None or stated == datum:
        return []  # an unknown word is refused by the value check, naming the cell
    text = header.texts[col]
    error = _note(
        grid,
        f"the 坐标系 says {given!r}, but the header {text!r} says {_DATUM_EN[datum]}: "
        "correct one of them",
        f"坐标系写的是“{given}”，但列名“{text}”说明坐标来自{_DATUM_ZH[datum]}：请改正其中一个",
        number,
        col if datum_col is None else datum_col,
    )
    return [replace(error, field="datum")]
