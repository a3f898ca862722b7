"""Stations as GIS files (GeoPackage, zipped Shapefile, KML, KMZ, GeoJSON) in a chosen
datum: one export used by the command line and the admin download. Imports of
GeoPackage and Shapefile files go through :func:`stationmap.services.transfer.check_file`
like spreadsheets (:mod:`stationmap.tabular.gis_read`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

from stationmap.geo.datum import Datum
from stationmap.services import transfer
from stationmap.tabular.gis_write import GIS_FORMATS, SUFFIXES, GisFile, GisFormat, write_gis

__all__ = ["GIS_FORMATS", "MEDIA_TYPES", "SUFFIXES", "GisFile", "GisFormat", "export_gis"]

MEDIA_TYPES: Mapping[GisFormat, str] = {
    "gpkg": "application/geopackage+sqlite3",
    "shp": "application/zip",
    "kml": "application/vnd.google-earth.kml+xml",
    "kmz": "application/vnd.google-earth.kmz",
    "geojson": "application/geo+json",
}


def export_gis(
    session: Session,
    fmt: GisFormat,
    district_codes: Iterable[str] | None = None,
    *,
    datum: Datum = "wgs84",
    include_demo: bool = False,
) -> GisFile:
    """The live stations (in ``district_codes``, if given) as a ``fmt`` file whose
    coordinates are in ``datum`` (and which says so). A Shapefile's ``cut`` names the
    values cut to fit its 254-byte attributes."""
    rows = transfer.export_rows(session, district_codes, include_demo=include_demo)
    return write_gis(rows, fmt, datum)
