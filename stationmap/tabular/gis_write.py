"""Stations as GIS files: GeoPackage, zipped Shapefile, KML, KMZ and GeoJSON, in WGS-84
(the default), GCJ-02 or BD-09. Pure: no Flask, no database; geopandas and pyogrio are
imported where a GeoPackage or Shapefile is written.

Every file states its datum: a ``datum`` attribute on each feature (``wgs84``,
``gcj02`` or ``bd09``) and, per format, the layer description (GeoPackage), a
``字段说明.txt`` beside the Shapefile in the zip, the document's description and each
placemark's ExtendedData (KML), a ``datum`` foreign member (GeoJSON not in WGS-84). The
geometry's CRS is EPSG:4326 in every datum: GCJ-02 and BD-09 have no EPSG code, and
readers then draw the points where Chinese web maps in that datum would.

Attribute names (GeoPackage and GeoJSON use the field codes, Shapefile the names of
:data:`SHAPEFILE_NAMES`, at most 10 characters as DBF allows):

=============== ========== ===========================================
field           Shapefile  value
=============== ========== ===========================================
code            code       编号 (e.g. 652324-0001)
name            name       名称
address         address    地址
datum           datum      wgs84 / gcj02 / bd09: the geometry's datum
host_type       host_type  依托单位类型 (Chinese words)
amenities       amenities  服务设施, separated by ``;``
worker_groups   workers    服务对象, separated by ``;``
opening_hours   hours      开放时间 (opening_hours syntax, or as written)
phone           phone      联系电话
contact         contact    联系人
services        services   服务内容, one per line
status          status     状态
district_code   district   所属区县 (read-only: imports ignore it)
demo            demo       演示数据 (1: demo; read-only)
version         version    版本 (the station's version when exported)
=============== ========== ===========================================

A DBF text attribute holds at most 254 bytes (84 Chinese characters): a longer value is
cut at a character boundary, and :attr:`GisFile.cut` names each one cut (use GeoPackage
to keep them whole).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from stationmap.geo.datum import Datum, from_wgs84
from stationmap.station_fields import FIELDS
from stationmap.tabular.writing import in_words, write_table

GisFormat = Literal["gpkg", "shp", "kml", "kmz", "geojson"]
GIS_FORMATS: tuple[GisFormat, ...] = ("gpkg", "shp", "kml", "kmz", "geojson")
#: The file name ending of each format (a Shapefile is sent zipped).
SUFFIXES: Mapping[GisFormat, str] = {
    "gpkg": ".gpkg",
    "shp": ".shp.zip",
    "kml": ".kml",
    "kmz": ".kmz",
    "geojson": ".geojson",
}
LAYER = "stations"
#: The attributes written after the fields (read-only columns of the exports).
EXTRA_COLUMNS = ("district_code", "demo", "version")
#: Each attribute's name in a Shapefile (DBF allows 10 characters).
SHAPEFILE_NAMES: Mapping[str, str] = {
    "code": "code",
    "name": "name",
    "address": "address",
    "datum": "datum",
    "host_type": "host_type",
    "amenities": "amenities",
    "worker_groups": "workers",
    "opening_hours": "hours",
    "phone": "phone",
    "contact": "contact",
    "services": "services",
    "status": "status",
    "district_code": "district",
    "demo": "demo",
    "version": "version",
}
DBF_TEXT_BYTES = 254
DATUM_TEXT: Mapping[Datum, str] = {
    "wgs84": "WGS-84（GPS、天地图、奥维互动地图默认）",
    "gcj02": "GCJ-02（高德、腾讯地图）",
    "bd09": "BD-09（百度地图）",
}


@dataclass
class GisFile:
    """A written file: its bytes and, for a Shapefile, the ``(code, field)`` of each
    value cut to fit a DBF attribute."""

    data: bytes
    cut: list[tuple[str, str]] = field(default_factory=list)


def in_datum(rows: Sequence[Mapping[str, object]], datum: Datum) -> list[dict[str, object]]:
    """``rows`` (``lat``/``lon`` in WGS-84) with their coordinates in ``datum`` and
    ``datum`` saying so."""
    out = [dict(row) for row in rows]
    if out:
        lat = np.array([float(r["lat"]) for r in out])  # type: ignore[arg-type]
        lon = np.array([float(r["lon"]) for r in out])  # type: ignore[arg-type]
        lat, lon = from_wgs84(lat, lon, datum)
        for row, y, x in zip(out, lat.tolist(), lon.tolist(), strict=True):
            row["lat"], row["lon"], row["datum"] = y, x, datum
    return out


def write_gis(rows: Sequence[Mapping[str, object]], fmt: GisFormat, datum: Datum) -> GisFile:
    """Write stations as a GIS file.

    Parameters
    ----------
    rows
        One mapping per station with the :data:`~stationmap.station_fields.FIELDS` keys
        and :data:`EXTRA_COLUMNS`, ``lat``/``lon`` in degrees, WGS-84.
    fmt
        One of :data:`GIS_FORMATS`.
    datum
        The datum the file's coordinates are converted to (and which it states).
    """
    placed = in_datum(rows, datum)
    if fmt == "geojson":
        return GisFile(write_table(placed, "geojson", extra_columns=EXTRA_COLUMNS))
    if fmt in ("kml", "kmz"):
        from stationmap.render.kml import kml_document, kmz

        document = kml_document(placed, datum, datum_statement(datum))
        return GisFile(kmz(document) if fmt == "kmz" else document)
    if fmt == "gpkg":
        return GisFile(_gpkg(placed, datum))
    if fmt == "shp":
        return _shapefile(placed, datum)
    raise ValueError(f"unknown GIS format {fmt!r}")


def _attributes(row: Mapping[str, object]) -> dict[str, object]:
    """A row's attributes as GIS files hold them: codes as Chinese words, lists joined
    (``;``, services one per line), the datum as its code, demo as 0/1."""
    words = in_words(row)
    out: dict[str, object] = {}
    for column in (*FIELDS, *EXTRA_COLUMNS):
        if column in ("lat", "lon"):
            continue
        value = words.get(column)
        if isinstance(value, list | tuple):
            value = ("\n" if column == "services" else ";").join(str(v) for v in value)
        if column == "datum":
            value = row.get("datum")
        elif column == "demo":
            value = int(bool(value))
        elif column == "version":
            value = None if value is None else int(value)  # type: ignore[call-overload]
        out[column] = None if value == "" else value
    return out


def _frame(rows: Sequence[Mapping[str, object]], names: Mapping[str, str] | None = None) -> Any:
    import geopandas as gpd
    from shapely import points

    records = [_attributes(row) for row in rows]
    columns = [c for c in (*FIELDS, *EXTRA_COLUMNS) if c not in ("lat", "lon")]
    data = {
        (names or {}).get(c, c): [r[c] for r in records] for c in columns
    }  # column order kept even with no rows
    geometry = points(
        np.array([[float(r["lon"]), float(r["lat"])] for r in rows]).reshape(-1, 2)  # type: ignore[arg-type]
    )
    frame = gpd.GeoDataFrame(data, geometry=list(geometry), crs="EPSG:4326")
    for column in ("demo", "version"):
        name = (names or {}).get(column, column)
        frame[name] = frame[name].astype("Int64")
    return frame


def datum_statement(datum: Datum) -> str:
    """What a file says about its coordinates, in Chinese and English."""
    return (
        f"驿站位置，坐标系：{DATUM_TEXT[datum]}；datum 字段注明每个要素的坐标系。"
        f" Rest stations; coordinates in {datum} (see each feature's datum attribute)."
    )


def _gpkg(rows: Sequence[Mapping[str, object]], datum: Datum) -> bytes:
    import pyogrio

    frame = _frame(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stations.gpkg"
        pyogrio.write_dataframe(
            frame,
            path,
            layer=LAYER,
            driver="GPKG",
            layer_options={"DESCRIPTION": datum_statement(datum), "IDENTIFIER": "驿站"},
        )
        return path.read_bytes()


def _fit(text: str, limit: int = DBF_TEXT_BYTES) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, at a character boundary."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def field_table(datum: Datum) -> str:
    """The text of ``字段说明.txt``: the datum and each Shapefile attribute's field."""
    from stationmap.tabular.columns import header_text

    lines = [datum_statement(datum), "", "字段 field\t含义 meaning"]
    lines += [f"{short}\t{header_text(name)} ({name})" for name, short in SHAPEFILE_NAMES.items()]
    lines += ["", f"文字属性最长 {DBF_TEXT_BYTES} 字节（约 84 个汉字），更长的内容被截断。"]
    return "\r\n".join(lines) + "\r\n"


