"""What the public pages show: a station by its code with its district chain, opening
hours described for people, navigation links, and the districts to pick from.

Plain data out (dataclasses of str, float, lists); the templates and the folium builder
render it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from stationmap import catalog
from stationmap.geo.bbox import BBox
from stationmap.geo.freshness import NO_MARKS, Marks, StationFlags, marks, notice
from stationmap.geo.hours import HoursError, describe, parse_hours
from stationmap.geo.hours_text import describe_hours
from stationmap.geo.navigation import NavTarget, navigation_links
from stationmap.models import Station
from stationmap.services import districts as district_service
from stationmap.services import stations as station_service


@dataclass(frozen=True)
class HoursView:
    open: bool | None
    text: str  # "营业中，20:00 关门" / "open now, closes 20:00"
    # The hours in words, today's first: "今天 08:00-20:00（周一至周五 08:00-20:00）".
    words: str = ""


@dataclass(frozen=True)
class Label:
    code: str
    name: str


@dataclass(frozen=True)
class PickerLevel:
    """One select of the district picker: its options and the chosen code ("")."""

    options: list[Label]
    chosen: str


@dataclass(frozen=True)
class DistrictView:
    code: str
    name: str  # with its parents: "内蒙古自治区 呼和浩特市 新城区"
    short_name: str
    boundary: dict[str, Any] | None  # GeoJSON geometry, WGS-84
    bounds: BBox | None


@dataclass(frozen=True)
class StationView:
    id: int
    code: str
    name: str
    address: str
    lat: float
    lon: float
    status: str
    status_name: str
    host_type: str
    opening_hours: str | None
    hours: HoursView
    phone: str
    tel: str  # the phone number reduced to what a tel: link may carry ("" if none)
    contact: str
    amenities: list[Label]
    worker_groups: list[Label]
    services: list[str]
    demo: bool
    verified_at: datetime | None
    district: DistrictView | None
    links: dict[str, dict[str, str]]
    marks: Marks = NO_MARKS  # temporary states and freshness now
    notice: str | None = None  # the marks in words, in the page's language


def hours_view(text: str | None, at: datetime, tz: ZoneInfo, lang: str) -> HoursView:
    """Opening hours at ``at`` described in ``lang`` (``zh`` or ``en``)."""
    if not text:
        return HoursView(None, "开放时间未知" if lang == "zh" else "hours unknown")
    words = describe_hours(text, at.astimezone(tz).date(), lang) or ""
    try:
        state = parse_hours(text).state(at, tz)
    except HoursError:  # kept as the office wrote it: shown as written, state unknown
        return HoursView(None, "开放时间未知" if lang == "zh" else "hours unknown", words)
    return HoursView(state.open, describe(state, at.astimezone(tz), lang), words)


def tel_number(phone: str) -> str:
    """The first phone number in ``phone`` with only the characters a ``tel:`` URI
    needs (digits, ``+``, ``-``), or ``""``."""
    first = phone.replace("，", ",").replace("；", ";").replace("/", ",").split(",")[0]
    first = first.split(";")[0]
    kept = "".join(ch for ch in first if ch.isascii() and (ch.isdigit() or ch in "+-"))
    return kept if sum(ch.isdigit() for ch in kept) >= 3 else ""


def _labels(codes: Iterable[str], lang: str) -> list[Label]:
    out = []
    for code in codes:
        term = catalog.BY_CODE.get(code)
        out.append(Label(code, term.name(lang) if term else code))
    return out


def districts_version(session: Session) -> int:
    """The data version the districts were last read at (what a page built from them
    may be kept by)."""
    return district_service.tree(session).version


def district_view(
    session: Session, code: str, *, with_boundary: bool = True
) -> DistrictView | None:
    """The district ``code`` with its parents' names and (optionally) its boundary."""
    chain = district_service.tree(session).chain(code)
    if not chain or chain[-1].code != code:
        return None
    item = chain[-1]
    boundary = None
    if with_boundary:
        row = district_service.get_district(session, code)
        if row is not None and row.boundary_geojson:
            boundary = json.loads(row.boundary_geojson)
    return DistrictView(
        code=item.code,
        name=" ".join(d.name for d in chain),
        short_name=item.name,
        boundary=boundary,
        bounds=item.bbox,
    )


