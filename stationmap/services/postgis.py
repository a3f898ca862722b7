"""Spatial queries answered by PostGIS: nearest stations by the KNN operator on the
``geography`` column, and point-in-district by ``ST_Covers`` on district geometries.

They give the same answers as the in-process index and locator (tested on both
backends): the KNN operator orders by distance on a sphere, so a query takes extra
candidates, ranks them by ``ST_Distance`` on the WGS-84 spheroid (Karney's algorithm,
like pyproj), and widens until no station beyond the candidates could rank higher.

A request's cost does not depend on how rare its filters are: the KNN scan looks at
no more than :data:`NEAR_CAP` nearest stations. Filters that no station near the
courier passes (or none at all) are then answered filters first, by a statement the
index cannot walk, so no request walks the whole index testing each station.
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

# The most stations the first statement's KNN scan looks at, nearest first. Filters
# that every station fails made the scan walk all of them (0.6-1.5 s at 200,000 under
# the generic plan); past this many, the filters go first (see nearest()).
NEAR_CAP = 2048

# With ``open_now``, the filters-first statement keeps only stations whose hours text is
# open at that moment, each distinct text judged once here, when there are no more than
# this many; otherwise it takes candidates four times as many at a time, as before.
OPEN_TEXTS = 4096

_LEVEL_ORDER = "CASE d.level WHEN 'county' THEN 0 WHEN 'city' THEN 1 ELSE 2 END"
_ACTIVE = "s.deleted_at IS NULL AND s.status = 'active'"
# The courier's point, written out where each part of a statement uses it (not one
# materialized row, which the KNN index could not order by).
_POINT = (
    "WITH q AS NOT MATERIALIZED "
    "(SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS pt) "
)


def _tests_sql(filters: Filters, params: dict[str, Any], station: str) -> list[str]:
    """The tests of ``filters`` on the station row ``station`` (psycopg's ``%(name)s``
    placeholders), the values they name put in ``params``. The codes are those the row
    holds (``amenity_codes``, ``worker_group_codes``: migration 0013, kept by triggers,
    with GIN indexes), so no station is looked up in another table but for a current
    outage."""
    clauses = []
    if filters.amenities:
        params["amenities"] = sorted(filters.amenities)
        clauses.append(
            f"{station}.amenity_codes @> CAST(%(amenities)s AS varchar[]) "
            f"AND NOT EXISTS (SELECT 1 FROM station_outage o WHERE o.station_id = {station}.id "
            "AND o.amenity = ANY(%(amenities)s) AND o.until > %(at)s)"
        )
    if filters.host_types:
        params["host_types"] = sorted(filters.host_types)
        clauses.append(f"{station}.host_type = ANY(%(host_types)s)")
    if filters.worker_groups:
        params["groups"] = sorted(filters.worker_groups)
        clauses.append(f"{station}.worker_group_codes && CAST(%(groups)s AS varchar[])")
    if filters.open_at is not None:
        params["open_at"] = filters.open_at
        clauses.append(f"({station}.closed_until IS NULL OR {station}.closed_until <= %(open_at)s)")
    return clauses


def _filter_sql(filters: Filters, params: dict[str, Any]) -> str:
    """The WHERE clause for ``filters`` on any station ``s``, the values it names put in
    ``params`` (the filters-first statement: the codes' GIN indexes find the stations
    that have them all)."""
    clauses = [_ACTIVE, *_tests_sql(filters, params, "s")]
    if filters.radius_m is not None:
        params["radius_m"] = filters.radius_m
        clauses.append("ST_DWithin(s.geog, q.pt, %(radius_m)s)")
    return " AND ".join(clauses)


def _near_filter_sql(filters: Filters, params: dict[str, Any]) -> str:
    """The WHERE clause for ``filters`` on the nearest stations ``n`` of the capped scan,
    the values it names put in ``params``: the same tests as :func:`_filter_sql`. The
    radius and the active state are the scan's own conditions."""
    return " AND ".join(_tests_sql(filters, params, "n")) or "true"


def _near_scope_sql(filters: Filters, params: dict[str, Any]) -> str:
    """The capped scan's own conditions: active stations, within the radius if any."""
    if filters.radius_m is None:
        return _ACTIVE
    params["radius_m"] = filters.radius_m
    return f"{_ACTIVE} AND ST_DWithin(s.geog, q.pt, %(radius_m)s)"


