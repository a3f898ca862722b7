"""GIS exchange end to end, on SQLite and (when configured) PostGIS: GeoPackage and
zipped Shapefile exports import back unchanged; files made by another writer import
through the spreadsheet checks, all or nothing; the admin download."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import geopandas as gpd
import pytest
from shapely.geometry import Point
from sqlalchemy import func, select

from stationmap.app_state import state
from stationmap.models import Station
from tests.datum_reference import gcj02_from_wgs84
from tests.integration.admin_support import XINCHENG, free_point, login, make_user, page_csrf

KML = "{http://www.opengis.net/kml/2.2}"


def _count(app) -> int:
    with state(app).db.session() as session:
        return session.scalar(
            select(func.count()).select_from(Station).where(Station.deleted_at.is_(None))
        )


@pytest.mark.parametrize(
    ("fmt", "name"), [("gpkg", "all.gpkg"), ("shp", "all.zip"), ("geojson", "all.geojson")]
)
def test_gis_export_in_gcj02_imports_back_unchanged(runner, app, tmp_path, fmt, name):
    """Out in GCJ-02 (stated in the file), back through the iterative inverse: every
    station found unchanged."""
    before = _count(app)
    out = tmp_path / name
    result = runner.invoke(
        args=["export-stations", "-o", str(out), "--include-demo", "--datum", "gcj02"]
    )
    assert result.exit_code == 0, result.output
    assert "gcj02" in result.output
    frame = gpd.read_file(out, engine="pyogrio")
    assert len(frame) == before and set(frame["datum"]) == {"gcj02"}
    result = runner.invoke(args=["import-stations", str(out)])
    assert result.exit_code == 0, result.output
    assert "created 0, updated 0" in result.output
    assert f"unchanged {before}" in result.output


def _new_stations(app, datum: str) -> gpd.GeoDataFrame:
    """Two new stations in 新城区, written by geopandas (not by the app), with their
    coordinates in ``datum`` and Chinese attribute names."""
    lat, lon = free_point(app, XINCHENG)
    points = [(lat, lon), (lat + 0.0004, lon + 0.0004)]
    if datum == "gcj02":
        points = [gcj02_from_wgs84(*p) for p in points]
    return gpd.GeoDataFrame(
        {
            "驿站名称": ["新城区GIS导入驿站甲", "新城区GIS导入驿站乙"],
            "开放时间": ["24/7", "Mo-Fr 08:00-20:00"],
            "坐标系": [datum, datum],
        },
        geometry=[Point(x, y) for y, x in points],
        crs="EPSG:4326",
    ), (lat, lon)


def test_admin_imports_a_geopackage_in_gcj02(app, tmp_path):
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    login(client, "xc")
    token = page_csrf(client, "/admin/import")
    frame, (lat, lon) = _new_stations(app, "gcj02")
    path = tmp_path / "new.gpkg"
    frame.to_file(path, layer="新城区驿站", driver="GPKG", engine="pyogrio")
    preview = client.post(
        "/admin/import",
        data={"csrf_token": token, "file": (io.BytesIO(path.read_bytes()), "new.gpkg")},
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page[:2000]
    action = re.search(r'action="(/admin/import/[^"/]+)"', page)
    assert action, page[:3000]
    before = _count(app)
    done = client.post(action.group(1), data={"csrf_token": token})
    assert done.status_code in (200, 303)
    assert _count(app) == before + 2
    with state(app).db.session() as session:
        stored = session.scalars(select(Station).where(Station.name == "新城区GIS导入驿站甲")).one()
        # Stored in WGS-84: the GCJ-02 point converted back to where it was made.
        assert stored.lat == pytest.approx(lat, abs=1e-7)
        assert stored.lon == pytest.approx(lon, abs=1e-7)
        assert stored.district_code == XINCHENG


def _zip_shapefile(frame: gpd.GeoDataFrame, folder: Path) -> bytes:
    folder.mkdir()
    frame.to_file(folder / "驿站.shp", engine="pyogrio", encoding="UTF-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in folder.iterdir():
            archive.write(part, part.name)
    return buffer.getvalue()


def test_shapefile_with_a_bad_feature_is_refused_naming_it(runner, app, tmp_path):
    frame, _ = _new_stations(app, "wgs84")
    # Field names fit DBF's 10 bytes: 名称 (6 bytes in UTF-8), hours.
    frame = frame.rename(columns={"开放时间": "hours", "驿站名称": "名称"})
    frame.loc[1, "hours"] = "每逢初一十五"  # not opening hours
    upload = tmp_path / "bad.zip"
    upload.write_bytes(_zip_shapefile(frame, tmp_path / "shp"))
    before = _count(app)
    result = runner.invoke(args=["import-stations", str(upload)], env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 1
    assert "未导入任何内容" in result.output
    assert "工作表“驿站”，第 2 行，hours 列，开放时间：" in result.output
    assert _count(app) == before  # the good feature was not stored either
    frame.loc[1, "hours"] = "Sa,Su 09:00-17:00"
    upload.write_bytes(_zip_shapefile(frame, tmp_path / "fixed"))
    result = runner.invoke(args=["import-stations", str(upload)])
    assert result.exit_code == 0, result.output
    assert "created 2" in result.output and _count(app) == before + 2
    with state(app).db.session() as session:
        stored = session.scalars(select(Station).where(Station.name == "新城区GIS导入驿站乙")).one()
        assert stored.opening_hours == "Sa,Su 09:00-17:00"


def test_admin_gis_download(app):
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    login(client, "xc")
    response = client.get("/admin/export/gis?format=kmz&datum=bd09&demo=1")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.google-earth.kmz"
    assert "stations-bd09.kmz" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        root = ET.fromstring(archive.read("doc.kml"))
    marks = list(root.iter(f"{KML}Placemark"))
    assert marks
    with state(app).db.session() as session:
        codes = {
            s.code
            for s in session.scalars(
                select(Station).where(
                    Station.district_code == XINCHENG, Station.deleted_at.is_(None)
                )
            )
        }
    got = {
        d.findtext(f"{KML}value")
        for m in marks
        for d in m.iter(f"{KML}Data")
        if d.get("name") == "code"
    }
    assert got == codes  # the admin's district only
    assert client.get("/admin/export/gis?format=dwg").status_code == 400
    assert client.get("/admin/export/gis?format=kml&datum=mars").status_code == 400
