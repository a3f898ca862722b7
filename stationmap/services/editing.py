"""Editing one station, with history and district scope: create, update, delete,
undelete and verify from the editor or the API, duplicate checks, and the scoped lists.

``codes`` is the editor's district scope (``None``: every district). Each write locks
station writes, checks the scope against the stored district and the located one,
records a revision and bumps the data version, all in the caller's transaction.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from stationmap.geo.distance import geodesic_m
from stationmap.models import Station, StationAmenity, StationWorkerGroup
from stationmap.services import districts as district_service
from stationmap.services import revisions
from stationmap.services.dataset import bump_data_version
from stationmap.services.listing import like_pattern
from stationmap.services.revisions import Actor
from stationmap.services.station_record import StationCard, input_columns, station_card
from stationmap.services.stations import (
    NO_DISTRICT,
    SAME_PLACE_M,
    allocate_codes,
    apply_changes,
    diff,
    lock_writes,
    utc_now,
)
from stationmap.station_fields import StationInput

UNVERIFIED_AFTER_DAYS = 180


class OutOfScope(Exception):
    """The station, or the place it would move to, is outside the editor's districts."""

    def __init__(self, district_code: str | None) -> None:
        super().__init__(district_code or "no district")
        self.district_code = district_code


class VersionConflict(Exception):
    """The station changed since the editor loaded it (``expected`` is what they had)."""

    def __init__(self, station: Station, expected: int) -> None:
        super().__init__(f"station {station.code} is at version {station.version}, not {expected}")
        self.station = station
        self.expected = expected


def in_scope(codes: frozenset[str] | None, district_code: str | None) -> bool:
    return codes is None or (district_code is not None and district_code in codes)


def locate(session: Session, lat: float, lon: float) -> str | None:
    return district_service.locate_many(session, [lat], [lon])[0]


def get_scoped(
    session: Session, station_id: int, codes: frozenset[str] | None, *, deleted: bool = False
) -> Station | None:
    """The station if it is in scope (and, unless ``deleted``, not deleted); else None,
    so a station of another district is indistinguishable from a missing one."""
    station = session.get(Station, station_id)
    if station is None or not in_scope(codes, station.district_code):
        return None
    if station.deleted_at is not None and not deleted:
        return None
    return station


def find_duplicates(
    session: Session, name: str, lat: float, lon: float, exclude_id: int | None = None
) -> list[Station]:
    """Stations within :data:`SAME_PLACE_M` metres whose name is similar (one contains
    the other, or they share most characters)."""
    d_lat = SAME_PLACE_M / 111_000 * 1.5
    d_lon = d_lat / max(0.05, abs(math.cos(math.radians(lat))))
    stmt = select(Station).where(
        Station.deleted_at.is_(None),
        Station.lat.between(lat - d_lat, lat + d_lat),
        Station.lon.between(lon - d_lon, lon + d_lon),
    )
    out = []
    for station in session.scalars(stmt):
        if station.id == exclude_id:
            continue
        if geodesic_m(lat, lon, station.lat, station.lon) <= SAME_PLACE_M and similar_names(
            name, station.name
        ):
            out.append(station)
    return out


def duplicates_in_scope(
    session: Session,
    name: str,
    lat: float,
    lon: float,
    codes: frozenset[str] | None,
    exclude_id: int | None = None,
) -> tuple[list[tuple[Station, float]], int]:
    """:func:`find_duplicates` for an editor with district scope ``codes``: the
    in-scope ones with their distance in metres (nearest first), and how many more lie
    outside the scope (counted, never shown)."""
    found = find_duplicates(session, name, lat, lon, exclude_id)
    mine = [
        (s, geodesic_m(lat, lon, s.lat, s.lon)) for s in found if in_scope(codes, s.district_code)
    ]
    mine.sort(key=lambda pair: pair[1])
    return mine, len(found) - len(mine)


def similar_names(a: str, b: str) -> bool:
    a, b = "".join(a.split()).lower(), "".join(b.split()).lower()
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    shared = len(set(a) & set(b))
    return shared / max(len(set(a)), len(set(b))) >= 0.6


def create_station(
    session: Session,
    data: StationInput,
    codes: frozenset[str] | None,
    actor: Actor,
) -> Station:
    """Create one station from the editor or the API; its district and code are
    assigned here, never taken from the client."""
    lock_writes(session)
    district = locate(session, data.lat, data.lon)
    if not in_scope(codes, district):
        raise OutOfScope(district)
    prefix = district or NO_DISTRICT
    now = utc_now()
    station = Station(
        **input_columns(data),
        code=allocate_codes(session, {prefix: 1})[prefix][0],
        district_code=district,
        is_demo=False,
        created_at=now,
        updated_at=now,
        amenity_rows=[StationAmenity(amenity=a) for a in data.amenities],
        worker_group_rows=[StationWorkerGroup(group=g) for g in data.worker_groups],
    )
    session.add(station)
    session.flush()
    revisions.record(
        session, station, "create", actor, revisions.created_changes(station), now, created=True
    )
    bump_data_version(session, [station.id])
    return station


