"""Typed SQLAlchemy 2.0 models. No queries, no Flask.

Coordinates are WGS-84 degrees in ``lat``/``lon``; the datum a person typed them in is
kept in ``entered_datum`` for the record. District boundaries are GeoJSON geometries in
WGS-84 (``boundary_geojson``) with their bounding box alongside for quick filtering.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    inspect,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite keeps no zone: stored as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class District(Base):
    __tablename__ = "district"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))
    parent_code: Mapped[str | None] = mapped_column(
        String(6), ForeignKey("district.code"), index=True
    )
    boundary_geojson: Mapped[str | None] = mapped_column(Text)
    min_lon: Mapped[float | None] = mapped_column(Float)
    min_lat: Mapped[float | None] = mapped_column(Float)
    max_lon: Mapped[float | None] = mapped_column(Float)
    max_lat: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (CheckConstraint("level IN ('province', 'city', 'county')", name="level"),)


class Station(Base):
    __tablename__ = "station"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    entered_datum: Mapped[str] = mapped_column(String(8), default="wgs84")
    district_code: Mapped[str | None] = mapped_column(
        String(6), ForeignKey("district.code"), index=True
    )
    host_type: Mapped[str] = mapped_column(String(30), default="other")
    opening_hours: Mapped[str | None] = mapped_column(String(500))
    # Hours as an office wrote them, kept for a person to decide (opening_hours is then
    # null and the open state unknown).
    opening_hours_text: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str] = mapped_column(String(60), default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="active")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Temporarily closed until this moment (set by station staff; expires by itself).
    closed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When enough distinct couriers reported it closed (until staff or an admin confirm).
    reported_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    amenity_rows: Mapped[list[StationAmenity]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    worker_group_rows: Mapped[list[StationWorkerGroup]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    # Loaded with the station (one IN query, usually empty): a station's answer is often
    # written after its session has closed.
    outage_rows: Mapped[list[StationOutage]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="StationOutage.amenity"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy API
    __table_args__ = (
        CheckConstraint("status IN ('active', 'suspended', 'closed')", name="status"),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="coords"),
        Index("ix_station_lat_lon", "lat", "lon"),
    )

    # Codes in code-point order on every backend (a database's collation may order
    # "_" differently), as the nearest index and the listing give them, and also right
    # after an edit has replaced the rows in the order they were given.
    @property
    def amenities(self) -> list[str]:
        return sorted(row.amenity for row in self.amenity_rows)

    @property
    def worker_groups(self) -> list[str]:
        return sorted(row.group for row in self.worker_group_rows)

    @property
    def outages(self) -> tuple[tuple[str, datetime], ...]:
        """(amenity, unavailable until) as stored, expired ones too, by amenity. A
        station created in a session that has since closed has none (its rows were
        never loaded, and it cannot have any yet)."""
        state = inspect(self)
        if "outage_rows" in state.unloaded and state.session is None:
            return ()
        return tuple((row.amenity, row.until) for row in self.outage_rows)


# The columns of a station that every public answer shows (the nearest index and the
# listing read them, plus what each needs besides), in this order.
PUBLIC_STATION_COLUMNS = (
    Station.id,
    Station.code,
    Station.name,
    Station.address,
    Station.district_code,
    Station.host_type,
    Station.opening_hours,
    Station.phone,
)


class StationAmenity(Base):
    __tablename__ = "station_amenity"

    station_id: Mapped[int] = mapped_column(
        ForeignKey("station.id", ondelete="CASCADE"), primary_key=True
    )
    amenity: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


class StationWorkerGroup(Base):
    __tablename__ = "station_worker_group"

    station_id: Mapped[int] = mapped_column(
        ForeignKey("station.id", ondelete="CASCADE"), primary_key=True
    )
    group: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


class DatasetState(Base):
    """One row: a counter bumped by every write to stations, so each process can tell
    cheaply whether its in-memory nearest index is stale."""

    __tablename__ = "dataset_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data_version: Mapped[int] = mapped_column(BigInteger, default=0)


class StationChange(Base):
    """Which stations a data version changed, so that a process holding the stations in
    memory reads only those again. One row per (version, station); a row without a
    station says the version changed no station (``every_station`` false, e.g. a
    district boundary) or any of them (true: a bulk import). A version with no row at
    all (a write by plain SQL) counts as changing any station."""

    __tablename__ = "station_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data_version: Mapped[int] = mapped_column(BigInteger, index=True)
    # No foreign key: a deleted station's id is recorded too.
    station_id: Mapped[int | None] = mapped_column(Integer)
    every_station: Mapped[bool] = mapped_column(Boolean, default=False)


# -- administration: accounts, sessions, tokens, history ------------------------------
ROLES = ("superadmin", "district_admin", "viewer")


class User(Base):
    """An administrator. ``password_hash`` is a werkzeug scrypt hash; there is no
    default account. A disabled user (``disabled_at`` set) can neither log in nor use a
    session or token made before."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    district_rows: Mapped[list[UserDistrict]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserDistrict.district_code"
    )

    __table_args__ = (
        CheckConstraint("role IN ('superadmin', 'district_admin', 'viewer')", name="role"),
    )

    @property
    def district_codes(self) -> list[str]:
        return [row.district_code for row in self.district_rows]


