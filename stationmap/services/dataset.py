"""The data version: one number every writer of stations or districts raises, so each
process knows when what it keeps in memory (the nearest index, the district tree) must
be read again; and beside it which stations each version changed, so that a process
holding every station reads only those again (:func:`changed_stations`)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from stationmap.models import DatasetState, StationChange

__all__ = ["KEEP_VERSIONS", "bump_data_version", "changed_stations", "data_version", "wrote_data"]

_BUMPED = "stationmap.data_version_bumped"
# The changes of this many latest versions are kept; a process further behind reads
# every station again.
KEEP_VERSIONS = 1000


def bump_data_version(session: Session, station_ids: Iterable[int] | None = None) -> None:
    """Raise the data version, recording that it changed the stations ``station_ids``
    (none: an empty iterable, e.g. districts only) or possibly any station (None)."""
    session.info[_BUMPED] = True
    result = session.execute(
        update(DatasetState)
        .where(DatasetState.id == 1)
        .values(data_version=DatasetState.data_version + 1)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(DatasetState(id=1, data_version=1))
        session.flush()
    version = data_version(session)
    ids = None if station_ids is None else sorted(set(station_ids))
    rows = (
        [{"data_version": version, "station_id": i, "every_station": False} for i in ids]
        if ids
        else [{"data_version": version, "station_id": None, "every_station": ids is None}]
    )
    session.execute(insert(StationChange), rows)
    session.execute(
        delete(StationChange).where(StationChange.data_version <= version - KEEP_VERSIONS)
    )


def data_version(session: Session) -> int:
    return int(session.scalar(select(DatasetState.data_version).where(DatasetState.id == 1)) or 0)


def changed_stations(session: Session, since: int, upto: int) -> set[int] | None:
    """The ids of the stations changed by the versions after ``since`` up to ``upto``,
    or None when any station may have changed (a bulk write, a write that recorded no
    change, or changes no longer kept)."""
    if upto < since:
        return None
    seen: set[int] = set()
    ids: set[int] = set()
    for version, station_id, every in session.execute(
        select(
            StationChange.data_version, StationChange.station_id, StationChange.every_station
        ).where(StationChange.data_version > since, StationChange.data_version <= upto)
    ):
        if every:
            return None
        seen.add(version)
        if station_id is not None:
            ids.add(station_id)
    return ids if len(seen) == upto - since else None


def wrote_data(session: Session) -> bool:
    """Whether ``session`` has raised the data version (its writes may be rolled back,
    so what it reads is not to be kept for other requests)."""
    return bool(session.info.get(_BUMPED))
