"""Nearest stations, from an in-process index kept fresh across processes.

Each process holds one :class:`~stationmap.geo.nearest.NearestIndex` of the active
stations and, beside it, a compact row per station for the response. Before answering,
the process reads the one-row data version at most every ``check_interval_s`` seconds
(0.5 s by default) and rebuilds the index when another process has written since: an
edit made through one worker is seen by every worker within a second, and the index is
not rebuilt on every request.

Temporary states (a closure or an amenity outage set by station staff) are kept in the
index with their end, and judged at the moment each query asks about, so they expire
without a rebuild; reported-closed stations come after the others in an answer.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, or_, select
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
from stationmap.geo.nearest import Filters, IndexedStation, NearestIndex
from stationmap.models import (
    PUBLIC_STATION_COLUMNS,
    Station,
    StationAmenity,
    StationOutage,
    StationWorkerGroup,
)
from stationmap.services.dataset import data_version
from stationmap.services.nearest_types import (
    VECTOR_MIN,
    NearestResult,
    StationRow,
    is_reported,
    station_rows,
)

__all__ = [
    "SYNC_REBUILD_MAX",
    "VECTOR_MIN",
    "IndexNearest",
    "NearestResult",
    "StationRow",
    "build_index",
    "load_rows",
    "load_rows_and_states",
    "station_rows",
]

# Above this many stations an index is rebuilt in the background (see _current).
SYNC_REBUILD_MAX = 20_000


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


def load_states(session: Session) -> dict[int, StationFlags]:
    """The temporary states of the active stations that have one (closure, reported
    closed, amenity outages), by station id; ``verified_at`` is left out here."""
    outages: dict[int, list[tuple[str, datetime]]] = {}
    for sid, code, until in session.execute(
        select(StationOutage.station_id, StationOutage.amenity, StationOutage.until)
    ):
        outages.setdefault(sid, []).append((code, until))
    flagged = session.execute(
        select(Station.id, Station.closed_until, Station.reported_closed_at).where(
            Station.deleted_at.is_(None),
            Station.status == "active",
            or_(Station.closed_until.is_not(None), Station.reported_closed_at.is_not(None)),
        )
    )
    out = {
        sid: StationFlags(closed, reported is not None, None, tuple(outages.pop(sid, ())))
        for sid, closed, reported in flagged
    }
    for sid, pairs in outages.items():
        out[sid] = StationFlags(outages=tuple(pairs))
    return out


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
        self._index: NearestIndex | None = None
        self._rows: list[StationRow] = []
        self._data: _Built | None = None
        self._version: int | None = None
        self._checked_at = 0.0
        self._rebuilding = False
        self.builds = 0

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
            rows, verified, states = load_rows_and_states(session)
        index = build_index(rows, states, self.tz)
        return _Built(version, index, rows, np.asarray(verified, dtype=np.float64), states)

    def _install(self, built: _Built) -> None:
        # One assignment of the whole: a query never sees rows of one build and states
        # of another.
        self._data = built
        self._version, self._index, self._rows = built.version, built.index, built.rows
        self.builds += 1

    def _rebuild_in_background(self) -> None:
        def run() -> None:
            try:
                built = self._build()
                with self._lock:
                    self._install(built)
            finally:
                self._rebuilding = False

        self._rebuilding = True
        threading.Thread(target=run, name="nearest-index", daemon=True).start()

    def _current_build(self) -> _Built:
        """The index, rebuilt when another process has written since it was built.

        Up to :data:`SYNC_REBUILD_MAX` stations the rebuild happens before answering (a
        few milliseconds for a county, so an edit shows within the check interval).
        Larger indexes rebuild in a thread while the old one keeps answering, so an edit
        does not stall every worker for seconds; PostGIS is the backend for such sizes.
        """
        data = self._data
        if data is not None and time.monotonic() - self._checked_at < self.check_interval_s:
            return data
        with self._lock:
            index = self._index
            if self._data is not None and (
                time.monotonic() - self._checked_at < self.check_interval_s
            ):
                return self._data
            if index is None:
                self._install(self._build())
            elif not self._rebuilding:
                with self._session_factory() as session:
                    version = data_version(session)
                if version != self._version:
                    if len(index) <= SYNC_REBUILD_MAX:
                        self._install(self._build())
                    else:
                        self._rebuild_in_background()
            self._checked_at = time.monotonic()
            assert self._data is not None
            return self._data

    def nearest(
        self, lat: float, lon: float, k: int, filters: Filters, at: datetime
    ) -> list[NearestResult]:
        """The ``k`` nearest active stations to WGS-84 (lat, lon) passing ``filters``;
        ``open_now`` is evaluated at ``at``."""
        built = self._current_build()
        rows, states, verified = built.rows, built.states, built.verified_s
        if states and filters.amenities and filters.states_at is None:
            filters = replace(filters, states_at=at)
        stale_before = at.timestamp() - self.stale_days * 86400.0
        results = []
        reported = False
        for hit in built.index.nearest(lat, lon, k, filters):
            row = rows[hit.position]
            flags = states.get(row.id) if states else None
            if flags is None:  # the usual case: no temporary state
                state = hours_state(row.opening_hours, at, self.tz)
                # NaN (never verified) compares False: stale.
                found = FRESH if verified.item(hit.position) >= stale_before else STALE
            else:
                closed = flags.closed_until
                found = Marks(
                    closed if closed_at(closed, at) else None,
                    unavailable_at(flags.outages, at) if flags.outages else (),
                    flags.reported_closed,
                    not verified.item(hit.position) >= stale_before,
                )
                state = effective_hours(row.opening_hours, at, self.tz, closed)
                reported = reported or flags.reported_closed
            results.append(NearestResult(row, hit.distance_m, state, found))
        return reported_last(results, is_reported) if reported else results


@dataclass(frozen=True, slots=True)
class _Built:
    version: int
    index: NearestIndex
    rows: list[StationRow]
    verified_s: npt.NDArray[np.float64]  # beside rows: last verified, POSIX s (NaN: never)
    states: dict[int, StationFlags]  # temporary states, by station id


def _index_states(flags: StationFlags) -> tuple[float | None, tuple[tuple[str, float], ...]]:
    """A station's closure end and outages as the index keeps them (POSIX seconds)."""
    closed = flags.closed_until.timestamp() if flags.closed_until is not None else None
    return closed, tuple((code, until.timestamp()) for code, until in flags.outages)


def build_index(
    rows: Sequence[StationRow], states: dict[int, StationFlags], tz: ZoneInfo
) -> NearestIndex:
    """The nearest index of ``rows``, with their temporary states."""
    none = StationFlags()
    return NearestIndex(
        [
            IndexedStation(
                r.id,
                r.lat,
                r.lon,
                r.amenities,
                r.host_type,
                r.worker_groups,
                r.opening_hours,
                *_index_states(states.get(r.id, none)),
            )
            for r in rows
        ],
        tz,
    )
