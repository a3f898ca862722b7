"""GIS files out and in: every format read back by a reader other than the writer
(geopandas through pyogrio for GeoPackage, Shapefile and GeoJSON; sqlite3 for the
GeoPackage's metadata; xml.etree for KML and KMZ), coordinates to 1e-7 degrees against
the published formulas of tests/datum_reference.py, every Chinese name intact."""

from __future__ import annotations

import html
import io
import json
import sqlite3
import struct
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from stationmap.tabular import TableError
from stationmap.tabular.gis_read import read_station_file
from stationmap.tabular.gis_write import SHAPEFILE_NAMES, write_gis
from tests.datum_reference import bd09_from_gcj02, gcj02_from_wgs84

KML = "{http://www.opengis.net/kml/2.2}"
HOSTILE = "驿站</script><script>alert(1)</script>]]>&amp;`rm -rf`"


def _row(code: str, name: str, lat: float, lon: float, host: str, **more: object) -> dict:
    return {
        "code": code,
        "name": name,
        "address": more.pop("address", "新疆昌吉州玛纳斯县"),
        "lat": lat,
        "lon": lon,
        "datum": "wgs84",
        "host_type": host,
        "amenities": ["water", "toilet"],
        "worker_groups": ["courier"],
        "opening_hours": "Mo-Fr 08:00-20:00",
        "phone": "0994-6612345",
        "contact": "王女士",
        "services": ["免费饮水", "手机充电"],
        "status": "active",
        "district_code": code[:6],
        "demo": False,
        "version": 2,
        **more,
    }


ROWS = [
    _row("652324-0001", "玛纳斯县人民路社区暖新驿站", 44.305123, 86.214567, "community"),
    _row("150102-0002", "呼和浩特新城区工会户外劳动者驿站", 40.852, 111.6621, "union"),
    _row("530112-0003", HOSTILE, 25.0389, 102.6212, "pharmacy", address="A & B <b>路</b>"),
]


def expected(lat: float, lon: float, datum: str) -> tuple[float, float]:
    """Where a WGS-84 point lands in ``datum``, by the published formulas."""
    if datum == "wgs84":
        return lat, lon
    g = gcj02_from_wgs84(lat, lon)
    return g if datum == "gcj02" else bd09_from_gcj02(*g)


def _read(data: bytes, suffix: str, tmp_path: Path) -> gpd.GeoDataFrame:
    path = tmp_path / f"out{suffix}"
    path.write_bytes(data)
    return gpd.read_file(path, engine="pyogrio")


@pytest.mark.parametrize("datum", ["wgs84", "gcj02", "bd09"])
@pytest.mark.parametrize(
    ("fmt", "suffix"), [("gpkg", ".gpkg"), ("shp", ".zip"), ("geojson", ".geojson")]
)
def test_gis_round_trip_by_geopandas(tmp_path, fmt, suffix, datum):
    """Coordinates in the asked datum to 1e-7 degrees, names and the datum attribute
    intact, in every format QGIS reads."""
    frame = _read(write_gis(ROWS, fmt, datum).data, suffix, tmp_path)
    assert list(frame["name"]) == [r["name"] for r in ROWS]
    assert list(frame["code"]) == [r["code"] for r in ROWS]
    assert set(frame["datum"]) == {datum}
    assert frame.crs.to_epsg() == 4326
    for row, point in zip(ROWS, frame.geometry, strict=True):
        lat, lon = expected(row["lat"], row["lon"], datum)
        assert point.y == pytest.approx(lat, abs=1e-7)
        assert point.x == pytest.approx(lon, abs=1e-7)


def test_datum_moves_points_by_the_published_offset():
    """A GCJ-02 export is not the WGS-84 one: Manas moves by hundreds of metres."""
    plain = json.loads(write_gis(ROWS[:1], "geojson", "wgs84").data)
    mars = json.loads(write_gis(ROWS[:1], "geojson", "gcj02").data)
    lon0 = plain["features"][0]["geometry"]["coordinates"][0]
    lon1 = mars["features"][0]["geometry"]["coordinates"][0]
    assert (lon1 - lon0) * 78_000 > 150  # about 237 m east in Manas (REFERENCE.md)
    assert mars["datum"] == "gcj02" and "datum" not in plain


