"""A station's fields in every shape they travel in, written once.

- :func:`station_raw`: a stored station as raw field values, as a file, a form or an API
  body gives them, so :func:`~stationmap.station_fields.parse_station` reads them back
  to the same station (the export, the API's partial update and the editor's form).
- :func:`input_columns`: a checked :class:`~stationmap.station_fields.StationInput` as
  the station's column values (the editor, the API and the importer's bulk insert).
- :func:`snapshot` and :func:`input_from_snapshot`: the state a revision keeps, and the
  input that brings it back.
- :class:`StationCard`: what views and templates get instead of an ORM object.

Hours kept as an office wrote them (``opening_hours_text``) travel as ``opening_hours``
in raw values and read back as written, so they survive an export or an edit unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stationmap.geo.datum import parse_datum
from stationmap.models import Station
from stationmap.station_fields import StationInput

#: The station columns an input sets, in the model's order (amenities and worker groups
#: are rows of their own tables; code and district are assigned by the server).
INPUT_COLUMNS: tuple[str, ...] = (
    "name",
    "address",
    "lat",
    "lon",
    "entered_datum",
    "host_type",
    "opening_hours",
    "opening_hours_text",
    "phone",
    "contact",
    "services",
    "status",
)

#: What a revision keeps of a station (plus ``verified_at`` and ``deleted_at``).
SNAPSHOT_FIELDS: tuple[str, ...] = (
    "code",
    "name",
    "address",
    "lat",
    "lon",
    "entered_datum",
    "district_code",
    "host_type",
    "amenities",
    "worker_groups",
    "opening_hours",
    "opening_hours_text",
    "phone",
    "contact",
    "services",
    "status",
)


@dataclass(frozen=True)
class StationCard:
    """A station as views and templates read it: plain values, detached from the
    session. Coordinates are WGS-84 degrees."""

    id: int
    code: str
    name: str
    address: str
    lat: float
    lon: float
    entered_datum: str
    district_code: str | None
    host_type: str
    amenities: tuple[str, ...]
    worker_groups: tuple[str, ...]
    opening_hours: str | None
    opening_hours_text: str | None
    phone: str
    contact: str
    services: tuple[str, ...]
    status: str
    is_demo: bool
    verified_at: datetime | None
    deleted_at: datetime | None
    version: int


def station_card(station: Station) -> StationCard:
    return StationCard(
        id=station.id,
        code=station.code,
        name=station.name,
        address=station.address,
        lat=station.lat,
        lon=station.lon,
        entered_datum=station.entered_datum,
        district_code=station.district_code,
        host_type=station.host_type,
        amenities=tuple(station.amenities),
        worker_groups=tuple(station.worker_groups),
        opening_hours=station.opening_hours,
        opening_hours_text=station.opening_hours_text,
        phone=station.phone,
        contact=station.contact,
        services=tuple(station.services),
        status=station.status,
        is_demo=station.is_demo,
        verified_at=station.verified_at,
        deleted_at=station.deleted_at,
        version=station.version,
    )


def station_raw(station: Station | StationCard) -> dict[str, Any]:
    """The fields a person writes, as raw values :func:`parse_station` reads back to the
    same station: WGS-84 coordinates, lists for amenities, worker groups and services,
    and hours kept as written given as the hours. The code is not among them (the
    server assigns it)."""
    return {
        "name": station.name,
        "address": station.address,
        "lat": station.lat,
        "lon": station.lon,
        "datum": "wgs84",
        "host_type": station.host_type,
        "amenities": list(station.amenities),
        "worker_groups": list(station.worker_groups),
        "opening_hours": station.opening_hours or station.opening_hours_text,
        "phone": station.phone,
        "contact": station.contact,
        "services": list(station.services),
        "status": station.status,
    }


def input_columns(data: StationInput) -> dict[str, Any]:
    """The station column values (:data:`INPUT_COLUMNS`) a checked input sets."""
    return dict(zip(INPUT_COLUMNS, input_values(data), strict=True))


def input_values(data: StationInput) -> tuple[Any, ...]:
    """The values of :data:`INPUT_COLUMNS` a checked input sets, in that order."""
    return (
        data.name,
        data.address,
        data.lat,
        data.lon,
        data.entered_datum,
        data.host_type,
        data.opening_hours,
        data.opening_hours_text,
        data.phone,
        data.contact,
        list(data.services),
        data.status,
    )


def plain(value: Any) -> Any:
    """A JSON-ready value: datetimes as ISO-8601, tuples as lists."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def snapshot(station: Station) -> dict[str, Any]:
    """The state a revision keeps (JSON-ready)."""
    out = {name: plain(getattr(station, name)) for name in SNAPSHOT_FIELDS}
    out["verified_at"] = plain(station.verified_at)
    out["deleted_at"] = plain(station.deleted_at)
    return out


def input_snapshot(code: str, data: StationInput, district_code: str | None) -> dict[str, Any]:
    """The :func:`snapshot` of a station just created from ``data`` (amenities and
    worker groups in code-point order, as the station reads them back; never verified
    or deleted), without reading it back."""
    return {
        "code": code,
        "name": data.name,
        "address": data.address,
        "lat": data.lat,
        "lon": data.lon,
        "entered_datum": data.entered_datum,
        "district_code": district_code,
        "host_type": data.host_type,
        "amenities": sorted(data.amenities),
        "worker_groups": sorted(data.worker_groups),
        "opening_hours": data.opening_hours,
        "opening_hours_text": data.opening_hours_text,
        "phone": data.phone,
        "contact": data.contact,
        "services": list(data.services),
        "status": data.status,
        "verified_at": None,
        "deleted_at": None,
    }


def input_from_snapshot(snap: Mapping[str, Any]) -> StationInput:
    """The input that brings back a revision's state (older revisions may lack keys)."""
    return StationInput(
        name=snap["name"],
        lat=float(snap["lat"]),
        lon=float(snap["lon"]),
        entered_datum=parse_datum(snap.get("entered_datum") or "wgs84"),
        address=snap.get("address") or "",
        host_type=snap.get("host_type") or "other",
        amenities=tuple(snap.get("amenities") or ()),
        worker_groups=tuple(snap.get("worker_groups") or ()),
        opening_hours=snap.get("opening_hours"),
        opening_hours_text=snap.get("opening_hours_text"),
        phone=snap.get("phone") or "",
        contact=snap.get("contact") or "",
        services=tuple(snap.get("services") or ()),
        status=snap.get("status") or "active",
    )