class UserDistrict(Base):
    __tablename__ = "user_district"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    district_code: Mapped[str] = mapped_column(
        String(6), ForeignKey("district.code"), primary_key=True
    )


class UserSession(Base):
    """A server-side login session. The cookie carries a random token; only its
    SHA-256 is stored here, so logging out (deleting the row) ends it for every copy."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginThrottle(Base):
    """Recent login attempts from one client address (the login limit's one count
    for every app process): their times, as seconds since the epoch separated by
    spaces, oldest first, within the limit's window."""

    __tablename__ = "login_throttle"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ApiToken(Base):
    """A per-user API token; only the SHA-256 of the secret is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StationRevision(Base):
    """One change to a station: who, when, what (field -> [old, new]) and the station's
    whole state afterwards (``snapshot``), from which any revision can be restored."""

    __tablename__ = "station_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Indexed by ix_station_revision_station_number, whose first column it is.
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    station_version: Mapped[int] = mapped_column(Integer)
    restored_from: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_station_revision_station_number", "station_id", "number", unique=True),
    )


class PendingImport(Base):
    """An uploaded file between its preview and its confirmation, keyed by a random
    token and owned by the user who uploaded it."""

    __tablename__ = "pending_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PendingPlacement(Base):
    """An imported row with an address but no coordinates: a station still to be placed
    on the map (never guessed, never in public answers). ``district_code`` is the
    importer's district when they have one (who sees it in their to-do list);
    ``fields`` the row's other values as text, to fill the editor's form."""

    __tablename__ = "pending_placement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    district_code: Mapped[str | None] = mapped_column(String(6), index=True)
    fields: Mapped[str] = mapped_column(Text, default="{}")
    source: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


REPORT_KINDS = ("closed", "amenity", "location", "other", "demand")
REPORT_STATUSES = ("new", "assigned", "in_progress", "resolved", "rejected")


class Report(Base):
    """A worker's report about a station (``station_id``) or, for ``demand``, a pin where
    a station is needed. It never changes a station by itself; a district works it
    through ``status`` (new -> assigned -> in_progress -> resolved | rejected), each step
    a ``ReportEvent``. ``lat``/``lon`` (WGS-84) are the proposed position ("location")
    or the pin ("demand"); ``needs`` the amenity codes missing there ("demand") or the
    one missing or broken ("amenity"). ``phone`` is shown only to administrators.
    ``client_hash`` is a keyed hash of the reporter's client (never the address itself),
    for rate limits and for counting distinct reporters; ``fingerprint`` identifies
    repeated identical reports, which are merged (``repeats``)."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(12), index=True)
    station_id: Mapped[int | None] = mapped_column(
        ForeignKey("station.id", ondelete="SET NULL"), index=True
    )
    district_code: Mapped[str | None] = mapped_column(
        String(6), ForeignKey("district.code"), index=True
    )
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    lang: Mapped[str] = mapped_column(String(2), default="zh")
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True
    )
    client_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), default="", index=True)
    repeats: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("station_revision.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    events: Mapped[list[ReportEvent]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ReportEvent.id"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy API
    __table_args__ = (
        CheckConstraint(
            "kind IN ('closed', 'amenity', 'location', 'other', 'demand')", name="kind"
        ),
        CheckConstraint(
            "status IN ('new', 'assigned', 'in_progress', 'resolved', 'rejected')",
            name="status",
        ),
    )


class ReportEvent(Base):
    """One step of a report's life: who (``user_id``/``actor``; none for the reporter or
    the system), when, the status before and after, a ``reply`` the reporter sees on the
    tracking page and an internal ``note`` they never see."""

    __tablename__ = "report_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str] = mapped_column(String(100), default="")
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    reply: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class ReportRequest(Base):
    """One send of a report form (its random ``key``, generated into the form) and the
    report it made or was merged into: the same form sent again (its answer lost on the
    way back) gets the first receipt instead of a second report. ``content`` is what the
    last send of this form said (``report_fields.sent_content``; ``None`` for a send
    before migration 0016): a send that says something else (the rider edited the form
    after the first answer was lost) adds the edit to the report as the reporter's note
    (a ``ReportEvent``), and ``edits`` counts such notes."""

    __tablename__ = "report_request"

    key: Mapped[str] = mapped_column(String(43), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    merged: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    edits: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class StationOutage(Base):
    """An amenity of a station temporarily unavailable until ``until`` (UTC), as its
    staff said; it stops counting by itself when that moment passes."""

    __tablename__ = "station_outage"

    station_id: Mapped[int] = mapped_column(
        ForeignKey("station.id", ondelete="CASCADE"), primary_key=True
    )
    amenity: Mapped[str] = mapped_column(String(30), primary_key=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class StaffLink(Base):
    """A station's secret staff link: only the SHA-256 of its token is stored (the
    token is shown once, on the printed slip). Rotating revokes the old row at once."""

    __tablename__ = "staff_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = mapped_column(
        ForeignKey("station.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


NOTIFY_FORMATS = ("wecom", "dingtalk", "json")
NOTIFY_EVENTS = ("new", "unanswered")


class DistrictNotify(Base):
    """A district's webhook: the group chat its staff already use (企业微信 or 钉钉 group
    robot, ``format`` ``wecom``/``dingtalk``) or any URL taking JSON (``json``), told of
    new reports and of reports left unanswered for ``unanswered_hours`` (none: never).
    Only reports made after ``created_at`` are announced."""

    __tablename__ = "district_notify"

    district_code: Mapped[str] = mapped_column(
        String(6), ForeignKey("district.code"), primary_key=True
    )
    url: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(10), default="json")
    unanswered_hours: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(100), default="")

    __table_args__ = (CheckConstraint("format IN ('wecom', 'dingtalk', 'json')", name="format"),)


class NotificationOutbox(Base):
    """One message to a district's webhook, delivered in the background (never while a
    reporter waits): ``event`` ``new`` or ``unanswered`` about ``report_id``, at most
    once each. A failed attempt counts in ``attempts``, keeps ``last_error`` and waits
    until ``next_attempt_at`` (doubling each time); ``sent_at`` once delivered,
    ``failed_at`` once given up."""

    __tablename__ = "notification_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_notification_outbox_report_event", "report_id", "event", unique=True),
    )


class CoverageGrid(Base):
    """A district's planning grid cell (网格), imported from a GIS file: WGS-84 polygon
    as GeoJSON, with the code and name the district uses."""

    __tablename__ = "coverage_grid"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Indexed by ix_coverage_grid_district_code_code, whose first column it is.
    district_code: Mapped[str] = mapped_column(
        String(6), ForeignKey("district.code", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200), default="")
    geometry_geojson: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_coverage_grid_district_code_code", "district_code", "code", unique=True),
    )


class CoveragePoint(Base):
    """A weighted demand point or a candidate site of a district (WGS-84)."""

    __tablename__ = "coverage_point"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_code: Mapped[str] = mapped_column(
        String(6), ForeignKey("district.code", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    label: Mapped[str] = mapped_column(String(200), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (CheckConstraint("kind IN ('demand', 'candidate')", name="kind"),)