def test_shapefile_has_utf8_cpg_short_fields_and_a_field_table(tmp_path):
    data = write_gis(ROWS, "shp", "gcj02").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        cpg = archive.read("stations.cpg").decode().strip()
        table = archive.read("字段说明.txt").decode("utf-8")
        dbf = archive.read("stations.dbf")
    assert {"stations.shp", "stations.shx", "stations.dbf", "stations.prj"} <= set(names)
    assert cpg.upper().replace("-", "") == "UTF8"
    # DBF field descriptors (32 bytes each after a 32-byte header), read by hand.
    header_len = struct.unpack("<H", dbf[8:10])[0]
    fields = [
        dbf[i : i + 11].split(b"\0")[0].decode("ascii") for i in range(32, header_len - 1, 32)
    ]
    assert fields == list(SHAPEFILE_NAMES.values())
    assert all(len(f) <= 10 for f in fields)
    assert "GCJ-02" in table and all(short in table for short in SHAPEFILE_NAMES.values())


def test_shapefile_cuts_long_text_at_a_character_and_says_so(tmp_path):
    long_name = "驿" * 100  # 300 bytes in UTF-8
    out = write_gis([_row("652324-0009", long_name, 44.3, 86.2, "other")], "shp", "wgs84")
    assert out.cut == [("652324-0009", "name")]
    frame = _read(out.data, ".zip", tmp_path)
    assert frame["name"][0] == "驿" * 84  # 252 bytes: the last whole character


def test_geopackage_states_its_datum_in_the_layer(tmp_path):
    path = tmp_path / "s.gpkg"
    path.write_bytes(write_gis(ROWS, "gpkg", "bd09").data)
    with sqlite3.connect(path) as db:
        (description,) = db.execute(
            "SELECT description FROM gpkg_contents WHERE table_name = 'stations'"
        ).fetchone()
    db.close()
    assert "BD-09" in description and "bd09" in description


def _kml_root(data: bytes) -> ET.Element:
    return ET.fromstring(data)


@pytest.mark.parametrize("fmt", ["kml", "kmz"])
@pytest.mark.parametrize("datum", ["wgs84", "gcj02"])
def test_kml_placemarks_read_back_by_xml_etree(fmt, datum):
    data = write_gis(ROWS, fmt, datum).data
    if fmt == "kmz":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = archive.read("doc.kml")
    root = _kml_root(data)
    placemarks = root.iter(f"{KML}Placemark")
    by_name = {p.findtext(f"{KML}name"): p for p in placemarks}
    assert set(by_name) == {r["name"] for r in ROWS}
    document = root.find(f"{KML}Document")
    assert datum in document.findtext(f"{KML}description")
    styles = {s.get("id"): s for s in document.findall(f"{KML}Style")}
    for row in ROWS:
        mark = by_name[row["name"]]
        lon, lat, _ = (float(v) for v in mark.findtext(f".//{KML}coordinates").split(","))
        want_lat, want_lon = expected(row["lat"], row["lon"], datum)
        assert lat == pytest.approx(want_lat, abs=1e-7)
        assert lon == pytest.approx(want_lon, abs=1e-7)
        data_items = {d.get("name"): d.findtext(f"{KML}value") for d in mark.iter(f"{KML}Data")}
        assert data_items["code"] == row["code"]
        assert data_items["datum"] == datum
        style = mark.findtext(f"{KML}styleUrl")
        assert style == f"#host-{row['host_type']}" and style[1:] in styles


def test_kml_style_colours_are_the_printed_maps():
    """One style per host type, in KML's aabbggrr order of the legend's #rrggbb."""
    from stationmap.catalog import HOST_TYPES
    from stationmap.render.furniture import HOST_COLOURS

    root = _kml_root(write_gis(ROWS, "kml", "wgs84").data)
    colours = {
        s.get("id"): s.findtext(f"{KML}IconStyle/{KML}color") for s in root.iter(f"{KML}Style")
    }
    assert set(colours) == {f"host-{t.code}" for t in HOST_TYPES}
    rgb = HOST_COLOURS["union"]
    assert colours["host-union"] == "ff" + rgb[5:7] + rgb[3:5] + rgb[1:3]


def test_kml_hostile_text_stays_text():
    """Names with </script>, ]]>, & and backticks survive exactly, and a balloon's HTML
    never carries a tag from station text."""
    data = write_gis(ROWS, "kml", "wgs84").data
    root = _kml_root(data)  # well-formed XML
    mark = next(p for p in root.iter(f"{KML}Placemark") if p.findtext(f"{KML}name") == HOSTILE)
    description = mark.findtext(f"{KML}description")
    assert "<script" not in description and "<b>路" not in description
    assert html.escape("A & B <b>路</b>") in description
    assert b"<script" not in data and b"]]>" not in data


def test_kml_description_has_hours_and_amenities():
    root = _kml_root(write_gis(ROWS[:1], "kml", "wgs84").data)
    description = next(root.iter(f"{KML}Placemark")).findtext(f"{KML}description")
    assert "Mo-Fr 08:00-20:00" in description
    assert "卫生间" in description and "开放时间" in description


