"""Coverage layers as a zipped Shapefile, KML and KMZ (CLI and admin download), in
WGS-84 or GCJ-02: read back with pyogrio/geopandas and xml.etree, coordinates checked
against the grid drawn here and the reference GCJ-02 formula of tests/datum_reference."""

from __future__ import annotations

import io
import json
import zipfile
from xml.etree import ElementTree as ET

import geopandas as gpd
import pyogrio
import pytest
import shapely
from shapely.geometry import box, mapping

from stationmap.app_state import state
from stationmap.services import coverage as coverage_service
from stationmap.services.stations import save_inputs
from stationmap.station_fields import parse_station
from tests.datum_reference import gcj02_from_wgs84

CODE = "150102"  # 新城区, 呼和浩特
NS = {"k": "http://www.opengis.net/kml/2.2"}
GRID_NAME = "中心网格 <一>&"


@pytest.fixture
def grid(empty_app):
    """A station at the district's centre, a 0.02° grid around it named in Chinese, and
    two demand points; the grid's corners (lon, lat) as drawn."""
    with state(empty_app).db.session() as session:
        from stationmap.models import District

        boundary = shapely.from_geojson(session.get(District, CODE).boundary_geojson)
    centre = boundary.representative_point()
    with state(empty_app).db.write_session() as session:
        save_inputs(
            session,
            [
                parse_station(
                    {
                        "name": "测试驿站",
                        "lat": centre.y,
                        "lon": centre.x,
                        "opening_hours": "24/7",
                        "address": "新城区测试路1号",
                    }
                )
            ],
        )
    cell = box(centre.x - 0.01, centre.y - 0.01, centre.x + 0.01, centre.y + 0.01)
    layer = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": mapping(cell),
                "properties": {"code": "G1", "name": GRID_NAME},
            }
        ],
    }
    points = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [centre.x + dx, centre.y]},
                "properties": {"weight": 2},
            }
            for dx in (0.001, 0.002)
        ],
    }
    with state(empty_app).db.write_session() as session:
        coverage_service.import_layer(
            session, CODE, "grid", "g.geojson", json.dumps(layer).encode()
        )
        coverage_service.import_layer(
            session, CODE, "demand", "d.geojson", json.dumps(points).encode()
        )
    return list(cell.exterior.coords)


def _cli(app, tmp_path, name, *extra):
    path = tmp_path / name
    result = app.test_cli_runner().invoke(
        args=["coverage", CODE, "--suggest", "2", "-o", str(path), *extra]
    )
    assert result.exit_code == 0, result.output
    return path


def _close(got, expected):
    """The same ring to 1e-7 degrees, in either direction (a Shapefile's outer rings
    run clockwise)."""
    assert len(got) == len(expected)
    flat = [v for x, y, *_ in got for v in (x, y)]
    forward = [v for xy in expected for v in xy]
    backward = [v for xy in expected[::-1] for v in xy]
    assert flat == pytest.approx(forward, abs=1e-7) or flat == pytest.approx(backward, abs=1e-7)


def test_cli_writes_a_zipped_shapefile_per_layer(empty_app, grid, tmp_path):
    path = _cli(empty_app, tmp_path, "cov.zip")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert archive.read("grids.cpg").decode().strip().upper() in ("UTF-8", "UTF8")
        assert "WGS-84" in archive.read("字段说明.txt").decode("utf-8")
    layers = {n.removesuffix(".shp") for n in names if n.endswith(".shp")}
    assert layers == {"district", "covered", "uncovered", "grids", "demand", "stations", "sites"}
    grids = gpd.read_file(f"/vsizip/{path}/grids.shp", engine="pyogrio")
    assert len(grids) == 1
    assert list(grids["name"]) == [GRID_NAME] and list(grids["datum"]) == ["wgs84"]
    assert all(len(c) <= 10 for c in grids.columns)
    assert {"cov_share", "stations", "in_reach"} <= set(grids.columns)
    assert int(grids["stations"].iloc[0]) == 1
    _close(list(grids.geometry.iloc[0].exterior.coords), grid)
    assert len(gpd.read_file(f"/vsizip/{path}/demand.shp", engine="pyogrio")) == 2
    assert len(gpd.read_file(f"/vsizip/{path}/sites.shp", engine="pyogrio")) == 2
    covered = pyogrio.read_info(f"/vsizip/{path}/covered.shp")
    assert covered["features"] == 3  # 500 m, 1 km, 2 km
    assert covered["geometry_type"] in ("Polygon", "MultiPolygon")


