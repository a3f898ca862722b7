"""Station staff without a login: each station's secret staff link, and what staff may
say through it ("open as listed today", "temporarily closed until …", "amenity
unavailable until …"); and the "reported closed" mark that couriers' reports set and a
confirmation clears.

Only the SHA-256 of a link's token is stored; the token itself is shown once, on the
slip the administrator prints. Making a new link revokes the old one in the same
transaction, so the old link stops working at once. Every staff action sets
``verified_at``, is recorded in the station's history under :data:`STAFF_ACTOR`, and
bumps the data version so every process's nearest index sees it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import distinct, func, select, update
from sqlalchemy.orm import Session

from stationmap.models import Report, StaffLink, Station, StationOutage
from stationmap.services import revisions
from stationmap.services.dataset import bump_data_version
from stationmap.services.editing import OutOfScope, in_scope
from stationmap.services.revisions import Actor
from stationmap.services.stations import lock_writes

STAFF_ACTOR = Actor(None, "驿站工作人员/station staff")
# How far ahead staff may set a closure or an outage (longer: an administrator edits).
MAX_AHEAD = timedelta(days=90)
REPORT_WINDOW = timedelta(hours=24)
REPORTED_CLOSED_MIN = 3
TOKEN_BYTES = 24


class StaffInputError(ValueError):
    """What staff sent cannot be used; names the field, in Chinese and English."""

    def __init__(self, field: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{field}: {message_en}")
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class LinkInfo:
    """An active staff link as the admin page shows it (never the token)."""

    created_by: str
    created_at: datetime


def active_link(session: Session, station_id: int) -> LinkInfo | None:
    link = session.scalar(
        select(StaffLink)
        .where(StaffLink.station_id == station_id, StaffLink.revoked_at.is_(None))
        .order_by(StaffLink.id.desc())
    )
    return LinkInfo(link.created_by, link.created_at) if link else None


def revoke_links(
    session: Session, station: Station, codes: frozenset[str] | None, now: datetime
) -> int:
    """Revoke every active link of ``station`` (scope-checked); how many were active."""
    if not in_scope(codes, station.district_code):
        raise OutOfScope(station.district_code)
    result = session.execute(
        update(StaffLink)
        .where(StaffLink.station_id == station.id, StaffLink.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def rotate_link(
    session: Session,
    station: Station,
    codes: frozenset[str] | None,
    created_by: str,
    now: datetime,
) -> str:
    """A new staff token for ``station``; any older link is revoked at once. The token
    is returned only here: print it, it cannot be read back."""
    revoke_links(session, station, codes, now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        StaffLink(
            station_id=station.id,
            token_hash=hash_token(token),
            created_by=created_by[:100],
            created_at=now,
        )
    )
    session.flush()
    return token


def station_for_token(session: Session, token: str) -> Station | None:
    """The station of an active link, or None (unknown, revoked, or station deleted)."""
    if not token or len(token) > 100:
        return None
    station = session.scalar(
        select(Station)
        .join(StaffLink, StaffLink.station_id == Station.id)
        .where(StaffLink.token_hash == hash_token(token), StaffLink.revoked_at.is_(None))
    )
    return station if station is not None and station.deleted_at is None else None


def _check_until(until: datetime, now: datetime, field: str) -> None:
    if until.tzinfo is None:
        raise StaffInputError(field, "时间缺少时区", "the time has no time zone")
    if until <= now:
        raise StaffInputError(field, "时间须晚于现在", "the time must be later than now")
    if until > now + MAX_AHEAD:
        raise StaffInputError(
            field,
            "最多只能设置 90 天以内；更久请联系区县管理员",
            "at most 90 days ahead; for longer ask the district administrator",
        )


def _confirmed(
    session: Session, station: Station, action: str, changes: dict[str, Any], now: datetime
) -> None:
    """The common end of a staff action: verified now, no longer reported closed, a
    revision under the staff actor, the data version bumped."""
    changes["verified_at"] = (station.verified_at, now)
    station.verified_at = now
    if station.reported_closed_at is not None:
        changes["reported_closed_at"] = (station.reported_closed_at, None)
        station.reported_closed_at = None
    station.updated_at = now
    revisions.record(session, station, action, STAFF_ACTOR, changes, now)
    bump_data_version(session, [station.id])


def confirm_open(session: Session, station: Station, now: datetime) -> None:
    """ "Open as listed today": verified now; a temporary closure still running ends."""
    lock_writes(session)
    changes: dict[str, Any] = {}
    if station.closed_until is not None:
        changes["closed_until"] = (station.closed_until, None)
        station.closed_until = None
    _confirmed(session, station, "staff_open", changes, now)


def close_until(session: Session, station: Station, until: datetime, now: datetime) -> None:
    """ "Temporarily closed until ``until``" (UTC-aware; at most :data:`MAX_AHEAD`)."""
    _check_until(until, now, "until")
    lock_writes(session)
    changes: dict[str, Any] = {"closed_until": (station.closed_until, until)}
    station.closed_until = until
    _confirmed(session, station, "staff_closed", changes, now)


def amenity_unavailable(
    session: Session, station: Station, amenity: str, until: datetime, now: datetime
) -> None:
    """ "``amenity`` unavailable until ``until``": one of the station's own amenities."""
    if amenity not in station.amenities:
        raise StaffInputError(
            "amenity", "本驿站没有登记这项设施", "this station does not list that amenity"
        )
    _check_until(until, now, "until")
    lock_writes(session)
    row = session.get(StationOutage, (station.id, amenity))
    old = row.until if row is not None else None
    if row is None:
        session.add(StationOutage(station_id=station.id, amenity=amenity, until=until))
    else:
        row.until = until
    changes: dict[str, Any] = {f"unavailable:{amenity}": (old, until)}
    _confirmed(session, station, "staff_outage", changes, now)


def note_closed_report(
    session: Session, station_id: int, now: datetime, *, minimum: int = REPORTED_CLOSED_MIN
) -> bool:
    """After a "closed" report is stored: mark the station reported closed when at least
    ``minimum`` distinct clients reported it closed within the last 24 hours and after
    its last confirmation (``verified_at``, set by staff and administrators). Returns
    whether the station is now marked. The mark does not change the station's version
    (an editor open at the time keeps working) and records no revision: a report never
    changes a station by itself."""
    station = session.get(Station, station_id)
    if station is None or station.deleted_at is not None:
        return False
    if station.reported_closed_at is not None:
        return True
    since = now - REPORT_WINDOW
    if station.verified_at is not None and station.verified_at > since:
        since = station.verified_at
    reporters = session.scalar(
        select(func.count(distinct(Report.client_hash))).where(
            Report.station_id == station_id,
            Report.kind == "closed",
            Report.client_hash != "",
            Report.created_at > since,
            Report.created_at <= now,
        )
    )
    if int(reporters or 0) < minimum:
        return False
    session.execute(
        update(Station)
        .where(Station.id == station_id)
        .values(reported_closed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.expire(station, ["reported_closed_at"])
    bump_data_version(session, [station.id])
    return True
