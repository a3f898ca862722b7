"""The editor's address look-up (issue 13): Tianditu's and AMap's geocoders, tried
against a local fake of each service. A suggestion comes back in WGS-84 (AMap's GCJ-02
converted), is never stored by asking, and every failure is a clear JSON message,
never a 500. With no geocoder configured the editor offers no button."""

from __future__ import annotations

import json
import re
import socket

import pytest
from sqlalchemy import func, select

from stationmap.app_state import state
from stationmap.config import ConfigError, load_settings
from stationmap.models import PendingPlacement, Station
from stationmap.services.geocoding import (
    AmapGeocoder,
    GeocodingError,
    TiandituGeocoder,
    make_geocoder,
)
from tests.conftest import _make_app
from tests.datum_reference import gcj02_from_wgs84, metres_apart
from tests.geocoder_fake import amap_answer, fake_geocoder, tianditu_answer
from tests.integration.admin_support import XINCHENG, login, make_user, station_in

AMAP_PATH = "/v3/geocode/geo"
TIANDITU_PATH = "/geocoder"


# 玛纳斯县 (Xinjiang), a WGS-84 point in its town.
MANAS = (44.3056, 86.2170)


@pytest.fixture
def fake():
    with fake_geocoder() as server:
        yield server


# --- the two services ----------------------------------------------------------------


def test_amap_suggestion_is_gcj02_converted_to_the_wgs84_point_meant(fake):
    g_lat, g_lon = gcj02_from_wgs84(*MANAS)
    assert metres_apart((g_lat, g_lon), MANAS) > 100  # the offset is real here
    fake.answer(amap_answer(g_lat, g_lon, "新疆维吾尔自治区昌吉回族自治州玛纳斯县凤凰路1号"))
    found = AmapGeocoder("k3y", fake.url(AMAP_PATH), 2.0).locate("玛纳斯县凤凰路1号")
    # AMap writes six decimals (about 0.1 m); the inverse lands within half a metre.
    assert metres_apart((found.lat, found.lon), MANAS) < 0.5
    assert found.service == "amap" and found.level == "门牌号"
    assert found.matched.startswith("新疆")
    path, query = fake.requests[-1]
    assert path == AMAP_PATH
    assert query == {"address": "玛纳斯县凤凰路1号", "key": "k3y", "output": "JSON"}


def test_tianditu_suggestion_is_cgcs2000_taken_as_wgs84(fake):
    fake.answer(tianditu_answer(MANAS[0], MANAS[1], "玛纳斯县凤凰路1号"))
    found = TiandituGeocoder("tdtkey", fake.url(TIANDITU_PATH), 2.0).locate("玛纳斯县凤凰路1号")
    assert (found.lat, found.lon) == MANAS
    assert found.service == "tianditu" and found.level == "门址"
    path, query = fake.requests[-1]
    assert path == TIANDITU_PATH
    assert query["tk"] == "tdtkey"
    assert json.loads(query["ds"]) == {"keyWord": "玛纳斯县凤凰路1号"}


def test_tianditu_coordinates_written_as_text_are_read(fake):
    body = tianditu_answer(MANAS[0], MANAS[1])
    body["location"]["lon"], body["location"]["lat"] = str(MANAS[1]), str(MANAS[0])
    fake.answer(body)
    found = TiandituGeocoder("k", fake.url(TIANDITU_PATH), 2.0).locate("玛纳斯县")
    assert (found.lat, found.lon) == MANAS


@pytest.mark.parametrize(
    ("service", "body", "status", "kind", "words"),
    [
        ("amap", {"status": "0", "info": "INVALID_USER_KEY"}, 200, "unavailable", "密钥"),
        ("amap", {"status": "1", "count": "0", "geocodes": []}, 200, "not_found", "没有找到"),
        ("amap", amap_answer(48.8566, 2.3522), 200, "not_found", "没有找到"),  # Paris
        ("amap", b"<html>busy</html>", 200, "unavailable", "无法识别"),
        ("amap", b'{"status": NaN}', 200, "unavailable", "无法识别"),
        ("amap", {"status": "1"}, 500, "unavailable", "HTTP 500"),
        ("amap", ["not", "an", "object"], 200, "unavailable", "无法识别"),
        ("tianditu", {"msg": "ok", "status": "0"}, 200, "not_found", "没有找到"),
        ("tianditu", {"msg": "无结果", "status": "101"}, 200, "not_found", "没有找到"),
        ("tianditu", {"msg": "权限验证失败", "status": "1"}, 200, "unavailable", "密钥"),
        (
            "tianditu",
            {"location": {"lon": "x", "lat": "1"}, "status": "0"},
            200,
            "unavailable",
            "无法识别",
        ),
    ],
)
def test_every_failure_is_a_geocoding_error_in_chinese_and_english(
    fake, service, body, status, kind, words
):
    fake.answer(body, status)
    geocoder = (
        AmapGeocoder("k", fake.url(AMAP_PATH), 2.0)
        if service == "amap"
        else TiandituGeocoder("k", fake.url(TIANDITU_PATH), 2.0)
    )
    with pytest.raises(GeocodingError) as caught:
        geocoder.locate("某某路1号")
    assert caught.value.kind == kind
    assert words in caught.value.message_zh
    assert caught.value.message_en and caught.value.message_en != caught.value.message_zh