def _placemarks(root):
    return {
        folder.get("id"): folder.findall("k:Placemark", NS)
        for folder in root.iterfind("k:Document/k:Folder", NS)
    }


def _ring(placemark):
    text = placemark.find(".//k:outerBoundaryIs/k:LinearRing/k:coordinates", NS).text
    return [tuple(float(v) for v in item.split(",")) for item in text.split()]


def test_cli_writes_gcj02_kml_with_a_folder_per_layer(empty_app, grid, tmp_path):
    path = _cli(empty_app, tmp_path, "cov.kml", "--datum", "gcj02")
    root = ET.parse(path).getroot()
    document = root.find("k:Document", NS)
    assert "GCJ-02" in document.find("k:description", NS).text
    assert document.find("k:ExtendedData/k:Data[@name='datum']/k:value", NS).text == "gcj02"
    folders = _placemarks(root)
    assert [len(folders[n]) for n in ("covered", "uncovered", "grids", "demand", "sites")] == [
        3,
        3,
        1,
        2,
        2,
    ]
    (cell,) = folders["grids"]
    assert cell.find("k:name", NS).text == GRID_NAME
    assert cell.find("k:ExtendedData/k:Data[@name='datum']/k:value", NS).text == "gcj02"
    # The balloon is HTML: the name is escaped in it, then again by XML.
    assert "中心网格 &lt;一&gt;&amp;" in cell.find("k:description", NS).text
    expected = [gcj02_from_wgs84(lat, lon)[::-1] for lon, lat in grid]
    _close(_ring(cell), expected)
    assert abs(expected[0][0] - grid[0][0]) > 1e-4  # the shift is really there
    bad = empty_app.test_cli_runner().invoke(
        args=["coverage", CODE, "-o", str(tmp_path / "cov.kml"), "--datum", "mars"]
    )
    assert bad.exit_code != 0 and "--datum" in bad.output
    wrong = empty_app.test_cli_runner().invoke(args=["coverage", CODE, "-o", "cov.txt"])
    assert wrong.exit_code != 0 and ".kmz" in wrong.output


def test_admin_downloads_kmz_and_shapefile_in_a_chosen_datum(empty_app, grid):
    from tests.integration.admin_support import login, make_user

    make_user(empty_app, "xc_admin", "district_admin", (CODE,))
    client = empty_app.test_client()
    login(client, "xc_admin")
    html = client.get(f"/admin/coverage/{CODE}?suggest=1").get_data(as_text=True)
    assert 'id="download-kmz-gcj02"' in html and 'id="download-zip-bd09"' in html
    answer = client.get(f"/admin/coverage/{CODE}/layers.kmz?suggest=1")
    assert answer.status_code == 200
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        root = ET.fromstring(archive.read("doc.kml"))
    assert "WGS-84" in root.find("k:Document/k:description", NS).text
    folders = _placemarks(root)
    assert len(folders["sites"]) == 1
    _close(_ring(folders["grids"][0]), grid)
    shp = client.get(f"/admin/coverage/{CODE}/layers.zip?datum=gcj02")
    assert shp.status_code == 200 and shp.mimetype == "application/zip"
    grids = gpd.read_file(io.BytesIO(shp.data), layer="grids", engine="pyogrio")
    assert list(grids["datum"]) == ["gcj02"] and list(grids["name"]) == [GRID_NAME]
    _close(
        list(grids.geometry.iloc[0].exterior.coords),
        [gcj02_from_wgs84(lat, lon)[::-1] for lon, lat in grid],
    )
    assert client.get(f"/admin/coverage/{CODE}/layers.kml?datum=mars").status_code == 400
