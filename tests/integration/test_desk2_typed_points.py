"""The station editor as a district administrator types or pastes coordinates: the pair
a map's coordinate picker copies, pasted into one field (AMap and Baidu copy longitude
first, Tencent latitude first, a phone shows 40°48'26.4"N 111°42'51.6"E), fields typed
swapped, a point read in the wrong datum, a point in the sea. Expected points come from
tests/datum_reference.py, written apart from the code under test."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from stationmap.services import districts as district_service
from tests.datum_reference import bd09_from_gcj02, gcj02_from_wgs84, metres_apart
from tests.integration import test_admin_editor
from tests.integration.admin_support import (
    XINCHENG,
    form_of,
    free_point,
    login,
    make_user,
    new_form,
    page_csrf,
)

#: A logged-in district administrator of 新城区 and a CSRF token (the editor tests' own).
xc = test_admin_editor.xc


def _dms(value: float, positive: str) -> str:
    seconds = round(abs(value) * 3600, 2)
    degrees, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{int(degrees)}°{int(minutes)}'{seconds:.2f}\"{positive}"


def _pasted(kind: str, lat: float, lon: float) -> tuple[str, str, str]:
    """(lat field, lon field, datum) as the administrator pastes the picker's text."""
    g_lat, g_lon = gcj02_from_wgs84(lat, lon)
    b_lat, b_lon = bd09_from_gcj02(g_lat, g_lon)
    return {
        "amap": (f"{g_lon:.6f},{g_lat:.6f}", "", "gcj02"),
        "baidu": ("", f"{b_lon:.6f},{b_lat:.6f}", "bd09"),
        "tencent": (f"{g_lat:.6f}，{g_lon:.6f}", "", "gcj02"),
        "tencent-both": (f" {g_lat:.6f}, {g_lon:.6f} ", f" {g_lat:.6f}, {g_lon:.6f} ", "gcj02"),
        "photo": (f"{_dms(lat, 'N')} {_dms(lon, 'E')}", "", "wgs84"),
        "words": (f"东经 {lon:.6f}° 北纬 {lat:.6f}°", "", "wgs84"),
    }[kind]


@pytest.mark.parametrize("kind", ["amap", "baidu", "tencent", "tencent-both", "photo", "words"])
def test_a_pickers_pair_pasted_into_one_field_is_stored_within_a_metre(app, xc, kind) -> None:
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    lat_field, lon_field, datum = _pasted(kind, lat, lon)
    form = new_form(lat, lon, csrf_token=token) | {
        "name": f"粘贴驿站{kind}",
        "lat": lat_field,
        "lon": lon_field,
        "datum": datum,
    }
    response = client.post("/admin/stations/new", data=form)
    assert response.status_code == 303, html.unescape(response.get_data(as_text=True))[:3000]
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "拆成纬度" in page and "请在地图上核对位置" in page
    with state(app).db.session() as session:
        station = session.scalars(select(Station).where(Station.name == f"粘贴驿站{kind}")).one()
        assert metres_apart((station.lat, station.lon), (lat, lon)) < 1.0


def test_a_pasted_pair_refused_for_another_reason_comes_back_split_and_kept(app, xc) -> None:
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    form = new_form(lat, lon, csrf_token=token) | {
        "name": "",  # refused: no name
        "lat": f"{lon:.6f}，{lat:.6f}",
        "lon": "",
    }
    page = html.unescape(client.post("/admin/stations/new", data=form).get_data(as_text=True))
    assert re.search(r'id="lat" value="([^"]*)"', page)[1] == f"{lat:.6f}"
    assert re.search(r'id="lon" value="([^"]*)"', page)[1] == f"{lon:.6f}"
    assert f"已把粘贴的“{lon:.6f}，{lat:.6f}”拆成纬度 {lat:.6f}、经度 {lon:.6f}" in page


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ["纬度和经度可能填反了", "对调后该点在新城区", "请把纬度、经度两格对调"]),
        ("en", ["latitude and longitude look swapped", "swapped, the point lies in 新城区"]),
    ],
)
def test_fields_typed_swapped_are_named_as_swapped(app, xc, lang, words) -> None:
    lon = free_point(app, XINCHENG)[1]
    page = _swapped_page(app, *xc, XINCHENG, lang, words)
    # nothing typed is lost
    assert re.search(r'id="lat" value="([^"]*)"', page)[1] == f"{lon:.6f}"


def _swapped_page(app, client, token, district, lang, words) -> str:
    """The page a new station typed with 纬度 and 经度 swapped gets, holding ``words``."""
    lat, lon = free_point(app, district)
    form = new_form(lat, lon, csrf_token=token) | {"lat": f"{lon:.6f}", "lon": f"{lat:.6f}"}
    response = client.post(f"/admin/stations/new?lang={lang}", data=form)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    for word in words:
        assert word in page
    return page