def _shapefile(rows: Sequence[Mapping[str, object]], datum: Datum) -> GisFile:
    import pyogrio

    frame = _frame(rows, SHAPEFILE_NAMES)
    cut: list[tuple[str, str]] = []
    for name, short in SHAPEFILE_NAMES.items():
        values = list(frame[short])
        fitted = [_fit(v) if isinstance(v, str) else v for v in values]
        if fitted != values:
            cut += [
                (str(code), name)
                for code, a, b in zip(frame["code"], values, fitted, strict=True)
                if a != b
            ]
            frame[short] = fitted
    out = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{LAYER}.shp"
        pyogrio.write_dataframe(frame, path, layer=LAYER, driver="ESRI Shapefile", encoding="UTF-8")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in sorted(Path(tmp).iterdir()):
                archive.write(member, member.name)
            if not (Path(tmp) / f"{LAYER}.cpg").exists():
                archive.writestr(f"{LAYER}.cpg", "UTF-8")
            archive.writestr("字段说明.txt", field_table(datum).encode("utf-8"))
    return GisFile(out.getvalue(), cut)


def write_layers_shapefile(
    layers: Mapping[str, Sequence[Mapping[str, Any]]],
    names: Mapping[str, str],
    notes: str,
) -> bytes:
    """GeoJSON ``features`` per layer as one zip: ``LAYER.shp`` (with ``.cpg`` UTF-8)
    per non-empty layer, attributes renamed by ``names`` (else cut to 10 characters),
    text cut to :data:`DBF_TEXT_BYTES`; ``notes`` as ``字段说明.txt``. Empty geometries
    are written as none."""
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import shape

    out = io.BytesIO()
    with (
        tempfile.TemporaryDirectory() as tmp,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for layer, features in layers.items():
            if not features:
                continue
            shapes = [shape(f["geometry"]) for f in features]
            rows = [dict(f.get("properties") or {}) for f in features]
            columns = list(dict.fromkeys(k for row in rows for k in row))
            data = {
                names.get(c, c[:10]): [
                    _fit(v) if isinstance(v := row.get(c), str) else v for row in rows
                ]
                for c in columns
            }
            frame = gpd.GeoDataFrame(
                data, geometry=[None if g.is_empty else g for g in shapes], crs="EPSG:4326"
            )
            folder = Path(tmp) / layer
            folder.mkdir()
            path = folder / f"{layer}.shp"
            pyogrio.write_dataframe(
                frame, path, layer=layer, driver="ESRI Shapefile", encoding="UTF-8"
            )
            if not (folder / f"{layer}.cpg").exists():
                (folder / f"{layer}.cpg").write_text("UTF-8")
            for member in sorted(folder.iterdir()):
                archive.write(member, member.name)
        archive.writestr("字段说明.txt", notes.encode("utf-8"))
    return out.getvalue()