def sql_limit(count: int) -> str:
    """``count`` as the text of a LIMIT written into a statement: a positive ``int``
    only (no ``bool``, no string), anything else is refused."""
    if type(count) is not int or count < 1:
        raise ValueError(f"a LIMIT must be a positive int, not {count!r}")
    return str(count)


# The columns of a nearest row, in this order (see _results), then the codes of its
# unavailable amenities (19).
_ROW = (
    "kept.id, kept.code, kept.name, kept.address, kept.district_code, kept.host_type, "
    "kept.opening_hours, kept.phone, kept.is_demo, kept.lat, kept.lon, kept.closed_until, "
    "kept.reported_closed_at, kept.verified_at, kept.distance_m, kept.found, kept.reach_m, "
    "kept.amenity_codes, kept.worker_group_codes"
)
_DISTANCE, _FOUND, _REACH = 14, 15, 16

# A station's columns as the statement carries them (the codes from its own row).
_NAMES = (
    "id, code, name, address, district_code, host_type, opening_hours, phone, is_demo, lat, "
    "lon, closed_until, reported_closed_at, verified_at, amenity_codes, worker_group_codes"
)
_STATION = ", ".join(f"s.{name}" for name in _NAMES.split(", "))
_NEAR = ", ".join(f"n.{name}" for name in _NAMES.split(", "))


@lru_cache(maxsize=256)
def _nearest_sql(where: str, want: int, keep: int, near: str | None, cap: int) -> str:
    """The nearest statement for one shape of filter and its LIMITs.

    With ``near`` (the capped scan's own conditions, :func:`_near_scope_sql`), the KNN
    scan takes at most ``cap`` active stations, nearest first, and ``where``
    (from :func:`_near_filter_sql`) picks the first ``want`` that pass. Without it,
    ``where`` (from :func:`_filter_sql`) is applied to every station first and the
    passing ones sorted by the same sphere distance (``+ 0`` keeps the index from
    ordering them, so the planner cannot choose to walk it testing each station).

    The LIMITs are written in, not bound: with a bound LIMIT PostgreSQL plans for an
    unknown row count, estimates the KNN index scan as costly as a sort of every
    station (plan cost 57,527 against 577), and keeps re-planning each execution
    instead of reusing the prepared statement's plan. They come from
    :func:`sql_limit`, which takes positive integers only.
    """
    if near is not None:
        candidate = (
            f"near AS (SELECT {_STATION}, s.geog, s.geog <-> q.pt AS sphere_m "
            f"FROM station s, q WHERE {near} ORDER BY s.geog <-> q.pt "
            f"LIMIT {sql_limit(cap)}), "
            f"candidate AS (SELECT {_NEAR}, ST_Distance(n.geog, q.pt) AS distance_m, n.sphere_m "
            f"FROM near n, q WHERE {where} ORDER BY n.sphere_m LIMIT {sql_limit(want)}), "
        )
    else:
        candidate = (
            f"candidate AS (SELECT {_STATION}, "
            "ST_Distance(s.geog, q.pt) AS distance_m, s.geog <-> q.pt AS sphere_m "
            f"FROM station s, q WHERE {where} ORDER BY (s.geog <-> q.pt) + 0 "
            f"LIMIT {sql_limit(want)}), "
        )
    return (
        f"{_POINT}, {candidate}"
        "kept AS (SELECT c.*, count(*) OVER () AS found, max(c.sphere_m) OVER () AS reach_m "
        f"FROM candidate c ORDER BY c.distance_m, c.id LIMIT {sql_limit(keep)}) "
        f"SELECT {_ROW}, "
        "ARRAY(SELECT o.amenity FROM station_outage o WHERE o.station_id = kept.id "
        "AND o.until > %(at)s) AS unavailable "
        "FROM kept ORDER BY kept.distance_m, kept.id"
    )


