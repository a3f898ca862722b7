"""The demo data set: deterministic stations in the launch districts, marked as demo."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from stationmap.demo_data import generate_demo
from stationmap.services import districts as district_service
from stationmap.services.stations import DEMO_SERIAL_BASE, SaveResult, delete_demo, save_inputs
from stationmap.station_fields import parse_station


def load_demo(session: Session, seed: int | None = None) -> tuple[int, SaveResult]:
    """Replace the demo stations; returns (how many were removed, what was saved).

    Demo codes are numbered from 900001 in each district, a range real serials never
    reach (:data:`~stationmap.services.stations.LAST_REAL_SERIAL`), so a demo station
    never takes a real station's code, nor a real one a demo code.
    """
    removed = delete_demo(session)
    session.flush()
    shapes = [
        district_service.to_shape(row)
        for row in district_service.all_districts(session)
        if row.boundary_geojson is not None
    ]
    rows = generate_demo(shapes) if seed is None else generate_demo(shapes, seed)
    inputs = []
    for row in rows:
        item = parse_station(row)
        prefix, _, serial = (item.code or "").partition("-")
        inputs.append(replace(item, code=f"{prefix}-{DEMO_SERIAL_BASE + int(serial)}"))
    return removed, save_inputs(session, inputs, is_demo=True)
