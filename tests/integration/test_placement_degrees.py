"""Each 纬度/经度 cell of an import is read once: the field check's reading, as entered
(before any datum conversion), goes on to the placement checks, which read the cells
themselves only for a row the field check refused (swapped axes are still found there).
Expected degrees are computed here from the cells' text."""

from __future__ import annotations

from stationmap.app_state import state
from stationmap.services import placement, transfer
from stationmap.tabular import TableRow
from tests.integration.admin_support import XINCHENG, free_point


def _degrees_text(value: float, hemisphere: str) -> tuple[str, float]:
    """``value`` as degrees-minutes-seconds text, and the number that text means."""
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 1)
    return f"{hemisphere}{degrees}°{minutes}′{seconds}″", degrees + minutes / 60 + seconds / 3600


def test_the_field_checks_reading_of_each_point_is_carried_as_entered(app) -> None:
    lat, lon = free_point(app, XINCHENG)
    lat_text, lat_read = _degrees_text(lat, "北纬")
    data = (
        "name,lat,lon,datum\n"
        f"度分秒驿站,{lat_text},{lon},wgs84\n"
        f"填反驿站,{lon},{lat},wgs84\n"  # refused by the field check: 纬度 over 90
        "高德驿站,40.8,111.7,gcj02\n"
    ).encode()
    checked = transfer.check_file(data, "rows.csv")
    dms, swapped, gcj = checked.placed
    assert dms.degrees == (lat_read, lon) and dms.index == 0
    assert swapped.degrees is None and swapped.index is None
    assert gcj.degrees == (40.8, 111.7) and gcj.index == 1  # as entered, not converted
    assert abs(checked.inputs[1].lat - 40.8) > 1e-4  # the station is stored in WGS-84
    with state(app).db.session() as session:
        found = placement.check_placement(session, checked.placed, None)
    assert [(e.row, e.field) for e in found.errors] == [(3, "lat")]
    assert "经度和纬度可能填反了" in found.errors[0].message_zh  # read from its cells
    assert found.swapped == {(None, 3)}
    assert found.districts[0] == XINCHENG


def test_the_placement_checks_take_the_carried_degrees_over_the_cells(app) -> None:
    lat, lon = free_point(app, XINCHENG)
    unreadable = TableRow(2, {"lat": "?", "lon": "?"})
    readable = TableRow(3, {"lat": str(lat), "lon": str(lon)})
    rows = [
        placement.PlacedRow(unreadable, "wgs84", 0, degrees=(lat, lon)),
        placement.PlacedRow(unreadable, "wgs84", 1),
        placement.PlacedRow(readable, "wgs84", 2),
    ]
    with state(app).db.session() as session:
        found = placement.check_placement(session, rows, frozenset({XINCHENG}))
    assert found.errors == []
    assert found.districts == {0: XINCHENG, 2: XINCHENG}  # the second: no point at all