def station_by_code(
    session: Session,
    code: str,
    at: datetime,
    tz: ZoneInfo,
    lang: str,
    app_name: str,
    tencent_key: str = "",
    stale_days: float = 180.0,
) -> StationView | None:
    """Everything the station page shows, or ``None`` for an unknown or deleted code."""
    station: Station | None = station_service.get_by_code(session, code)
    if station is None:
        return None
    status = next((t for t in catalog.STATUSES if t.code == station.status), None)
    found = marks(
        StationFlags(
            station.closed_until,
            station.reported_closed_at is not None,
            station.verified_at,
            station.outages,
        ),
        at,
        stale_days,
    )
    hours = hours_view(station.opening_hours or station.opening_hours_text, at, tz, lang)
    if found.temporarily_closed_until is not None:
        when = found.temporarily_closed_until.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        text = f"暂停开放，{when} 恢复" if lang == "zh" else f"temporarily closed until {when}"
        hours = HoursView(False, text, hours.words)
    return StationView(
        id=station.id,
        code=station.code,
        name=station.name,
        address=station.address,
        lat=station.lat,
        lon=station.lon,
        status=station.status,
        status_name=status.name(lang) if status else station.status,
        host_type=(
            catalog.HOST_TYPE_BY_CODE[station.host_type].name(lang)
            if station.host_type in catalog.HOST_TYPE_BY_CODE
            else station.host_type
        ),
        opening_hours=station.opening_hours,
        hours=hours,
        phone=station.phone,
        tel=tel_number(station.phone),
        contact=station.contact,
        amenities=_labels(station.amenities, lang),
        worker_groups=_labels(station.worker_groups, lang),
        services=[s for s in station.services if s.strip()],
        demo=station.is_demo,
        verified_at=station.verified_at,
        district=district_view(session, station.district_code) if station.district_code else None,
        links=navigation_links(
            NavTarget(station.lat, station.lon, station.name), app_name, tencent_key
        ),
        marks=found,
        notice=notice(found, tz, lang, lambda code: _labels([code], lang)[0].name),
    )


def district_options(session: Session, parent_code: str | None) -> list[Label]:
    """The districts directly under ``parent_code`` (the top level, provinces, for
    ``None``), by code: at most a few dozen, however many stations are stored."""
    districts = district_service.tree(session)
    return [
        Label(code, districts.by_code[code].name)
        for code in districts.children.get(parent_code, [])
    ]


def district_picker(session: Session, code: str | None) -> list[PickerLevel]:
    """The cascade of selects for the district picker with ``code`` chosen: the top
    level always, then the children of each district on the chosen chain, each with
    its chosen value. Bounded by the administrative tree (three levels of a few dozen
    districts), never by the number of stations or districts stored."""
    chain = district_service.tree(session).chain(code) if code else []
    levels = [PickerLevel(district_options(session, None), chain[0].code if chain else "")]
    for depth, row in enumerate(chain[:2]):
        options = district_options(session, row.code)
        if not options:
            break
        chosen = chain[depth + 1].code if depth + 1 < len(chain) else ""
        levels.append(PickerLevel(options, chosen))
    return levels


def resolve_district(session: Session, wanted: list[str]) -> str | None:
    """The deepest code of ``wanted`` (a province, a district below it, ...) whose
    parent is the code before it; a stale deeper choice (a city left over from another
    province) is ignored."""
    districts = district_service.tree(session)
    chosen: str | None = None
    for code in wanted:
        if not code:
            break
        row = districts.by_code.get(code)
        if row is None or row.parent_code != chosen:
            break
        chosen = row.code
    return chosen