def test_a_service_that_never_answers_times_out(fake):
    fake.hold()
    with pytest.raises(GeocodingError) as caught:
        AmapGeocoder("k", fake.url(AMAP_PATH), 0.3).locate("玛纳斯县")
    assert caught.value.kind == "timeout"
    assert "0.3 秒内没有答复" in caught.value.message_zh


def test_a_service_that_cannot_be_reached_says_so():
    with socket.socket() as probe:  # a port that was just free: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(GeocodingError) as caught:
        TiandituGeocoder("k", f"http://127.0.0.1:{port}/geocoder", 2.0).locate("玛纳斯县")
    assert caught.value.kind == "unavailable"
    assert "无法连接天地图地理编码服务" in caught.value.message_zh


# --- settings ------------------------------------------------------------------------


def _settings(tmp_path, **env):
    return load_settings({"STATIONMAP_ENV": "testing", **env}, tmp_path)


def test_no_geocoder_by_default(tmp_path):
    settings = _settings(tmp_path)
    assert settings.geocoder == "none"
    assert make_geocoder(settings) is None


def test_configured_geocoders_use_the_public_endpoint_unless_overridden(tmp_path):
    amap = make_geocoder(
        _settings(tmp_path, STATIONMAP_GEOCODER="amap", STATIONMAP_GEOCODER_KEY="a1")
    )
    assert isinstance(amap, AmapGeocoder)
    assert amap.url == "https://restapi.amap.com/v3/geocode/geo" and amap.timeout_s == 5.0
    tdt = make_geocoder(
        _settings(
            tmp_path,
            STATIONMAP_GEOCODER="tianditu",
            STATIONMAP_GEOCODER_KEY="t1",
            STATIONMAP_GEOCODER_URL="http://10.0.0.5/geocoder",
            STATIONMAP_GEOCODER_TIMEOUT_S="2.5",
        )
    )
    assert isinstance(tdt, TiandituGeocoder)
    assert (tdt.url, tdt.key, tdt.timeout_s) == ("http://10.0.0.5/geocoder", "t1", 2.5)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"STATIONMAP_GEOCODER": "baidu"}, "STATIONMAP_GEOCODER must be one of"),
        ({"STATIONMAP_GEOCODER": "amap"}, "STATIONMAP_GEOCODER_KEY"),
        (
            {"STATIONMAP_GEOCODER": "amap", "STATIONMAP_GEOCODER_KEY": "a b"},
            "STATIONMAP_GEOCODER_KEY",
        ),
        ({"STATIONMAP_GEOCODER_URL": "ftp://x"}, "STATIONMAP_GEOCODER_URL"),
        ({"STATIONMAP_GEOCODER_TIMEOUT_S": "0"}, "STATIONMAP_GEOCODER_TIMEOUT_S"),
        ({"STATIONMAP_GEOCODER_TIMEOUT_S": "nan"}, "STATIONMAP_GEOCODER_TIMEOUT_S"),
    ],
)
def test_bad_geocoder_settings_name_the_variable(tmp_path, env, named):
    with pytest.raises(ConfigError, match=named):
        _settings(tmp_path, **env)


# --- the editor and its endpoint -----------------------------------------------------


@pytest.fixture
def geo_app(app, fake, tmp_path):
    """The same database (both backends), with AMap's geocoder played by the fake."""
    other = _make_app(
        state(app).settings.database_url,
        tmp_path / "geo",
        STATIONMAP_GEOCODER="amap",
        STATIONMAP_GEOCODER_KEY="testkey",
        STATIONMAP_GEOCODER_URL=fake.url(AMAP_PATH),
        STATIONMAP_GEOCODER_TIMEOUT_S="0.5",
    )
    yield other
    state(other).db.dispose()


@pytest.fixture
def xc_client(geo_app):
    make_user(geo_app, "xc", "district_admin", (XINCHENG,))
    client = geo_app.test_client()
    login(client, "xc")
    return client


def _counts(app):
    with state(app).db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Station)),
            session.scalar(select(func.count()).select_from(PendingPlacement)),
        )


