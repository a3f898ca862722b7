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
from stationmap.cli.lang import Failure, datum_problem, say
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
            say(
                f"无法读取时间 {text!r}：请写 ISO-8601 时间，例如 2026-12-05T22:00（按配置的时区）",
                "an ISO-8601 time such as 2026-12-05T22:00 (read in the configured zone)",
            ),
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
        raise click.BadParameter(
            say(
                "请写 .gpkg、.geojson、.zip、.kml 或 .kmz 文件",
                "write .gpkg, .geojson, .zip, .kml or .kmz",
            ),
            param_hint="-o",
        )
    try:
        datum = parse_datum(datum_text)
    except ValueError:
        raise click.BadParameter(datum_problem(datum_text), param_hint="--datum") from None
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
        raise click.BadParameter(_no_district(code), param_hint="CODE") from None
    except coverage_service.CoverageError as exc:
        raise Failure(say(exc.message_zh, exc.message)) from exc
    cov = report.coverage
    click.echo(
        say(
            f"{report.district_name}（{code}）：{cov.district_km2:,.1f} 平方公里，"
            f"{cov.station_count} 个符合条件的驿站；{report.distance_basis_zh}，"
            f"电动车按 {cov.speed_kmh:g} 公里/小时",
            f"{report.district_name} ({code}): {cov.district_km2:,.1f} km², "
            f"{cov.station_count} matching stations; {report.distance_basis_en}, "
            f"e-bike at {cov.speed_kmh:g} km/h",
        )
    )
    for band in cov.bands:
        share = band.demand_share
        click.echo(
            say(
                f"  {band.radius_m:>6,.0f} 米以内（电动车 {band.ebike_minutes:4.1f} 分钟）："
                f"占面积 {band.share:6.1%}（{band.covered_km2:,.2f} 平方公里）"
                + (f"，需求 {share:.1%}" if share is not None else ""),
                f"  within {band.radius_m:>6,.0f} m ({band.ebike_minutes:4.1f} min): "
                f"{band.share:6.1%} of the area ({band.covered_km2:,.2f} km²)"
                + (f", demand {share:.1%}" if share is not None else ""),
            )
        )
    unreached = [g for g in cov.grids if not g.in_reach]
    if cov.grids:
        click.echo(
            say(
                f"  网格：{len(cov.grids)} 个，其中 {len(unreached)} 个在可达范围内没有驿站",
                f"  grids: {len(cov.grids)}, {len(unreached)} with no station within reach",
            )
        )
        for g in unreached[:10]:
            click.echo(
                say(
                    f"    {g.code} {g.name}（{g.area_km2:.2f} 平方公里，需求 {g.demand:g}）",
                    f"    {g.code} {g.name} ({g.area_km2:.2f} km², demand {g.demand:g})",
                )
            )
    if report.redundant:
        pairs = len(report.redundant)
        click.echo(
            say(
                f"  {pairs} 对相似的驿站相距不到 300 米",
                f"  {pairs} pairs of alike stations closer than 300 m",
            )
        )
    for site in report.sites:
        reason = say(site.reason_zh, site.reason_en)
        click.echo(f"  {site.rank}. {site.lat:.6f}, {site.lon:.6f}: {reason}")
    if output is not None:
        layers = coverage_service.write_layers(report, output, datum)
        click.echo(
            say(
                f"已写入 {output}（{'、'.join(layers)}；{datum}）。",
                f"Wrote {output} ({', '.join(layers)}; {datum}).",
            )
        )


def _no_district(code: str) -> str:
    return say(
        f"没有代码为 {code} 且有边界的行政区：请检查代码，或先用 add-district 添加",
        f"no district {code} with a boundary",
    )


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
    except ValueError:
        raise click.BadParameter(datum_problem(datum), param_hint="--datum") from None
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
        raise click.BadParameter(_no_district(code), param_hint="CODE") from None
    except coverage_service.LayerError as exc:
        raise Failure(say(exc.message_zh, exc.message)) from exc
    click.echo(
        say(
            f"已向 {code} 导入 {count} 个 {kind} 要素（原有的同类要素已替换）。",
            f"Imported {count} {kind} features into {code}.",
        )
    )
