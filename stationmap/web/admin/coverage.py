"""Coverage: a district's map of covered and uncovered areas per radius, its grids,
demand and proposed sites, with tables and downloads; uploads of its planning layers."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from stationmap import catalog
from stationmap.app_state import state
from stationmap.geo.datum import parse_datum
from stationmap.geo.layer_files import KINDS
from stationmap.services import coverage as coverage_service
from stationmap.web.admin import bp
from stationmap.web.admin.common import _db, _me
from stationmap.web.admin.printing import _download, _printable_or_404
from stationmap.web.basemap import current_tiles, map_page_policy
from stationmap.web.i18n import current_lang, tr
from stationmap.web.reports import _tile_layers

RADII = (500, 1000, 2000)
KIND_WORDS = {
    "grid": ("网格", "Grids"),
    "demand": ("需求点", "Demand points"),
    "candidate": ("候选点", "Candidate sites"),
}


def _query() -> dict[str, Any]:
    """The page's choices, checked: radius, amenities, time, number of suggestions."""
    args = request.args
    try:
        radius = float(args.get("radius_m", "1000"))
    except ValueError:
        radius = -1.0
    if not 50 <= radius <= 5000:
        abort(
            400,
            tr(
                "radius_m（半径）须是 50 到 5000 之间的米数。",
                "radius_m must be 50 to 5000 metres.",
            ),
        )
    amenities = tuple(a for a in args.getlist("amenity") if a)
    if any(a not in catalog.AMENITY_CODES for a in amenities):
        abort(400, tr("amenity（设施）代码无效。", "Unknown amenity code."))
    at = None
    if args.get("at"):
        try:
            at = datetime.fromisoformat(args["at"])
        except ValueError:
            abort(
                400,
                tr("at（时间）须形如 2026-12-05T22:00。", "at must look like 2026-12-05T22:00."),
            )
        if at.tzinfo is None:
            at = at.replace(tzinfo=state(current_app).settings.tz)
    try:
        suggest = int(args.get("suggest", "5"))
    except ValueError:
        suggest = -1
    if not 0 <= suggest <= 20:
        abort(400, tr("suggest（建议数量）须在 0 到 20 之间。", "suggest must be 0 to 20."))
    return {"radius_m": radius, "amenities": amenities, "at": at, "suggest": suggest}


def _report(code: str, layers: bool) -> coverage_service.CoverageReport:
    q = _query()
    try:
        with _db().session() as session:
            return coverage_service.district_report(
                session,
                code,
                tz=state(current_app).settings.tz,
                radius_m=q["radius_m"],
                amenities=q["amenities"],
                at=q["at"],
                suggest=q["suggest"],
                layers=layers,
            )
    except coverage_service.UnknownDistrict:
        abort(404, tr("没有这个区县或它没有边界。", "No such district, or it has no boundary."))


def _query_string() -> str:
    pairs = list(request.args.items(multi=True))
    return "?" + urlencode(pairs) if pairs else ""


@bp.get("/coverage")
def coverage_list() -> str:
    with _db().session() as session:
        from stationmap.services import printing as printing_service  # matplotlib: on use

        rows = printing_service.printable_districts(session, _me().scope.codes)
    return render_template("admin/coverage_list.html", districts=rows)


@bp.get("/coverage/<code>")
def district_coverage_page(code: str) -> Response:
    code = _printable_or_404(code)
    report = _report(code, layers=False)
    with _db().session() as session:
        counts = coverage_service.layer_counts(session, code)
    tiles = current_tiles()
    html = render_template(
        "admin/coverage.html",
        report=report,
        summary=coverage_service.report_summary(report),
        counts=counts,
        kinds=[(k, tr(*KIND_WORDS[k])) for k in KINDS],
        amenities=catalog.AMENITIES,
        query=request.args,
        radii=RADII,
        lang=current_lang(),
        tiles=tiles,
        tile_layers=_tile_layers(tiles),
        query_string=_query_string(),
        layers_url=url_for("admin.district_coverage_layers", code=code) + _query_string(),
    )
    response = current_app.make_response(html)
    if tiles.layers:
        response.headers["Content-Security-Policy"] = map_page_policy(tiles)
    return response


@bp.get("/coverage/<code>/layers.geojson")
def district_coverage_layers(code: str) -> Response:
    """The layers as GeoJSON; ``map=1`` in the base map's datum (for the page's map),
    otherwise WGS-84."""
    code = _printable_or_404(code)
    report = _report(code, layers=True)
    datum = current_tiles().datum if request.args.get("map") == "1" else "wgs84"
    body = coverage_service.report_geojson(report, parse_datum(datum))
    if request.args.get("map") == "1":
        return jsonify(body)
    return _download(
        current_app.json.dumps(body).encode(), "application/geo+json", f"coverage-{code}.geojson"
    )


@bp.get("/coverage/<code>/layers.gpkg")
def district_coverage_gpkg(code: str) -> Response:
    code = _printable_or_404(code)
    report = _report(code, layers=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"coverage-{code}.gpkg"
        coverage_service.write_layers(report, path)
        data = path.read_bytes()
    return _download(data, "application/geopackage+sqlite3", f"coverage-{code}.gpkg")


LAYER_MEDIA_TYPES = {
    "zip": "application/zip",
    "kml": "application/vnd.google-earth.kml+xml",
    "kmz": "application/vnd.google-earth.kmz",
}


@bp.get("/coverage/<code>/layers.<any(zip,kml,kmz):ext>")
def district_coverage_file(code: str, ext: str) -> Response:
    """The layers as a zipped Shapefile, KML or KMZ in ``datum`` (WGS-84 by default)."""
    code = _printable_or_404(code)
    try:
        datum = parse_datum(request.args.get("datum", "wgs84"))
    except ValueError:
        abort(
            400,
            tr(
                "参数 datum（坐标系）须为 wgs84、gcj02 或 bd09。",
                "datum must be wgs84, gcj02 or bd09.",
            ),
        )
    report = _report(code, layers=True)
    data = coverage_service.layers_file(report, f".{ext}", datum)
    suffix = "" if datum == "wgs84" else f"-{datum}"
    return _download(data, LAYER_MEDIA_TYPES[ext], f"coverage-{code}{suffix}.{ext}")


@bp.post("/coverage/<code>/import")
def import_coverage_layer(code: str) -> Any:
    code = _printable_or_404(code)
    kind = request.form.get("kind", "")
    upload = request.files.get("file")
    back = redirect(url_for("admin.district_coverage_page", code=code))
    if kind not in KINDS or upload is None or not upload.filename:
        flash(tr("请选择图层类型和文件。", "Choose a layer kind and a file."))
        return back
    try:
        datum = parse_datum(request.form.get("datum", "wgs84"))
    except ValueError:
        flash(tr("坐标系无效。", "Unknown datum."))
        return back
    layer_kind = next(k for k in KINDS if k == kind)
    try:
        with _db().write_session() as session:
            count = coverage_service.import_layer(
                session, code, layer_kind, upload.filename, upload.read(), datum
            )
    except coverage_service.LayerError as exc:
        flash(tr(f"导入失败：{exc.message_zh}", f"Import failed: {exc.message}"))
        return back
    flash(
        tr(
            f"已导入 {count} 个{KIND_WORDS[kind][0]}。",
            f"Imported {count} {KIND_WORDS[kind][1].lower()}.",
        )
    )
    return back