def test_editor_offers_find_address_only_when_a_geocoder_is_configured(app, xc_client):
    page = xc_client.get("/admin/stations/new").get_data(as_text=True)
    assert 'id="geocode"' in page and "查找地址" in page
    english = xc_client.get("/admin/stations/new?lang=en").get_data(as_text=True)
    assert "Find address" in english
    make_user(app, "plain", "district_admin", (XINCHENG,))  # the default app: none
    plain = app.test_client()
    login(plain, "plain")
    page = plain.get("/admin/stations/new").get_data(as_text=True)
    assert 'id="geocode"' not in page and "查找地址" not in page
    answer = plain.get("/admin/geocode?address=新城区")
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "no_geocoder"


def test_a_suggestion_is_offered_in_every_datum_and_nothing_is_stored(geo_app, fake, xc_client):
    station = station_in(geo_app, XINCHENG)
    meant = (station.lat + 0.001, station.lon + 0.001)
    g_lat, g_lon = gcj02_from_wgs84(*meant)
    fake.answer(amap_answer(g_lat, g_lon, "内蒙古自治区呼和浩特市新城区某路1号"))
    before = _counts(geo_app)
    response = xc_client.get("/admin/geocode", query_string={"address": " 新城区  某路1号 "})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert metres_apart(tuple(body["point"]["wgs84"]), meant) < 0.5
    assert metres_apart(tuple(body["point"]["gcj02"]), (g_lat, g_lon)) < 0.05
    assert body["district_code"] == XINCHENG and body["in_scope"] is True
    assert "新城区" in body["message"] and "尚未保存" in body["message"]
    assert "保存" in body["message"] and "高德地理编码" in body["message"]
    assert fake.requests[-1][1]["address"] == "新城区 某路1号"
    assert _counts(geo_app) == before  # asking stores nothing


def test_a_suggestion_outside_the_users_districts_is_flagged(geo_app, fake, xc_client):
    fake.answer(amap_answer(*gcj02_from_wgs84(*MANAS)))
    body = xc_client.get("/admin/geocode?address=玛纳斯县").get_json()
    assert body["in_scope"] is False
    assert "不在您负责的区县内" in body["message"]
    body = xc_client.get("/admin/geocode?address=玛纳斯县&lang=en").get_json()
    assert "outside your districts" in body["message"]


@pytest.mark.parametrize(
    ("setup", "query", "status", "code", "words"),
    [
        (None, "", 400, "bad_request", "请先填写地址"),
        ("hold", "新城区", 504, "timeout", "0.5 秒内没有答复"),
        ({"status": "0", "info": "INVALID_USER_KEY"}, "新城区", 502, "unavailable", "密钥"),
        ({"status": "1", "count": "0", "geocodes": []}, "新城区", 404, "not_found", "没有找到"),
        (b"\xff\xfe garbage", "新城区", 502, "unavailable", "无法识别"),
    ],
)
def test_errors_are_json_messages_never_500(
    geo_app, fake, xc_client, setup, query, status, code, words
):
    if setup == "hold":
        fake.hold()
    elif setup is not None:
        fake.answer(setup)
    response = xc_client.get("/admin/geocode", query_string={"address": query})
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and words in error["message"]
    assert error["field"] == "address"


def test_english_interface_gets_english_errors(geo_app, fake, xc_client):
    fake.answer({"status": "1", "count": "0", "geocodes": []})
    error = xc_client.get("/admin/geocode?address=nowhere&lang=en").get_json()["error"]
    assert error["message"].startswith("The AMap geocoder found no place")


def test_only_signed_in_writers_may_ask(geo_app, fake):
    anonymous = geo_app.test_client().get("/admin/geocode?address=新城区")
    assert anonymous.status_code == 302 and "/admin/login" in anonymous.headers["Location"]
    make_user(geo_app, "look", "viewer", (XINCHENG,))
    viewer = geo_app.test_client()
    login(viewer, "look")
    response = viewer.get("/admin/geocode?address=新城区")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "read_only"
    assert fake.requests == []  # the deployer's key is not spent on them


def test_placing_an_address_only_row_offers_find_address_with_its_address(geo_app, tmp_path):
    path = tmp_path / "pending.csv"
    path.write_text("名称,地址,纬度,经度\n待放置驿站,新城区测试路5号,,\n", encoding="utf-8")
    result = geo_app.test_cli_runner().invoke(args=["import-stations", str(path)])
    assert result.exit_code == 0, result.output
    make_user(geo_app, "root", "superadmin")  # a row with no district: a superadmin's
    client = geo_app.test_client()
    login(client, "root")
    todo = client.get("/admin/pending").get_data(as_text=True)
    link = re.search(r'href="(/admin/stations/new\?pending=\d+)"', todo)
    assert link, todo
    page = client.get(link.group(1)).get_data(as_text=True)
    assert 'id="geocode"' in page
    assert 'id="address" value="新城区测试路5号"' in page
