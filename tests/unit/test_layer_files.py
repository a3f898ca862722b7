"""Planning layers read from files: projected CRSs and AMap/Baidu degrees end in WGS-84,
Chinese names survive, and bad features are named in the error."""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import pytest
from pyproj import Transformer
from shapely.geometry import Point, Polygon, box, mapping

from stationmap.geo.datum import bd09_to_wgs84
from stationmap.geo.layer_files import LayerError, read_layer


def _zipped_shapefile(frame: gpd.GeoDataFrame, tmp_path) -> bytes:
    folder = tmp_path / "shp"
    folder.mkdir()
    frame.to_file(folder / "grids.shp", engine="pyogrio", encoding="UTF-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)
    return buffer.getvalue()


def test_grids_in_a_gauss_kruger_shapefile_come_back_in_wgs84(tmp_path):
    # CGCS2000 / 3-degree Gauss-Kruger CM 111E (EPSG:4546), as a city's GIS office keeps it
    x0, y0 = 500_000.0, 4_520_000.0
    cell = box(x0, y0, x0 + 1000, y0 + 1000)
    # (field names fit a DBF's 10 bytes in UTF-8: 编码 and 名称 are 6 each)
    frame = gpd.GeoDataFrame(
        {"编码": ["XC-001"], "名称": ["新城区第一网格"]}, geometry=[cell], crs=4546
    )
    cells = read_layer("grids.zip", _zipped_shapefile(frame, tmp_path), "grid")
    assert [(c.code, c.name) for c in cells] == [("XC-001", "新城区第一网格")]
    to_ll = Transformer.from_crs(4546, 4326, always_xy=True)
    # (a Shapefile stores outer rings clockwise: compare the corners, not their order)
    want = sorted({to_ll.transform(x, y) for x, y in cell.exterior.coords})
    got = sorted(set(cells[0].geometry.exterior.coords))
    assert len(got) == len(want)
    for (gx, gy), (wx, wy) in zip(got, want, strict=True):
        assert gx == pytest.approx(wx, abs=1e-7) and gy == pytest.approx(wy, abs=1e-7)


def test_baidu_demand_points_are_converted_and_weighted():
    bd = [(40.8123, 111.7012), (40.8201, 111.6895)]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"weight": w},
            }
            for (lat, lon), w in zip(bd, (2, 5), strict=True)
        ],
    }
    points = read_layer("d.geojson", json.dumps(collection).encode(), "demand", "bd09")
    for p, (lat, lon) in zip(points, bd, strict=True):
        want = bd09_to_wgs84(lat, lon)
        assert (p.lat, p.lon) == pytest.approx(want, abs=1e-9)
    assert [p.weight for p in points] == [2.0, 5.0]


def test_a_self_intersecting_grid_and_a_repeated_code_are_named(tmp_path):
    bow = Polygon([(111.70, 40.80), (111.71, 40.81), (111.71, 40.80), (111.70, 40.81)])
    good = box(111.72, 40.80, 111.73, 40.81)

    def collection(items):
        return json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "geometry": mapping(g), "properties": {"code": c}}
                    for g, c in items
                ],
            }
        ).encode()

    with pytest.raises(LayerError) as err:
        read_layer("g.geojson", collection([(good, "A"), (bow, "B")]), "grid")
    assert "第 2 个要素" in err.value.message_zh and "自相交" in err.value.message_zh
    with pytest.raises(LayerError) as err:
        read_layer("g.geojson", collection([(good, "A"), (good, "A")]), "grid")
    assert "第 2 个要素" in err.value.message_zh and "重复" in err.value.message_zh


def test_csv_points_name_the_row_and_the_column():
    with pytest.raises(LayerError) as err:
        read_layer("c.csv", "名称,经度,纬度\n药店,111.7,abc\n".encode(), "candidate")
    assert "第 2 行" in err.value.message_zh and "纬度" in err.value.message_zh
    gbk = "名称,经度,纬度\n银行网点,111.7,40.8\n".encode("gb18030")
    (only,) = read_layer("c.csv", gbk, "candidate")
    assert only.label == "银行网点" and (only.lat, only.lon) == (40.8, 111.7)
    with pytest.raises(LayerError) as err:
        read_layer("c.kml", b"<kml/>", "candidate")
    assert "不支持" in err.value.message_zh


def test_points_given_as_grids_are_refused():
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": mapping(Point(111.7, 40.8)),
                "properties": {"code": "A"},
            }
        ],
    }
    with pytest.raises(LayerError) as err:
        read_layer("g.geojson", json.dumps(collection).encode(), "grid")
    assert "面要素" in err.value.message_zh


def test_a_shapefile_without_cpg_is_read_as_gbk(tmp_path):
    frame = gpd.GeoDataFrame(
        {"code": ["G1"], "name": ["回民区第二网格"]},
        geometry=[box(111.6, 40.8, 111.61, 40.81)],
        crs=4326,
    )
    folder = tmp_path / "gbk"
    folder.mkdir()
    frame.to_file(folder / "g.shp", engine="pyogrio", encoding="GBK")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for part in folder.iterdir():
            if part.suffix != ".cpg":
                zf.write(part, part.name)
    (cell,) = read_layer("g.zip", buffer.getvalue(), "grid")
    assert cell.name == "回民区第二网格"


def test_a_zip_that_unpacks_too_large_is_refused_before_reading():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("g.shp", b"\0" * (201 * 1024 * 1024))
    with pytest.raises(LayerError) as err:
        read_layer("g.zip", buffer.getvalue(), "grid")
    assert err.value.message_zh.startswith("g.zip：") and "压缩" in err.value.message_zh


def test_a_member_compressed_like_a_bomb_is_refused_even_when_small():
    """5 MB of zeros in a few kB: under every size limit, refused by its ratio (the
    station import's guard, which the coverage reader now shares)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("g.shp", b"\0" * (5 * 1024 * 1024))
        zf.writestr("g.shx", b"\0" * 100)
        zf.writestr("g.dbf", b"\0" * 100)
    with pytest.raises(LayerError) as err:
        read_layer("g.zip", buffer.getvalue(), "grid")
    assert "g.shp" in err.value.message_zh and "倍" in err.value.message_zh
