"""Coverage commands: how much of a district is within reach, where the next stations
should go, and the district's planning layers.

stationmap coverage CODE [--radius-m M] [--at TIME] [--amenity CODE ...] [--suggest K]
                         [--speed-kmh S] [-o FILE.gpkg|.geojson|.zip|.kml|.kmz]
                         [--datum wgs84|gcj02|bd09]
stationmap import-coverage-layer CODE grid|demand|candidate FILE [--datum wgs84|gcj02|bd09]
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from stationmap import catalog
from stationmap.app_state import state
from stationmap.geo.datum import DATUMS, parse_datum
from stationmap.geo.layer_files import KINDS
from stationmap.services import coverage as coverage_service


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            "an ISO-8601 time such as 2026-12-05T22:00 (read in the configured zone)",
            param_hint="--at",
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=state(current_app).settings.tz)
    return value


@click.command("coverage")
@click.argument("code")
@click.option("--radius-m", type=click.FloatRange(50, 5000), default=1000.0, show_default=True)
@click.option("--at", "at_text", default=None, help="Only stations open then (ISO-8601).")
@click.option(
    "--amenity",
    "amenities",
    multiple=True,
    type=click.Choice(catalog.AMENITY_CODES),
    help="Only stations with this amenity (repeatable).",
)
@click.option("--suggest", type=click.IntRange(0, 100), default=0, help="Propose K new sites.")
@click.option("--speed-kmh", type=click.FloatRange(1, 60), default=15.0, show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the layers to a GeoPackage (.gpkg), GeoJSON (.geojson), zipped Shapefile "
    "(.zip), KML (.kml) or KMZ (.kmz) file.",
)
@click.option(
    "--datum",
    "datum_text",
    default="wgs84",
    show_default=True,
    help=f"The datum of the file written with -o ({', '.join(DATUMS)}; 百度, 高德 ... accepted).",
)
@with_appcontext
def coverage_command(
    code: str,
    radius_m: float,
    at_text: str | None,
    amenities: tuple[str, ...],
    suggest: int,
    speed_kmh: float,
    output: Path | None,
    datum_text: str,
) -> None:
    """Print the share of district CODE within 500 m, 1 km, 2 km and --radius-m of a
    matching open station (straight-line distance), grids no station reaches, and
    --suggest K proposed sites."""
    if output is not None and output.suffix.lower() not in coverage_service.LAYER_SUFFIXES:
        raise click.BadParameter("write .gpkg, .geojson, .zip, .kml or .kmz", param_hint="-o")
    try:
        datum = parse_datum(datum_text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--datum") from None
    app_state = state(current_app)
    at = _moment(at_text)
    try:
        with app_state.db.session() as session:
            report = coverage_service.district_report(
                session,
                code,
                tz=app_state.settings.tz,
                radius_m=radius_m,
                amenities=amenities,
                at=at,
                speed_kmh=speed_kmh,
                suggest=suggest,
                layers=output is not None,
            )
    except coverage_service.UnknownDistrict:
        raise click.BadParameter(f"no district {code} with a boundary", param_hint="CODE") from None
    except coverage_service.CoverageError as exc:
        raise click.ClickException(exc.message) from exc
    cov = report.coverage
    click.echo(
        f"{report.district_name} ({code}): {cov.district_km2:,.1f} km², "
        f"{cov.station_count} matching stations; {report.distance_basis_en}, "
        f"e-bike at {cov.speed_kmh:g} km/h"
    )
    for band in cov.bands:
        demand = f", demand {band.demand_share:.1%}" if band.demand_share is not None else ""
        click.echo(
            f"  within {band.radius_m:>6,.0f} m ({band.ebike_minutes:4.1f} min): "
            f"{band.share:6.1%} of the area ({band.covered_km2:,.2f} km²){demand}"
        )
    unreached = [g for g in cov.grids if not g.in_reach]
    if cov.grids:
        click.echo(f"  grids: {len(cov.grids)}, {len(unreached)} with no station within reach")
        for g in unreached[:10]:
            click.echo(f"    {g.code} {g.name} ({g.area_km2:.2f} km², demand {g.demand:g})")
    if report.redundant:
        click.echo(f"  {len(report.redundant)} pairs of alike stations closer than 300 m")
    for site in report.sites:
        click.echo(f"  {site.rank}. {site.lat:.6f}, {site.lon:.6f}: {site.reason_zh}")
    if output is not None:
        layers = coverage_service.write_layers(report, output, datum)
        click.echo(f"Wrote {output} ({', '.join(layers)}; {datum}).")


@click.command("import-coverage-layer")
@click.argument("code")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--datum",
    default="wgs84",
    show_default=True,
    help=f"The datum of degrees in the file ({', '.join(DATUMS)}; 百度, 高德 ... accepted).",
)
@with_appcontext
def import_layer_command(code: str, kind: str, file: Path, datum: str) -> None:
    """Replace district CODE's grids (网格 polygons), demand points or candidate sites
    with those in FILE (CSV for points, GeoJSON, GeoPackage or zipped Shapefile)."""
    try:
        parsed = parse_datum(datum)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--datum") from None
    layer_kind = next(k for k in KINDS if k == kind)
    try:
        with state(current_app).db.write_session() as session:
            count = coverage_service.import_layer(
                session,
                code,
                layer_kind,
                file.name,
                file.read_bytes(),
                parsed,
            )
    except coverage_service.UnknownDistrict:
        raise click.BadParameter(f"no district {code} with a boundary", param_hint="CODE") from None
    except coverage_service.LayerError as exc:
        raise click.ClickException(f"{exc.message_zh} / {exc.message}") from exc
    click.echo(f"Imported {count} {kind} features into {code}.")
