"""Nearest stations, from an in-process index kept fresh across processes.

Each process holds one :class:`~stationmap.geo.nearest.NearestIndex` of the active
stations and, beside it, a compact row per station for the response. Before answering,
the process reads the one-row data version at most every ``check_interval_s`` seconds
(0.5 s by default) and rebuilds the index when another process has written since: an
edit made through one worker is seen by every worker within a second, and the index is
not rebuilt on every request.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationmap.geo.nearest import Filters, IndexedStation, NearestIndex
from stationmap.models import Station, StationAmenity, StationWorkerGroup
from stationmap.services.stations import data_version


class StationRow(NamedTuple):
    """What a nearest answer shows of a station (kept in memory per process)."""

    id: int
    code: str
    name: str
    address: str
    district_code: str | None
    host_type: str
    amenities: tuple[str, ...]
    worker_groups: tuple[str, ...]
    opening_hours: str | None
    phone: str
    is_demo: bool
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class NearestResult:
    station: StationRow
    distance_m: float
    open_now: bool | None


def load_rows(session: Session) -> list[StationRow]:
    """Every active, not deleted station, in id order."""
    amenities: dict[int, list[str]] = defaultdict(list)
    for station_id, code in session.execute(
        select(StationAmenity.station_id, StationAmenity.amenity).order_by(
            StationAmenity.station_id, StationAmenity.amenity
        )
    ):
        amenities[station_id].append(code)
    groups: dict[int, list[str]] = defaultdict(list)
    for station_id, code in session.execute(
        select(StationWorkerGroup.station_id, StationWorkerGroup.group).order_by(
            StationWorkerGroup.station_id, StationWorkerGroup.group
        )
    ):
        groups[station_id].append(code)
    rows = session.execute(
        select(
            Station.id,
            Station.code,
            Station.name,
            Station.address,
            Station.district_code,
            Station.host_type,
            Station.opening_hours,
            Station.phone,
            Station.is_demo,
            Station.lat,
            Station.lon,
        )
        .where(Station.deleted_at.is_(None), Station.status == "active")
        .order_by(Station.id)
    )
    return [
        StationRow(
            sid,
            code,
            name,
            address,
            district,
            host,
            tuple(amenities.get(sid, ())),
            tuple(groups.get(sid, ())),
            hours,
            phone,
            bool(demo),
            lat,
            lon,
        )
        for sid, code, name, address, district, host, hours, phone, demo, lat, lon in rows
    ]


class NearestService:
    """The per-process index; thread-safe.

    Parameters
    ----------
    session_factory : callable returning a Session
    tz : ZoneInfo
        Time zone in which opening hours are evaluated.
    check_interval_s : float
        How often, at most, to look for writes by other processes.
    """

    def __init__(
        self,
        session_factory: Callable[[], Session],
        tz: ZoneInfo,
        check_interval_s: float = 0.5,
        database_knn: Callable[[], bool] | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._database_knn_check = database_knn
        self._database_knn: bool | None = None
        self.tz = tz
        self.check_interval_s = check_interval_s
        self._lock = threading.Lock()
        self._index: NearestIndex | None = None
        self._rows: list[StationRow] = []
        self._version: int | None = None
        self._checked_at = 0.0
        self.builds = 0

    def uses_database(self) -> bool:
        """Whether queries go to PostGIS (decided on first use, when the database is
        reachable)."""
        if self._database_knn is None:
            self._database_knn = bool(self._database_knn_check and self._database_knn_check())
        return self._database_knn

    def warm(self) -> None:
        """Build the index now (a worker calls this at start, so the first courier does
        not wait for it). Nothing to do on PostGIS."""
        if not self.uses_database():
            self._current()

    def invalidate(self) -> None:
        """Force a version check on the next query (after a write in this process)."""
        self._checked_at = 0.0

    def _current(self) -> tuple[NearestIndex, list[StationRow]]:
        now = time.monotonic()
        if self._index is not None and now - self._checked_at < self.check_interval_s:
            return self._index, self._rows
        with self._lock:
            if (
                self._index is not None
                and time.monotonic() - self._checked_at < self.check_interval_s
            ):
                return self._index, self._rows
            with self._session_factory() as session:
                version = data_version(session)
                if self._index is None or version != self._version:
                    rows = load_rows(session)
                    self._index = NearestIndex(
                        [
                            IndexedStation(
                                r.id,
                                r.lat,
                                r.lon,
                                r.amenities,
                                r.host_type,
                                r.worker_groups,
                                r.opening_hours,
                            )
                            for r in rows
                        ],
                        self.tz,
                    )
                    self._rows = rows
                    self._version = version
                    self.builds += 1
            self._checked_at = time.monotonic()
            return self._index, self._rows

    def nearest(
        self, lat: float, lon: float, k: int, filters: Filters, at: datetime
    ) -> list[NearestResult]:
        """The ``k`` nearest active stations to WGS-84 (lat, lon) passing ``filters``;
        ``open_now`` is evaluated at ``at``. On PostGIS the database answers (KNN on
        the geography column); elsewhere the in-process index does."""
        if self.uses_database():
            from stationmap.services import postgis

            with self._session_factory() as session:
                return postgis.nearest(session, lat, lon, k, filters, at, self.tz)
        index, rows = self._current()
        return [
            NearestResult(rows[hit.position], hit.distance_m, index.is_open(hit.position, at))
            for hit in index.nearest(lat, lon, k, filters)
        ]

    def size(self) -> int:
        index, _ = self._current()
        return len(index)
