"""Listing stations: one page at a time, by box, district, amenity or text, in id
order with an opaque cursor. The public API reads plain rows (:func:`list_summaries`),
the printing and export code ORM objects (:func:`list_stations`); both take the same
:class:`StationQuery`."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Select, and_, func, or_, select, text
from sqlalchemy.orm import Session

from stationmap.geo.bbox import BBox
from stationmap.models import (
    PUBLIC_STATION_COLUMNS,
    Station,
    StationAmenity,
    StationOutage,
    StationWorkerGroup,
)

T = TypeVar("T")


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """Raise ValueError for a cursor this service did not make."""
    try:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError("not a cursor from this API") from exc
    kind, _, value = decoded.partition(":")
    if kind != "id" or not (value.isascii() and value.isdigit()):
        raise ValueError("not a cursor from this API")
    return int(value)


@dataclass(frozen=True)
class StationQuery:
    bbox: BBox | None = None
    district_codes: frozenset[str] | None = None
    amenities: tuple[str, ...] = ()
    text: str = ""
    limit: int = 100
    after_id: int = 0
    include_inactive: bool = True
    postgis: bool = False  # the database has PostGIS: its index answers the bbox
    # With a moment, an amenity out of service then does not match the amenity filter.
    at: datetime | None = None


def like_pattern(text: str) -> str:
    """A LIKE pattern (escape character backslash) matching ``text`` anywhere."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# The bbox index of migration 0004, per backend; it gives candidates, and the exact
# comparison on lat/lon follows. A box crossing the antimeridian is two boxes.
_BOX_INDEX = {
    "sqlite": "station.id IN (SELECT id FROM station_box WHERE max_lon >= :w{i} AND "
    "min_lon <= :e{i} AND max_lat >= :s{i} AND min_lat <= :n{i})",
    "postgis": "station.geog::geometry && ST_MakeEnvelope(:w{i}, :s{i}, :e{i}, :n{i}, 4326)",
}


def _in_box(stmt: Select[Any], bbox: BBox, index: str | None) -> Select[Any]:
    min_lon, min_lat, max_lon, max_lat = bbox.lonlat()
    spans = [(min_lon, max_lon)] if min_lon <= max_lon else [(min_lon, 180.0), (-180.0, max_lon)]
    boxes = []
    for i, (west, east) in enumerate(spans):
        exact = and_(Station.lon >= west, Station.lon <= east)
        if index is not None:
            candidates = text(_BOX_INDEX[index].format(i=i)).bindparams(
                **{f"w{i}": west, f"e{i}": east, f"s{i}": min_lat, f"n{i}": max_lat}
            )
            exact = and_(candidates, exact)
        boxes.append(exact)
    return stmt.where(Station.lat >= min_lat, Station.lat <= max_lat, or_(*boxes))


def _filtered(stmt: Select[Any], session: Session, query: StationQuery) -> Select[Any]:
    """``stmt`` narrowed to the page ``query`` asks for (one row more, to tell whether
    another page follows), in id order."""
    stmt = stmt.where(Station.deleted_at.is_(None), Station.id > query.after_id)
    if not query.include_inactive:
        stmt = stmt.where(Station.status == "active")
    if query.bbox is not None:
        dialect = session.get_bind().dialect.name
        index = "sqlite" if dialect == "sqlite" else "postgis" if query.postgis else None
        stmt = _in_box(stmt, query.bbox, index)
    if query.district_codes is not None:
        stmt = stmt.where(Station.district_code.in_(sorted(query.district_codes)))
    for amenity in query.amenities:
        stmt = stmt.where(
            select(StationAmenity.station_id)
            .where(StationAmenity.station_id == Station.id, StationAmenity.amenity == amenity)
            .exists()
        )
        if query.at is not None:
            stmt = stmt.where(
                ~select(StationOutage.station_id)
                .where(
                    StationOutage.station_id == Station.id,
                    StationOutage.amenity == amenity,
                    StationOutage.until > query.at,
                )
                .exists()
            )
    if query.text:
        pattern = like_pattern(query.text)
        stmt = stmt.where(
            or_(
                Station.name.like(pattern, escape="\\"),
                Station.address.like(pattern, escape="\\"),
                Station.code.like(pattern, escape="\\"),
            )
        )
    return stmt.order_by(Station.id).limit(query.limit + 1)


def _page(rows: list[T], limit: int, last_id: Callable[[T], int]) -> tuple[list[T], int | None]:
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (last_id(rows[-1]) if more and rows else None)


def list_stations(session: Session, query: StationQuery) -> tuple[list[Station], int | None]:
    """One page of stations in id order, and the last id when there are more."""
    rows = list(session.scalars(_filtered(select(Station), session, query)))
    return _page(rows, query.limit, lambda station: station.id)


class StationSummary(NamedTuple):
    """What a listing shows of a station: attributes of :class:`Station`, under the same
    names, so the API writes either the same way."""

    id: int
    code: str
    name: str
    address: str
    district_code: str | None
    host_type: str
    opening_hours: str | None
    phone: str
    status: str
    is_demo: bool
    lat: float
    lon: float
    amenities: list[str]  # in code order, as Station.amenities
    worker_groups: list[str]
    verified_at: datetime | None = None
    closed_until: datetime | None = None
    reported_closed_at: datetime | None = None
    outages: tuple[tuple[str, datetime], ...] = ()  # (amenity, unavailable until)


def _joined_codes(station_id: Any, code: Any) -> Any:
    """A station's codes joined by commas (one column of the page's statement)."""
    return (
        select(func.aggregate_strings(code, ",")).where(station_id == Station.id).scalar_subquery()
    )


_SUMMARY_COLUMNS = (
    *PUBLIC_STATION_COLUMNS,
    Station.status,
    Station.is_demo,
    Station.lat,
    Station.lon,
    _joined_codes(StationAmenity.station_id, StationAmenity.amenity),
    _joined_codes(StationWorkerGroup.station_id, StationWorkerGroup.group),
    Station.verified_at,
    Station.closed_until,
    Station.reported_closed_at,
)


def _split(joined: str | None) -> list[str]:
    return sorted(joined.split(",")) if joined else []


def list_summaries(
    session: Session, query: StationQuery
) -> tuple[list[StationSummary], int | None]:
    """The page :func:`list_stations` gives, as plain rows from one statement (codes
    joined in SQL), without ORM objects."""
    rows, last = _page(
        list(session.execute(_filtered(select(*_SUMMARY_COLUMNS), session, query))),
        query.limit,
        lambda row: int(row[0]),
    )
    outages = outages_of(session, [int(row[0]) for row in rows])
    return [
        StationSummary._make(
            (
                *row[:9],
                bool(row[9]),
                row[10],
                row[11],
                _split(row[12]),
                _split(row[13]),
                *row[14:17],
                outages.get(int(row[0]), ()),
            )
        )
        for row in rows
    ], last


def outages_of(
    session: Session, station_ids: list[int]
) -> dict[int, tuple[tuple[str, datetime], ...]]:
    """The amenity outages stored for each of ``station_ids`` (expired ones too: they
    are judged at the moment asked about)."""
    out: dict[int, list[tuple[str, datetime]]] = {}
    if station_ids:
        for sid, code, until in session.execute(
            select(StationOutage.station_id, StationOutage.amenity, StationOutage.until)
            .where(StationOutage.station_id.in_(station_ids))
            .order_by(StationOutage.station_id, StationOutage.amenity)
        ):
            out.setdefault(sid, []).append((code, until))
    return {sid: tuple(pairs) for sid, pairs in out.items()}
