"""The district tree is kept per process and read again when the data version moves:
a district added by another process (another gunicorn worker) is seen by the next
request here, in the tree (scope, picker) and in the point -> district locator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely
from flask import Flask
from shapely.geometry import box
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from stationmap.app_state import state
from stationmap.geo.districts import DistrictShape
from stationmap.models import District
from stationmap.services import district_lookup, pages, postgis
from stationmap.services import districts as district_service
from stationmap.services.dataset import bump_data_version
from tests.conftest import _make_app

# A square in Tibet, far from every shipped boundary (degrees, WGS-84).
LAT, LON = 30.05, 90.05
NEW = DistrictShape(
    code="540000",
    name="西藏自治区",
    level="province",
    parent_code=None,
    geometry=box(90.0, 30.0, 90.1, 30.1),
    source="test",
)


def test_a_district_added_by_another_process_is_seen_here(app: Flask, tmp_path: Path) -> None:
    url = state(app).db.engine.url.render_as_string(hide_password=False)
    other = _make_app(url, tmp_path / "other")
    try:
        with state(app).db.session() as session:
            first = district_service.tree(session)
            assert district_service.tree(session) is first  # nothing written: kept
            assert district_service.locate(session, LAT, LON) is None
            assert "540000" not in {o.code for o in pages.district_options(session, None)}
        with state(other).db.write_session() as session:
            district_service.save_shapes(session, [NEW])
        with state(app).db.session() as session:
            assert district_service.tree(session) is not first
            assert district_service.locate(session, LAT, LON) == "540000"
            assert district_service.locate_many(session, [LAT, 0.0], [LON, 0.0]) == [
                "540000",
                None,
            ]
            assert "540000" in {o.code for o in pages.district_options(session, None)}
            assert district_service.codes_within(session, "540000") == {"540000"}
            assert pages.resolve_district(session, ["540000"]) == "540000"
    finally:
        state(other).db.dispose()


def test_a_rolled_back_district_write_is_not_kept(app: Flask) -> None:
    """A tree read inside a write that is then rolled back is not kept for others, even
    once a later write brings the data version to the number the rolled-back one had."""
    db = state(app).db
    with db.session() as session:
        district_service.save_shapes(session, [NEW])
        assert district_service.locate(session, LAT, LON) == "540000"
        session.rollback()
    with db.write_session() as session:
        bump_data_version(session)  # the version the rolled-back write had reached
    with db.session() as session:
        assert district_service.locate(session, LAT, LON) is None
        assert "540000" not in district_service.tree(session).by_code


def _map_script(page: str) -> str:
    """The page's folium map script (the boundary's coordinates are in it)."""
    start = page.index("L.map(")
    return page[start : page.index("</script>", start)]


def test_the_courier_page_and_the_district_list_follow_another_process_writes(
    app: Flask, tmp_path: Path
) -> None:
    """The courier page keeps its rendered map and the district list its tree between
    requests; a boundary redrawn or a district added by another worker shows at once."""
    url = state(app).db.engine.url.render_as_string(hide_password=False)
    other = _make_app(url, tmp_path / "other")
    client = app.test_client()
    try:
        with state(other).db.write_session() as session:
            district_service.save_shapes(session, [NEW])
        first = client.get("/?district=540000").get_data(as_text=True)
        # The boundary drawn on the map (GeoJSON, lon first) and the view fitted to it.
        assert "[90.1, 30.1]" in first and "[30.1, 90.1]" in first and "90.2" not in first
        # Asked again: the same map (kept), still the first boundary.
        assert _map_script(client.get("/?district=540000").get_data(as_text=True)) == (
            _map_script(first)
        )
        listed = client.get("/api/v1/districts").get_json()["districts"]
        assert "540001" not in {d["code"] for d in listed}
        wider = DistrictShape(**{**NEW.__dict__, "geometry": box(90.0, 30.0, 90.2, 30.2)})
        child = DistrictShape(
            code="540001",
            name="测试区",
            level="city",
            parent_code="540000",
            geometry=box(90.0, 30.0, 90.05, 30.05),
            source="test",
        )
        with state(other).db.write_session() as session:
            district_service.save_shapes(session, [wider, child])
        again = client.get("/?district=540000").get_data(as_text=True)
        assert "[90.2, 30.2]" in _map_script(again) and "[30.2, 90.2]" in _map_script(again)
        assert "[90.1, 30.1]" not in again
        listed = client.get("/api/v1/districts").get_json()["districts"]
        assert {d["code"] for d in listed} >= {"540000", "540001"}
        children = client.get("/api/v1/districts?parent=540000").get_json()["districts"]
        assert [(d["code"], d["name"], d["parent_code"]) for d in children] == [
            ("540001", "测试区", "540000")
        ]
    finally:
        state(other).db.dispose()


def test_a_large_batch_of_points_is_located_as_covers_and_postgis_place_them(
    app: Flask,
) -> None:
    """An import's batch of points (located in process on every backend) gets, for each
    point, the deepest district whose boundary covers it (ties: the lower code), as
    shapely's ``covers`` over every stored boundary finds it, and on PostGIS as
    ``ST_Covers`` does; points on a shared boundary included."""
    depth = {"province": 0, "city": 1, "county": 2}
    rng = np.random.default_rng(5)
    with state(app).db.session() as session:
        rows = session.execute(
            select(District.code, District.level, District.boundary_geojson).where(
                District.boundary_geojson.is_not(None)
            )
        ).all()
        xincheng = next(shapely.from_geojson(g) for c, _l, g in rows if c == "150102")
        vertices = shapely.get_coordinates(xincheng)[
            :: max(1, len(shapely.get_coordinates(xincheng)) // 300)
        ]
        west, south, east, north = xincheng.bounds
        count = district_service.IN_PROCESS_POINTS + 500 - len(vertices)
        lons = [*vertices[:, 0], *rng.uniform(west - 0.2, east + 0.2, count)]
        lats = [*vertices[:, 1], *rng.uniform(south - 0.2, north + 0.2, count)]
        points = shapely.points(lons, lats)
        best: list[tuple[int, str] | None] = [None] * len(points)
        for code, level, geojson in rows:
            covered = shapely.covers(shapely.from_geojson(geojson), points)
            for i in np.flatnonzero(covered):
                rank = (-depth[level], code)
                if best[i] is None or rank < best[i]:
                    best[i] = rank
        expected = [None if b is None else b[1] for b in best]
        assert len(set(expected)) >= 4  # inside, outside and across boundaries
        assert district_service.locate_many(session, lats, lons) == expected
        if session.get_bind().dialect.name == "postgresql":
            assert postgis.locate_many(session, lats, lons) == expected


def test_the_point_lookup_is_chosen_once_for_the_app_and_answers_alike_without_it(
    app: Flask, backend: str
) -> None:
    """create_app registers one point -> district lookup for its database (PostGIS on
    PostgreSQL with its spatial columns, the in-process index otherwise), shared by
    read and write sessions; a session of an engine no app built gets the in-process
    one, with the same answers."""
    db = state(app).db
    with db.session() as session:
        chosen = district_lookup.registered(session)
        assert chosen is not None
        assert chosen.uses_database() is (backend == "postgres")
        inside = district_service.locate_many(session, [40.8, 30.05], [111.7, 90.05])
        assert inside == ["150105", None]  # shapely over geodata/districts.geojson says so
    with db.write_session() as session:
        assert district_lookup.registered(session) is chosen
    bare = create_engine(db.engine.url.render_as_string(hide_password=False))
    try:
        with Session(bare) as session:
            assert district_lookup.registered(session) is None
            assert district_service.locate_many(session, [40.8, 30.05], [111.7, 90.05]) == inside
    finally:
        bare.dispose()
