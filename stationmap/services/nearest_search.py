"""The nearest search: one interface, two backends, chosen once per process.

:class:`NearestSearch` is what callers hold (``state.nearest`` in the app);
:func:`make_nearest_search` picks the backend when the app is created, so no caller asks
which one it has:

* :class:`~stationmap.services.nearest.IndexNearest`, an in-process index kept fresh
  with the data version (SQLite, or PostgreSQL without PostGIS);
* :class:`~stationmap.services.postgis.PostgisNearest`, KNN in the database.

Both give the same answers (tests/integration/test_backend_parity.py).
:func:`find_nearest` is the one nearest query of the API and the command line: a point
in any datum and the filters as asked, converted and assembled here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from stationmap.config import Settings
from stationmap.db import Database
from stationmap.geo.datum import Datum, to_wgs84
from stationmap.geo.nearest import Filters
from stationmap.services.nearest import IndexNearest
from stationmap.services.nearest_types import NearestResult
from stationmap.services.postgis import PostgisNearest


class NearestSearch(Protocol):
    """The ``k`` nearest active stations, whatever answers."""

    tz: ZoneInfo
    stale_days: float

    def nearest(
        self, lat: float, lon: float, k: int, filters: Filters, at: datetime
    ) -> list[NearestResult]:
        """The ``k`` nearest active stations to WGS-84 (lat, lon) passing ``filters``,
        ranked by geodesic distance then id (reported-closed ones last); opening hours,
        temporary closures and outages are judged at ``at``."""
        ...

    def warm(self) -> None:
        """Prepare before the first query (a worker calls this at start)."""
        ...

    def uses_database(self) -> bool:
        """Whether the database answers (for diagnostics and tests, not for callers
        to branch on)."""
        ...


def make_nearest_search(database: Database, settings: Settings) -> NearestSearch:
    """The backend for this process: the in-process index unless the database is
    PostgreSQL, where PostGIS answers when its spatial columns exist (known only once
    the database is reachable, so that choice is made on first use, once)."""
    index = IndexNearest(
        database.session, settings.tz, settings.index_check_s, stale_days=settings.stale_days
    )
    if not database.is_postgres:
        return index

    def choose() -> NearestSearch:
        if database.has_postgis():
            return PostgisNearest(database.read, settings.tz, settings.stale_days)
        return index

    return _ChosenOnFirstUse(choose, settings.tz, settings.stale_days)


class _ChosenOnFirstUse:
    """A backend chosen by ``choose`` at the first query, then kept for the process."""

    def __init__(
        self, choose: Callable[[], NearestSearch], tz: ZoneInfo, stale_days: float
    ) -> None:
        self._choose = choose
        self._chosen: NearestSearch | None = None
        self._lock = threading.Lock()
        self.tz = tz
        self.stale_days = stale_days

    def _backend(self) -> NearestSearch:
        chosen = self._chosen
        if chosen is None:
            with self._lock:
                if self._chosen is None:
                    self._chosen = self._choose()
                chosen = self._chosen
                assert chosen is not None
        return chosen

    def nearest(
        self, lat: float, lon: float, k: int, filters: Filters, at: datetime
    ) -> list[NearestResult]:
        return self._backend().nearest(lat, lon, k, filters, at)

    def warm(self) -> None:
        self._backend().warm()

    def uses_database(self) -> bool:
        return self._backend().uses_database()

    def __getattr__(self, name: str) -> Any:
        # The chosen backend's own figures (``builds``, ``check_interval_s``) for tests
        # and diagnostics.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._backend(), name)


@dataclass(frozen=True, slots=True)
class NearestQuery:
    """A nearest question as a courier or an operator asks it.

    ``lat, lon`` are in degrees in ``datum`` (WGS-84, GCJ-02 or BD-09); ``radius_m`` in
    metres around the point. A station must offer every amenity of ``amenities``, be of
    one of ``host_types`` and serve one of ``worker_groups`` (each when not empty), and
    with ``open_now`` be open at the moment asked about.
    """

    lat: float
    lon: float
    datum: Datum = "wgs84"
    k: int = 5
    amenities: frozenset[str] = frozenset()
    host_types: frozenset[str] = frozenset()
    worker_groups: frozenset[str] = frozenset()
    open_now: bool = False
    radius_m: float | None = None


@dataclass(frozen=True, slots=True)
class NearestAnswer:
    """The answer, with the point asked about in WGS-84 (degrees)."""

    lat: float
    lon: float
    results: list[NearestResult]


def find_nearest(search: NearestSearch, query: NearestQuery, at: datetime) -> NearestAnswer:
    """The ``query.k`` nearest active stations to the query's point, judged at ``at``.

    Raises :class:`~stationmap.geo.datum.NoWgs84Point` when the point given in its datum
    converts to no WGS-84 coordinate.
    """
    lat, lon = to_wgs84(query.lat, query.lon, query.datum)
    filters = Filters(
        amenities=query.amenities,
        host_types=query.host_types,
        worker_groups=query.worker_groups,
        open_at=at if query.open_now else None,
        radius_m=query.radius_m,
        states_at=at,
    )
    return NearestAnswer(lat, lon, search.nearest(lat, lon, query.k, filters, at))
