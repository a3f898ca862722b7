"""What a refused write must leave as it was: every station row and its codes, the
history, the data version other processes watch, and each district's code counter (the
highest serial its stations use, from which the next code is counted)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from stationmap.app_state import state
from stationmap.models import (
    DatasetState,
    Station,
    StationAmenity,
    StationRevision,
    StationWorkerGroup,
)


@dataclass(frozen=True)
class Snapshot:
    stations: tuple[tuple[Any, ...], ...]
    amenities: tuple[tuple[int, str], ...]
    worker_groups: tuple[tuple[int, str], ...]
    revisions: int
    data_version: int
    highest_code: dict[str, str]


def snapshot(app: Flask) -> Snapshot:
    """Everything a station write could change, read plainly from the tables."""
    with state(app).db.session() as session:
        stations = tuple(
            tuple(row)
            for row in session.execute(select(*Station.__table__.columns).order_by(Station.id))
        )
        amenities = tuple(
            (sid, code)
            for sid, code in session.execute(
                select(StationAmenity.station_id, StationAmenity.amenity).order_by(
                    StationAmenity.station_id, StationAmenity.amenity
                )
            )
        )
        groups = tuple(
            (sid, code)
            for sid, code in session.execute(
                select(StationWorkerGroup.station_id, StationWorkerGroup.group).order_by(
                    StationWorkerGroup.station_id, StationWorkerGroup.group
                )
            )
        )
        revisions = session.scalar(select(func.count()).select_from(StationRevision)) or 0
        version = session.scalar(select(DatasetState.data_version)) or 0
    highest: dict[str, str] = {}
    for row in stations:
        code = row[1]
        prefix = code.partition("-")[0]
        highest[prefix] = max(highest.get(prefix, code), code)
    return Snapshot(stations, amenities, groups, revisions, version, highest)


def assert_unchanged(before: Snapshot, app: Flask) -> None:
    """Fails naming what a refused write changed."""
    after = snapshot(app)
    assert after.revisions == before.revisions, "a revision was recorded"
    assert after.data_version == before.data_version, "the data version moved"
    assert after.highest_code == before.highest_code, "a district's code counter moved"
    assert after.stations == before.stations, "a station row changed"
    assert after.amenities == before.amenities, "a station's amenities changed"
    assert after.worker_groups == before.worker_groups, "a station's worker groups changed"
