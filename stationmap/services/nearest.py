"""Nearest stations, from an in-process index kept fresh across processes.

Each process holds one :class:`~stationmap.geo.nearest.NearestIndex` of the active
stations over compact columns (:mod:`stationmap.services.nearest_table`), from which the
rows of an answer are made. Before answering, the process reads the one-row data version
at most every ``check_interval_s`` seconds (0.5 s by default); when another process has
written since, it reads again only the stations that write recorded as changed (or
every station after a bulk write): an edit made through one worker is seen by every
worker within a second, and the index is not rebuilt on every request.

Temporary states (a closure or an amenity outage set by station staff) are kept in the
index with their end, and judged at the moment each query asks about, so they expire
without a rebuild; reported-closed stations come after the others in an answer.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stationmap.geo.freshness import (
    FRESH,
    STALE,
    Marks,
    StationFlags,
    closed_at,
    effective_hours,
    reported_last,
    unavailable_at,
)
from stationmap.geo.hours import hours_state
from stationmap.geo.nearest import Filters, Hit
from stationmap.models import (
    PUBLIC_STATION_COLUMNS,
    Station,
    StationAmenity,
    StationWorkerGroup,
)
from stationmap.services.dataset import changed_stations, data_version
from stationmap.services.nearest_table import IndexedTable, load_states, load_table
from stationmap.services.nearest_types import (
    VECTOR_MIN,
    NearestResult,
    StationRow,
    is_reported,
    station_rows,
)

__all__ = [
    "DELTA_MAX",
    "SYNC_REBUILD_MAX",
    "VECTOR_MIN",
    "IndexNearest",
    "NearestResult",
    "StationRow",
    "load_rows",
    "load_rows_and_states",
    "station_rows",
]

# Above this many stations an index is rebuilt in the background (see _current).
SYNC_REBUILD_MAX = 20_000
# Up to this many stations changed since the last full build are applied one by one.
DELTA_MAX = 2_000


def _codes_by_station(session: Session, station_id: Any, code: Any) -> dict[int, tuple[str, ...]]:
    joined = session.execute(
        select(station_id, func.aggregate_strings(code, ",")).group_by(station_id)
    )
    # Stations share a few hundred code sets: one tuple for each, not one per station.
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    return {
        sid: shared.setdefault(codes, codes)
        for sid, text in joined
        if text
        for codes in [tuple(sorted(text.split(",")))]
    }


def load_rows(session: Session) -> list[StationRow]:
    """Every active, not deleted station, in id order."""
    return load_rows_and_states(session)[0]


def load_rows_and_states(
    session: Session,
) -> tuple[list[StationRow], list[float], dict[int, StationFlags]]:
    """Every active, not deleted station in id order; beside each, when it was last
    verified (POSIX seconds, NaN for never); and the temporary states by id."""
    # One row per station, codes joined in SQL (group_concat / string_agg): a million
    # (station, code) rows cost seconds as Python objects, a hundred thousand do not.
    amenities = _codes_by_station(session, StationAmenity.station_id, StationAmenity.amenity)
    groups = _codes_by_station(session, StationWorkerGroup.station_id, StationWorkerGroup.group)
    rows = session.execute(
        select(
            *PUBLIC_STATION_COLUMNS, Station.is_demo, Station.lat, Station.lon, Station.verified_at
        )
        .where(Station.deleted_at.is_(None), Station.status == "active")
        .order_by(Station.id)
    )
    # Values many stations repeat (district, host type, opening hours) are kept once:
    # each row from the driver is a new string object.
    shared: dict[str | None, str | None] = {}
    one = shared.setdefault
    verified: list[float] = []
    records = []
    for sid, code, name, address, district, host, hours, phone, demo, lat, lon, when in rows:
        verified.append(when.timestamp() if when is not None else math.nan)
        records.append(
            (
                sid,
                code,
                name,
                address,
                one(district, district),
                one(host, host),
                amenities.get(sid, ()),
                groups.get(sid, ()),
                one(hours, hours),
                phone,
                bool(demo),
                lat,
                lon,
            )
        )
    return station_rows(records), verified, load_states(session)


class IndexNearest:
    """The nearest search answered by a per-process index (the backend when the database
    is not PostGIS); thread-safe. See :class:`~stationmap.services.nearest_search.NearestSearch`.

    The stations are held as compact columns (:mod:`stationmap.services.nearest_table`).
    When another process has raised the data version, only the stations it changed are
    read again: their rows are hidden in the big index and answered from a small one
    beside it (merged by distance, so answers stay exact). A full rebuild happens only
    after a bulk write, or once more than :data:`DELTA_MAX` stations have changed.

    Parameters
    ----------
    session_factory : callable returning a Session
    tz : ZoneInfo
        Time zone in which opening hours are evaluated.
    check_interval_s : float
        How often, at most, to look for writes by other processes.
    stale_days : float
        A station verified longer ago than this (or never) is marked stale.
    """

    def __init__(
        self,
        session_factory: Callable[[], Session],
        tz: ZoneInfo,
        check_interval_s: float = 0.5,
        stale_days: float = 180.0,
    ) -> None:
        self.stale_days = stale_days
        self._session_factory = session_factory
        self.tz = tz
        self.check_interval_s = check_interval_s
        self._lock = threading.Lock()
        self._data: _Built | None = None
        self._checked_at = 0.0
        self._rebuilding = False
        self.builds = 0
        self.full_builds = 0

    def uses_database(self) -> bool:
        """False: this process answers from its own index."""
        return False

    def warm(self) -> None:
        """Build the index now (a worker calls this at start, so the first courier does
        not wait for it)."""
        self._current_build()

    def _build(self) -> _Built:
        with self._session_factory() as session:
            version = data_version(session)
            main = load_table(session, self.tz)
        return _Built(version, main, None, frozenset(), main.states)

    def _apply(self, session: Session, data: _Built, version: int, ids: set[int]) -> _Built:
        """``data`` with the stations of ``ids`` (and those changed before) read again."""
        changed = data.delta_ids | ids
        if not changed:
            return replace(data, version=version)
        delta = load_table(session, self.tz, changed)
        main = data.main
        wanted = np.fromiter(sorted(ids), dtype=np.int64, count=len(ids))
        places = np.searchsorted(main.index.ids, wanted)
        places = places[places < len(main.index)]
        places = places[np.isin(main.index.ids[places], wanted)]
        hidden = main.index.hiding(places) if places.size else main.index
        states = {i: f for i, f in main.states.items() if i not in changed}
        states.update(delta.states)
        return _Built(
            version,
            replace(main, index=hidden),
            delta if len(delta.table) else None,
            frozenset(changed),
            states,
        )

    def _install(self, built: _Built, *, full: bool = False) -> None:
        # One assignment of the whole: a query never sees rows of one build and states
        # of another.
        self._data = built
        self.builds += 1
        self.full_builds += full

    def _rebuild_in_background(self) -> None:
        def run() -> None:
            try:
                built = self._build()
                with self._lock:
                    self._install(built, full=True)
            finally:
                self._rebuilding = False

        self._rebuilding = True
        threading.Thread(target=run, name="nearest-index", daemon=True).start()

    def _current_build(self) -> _Built:
        """The stations, brought up to date when another process has written since.

        Changes of a few stations are applied before answering (a query of those
        stations: milliseconds at any size). A full rebuild up to
        :data:`SYNC_REBUILD_MAX` stations happens before answering too; larger ones in
        a thread while the old index keeps answering, so no request waits for one.
        """
        data = self._data
        if data is not None and time.monotonic() - self._checked_at < self.check_interval_s:
            return data
        with self._lock:
            data = self._data
            if data is not None and time.monotonic() - self._checked_at < self.check_interval_s:
                return data
            if data is None:
                self._install(self._build(), full=True)
            elif not self._rebuilding:
                self._refresh(data)
            self._checked_at = time.monotonic()
            assert self._data is not None
            return self._data

    def _refresh(self, data: _Built) -> None:
        with self._session_factory() as session:
            version = data_version(session)
            if version == data.version:
                return
            ids = changed_stations(session, data.version, version)
            if ids is not None and len(data.delta_ids | ids) <= DELTA_MAX:
                self._install(self._apply(session, data, version, ids))
                return
        if len(data.main.index) <= SYNC_REBUILD_MAX:
            self._install(self._build(), full=True)
        else:
            self._rebuild_in_background()

    def nearest(
        self, lat: float, lon: float, k: int, filters: Filters, at: datetime
    ) -> list[NearestResult]:
        """The ``k`` nearest active stations to WGS-84 (lat, lon) passing ``filters``;
        ``open_now`` is evaluated at ``at``."""
        built = self._current_build()
        states = built.states
        if states and filters.amenities and filters.states_at is None:
            filters = replace(filters, states_at=at)
        stale_before = at.timestamp() - self.stale_days * 86400.0
        results = []
        reported = False
        for hit, part in built.hits(lat, lon, k, filters):
            row = part.table.row(part.index, hit.position)
            verified = part.table.verified_s.item(hit.position)
            flags = states.get(row.id) if states else None
            if flags is None:  # the usual case: no temporary state
                state = hours_state(row.opening_hours, at, self.tz)
                # NaN (never verified) compares False: stale.
                found = FRESH if verified >= stale_before else STALE
            else:
                closed = flags.closed_until
                found = Marks(
                    closed if closed_at(closed, at) else None,
                    unavailable_at(flags.outages, at) if flags.outages else (),
                    flags.reported_closed,
                    not verified >= stale_before,
                )
                state = effective_hours(row.opening_hours, at, self.tz, closed)
                reported = reported or flags.reported_closed
            results.append(NearestResult(row, hit.distance_m, state, found))
        return reported_last(results, is_reported) if reported else results


@dataclass(frozen=True, slots=True)
class _Built:
    version: int
    main: IndexedTable  # every station at the last full build, changed ones hidden
    delta: IndexedTable | None  # the stations changed since, as they are now
    delta_ids: frozenset[int]  # ids changed since the full build (deleted ones too)
    states: dict[int, StationFlags]  # temporary states, by station id

    def hits(
        self, lat: float, lon: float, k: int, filters: Filters
    ) -> list[tuple[Hit, IndexedTable]]:
        """The ``k`` best of both indexes, by distance then id."""
        found = [(hit, self.main) for hit in self.main.index.nearest(lat, lon, k, filters)]
        if self.delta is None:
            return found
        found += [(hit, self.delta) for hit in self.delta.index.nearest(lat, lon, k, filters)]
        found.sort(key=lambda pair: (pair[0].distance_m, pair[0].id))
        return found[:k]