def _baidu_point_outside_read_as_gps(app) -> tuple[float, float, float, float]:
    """A WGS-84 point in 新城区 whose Baidu coordinates, read as GPS, lie outside it:
    (lat, lon, baidu lat, baidu lon)."""
    lat, lon = free_point(app, XINCHENG)
    with state(app).db.session() as session:
        for step in range(1, 3000):
            for d_lat, d_lon in ((0, 1), (1, 0), (0, -1), (-1, 0)):
                w_lat, w_lon = lat + d_lat * step * 2e-4, lon + d_lon * step * 2e-4
                b_lat, b_lon = bd09_from_gcj02(*gcj02_from_wgs84(w_lat, w_lon))
                inside, as_gps = district_service.locate_many(
                    session, [w_lat, b_lat], [w_lon, b_lon]
                )
                if inside == XINCHENG and as_gps != XINCHENG:
                    return w_lat, w_lon, b_lat, b_lon
    raise AssertionError("no such point near the border")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ["按GPS（WGS-84）坐标，该位置在", "若坐标取自百度地图，该点在新城区"]),
        ("en", ["Read as Baidu coordinates it lies in 新城区"]),
    ],
)
def test_baidu_coordinates_saved_as_gps_are_refused_naming_baidu(app, xc, lang, words) -> None:
    client, token = xc
    _lat, _lon, b_lat, b_lon = _baidu_point_outside_read_as_gps(app)
    form = new_form(b_lat, b_lon, csrf_token=token) | {"datum": "wgs84"}
    response = client.post(f"/admin/stations/new?lang={lang}", data=form)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    for word in words:
        assert word in page


@pytest.mark.parametrize(
    ("lang", "expected", "wrong"),
    [
        ("zh", "该位置不在任何已知区县内（可能在海上或境外）", "在任何已知区县之外，不在"),
        ("en", "This point lies outside every known district", "lies in outside"),
    ],
)
def test_a_point_in_the_sea_is_told_plainly(app, xc, lang, expected, wrong) -> None:
    client, token = xc
    form = new_form(30.5, 124.5, csrf_token=token)  # the East China Sea
    response = client.post(f"/admin/stations/new?lang={lang}", data=form)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert expected in page and wrong not in page


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ["只有 2 位小数，驿站位置可能偏差约 557 米", "请在地图上核对标记"]),
        ("en", ["have only 2 decimal(s), so the station may be up to about 557 m away"]),
    ],
)
def test_coordinates_with_two_decimals_are_saved_with_a_note_to_check(app, xc, lang, words) -> None:
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    form = new_form(lat, lon, csrf_token=token) | {"lat": f"{lat:.2f}", "lon": f"{lon:.2f}"}
    response = client.post(f"/admin/stations/new?lang={lang}", data=form)
    assert response.status_code == 303
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    # half of 0.01° of latitude: 0.005 × 111,320 m
    for word in words:
        assert word in page


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ["纬度 41、经度 112 是整数度", "请在地图上点击驿站的位置"]),
        ("en", ["latitude 41 and longitude 112 are whole degrees"]),
    ],
)
def test_whole_degrees_are_refused_saying_to_click_the_map(app, xc, lang, words) -> None:
    client, token = xc
    form = new_form(41, 112, csrf_token=token) | {"lat": "41", "lon": "112"}
    response = client.post(f"/admin/stations/new?lang={lang}", data=form)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    for word in words:
        assert word in page
    assert re.search(r'id="lat" value="([^"]*)"', page)[1] == "41"


MANAS = "652324"  # 玛纳斯县, Xinjiang: latitude 44°, longitude 86°, both under 90


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ["不在任何已知区县内", "把纬度、经度对调后，该点在玛纳斯县", "请检查两格是否填反"]),
        ("en", ["With latitude and longitude swapped it lies in 玛纳斯县"]),
    ],
)
def test_swapped_fields_both_under_90_are_caught_by_where_they_land(app, lang, words) -> None:
    make_user(app, "manas", "district_admin", (MANAS,))
    client = app.test_client()
    login(client, "manas")
    _swapped_page(app, client, page_csrf(client), MANAS, lang, words)


def test_a_pair_pasted_over_one_field_of_a_station_moves_it_there(app, xc) -> None:
    """Correcting a position: the administrator pastes AMap's text over the old 纬度
    and leaves the old 经度 in its field; the pair replaces both."""
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    response = client.post("/admin/stations/new", data=new_form(lat, lon, csrf_token=token))
    station_id = int(response.headers["Location"].rsplit("/", 1)[1])
    meant = (lat + 0.0012, lon - 0.0009)  # where it really stands, WGS-84
    g_lat, g_lon = gcj02_from_wgs84(*meant)
    with state(app).db.session() as session:
        station = session.get(Station, station_id)
        old_lon = f"{station.lon:.7f}"
        form = form_of(station, csrf_token=token) | {
            "lat": f"{g_lon:.6f},{g_lat:.6f}",
            "datum": "gcj02",
        }
    assert form["lon"] == old_lon
    response = client.post(f"/admin/stations/{station_id}", data=form)
    assert response.status_code == 303, html.unescape(response.get_data(as_text=True))[:2000]
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert f"（原来的经度 {old_lon} 已被替换）" in page
    with state(app).db.session() as session:
        station = session.get(Station, station_id)
        assert metres_apart((station.lat, station.lon), meant) < 1.0
