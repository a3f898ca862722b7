"""The GIS download: the stations in the admin's districts as GeoPackage, zipped
Shapefile, KML, KMZ or GeoJSON, in WGS-84, GCJ-02 or BD-09 (``?format=&datum=``)."""

from __future__ import annotations

from flask import Response, abort, current_app, request

from stationmap.geo.datum import DATUMS
from stationmap.services import gis_files
from stationmap.web.admin import bp
from stationmap.web.admin.common import _db, _me
from stationmap.web.i18n import tr


@bp.get("/export/gis")
def export_gis() -> Response:
    fmt = request.args.get("format", "gpkg")
    datum = request.args.get("datum", "wgs84")
    if fmt not in gis_files.GIS_FORMATS or datum not in DATUMS:
        abort(
            400,
            tr(
                "格式只能是 gpkg、shp、kml、kmz 或 geojson，坐标系只能是 wgs84、gcj02 或 bd09。",
                "format must be gpkg, shp, kml, kmz or geojson; datum wgs84, gcj02 or bd09.",
            ),
        )
    with _db().session() as session:
        out = gis_files.export_gis(
            session,
            fmt,
            _me().scope.codes,
            datum=datum,
            include_demo=request.args.get("demo") == "1",
        )
    response = current_app.response_class(out.data, mimetype=gis_files.MEDIA_TYPES[fmt])
    suffix = gis_files.SUFFIXES[fmt]
    response.headers["Content-Disposition"] = f"attachment; filename=stations-{datum}{suffix}"
    if out.cut:
        response.headers["X-Stationmap-Cut"] = str(len(out.cut))
    return response
