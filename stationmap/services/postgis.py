"""Spatial queries answered by PostGIS: nearest stations by the KNN operator on the
``geography`` column, and point-in-district by ``ST_Covers`` on district geometries.

They give the same answers as the in-process index and locator (tested on both
backends): the KNN operator orders by distance on a sphere, so a query takes extra
candidates, ranks them by ``ST_Distance`` on the WGS-84 spheroid (Karney's algorithm,
like pyproj), and widens until no station beyond the candidates could rank higher.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from stationmap.db import fetch_prepared
from stationmap.geo.freshness import (
    FRESH,
    STALE,
    Marks,
    closed_at,
    effective_hours,
    is_stale,
    reported_last,
)
from stationmap.geo.hours import hours_state
from stationmap.services.nearest_types import (
    NearestResult,
    StationRow,
    is_reported,
    station_rows,
)

if TYPE_CHECKING:
    # Only named in signatures: importing geo.nearest would import scipy's KD-tree into
    # every process that touches districts (the account commands among them).
    from stationmap.geo.nearest import Filters

# Spheroid and sphere distances differ by less than 0.6 %: a margin for the KNN order.
SPHERE_MARGIN = 0.01

_LEVEL_ORDER = "CASE d.level WHEN 'county' THEN 0 WHEN 'city' THEN 1 ELSE 2 END"


def _filter_sql(filters: Filters, params: dict[str, Any]) -> str:
    """The WHERE clause for ``filters`` (psycopg's ``%(name)s`` placeholders), the
    values it names put in ``params``."""
    clauses = ["s.deleted_at IS NULL", "s.status = 'active'"]
    for i, amenity in enumerate(sorted(filters.amenities)):
        params[f"amenity_{i}"] = amenity
        clauses.append(
            "EXISTS (SELECT 1 FROM station_amenity a WHERE a.station_id = s.id "
            f"AND a.amenity = %(amenity_{i})s) AND NOT EXISTS (SELECT 1 FROM station_outage "
            f"o WHERE o.station_id = s.id AND o.amenity = %(amenity_{i})s AND o.until > %(at)s)"
        )
    if filters.host_types:
        params["host_types"] = sorted(filters.host_types)
        clauses.append("s.host_type = ANY(%(host_types)s)")
    if filters.worker_groups:
        params["groups"] = sorted(filters.worker_groups)
        clauses.append(
            "EXISTS (SELECT 1 FROM station_worker_group w WHERE w.station_id = s.id "
            'AND w."group" = ANY(%(groups)s))'
        )
    if filters.open_at is not None:
        params["open_at"] = filters.open_at
        clauses.append("(s.closed_until IS NULL OR s.closed_until <= %(open_at)s)")
    if filters.radius_m is not None:
        params["radius_m"] = filters.radius_m
        clauses.append("ST_DWithin(s.geog, q.pt, %(radius_m)s)")
    return " AND ".join(clauses)


def sql_limit(count: int) -> str:
    """``count`` as the text of a LIMIT written into a statement: a positive ``int``
    only (no ``bool``, no string), anything else is refused."""
    if type(count) is not int or count < 1:
        raise ValueError(f"a LIMIT must be a positive int, not {count!r}")
    return str(count)


# The columns of a nearest row, in this order (see _results), then the codes of its
# amenities, worker groups and unavailable amenities (17, 18, 19).
_ROW = (
    "kept.id, kept.code, kept.name, kept.address, kept.district_code, kept.host_type, "
    "kept.opening_hours, kept.phone, kept.is_demo, kept.lat, kept.lon, kept.closed_until, "
    "kept.reported_closed_at, kept.verified_at, kept.distance_m, kept.found, kept.reach_m"
)
_DISTANCE, _FOUND, _REACH = 14, 15, 16


@lru_cache(maxsize=256)
def _nearest_sql(where: str, want: int, keep: int) -> str:
    """The nearest statement for one shape of filter and its two LIMITs.

    The LIMITs are written in, not bound: with a bound LIMIT PostgreSQL plans for an
    unknown row count, estimates the KNN index scan as costly as a sort of every
    station (plan cost 57,527 against 577), and keeps re-planning each execution
    instead of reusing the prepared statement's plan. They come from
    :func:`sql_limit`, which takes positive integers only.
    """
    return (
        "WITH q AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS pt), "
        "candidate AS (SELECT s.id, s.code, s.name, s.address, s.district_code, "
        "s.host_type, s.opening_hours, s.phone, s.is_demo, s.lat, s.lon, "
        "s.closed_until, s.reported_closed_at, s.verified_at, "
        "ST_Distance(s.geog, q.pt) AS distance_m, s.geog <-> q.pt AS sphere_m "
        f"FROM station s, q WHERE {where} ORDER BY s.geog <-> q.pt LIMIT {sql_limit(want)}), "
        "kept AS (SELECT c.*, count(*) OVER () AS found, max(c.sphere_m) OVER () AS reach_m "
        f"FROM candidate c ORDER BY c.distance_m, c.id LIMIT {sql_limit(keep)}) "
        f"SELECT {_ROW}, "
        "ARRAY(SELECT a.amenity FROM station_amenity a WHERE a.station_id = kept.id) "
        "AS amenities, "
        'ARRAY(SELECT w."group" FROM station_worker_group w WHERE w.station_id = kept.id) '
        "AS worker_groups, "
        "ARRAY(SELECT o.amenity FROM station_outage o WHERE o.station_id = kept.id "
        "AND o.until > %(at)s) AS unavailable "
        "FROM kept ORDER BY kept.distance_m, kept.id"
    )


def nearest(
    conn: Connection,
    lat: float,
    lon: float,
    k: int,
    filters: Filters,
    at: datetime,
    tz: ZoneInfo,
    stale_days: float = 180.0,
) -> list[NearestResult]:
    """The ``k`` nearest active stations passing ``filters``, exactly as the in-process
    index ranks them (geodesic distance, then id).

    One statement in the usual case, prepared on the server (:func:`fetch_prepared`):
    the KNN scan takes ``want`` candidates in sphere order; they are ranked by spheroid
    distance in SQL; only the stations kept get their amenity and worker-group codes
    (sorted here, in code-point order like the in-process rows, not in the database's
    collation). Opening hours are evaluated here, so with ``open_now`` every candidate
    comes back. Temporary closures and amenity outages are judged at ``at`` in SQL;
    reported-closed stations come after the others. If the candidates cannot prove the
    answer complete, the query runs again with four times as many.
    """
    params: dict[str, Any] = {"lat": lat, "lon": lon, "at": at}
    where = _filter_sql(filters, params)
    want = 4 * k + 12 if filters.open_at is not None else k + 8
    while True:
        keep = want if filters.open_at is not None else k
        rows = fetch_prepared(conn, _nearest_sql(where, want, keep), params)
        exhausted = not rows or rows[0][_FOUND] < want
        reach_m = float(rows[0][_REACH]) if rows else 0.0
        best = [
            r
            for r in rows
            if filters.open_at is None or hours_state(r[6], filters.open_at, tz).open is True
        ][:k]
        complete = len(best) == k and float(best[-1][_DISTANCE]) * (1 + SPHERE_MARGIN) < reach_m
        if exhausted or complete:
            return reported_last(_results(best, at, tz, stale_days), is_reported)
        want *= 4


@lru_cache(maxsize=4096)
def _station_row(record: tuple[Any, ...]) -> StationRow:
    """The row of one station's stored fields, its GCJ-02 and BD-09 positions computed
    once per content (answers repeat where couriers are; an edited station is a new
    key, so nothing stale is kept)."""
    return station_rows([record])[0]


def _results(
    rows: Sequence[tuple[Any, ...]], at: datetime, tz: ZoneInfo, stale_days: float
) -> list[NearestResult]:
    out = []
    for r in rows:
        hours, closed_until = r[6], r[11]
        # The StationRow fields in its order: the codes sorted in code-point order.
        amenities, groups = tuple(sorted(r[17])), tuple(sorted(r[18]))
        station = _station_row(
            (*r[:6], amenities, groups, hours, r[7], bool(r[8]), float(r[9]), float(r[10]))
        )
        closed = closed_until if closed_at(closed_until, at) else None
        stale = is_stale(r[13], at, stale_days)
        if closed is None and not r[19] and r[12] is None:
            # Nearly every station: one of the two shared states, which the JSON writer
            # knows by identity (no Marks made and hashed per row).
            marks = STALE if stale else FRESH
            hours_now = hours_state(hours, at, tz)
        else:
            marks = Marks(closed, tuple(sorted(r[19])), r[12] is not None, stale)
            hours_now = effective_hours(hours, at, tz, closed_until)
        out.append(NearestResult(station, float(r[_DISTANCE]), hours_now, marks))
    return out


class PostgisNearest:
    """The nearest search answered by PostGIS (KNN on the ``geography`` column); see
    :class:`~stationmap.services.nearest_search.NearestSearch`.

    Parameters
    ----------
    read : callable
        Runs a one-statement read on a connection (the app gives
        :meth:`~stationmap.db.Database.read`, its quick pool).
    tz : ZoneInfo
        Time zone in which opening hours are evaluated.
    stale_days : float
        A station verified longer ago than this (or never) is marked stale.
    """

    builds = 0  # no index is built in this process

    def __init__(
        self,
        read: Callable[[Callable[[Connection], list[NearestResult]]], list[NearestResult]],
        tz: ZoneInfo,
        stale_days: float = 180.0,
    ) -> None:
        self._read = read
        self.tz = tz
        self.stale_days = stale_days

    def uses_database(self) -> bool:
        """True: the database answers."""
        return True

    def warm(self) -> None:
        """Nothing to build."""

    def nearest(
        self, lat: float, lon: float, k: int, filters: Filters, at: datetime
    ) -> list[NearestResult]:
        """The ``k`` nearest active stations to WGS-84 (lat, lon) passing ``filters``;
        ``open_now`` is evaluated at ``at``."""
        return self._read(
            lambda conn: nearest(conn, lat, lon, k, filters, at, self.tz, self.stale_days)
        )


def locate_many(session: Session, lats: Sequence[float], lons: Sequence[float]) -> list[str | None]:
    """The deepest stored district covering each point (ties: the lower code), as
    :class:`~stationmap.geo.districts.DistrictLocator` answers."""
    if not lats:
        return []
    rows = session.execute(
        text(
            "SELECT p.i, d.code FROM unnest(CAST(:lats AS float8[]), CAST(:lons AS float8[])) "
            "WITH ORDINALITY AS p(lat, lon, i) "
            "LEFT JOIN LATERAL (SELECT d.code FROM district d WHERE d.geom IS NOT NULL AND "
            "ST_Covers(d.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)) "
            f"ORDER BY {_LEVEL_ORDER}, d.code LIMIT 1) d ON true ORDER BY p.i"
        ),
        {"lats": [float(x) for x in lats], "lons": [float(x) for x in lons]},
    ).all()
    return [code for _, code in rows]
