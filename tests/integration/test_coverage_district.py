"""District coverage over stored data: the API, the CLI and the layer imports (grids,
demand, candidates from GeoJSON, GeoPackage, zipped Shapefile and CSV, in any datum)."""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import pyogrio
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point, box, mapping

from stationmap.app_state import state
from stationmap.geo.datum import gcj02_to_wgs84, wgs84_to_gcj02
from stationmap.services import coverage as coverage_service
from stationmap.services.stations import save_inputs
from stationmap.station_fields import parse_station

CODE = "150102"  # 新城区, 呼和浩特
GEOD = Geod(ellps="WGS84")


@pytest.fixture
def district(empty_app):
    with state(empty_app).db.session() as session:
        from stationmap.models import District

        boundary = shapely.from_geojson(session.get(District, CODE).boundary_geojson)
    centre = boundary.representative_point()
    return boundary, centre


def _add(app, lat, lon, hours="Mo-Fr 08:00-18:00", name="测试驿站"):
    with state(app).db.write_session() as session:
        save_inputs(
            session,
            [
                parse_station(
                    {
                        "name": name,
                        "lat": lat,
                        "lon": lon,
                        "opening_hours": hours,
                        "amenities": "water;toilet",
                        "address": "新城区测试路1号",
                    }
                )
            ],
        )


def _far_inside(boundary, centre):
    """A point inside the district, as far from ``centre`` as its vertices go (> 2 km)."""
    inner = boundary.buffer(-0.005)
    return max(
        (Point(x, y) for x, y in shapely.get_coordinates(inner)), key=lambda p: p.distance(centre)
    )


def _geodesic_disc(lat, lon, radius_m, n=720):
    lons, lats, _ = GEOD.fwd([lon] * n, [lat] * n, [i * 360 / n for i in range(n)], [radius_m] * n)
    return shapely.Polygon(list(zip(lons, lats, strict=True)))


def _area(geom):
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def test_api_share_matches_a_geodesic_disc_over_the_district(empty_app, district):
    boundary, centre = district
    _add(empty_app, centre.y, centre.x)
    client = empty_app.test_client()
    body = client.get(f"/api/v1/districts/{CODE}/coverage?radius_m=1000").get_json()
    expected = {
        r: _area(_geodesic_disc(centre.y, centre.x, r).intersection(boundary)) / _area(boundary)
        for r in (500, 1000, 2000)
    }
    shares = {b["radius_m"]: b["share"] for b in body["bands"]}
    for r, want in expected.items():
        assert shares[r] == pytest.approx(want, rel=0.005)
    assert body["distance_basis"] == "straight_line"
    assert body["area_km2"] == pytest.approx(_area(boundary) / 1e6, rel=0.005)
    assert body["stations"] == 1
    # Saturday night the weekday station is closed: nothing is covered.
    late = client.get(
        f"/api/v1/districts/{CODE}/coverage", query_string={"at": "2026-12-05T22:00:00+08:00"}
    ).get_json()
    assert [b["share"] for b in late["bands"]] == [0.0, 0.0, 0.0]


def test_api_refuses_bad_input_naming_the_field(empty_app):
    client = empty_app.test_client()
    for query, status, field in (
        ("radius_m=-5", 422, "radius_m"),
        ("radius_m=90000", 422, "radius_m"),
        ("radius_m=abc", 400, "radius_m"),
        ("amenity=caviar", 422, "amenity"),
        ("format=kml", 422, "format"),
        ("at=tomorrow", 400, "at"),
    ):
        answer = client.get(f"/api/v1/districts/{CODE}/coverage?{query}")
        assert answer.status_code == status, query
        assert answer.get_json()["error"]["field"] == field
    assert client.get("/api/v1/districts/999999/coverage").status_code == 404


