"""A district's box reaches the API in GeoJSON order and the courier page in corner
order, both from the one BBox the district tree holds; the expected boxes are computed
here with shapely from the stored boundary."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import shapely
from flask import Flask
from flask.testing import FlaskClient
from shapely.geometry import shape

from stationmap.app_state import state
from stationmap.geo.bbox import BBox
from stationmap.services import districts as district_service
from stationmap.services import pages

XINCHENG = "150102"  # 呼和浩特市新城区


def _shapely_bounds(app: Flask, code: str) -> tuple[float, float, float, float]:
    with state(app).db.session() as session:
        row = district_service.get_district(session, code)
        assert row is not None and row.boundary_geojson
        min_x, min_y, max_x, max_y = shapely.bounds(shape(json.loads(row.boundary_geojson)))
    return float(min_x), float(min_y), float(max_x), float(max_y)


def test_the_district_list_gives_lon_lat_boxes(app: Flask, client: FlaskClient) -> None:
    lon0, lat0, lon1, lat1 = _shapely_bounds(app, XINCHENG)
    body = client.get("/api/v1/districts?parent=150100").get_json()
    (box,) = [d["bbox"] for d in body["districts"] if d["code"] == XINCHENG]
    assert box == pytest.approx([lon0, lat0, lon1, lat1], abs=1e-9)
    assert 111 < box[0] < box[2] < 113 and 40 < box[1] < box[3] < 41.5  # lon first


def test_the_courier_page_gets_the_corners_lat_first(app: Flask, client: FlaskClient) -> None:
    lon0, lat0, lon1, lat1 = _shapely_bounds(app, XINCHENG)
    html = client.get(f"/?district={XINCHENG}").get_data(as_text=True)
    match = re.search(r'<script type="application/json" id="sm-config">(.*?)</script>', html, re.S)
    assert match
    config: dict[str, Any] = json.loads(match.group(1))
    assert config["district"]["bounds"] == pytest.approx([lat0, lon0, lat1, lon1], abs=1e-9)


def test_the_district_view_holds_a_bbox(app: Flask) -> None:
    lon0, lat0, lon1, lat1 = _shapely_bounds(app, XINCHENG)
    with state(app).db.session() as session:
        view = pages.district_view(session, XINCHENG, with_boundary=False)
    assert view is not None and isinstance(view.bounds, BBox)
    assert (view.bounds.min_lat, view.bounds.min_lon) == pytest.approx((lat0, lon0), abs=1e-9)
    assert (view.bounds.max_lat, view.bounds.max_lon) == pytest.approx((lat1, lon1), abs=1e-9)