def update_station(
    session: Session,
    station: Station,
    data: StationInput,
    codes: frozenset[str] | None,
    actor: Actor,
    expected_version: int,
    *,
    action: str = "update",
    restored_from: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Apply ``data`` to ``station`` if it is still at ``expected_version``; returns the
    changes (empty: nothing written). The code and district are not the client's: a
    station moved into another district (both in the editor's scope) is located there
    and keeps its code, the move recorded in its history as ``district_code``."""
    lock_writes(session)
    session.refresh(station)
    if station.version != expected_version:
        raise VersionConflict(station, expected_version)
    if not in_scope(codes, station.district_code):
        raise OutOfScope(station.district_code)
    changes = diff(station, data)
    changes.pop("deleted_at", None)
    if "lat" in changes:
        district = locate(session, data.lat, data.lon)
        if not in_scope(codes, district):
            raise OutOfScope(district)
        if district != station.district_code:
            changes["district_code"] = (station.district_code, district)
    if not changes:
        return changes
    now = utc_now()
    apply_changes(station, data, changes)
    station.updated_at = now
    revisions.record(session, station, action, actor, changes, now, restored_from)
    bump_data_version(session, [station.id])
    return changes


def _set_state(
    session: Session,
    station: Station,
    codes: frozenset[str] | None,
    actor: Actor,
    action: str,
    name: str,
    value: datetime | None,
    expected_version: int | None,
    clear: tuple[str, ...] = (),
) -> None:
    """Set ``name`` to ``value`` (and the fields ``clear`` names to None in the same
    version, unrecorded) and record it."""
    lock_writes(session)
    session.refresh(station)
    if expected_version is not None and station.version != expected_version:
        raise VersionConflict(station, expected_version)
    if not in_scope(codes, station.district_code):
        raise OutOfScope(station.district_code)
    now = utc_now()
    old = getattr(station, name)
    setattr(station, name, value)
    for other in clear:
        setattr(station, other, None)
    station.updated_at = now
    revisions.record(session, station, action, actor, {name: (old, value)}, now)
    bump_data_version(session, [station.id])


def soft_delete(
    session: Session,
    station: Station,
    codes: frozenset[str] | None,
    actor: Actor,
    expected_version: int | None = None,
) -> None:
    """Hide the station everywhere; :func:`undelete` brings it back."""
    _set_state(session, station, codes, actor, "delete", "deleted_at", utc_now(), expected_version)


def undelete(
    session: Session,
    station: Station,
    codes: frozenset[str] | None,
    actor: Actor,
    expected_version: int | None = None,
) -> None:
    _set_state(session, station, codes, actor, "undelete", "deleted_at", None, expected_version)


def mark_verified(
    session: Session,
    station: Station,
    codes: frozenset[str] | None,
    actor: Actor,
    expected_version: int | None = None,
) -> None:
    # A confirmation by an administrator answers couriers' "closed" reports; cleared in
    # the same version (after the revision it was a second version the history lacked).
    _set_state(
        session,
        station,
        codes,
        actor,
        "verify",
        "verified_at",
        utc_now(),
        expected_version,
        clear=("reported_closed_at",),
    )


def scoped_stations(
    session: Session,
    codes: frozenset[str] | None,
    *,
    text: str = "",
    deleted: bool = False,
    unverified_days: int | None = None,
    limit: int = 500,
) -> list[StationCard]:
    """Stations in scope for the admin lists, by code."""
    stmt = select(Station)
    stmt = stmt.where(Station.deleted_at.is_not(None) if deleted else Station.deleted_at.is_(None))
    if codes is not None:
        stmt = stmt.where(Station.district_code.in_(sorted(codes)))
    if text:
        pattern = like_pattern(text)
        stmt = stmt.where(
            or_(Station.name.like(pattern, escape="\\"), Station.code.like(pattern, escape="\\"))
        )
    if unverified_days is not None:
        cutoff = utc_now() - timedelta(days=unverified_days)
        stmt = stmt.where(or_(Station.verified_at.is_(None), Station.verified_at < cutoff))
    return [station_card(s) for s in session.scalars(stmt.order_by(Station.code).limit(limit))]