def test_geojson_layers_and_grids_from_a_geojson_file(empty_app, district):
    boundary, centre = district
    _add(empty_app, centre.y, centre.x)
    near = box(centre.x - 0.001, centre.y - 0.001, centre.x + 0.001, centre.y + 0.001)
    # a cell of the district no station reaches: far from the centre, inside the boundary
    far_point = max(
        (Point(x, y) for x, y in shapely.get_coordinates(boundary)),
        key=lambda p: p.distance(centre),
    )
    far_cell = far_point.buffer(0.002).intersection(boundary)
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": mapping(near),
                "properties": {"网格编码": "A01", "网格名称": "中心网格"},
            },
            {
                "type": "Feature",
                "geometry": mapping(far_cell),
                "properties": {"网格编码": "Z99", "网格名称": "边缘网格"},
            },
        ],
    }
    data = json.dumps(collection, ensure_ascii=False).encode()
    with state(empty_app).db.write_session() as session:
        assert coverage_service.import_layer(session, CODE, "grid", "grids.geojson", data) == 2
    answer = empty_app.test_client().get(f"/api/v1/districts/{CODE}/coverage?format=geojson")
    assert answer.mimetype == "application/geo+json"
    body = answer.get_json()
    grids = body["coverage"]["grids"]
    assert [g["code"] for g in grids] == ["Z99", "A01"]  # unreached first
    assert grids[1]["covered_share"] == pytest.approx(1.0) and grids[1]["stations_inside"] == 1
    assert grids[0]["covered_share"] == 0.0 and grids[0]["name"] == "边缘网格"
    layers = {f["properties"]["layer"] for f in body["features"]}
    assert {"covered", "uncovered", "grids", "stations"} <= layers


def test_public_geojson_leaves_demand_points_out(empty_app, district):
    _boundary, centre = district
    _add(empty_app, centre.y, centre.x, hours="24/7")
    csv_data = f"经度,纬度,权重\n{centre.x},{centre.y},4\n".encode()
    with state(empty_app).db.write_session() as session:
        coverage_service.import_layer(session, CODE, "demand", "d.csv", csv_data)
    body = (
        empty_app.test_client().get(f"/api/v1/districts/{CODE}/coverage?format=geojson").get_json()
    )
    assert "demand" not in {f["properties"]["layer"] for f in body["features"]}
    assert body["coverage"]["bands"][0]["demand_share"] == 1.0


def test_demand_from_geopackage_and_candidates_from_a_gcj02_shapefile(
    empty_app, district, tmp_path
):
    boundary, centre = district
    _add(empty_app, centre.y, centre.x, hours="24/7")
    far = _far_inside(boundary, centre)
    assert GEOD.inv(centre.x, centre.y, far.x, far.y)[2] > 3000
    gpkg = tmp_path / "demand.gpkg"
    gpd.GeoDataFrame(
        {"权重": [3.0, 1.0]}, geometry=[Point(centre.x, centre.y), Point(far.x, far.y)], crs=4326
    ).to_file(gpkg, layer="demand", engine="pyogrio")
    # Candidates as picked on AMap (GCJ-02 degrees), in a zipped Shapefile.
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    # (what AMap shows for points 100 m from the far demand point and near the station)
    gcj = [wgs84_to_gcj02(far.y + 0.001, far.x), wgs84_to_gcj02(centre.y + 0.002, centre.x)]
    gpd.GeoDataFrame(
        {"name": ["社区药店", "银行网点"]},
        geometry=[Point(lon, lat) for lat, lon in gcj],
        crs=4326,
    ).to_file(shp_dir / "cand.shp", engine="pyogrio", encoding="UTF-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for part in shp_dir.iterdir():
            zf.write(part, part.name)
    with state(empty_app).db.write_session() as session:
        assert (
            coverage_service.import_layer(session, CODE, "demand", "d.gpkg", gpkg.read_bytes()) == 2
        )
        assert (
            coverage_service.import_layer(
                session, CODE, "candidate", "c.zip", buffer.getvalue(), "gcj02"
            )
            == 2
        )
    with state(empty_app).db.session() as session:
        from sqlalchemy import select

        from stationmap.models import CoveragePoint

        stored = session.scalars(
            select(CoveragePoint)
            .where(CoveragePoint.kind == "candidate")
            .order_by(CoveragePoint.id)
        ).all()
        for row, (lat, lon) in zip(stored, gcj, strict=True):
            want_lat, want_lon = gcj02_to_wgs84(lat, lon)
            assert row.lat == pytest.approx(want_lat, abs=1e-7)
            assert row.lon == pytest.approx(want_lon, abs=1e-7)
        assert [r.label for r in stored] == ["社区药店", "银行网点"]
        report = coverage_service.district_report(
            session, CODE, tz=state(empty_app).settings.tz, suggest=1
        )
    one_km = next(b for b in report.coverage.bands if b.radius_m == 1000)
    assert one_km.demand_share == pytest.approx(3 / 4)
    # The pharmacy by the uncovered demand point is the one to open.
    assert report.sites[0].label == "社区药店"
    assert report.sites[0].added_demand == pytest.approx(1.0)


def test_bad_files_are_refused_in_chinese_naming_row_and_field(empty_app):
    bad_csv = "经度,纬度,权重\n111.7,40.8,2\n111.7,40.8,很多\n".encode()
    with (
        state(empty_app).db.write_session() as session,
        pytest.raises(coverage_service.LayerError) as err,
    ):
        coverage_service.import_layer(session, CODE, "demand", "d.csv", bad_csv)
    assert "第 3 行" in err.value.message_zh and "权重" in err.value.message_zh
    point_grid = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [111.7, 40.8]},
                    "properties": {"code": "A"},
                }
            ],
        }
    ).encode()
    with (
        state(empty_app).db.write_session() as session,
        pytest.raises(coverage_service.LayerError) as err,
    ):
        coverage_service.import_layer(session, CODE, "grid", "g.geojson", point_grid)
    assert "第 1 个要素" in err.value.message_zh and "面" in err.value.message_zh


