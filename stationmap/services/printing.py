"""Printed district maps and station posters: gather plain data from the database and
hand it to the pure builders in :mod:`stationmap.render`.

Used by the command line (``stationmap print-map``, ``stationmap print-poster``) and meant
for the admin pages' print buttons, so both print the same sheets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationmap.config import Settings
from stationmap.geo.districts import DistrictShape, parent_chain
from stationmap.models import District, Station
from stationmap.render import poster
from stationmap.render.printmap import (
    DistrictMap,
    MapArea,
    MapOptions,
    MapStation,
    build_district_map,
)
from stationmap.render.sheet import PrintSettings
from stationmap.services import coverage
from stationmap.services import districts as district_service
from stationmap.services.listing import StationQuery, list_stations
from stationmap.services.stations import get_by_code
from stationmap.worded_error import WordedError

PAGE = 1000


#: What a :class:`PrintError` says, by kind, in English and in Chinese: templates
#: filled from the error's ``values`` (:meth:`str.format` fields).
_PRINT_TEXT: dict[str, tuple[str, str]] = {
    "no_district": (
        "no district {code}",
        "没有代码为 {code} 的行政区：请检查代码，或先用 add-district 添加",
    ),
    "no_station": (
        "no station {code}",
        "没有编码为 {code} 的驿站：请检查驿站编码（如 652324-0001）",
    ),
    "no_stations": (
        "district {code} has no active stations",
        "行政区 {code} 没有正常开放的驿站，没有门贴可印：请检查行政区代码",
    ),
    "no_boundary": (
        "district {code} has no boundary to print",
        "行政区 {code} 没有边界，无法印制地图：请先添加它的边界（add-district {code}）",
    ),
}


class PrintError(WordedError):
    """Why a sheet cannot be printed: ``kind`` names the problem (a key of the module's
    text table) and ``values`` fills its message, so that the command line and the
    print page word it in their reader's language. ``str(error)`` is the English;
    :meth:`text` gives either language."""

    TEXT = _PRINT_TEXT


class NotFound(PrintError, LookupError):
    """The district or station asked for does not exist (or has no station to print)."""


class NoBoundary(PrintError, ValueError):
    """The district exists but has no boundary to draw."""


@dataclass(frozen=True)
class PosterBatch:
    pdf: bytes
    count: int
    demo: int


def print_settings(settings: Settings) -> PrintSettings:
    """Printing settings (public URL, base map source and review number). The command
    line and the admin print button both call this, so they print the same sheets."""
    return PrintSettings(
        public_url=settings.public_url.rstrip("/"),
        basemap_source=settings.basemap_source,
        basemap_approval=settings.basemap_approval,
    )


@dataclass(frozen=True)
class PrintableDistrict:
    code: str
    name: str
    level: str
    stations: int


def printable_districts(session: Session, codes: frozenset[str] | None) -> list[PrintableDistrict]:
    """Districts with a boundary that a user whose scope is ``codes`` (None: all) may
    print, in code order, with their active station counts (children included)."""
    out = []
    for row in district_service.all_districts(session):
        if row.boundary_geojson is None or (codes is not None and row.code not in codes):
            continue
        within = district_service.codes_within(session, row.code)
        out.append(
            PrintableDistrict(
                row.code, row.name, row.level, district_service.station_counts(session, within)
            )
        )
    return out


def _shape(row: District) -> DistrictShape | None:
    return district_service.to_shape(row) if row.boundary_geojson is not None else None


def map_area(session: Session, code: str) -> MapArea:
    """The district ``code`` with its children, neighbours and parents (WGS-84).

    Raises :class:`NotFound` if the district is unknown and :class:`NoBoundary` if it
    has no boundary.
    """
    rows = district_service.all_districts(session)
    by_code = {row.code: row for row in rows}
    row = by_code.get(code)
    if row is None:
        raise NotFound("no_district", {"code": code})
    shape = _shape(row)
    if shape is None:
        raise NoBoundary("no_boundary", {"code": code})
    shapes = [s for s in (_shape(r) for r in rows) if s is not None]
    children = tuple(s for s in shapes if s.parent_code == code)
    neighbours = tuple(
        s for s in shapes if row.parent_code and s.parent_code == row.parent_code and s.code != code
    )
    parents = tuple(parent_chain(code, shapes)[1:])
    return MapArea(shape, children, neighbours, parents)


def _map_station(station: Station) -> MapStation:
    return MapStation(
        code=station.code,
        name=station.name,
        lat=station.lat,
        lon=station.lon,
        address=station.address,
        host_type=station.host_type,
        amenities=tuple(station.amenities),
        opening_hours=station.opening_hours,
        phone=station.phone,
        is_demo=station.is_demo,
        district_code=station.district_code,
    )


def district_stations(
    session: Session, code: str, amenities: Sequence[str] = ()
) -> tuple[list[MapStation], datetime | None]:
    """The active stations of district ``code`` and its children having every amenity
    in ``amenities``, and the time of the latest change among them."""
    codes = district_service.codes_within(session, code)
    out: list[MapStation] = []
    latest: datetime | None = None
    after = 0
    while True:
        page, last = list_stations(
            session,
            StationQuery(
                district_codes=codes,
                amenities=tuple(amenities),
                limit=PAGE,
                after_id=after,
                include_inactive=False,
            ),
        )
        for station in page:
            out.append(_map_station(station))
            if latest is None or station.updated_at > latest:
                latest = station.updated_at
        if last is None:
            break
        after = last
    return out, latest


def district_map(
    session: Session,
    code: str,
    settings: PrintSettings,
    tz: ZoneInfo,
    *,
    paper: str = "A4",
    landscape: bool = False,
    amenities: Sequence[str] = (),
    title: str | None = None,
    now: datetime | None = None,
    uncovered_m: float | None = None,
    grids: bool = False,
) -> DistrictMap:
    """Build the printed map of district ``code`` (see
    :func:`stationmap.render.printmap.build_district_map`); with ``uncovered_m`` the
    part of the district farther than that from a station (of ``amenities``) is
    hatched, with ``grids`` its imported grid cells are outlined."""
    area = map_area(session, code)
    overlays = coverage.print_overlays(session, code, tz, uncovered_m, grids, amenities)
    stations, latest = district_stations(session, code, amenities)
    today = (now or datetime.now(tz)).astimezone(tz).date()
    data_date: date | None = latest.astimezone(tz).date() if latest else None
    options = MapOptions(
        paper=paper,
        landscape=landscape,
        title=title,
        amenities=tuple(amenities),
        data_date=data_date,
        generated=today,
        uncovered=overlays.uncovered,
        uncovered_m=uncovered_m,
        grids=overlays.grids,
    )
    return build_district_map(area, stations, settings, options)


def _poster_station(station: Station, district_names: Mapping[str, str]) -> poster.PosterStation:
    return poster.PosterStation(
        code=station.code,
        name=station.name,
        address=station.address,
        host_type=station.host_type,
        amenities=tuple(station.amenities),
        opening_hours=station.opening_hours,
        phone=station.phone,
        is_demo=station.is_demo,
        district_name=district_names.get(station.district_code or "", ""),
    )


def _district_names(session: Session) -> dict[str, str]:
    return {code: name for code, name in session.execute(select(District.code, District.name))}


def poster_stations(
    session: Session, station_code: str | None = None, district: str | None = None
) -> list[poster.PosterStation]:
    """The station ``station_code``, or every active station of ``district`` (and its
    children) in code order. Raises :class:`NotFound`."""
    names = _district_names(session)
    if station_code is not None:
        station = get_by_code(session, station_code)
        if station is None:
            raise NotFound("no_station", {"code": station_code})
        return [_poster_station(station, names)]
    if district is None:
        raise ValueError("give a station code or a district")
    if district_service.get_district(session, district) is None:
        raise NotFound("no_district", {"code": district})
    codes = district_service.codes_within(session, district)
    stations: list[Station] = []
    after = 0
    while True:
        page, last = list_stations(
            session,
            StationQuery(district_codes=codes, limit=PAGE, after_id=after, include_inactive=False),
        )
        stations.extend(page)
        if last is None:
            break
        after = last
    return [_poster_station(s, names) for s in sorted(stations, key=lambda s: s.code)]


def posters_pdf(
    session: Session,
    settings: PrintSettings,
    station_code: str | None = None,
    district: str | None = None,
) -> PosterBatch:
    """One A4 poster page per station, as one PDF."""
    items = poster_stations(session, station_code, district)
    if not items:
        raise NotFound("no_stations", {"code": district})
    title = items[0].name if len(items) == 1 else f"驿站海报 {district}"
    pdf = poster.posters_pdf(items, settings, title=title)
    return PosterBatch(pdf, len(items), sum(s.is_demo for s in items))