# --- reading ----------------------------------------------------------------------------


def test_reads_a_geopackage_from_another_writer_in_a_projected_crs(tmp_path):
    """A layer in CGCS2000 / 3-degree Gauss-Kruger (EPSG:4527) with Chinese attribute
    names: points come back in WGS-84 longitude/latitude, the layer named."""
    lat, lon = 44.305, 86.214
    frame = gpd.GeoDataFrame(
        {"驿站名称": ["人民路驿站"], "开放时间": ["24/7"], "OBJECTID": [7]},
        geometry=[Point(lon, lat)],
        crs="EPSG:4490",
    ).to_crs("EPSG:4527")
    path = tmp_path / "grid.gpkg"
    frame.to_file(path, layer="玛纳斯驿站", driver="GPKG", engine="pyogrio")
    table = read_station_file(path.read_bytes(), "grid.gpkg")
    (row,) = table.rows
    assert row.sheet == "玛纳斯驿站" and row.number == 1
    assert row.values["name"] == "人民路驿站"
    assert row.values["datum"] == "wgs84"
    assert row.values["lat"] == pytest.approx(lat, abs=1e-7)
    assert row.values["lon"] == pytest.approx(lon, abs=1e-7)
    assert row.columns["name"] == "驿站名称"
    assert any("OBJECTID" in n.message for n in table.notes)


def test_reads_a_gbk_shapefile_without_cpg_or_prj(tmp_path):
    """Chinese GIS software writes GBK without a .cpg; without a .prj the datum is not
    stated and the import asks (no datum given)."""
    folder = tmp_path / "shp"
    folder.mkdir()
    frame = gpd.GeoDataFrame(
        {"name": ["集贤县福利街驿站"]}, geometry=[Point(131.14, 46.73)], crs="EPSG:4326"
    )
    frame.to_file(folder / "s.shp", engine="pyogrio", encoding="GBK")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in folder.iterdir():
            if part.suffix in (".shp", ".shx", ".dbf"):
                archive.write(part, f"sub/{part.name}")
    (row,) = read_station_file(buffer.getvalue(), "s.zip").rows
    assert row.values["name"] == "集贤县福利街驿站"
    assert "datum" not in row.values


def test_refuses_a_line_naming_layer_and_feature(tmp_path):
    frame = gpd.GeoDataFrame(
        {"name": ["a", "b"]},
        geometry=[Point(86.2, 44.3), LineString([(86.2, 44.3), (86.3, 44.4)])],
        crs="EPSG:4326",
    )
    path = tmp_path / "x.gpkg"
    frame.to_file(path, layer="roads", driver="GPKG", engine="pyogrio")
    # a mixed layer reads as "Unknown" geometry type
    with pytest.raises(TableError) as caught:
        read_station_file(path.read_bytes(), "x.gpkg")
    assert caught.value.sheet == "roads" and caught.value.row == 2
    assert "第 2 个要素" in caught.value.message_zh


def test_a_field_name_cut_inside_a_character_is_refused_not_a_crash(tmp_path):
    """DBF names hold 10 bytes: GDAL cuts 驿站名称 (12 bytes in UTF-8) inside a
    character. The upload is refused naming the layer, not a server error."""
    folder = tmp_path / "shp"
    folder.mkdir()
    frame = gpd.GeoDataFrame({"驿站名称": ["a"]}, geometry=[Point(86.2, 44.3)], crs="EPSG:4326")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL says it cut the name
        frame.to_file(folder / "cut.shp", engine="pyogrio", encoding="UTF-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in folder.iterdir():
            archive.write(part, part.name)
    with pytest.raises(TableError) as caught, warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        read_station_file(buffer.getvalue(), "cut.zip")
    assert caught.value.sheet == "cut" and "字段名" in caught.value.message_zh


def test_refuses_a_zip_with_two_shapefiles():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.shp", b"x")
        archive.writestr("b.shp", b"x")
    with pytest.raises(TableError) as caught:
        read_station_file(buffer.getvalue(), "x.zip")
    assert "2 个 Shapefile" in caught.value.message_zh


@pytest.mark.parametrize(("fmt", "suffix"), [("gpkg", ".gpkg"), ("shp", ".zip")])
def test_an_empty_export_is_a_valid_empty_layer(tmp_path, fmt, suffix):
    """An administrator with no stations yet downloads a file QGIS opens, with the
    attributes, not a server error."""
    frame = _read(write_gis([], fmt, "wgs84").data, suffix, tmp_path)
    assert len(frame) == 0
    assert "name" in frame.columns and "datum" in frame.columns