def test_cli_prints_shares_and_writes_a_geopackage(empty_app, district, tmp_path):
    boundary, centre = district
    _add(empty_app, centre.y, centre.x, hours="24/7")
    out = tmp_path / "cov.gpkg"
    result = empty_app.test_cli_runner().invoke(
        args=["coverage", CODE, "--radius-m", "1000", "--suggest", "2", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "straight-line distance" in result.output
    assert "1." in result.output and "km²" in result.output
    names = {name for name, _ in pyogrio.list_layers(out)}
    assert {"covered", "uncovered", "sites", "stations"} <= names
    sites = gpd.read_file(out, layer="sites", engine="pyogrio")
    assert len(sites) == 2 and all(boundary.contains(g) for g in sites.geometry)
    assert sites.crs.to_epsg() == 4326
    assert "平方公里" in sites["reason_zh"][0]


def test_cli_import_layer_reports_the_count(empty_app, tmp_path):
    csv_file = tmp_path / "candidates.csv"
    csv_file.write_text("名称,经度,纬度\n快递驿站,111.70,40.82\n", encoding="utf-8")
    result = empty_app.test_cli_runner().invoke(
        args=["import-coverage-layer", CODE, "candidate", str(csv_file)]
    )
    assert result.exit_code == 0, result.output
    assert "Imported 1 candidate" in result.output
    bad = empty_app.test_cli_runner().invoke(
        args=["import-coverage-layer", CODE, "grid", str(csv_file)]
    )
    assert bad.exit_code != 0 and "grids need polygons" in bad.output


def test_admin_page_imports_grids_and_offers_downloads(empty_app, district, tmp_path):
    from tests.integration.admin_support import csrf_of, login, make_user

    _boundary, centre = district
    _add(empty_app, centre.y, centre.x, hours="24/7")
    make_user(empty_app, "xc_admin", "district_admin", (CODE,))
    make_user(empty_app, "other_admin", "district_admin", ("150105",))
    client = empty_app.test_client()
    login(client, "xc_admin")
    page = client.get(f"/admin/coverage/{CODE}?radius_m=1000&suggest=2")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "coverage-map" in html and "直线" in html and 'id="coverage-sites"' in html
    cell = box(centre.x - 0.001, centre.y - 0.001, centre.x + 0.001, centre.y + 0.001)
    grids = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": mapping(cell),
                    "properties": {"code": "<b>G1</b>", "name": "中心"},
                }
            ],
        }
    ).encode()
    answer = client.post(
        f"/admin/coverage/{CODE}/import",
        data={
            "csrf_token": csrf_of(html),
            "kind": "grid",
            "datum": "wgs84",
            "file": (io.BytesIO(grids), "g.geojson"),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    html = client.get(f"/admin/coverage/{CODE}").get_data(as_text=True)
    assert "已导入 1 个网格" in html
    assert "<b>G1</b>" not in html and "&lt;b&gt;G1&lt;/b&gt;" in html
    layers = client.get(f"/admin/coverage/{CODE}/layers.geojson?map=1").get_json()
    assert {f["properties"]["layer"] for f in layers["features"]} >= {"district", "grids", "sites"}
    gpkg = client.get(f"/admin/coverage/{CODE}/layers.gpkg")
    assert gpkg.status_code == 200
    path = tmp_path / "dl.gpkg"
    path.write_bytes(gpkg.data)
    assert "grids" in {n for n, _ in pyogrio.list_layers(path)}
    assert client.get(f"/admin/coverage/{CODE}?radius_m=abc").status_code == 400
    # Another district's administrator cannot see it.
    other = empty_app.test_client()
    login(other, "other_admin")
    assert other.get(f"/admin/coverage/{CODE}").status_code == 404


def test_printed_map_can_hatch_uncovered_areas_and_outline_grids(empty_app, district, tmp_path):
    from stationmap.services import printing

    _boundary, centre = district
    _add(empty_app, centre.y, centre.x, hours="24/7")
    cell = box(centre.x - 0.01, centre.y - 0.01, centre.x + 0.01, centre.y + 0.01)
    grids = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": mapping(cell), "properties": {"code": "A"}}
            ],
        }
    ).encode()
    with state(empty_app).db.write_session() as session:
        coverage_service.import_layer(session, CODE, "grid", "g.geojson", grids)
    app_state = state(empty_app)
    with app_state.db.session() as session:
        plain = printing.district_map(
            session, CODE, printing.print_settings(app_state.settings), app_state.settings.tz
        )
        marked = printing.district_map(
            session,
            CODE,
            printing.print_settings(app_state.settings),
            app_state.settings.tz,
            uncovered_m=1000,
            grids=True,
        )

    def gids(sheet):
        return [p.get_gid() for ax in sheet.figures[0].axes for p in ax.patches if p.get_gid()]

    assert gids(plain) == []
    assert sorted(gids(marked)) == ["coverage-grid", "coverage-uncovered"]
    texts = [t.get_text() for ax in marked.figures[0].axes for t in ax.texts]
    assert any("1,000 米内（直线距离）无驿站" in t for t in texts)
    out = tmp_path / "map.pdf"
    result = empty_app.test_cli_runner().invoke(
        args=["print-map", CODE, "-o", str(out), "--uncovered-m", "1000", "--grids"]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_printed_map_of_the_demo_district_hatches_uncovered_areas(app):
    """The union of many reach discs, reprojected for print, once made GEOS refuse it."""
    from stationmap.services import printing

    app_state = state(app)
    with app_state.db.session() as session:
        sheet = printing.district_map(
            session,
            CODE,
            printing.print_settings(app_state.settings),
            app_state.settings.tz,
            uncovered_m=1000,
        )
    patches = [p for ax in sheet.figures[0].axes for p in ax.patches]
    assert [p.get_gid() for p in patches if p.get_gid()] == ["coverage-uncovered"]


def test_a_kept_report_is_given_again_only_while_its_inputs_stay_the_same(empty_app, district):
    boundary, centre = district
    tz = state(empty_app).settings.tz
    _add(empty_app, centre.y, centre.x, hours="24/7")

    def report():
        with state(empty_app).db.session() as session:
            return coverage_service.district_report(session, CODE, tz=tz)

    first = report()
    assert report() is first  # the same question between two edits: not computed again
    one_km = _geodesic_disc(centre.y, centre.x, 1000)
    assert first.coverage.bands[1].share == pytest.approx(
        _area(one_km.intersection(boundary)) / _area(boundary), rel=0.005
    )
    # A second station: the stations around the district changed, so the answer does.
    far = _far_inside(boundary, centre)
    _add(empty_app, far.y, far.x, hours="24/7", name="第二驿站")
    second = report()
    both = one_km.union(_geodesic_disc(far.y, far.x, 1000))
    assert second.coverage.bands[1].share == pytest.approx(
        _area(both.intersection(boundary)) / _area(boundary), rel=0.005
    )
    assert second.coverage.station_count == 2
    # Demand imported afterwards: stations unchanged, the demand share is new.
    assert second.coverage.bands[1].demand_share is None
    csv_data = f"经度,纬度,权重\n{centre.x},{centre.y},4\n".encode()
    with state(empty_app).db.write_session() as session:
        coverage_service.import_layer(session, CODE, "demand", "d.csv", csv_data)
    third = report()
    assert third is not second
    assert third.coverage.bands[1].demand_share == 1.0