@lru_cache(maxsize=4)
def _near_reach_sql(near: str, cap: int) -> str:
    """How many stations the capped scan could take (at most ``cap``) and the
    sphere distance of the farthest: fewer than the cap means it saw every active
    station (within the radius); otherwise it saw every one nearer than that distance."""
    return (
        f"{_POINT}SELECT count(*), max(seen.sphere_m) FROM (SELECT s.geog <-> q.pt AS "
        f"sphere_m FROM station s, q WHERE {near} ORDER BY s.geog <-> q.pt "
        f"LIMIT {sql_limit(cap)}) AS seen"
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
    the KNN scan takes ``want`` candidates in sphere order from the :data:`NEAR_CAP`
    nearest stations; they are ranked by spheroid distance in SQL; their amenity and
    worker-group codes come with the station row (sorted here too, in code-point order
    like the in-process rows, not in the database's collation). Opening hours are evaluated
    here, so with ``open_now`` every candidate comes back. Temporary closures and
    amenity outages are judged at ``at`` in SQL; reported-closed stations come after the
    others. If the candidates cannot prove the answer complete, the query runs again
    with four times as many; if the capped scan runs out of stations before enough
    pass, or more candidates are wanted than it may look at, the filters go first.
    """
    base: dict[str, Any] = {"lat": lat, "lon": lon, "at": at}
    near_params = dict(base)
    near = _near_scope_sql(filters, near_params)
    near_where = _near_filter_sql(filters, near_params)
    first_params = dict(base)
    first_where = ""  # the filters-first clause, made when first needed
    cap, capped, texts_judged = NEAR_CAP, True, False
    want = 4 * k + 12 if filters.open_at is not None else k + 8
    while True:
        capped = capped and want <= cap // 4
        keep = want if filters.open_at is not None else k
        if capped:
            sql, params = _nearest_sql(near_where, want, keep, near, cap), near_params
        else:
            if not first_where:
                first_where = _filter_sql(filters, first_params)
            elif filters.open_at is not None and not texts_judged:
                # A second filters-first round: too few of the nearest were open.
                first_where = _open_texts_sql(conn, first_where, first_params, filters, tz)
                texts_judged = True
            sql, params = _nearest_sql(first_where, want, keep, None, cap), first_params
        rows = fetch_prepared(conn, sql, params)
        exhausted = not rows or rows[0][_FOUND] < want
        reach_m = float(rows[0][_REACH]) if rows else 0.0
        cap_ran_out = False
        if exhausted and capped:
            seen, seen_reach_m = fetch_prepared(conn, _near_reach_sql(near, cap), near_params)[0]
            if seen >= cap:  # the cap ran out, not the stations: proven this far
                cap_ran_out, exhausted, reach_m = True, False, float(seen_reach_m)
        best = [
            r
            for r in rows
            if filters.open_at is None or hours_state(r[6], filters.open_at, tz).open is True
        ][:k]
        complete = len(best) == k and float(best[-1][_DISTANCE]) * (1 + SPHERE_MARGIN) < reach_m
        if exhausted or complete:
            return reported_last(_results(best, at, tz, stale_days), is_reported)
        if cap_ran_out:
            capped = False  # too few passed among the nearest: the filters go first
        want *= 4


def _open_texts_sql(
    conn: Connection, where: str, params: dict[str, Any], filters: Filters, tz: ZoneInfo
) -> str:
    """``where`` and, when the stations passing it have no more than :data:`OPEN_TEXTS`
    distinct opening-hours texts, a clause keeping those open at ``filters.open_at``
    (judged once per text, as :func:`nearest` judges each row), so that at night, with
    hardly a station open, the filters-first statement does not hand back candidates
    four times as many at a time until it has read every station (17 s at 200,000 with
    none open). Used from the second filters-first round on: the first is usually
    enough, and this costs one more pass over the stations passing ``where``."""
    assert filters.open_at is not None
    texts = fetch_prepared(
        conn,
        f"{_POINT}SELECT DISTINCT s.opening_hours FROM station s, q WHERE {where} "
        f"AND s.opening_hours IS NOT NULL LIMIT {sql_limit(OPEN_TEXTS + 1)}",
        params,
    )
    if len(texts) > OPEN_TEXTS:
        return where
    at = filters.open_at
    params["open_texts"] = [t for (t,) in texts if hours_state(t, at, tz).open is True]
    return f"{where} AND s.opening_hours = ANY(%(open_texts)s)"


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
