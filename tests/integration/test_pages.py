"""The public pages through the Flask test client: the map page, the station page, the
report placeholder, the district picker, language, tiles and the Content-Security-Policy."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from stationmap import create_app
from stationmap.app_state import state
from stationmap.config import ConfigError
from stationmap.db import upgrade
from stationmap.services import demo as demo_service
from stationmap.services import districts as district_service
from stationmap.services.stations import save_inputs
from stationmap.station_fields import StationInput

PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "${alert(1)}",
    "`",
    "\\`",
)
EXTERNAL = re.compile(r"""(?:src|href)=["']?(?:https?:)?//""", re.IGNORECASE)


def _make_app(instance: Path, **overrides: str) -> Flask:
    return create_app({"INSTANCE_PATH": str(instance), "STATIONMAP_ENV": "testing", **overrides})


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("pages")
    app = _make_app(path)
    database = state(app).db
    upgrade(database)
    with database.write_session() as session:
        district_service.load_shipped(session)
        demo_service.load_demo(session)
        save_inputs(
            session,
            [
                StationInput(
                    name=f"XSS{i} {p}",
                    lat=25.03 + 0.001 * i,
                    lon=102.63 + 0.001 * i,
                    code=f"530112-{7000 + i}",
                    address=f"路 {p}",
                    amenities=("water",),
                    opening_hours="24/7",
                    phone="0871-1234567",
                    contact=p,
                    services=(f"服务 {p}",),
                )
                for i, p in enumerate(PAYLOADS)
            ],
        )
    database.engine.dispose()
    yield path


@pytest.fixture
def app(instance: Path) -> Iterator[Flask]:
    app = _make_app(instance)
    yield app
    state(app).db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _config(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="sm-config">(.*?)</script>', html, re.S)
    assert match, "the page carries its configuration"
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def _nonce(csp: str) -> str:
    match = re.search(r"'nonce-([A-Za-z0-9_-]+)'", csp)
    assert match, csp
    return match.group(1)


def _inline_scripts(html: str) -> list[tuple[str, str]]:
    """(opening tag, body) of every script element with a body."""
    return [
        (tag, body)
        for tag, body in re.findall(r"(<script[^>]*>)(.*?)</script>", html, re.S)
        if body.strip()
    ]


def test_map_page_inline_script_carries_this_responses_nonce(client: FlaskClient) -> None:
    first = client.get("/")
    second = client.get("/")
    assert first.status_code == 200
    csp = first.headers["Content-Security-Policy"]
    nonce = _nonce(csp)
    assert nonce != _nonce(second.headers["Content-Security-Policy"])
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    html = first.get_data(as_text=True)
    executable = [tag for tag, _ in _inline_scripts(html) if "application/json" not in tag]
    # The boot script in the head (location and list first) and the map's builder.
    assert executable == [f'<script nonce="{nonce}">'] * 2
    assert 'style="' not in html, "inline style attributes are blocked by style-src 'self'"


def test_map_page_loads_only_its_own_assets(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert not EXTERNAL.search(html)
    for path in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        response = client.get(path)
        assert response.status_code == 200, path
        response.close()


def test_map_page_embeds_no_station(client: FlaskClient) -> None:
    html = client.get("/?district=150102").get_data(as_text=True)
    names = [
        f["properties"]["name"]
        for f in client.get("/api/v1/stations?district=150102").get_json()["features"]
    ]
    assert names
    assert not any(name in html for name in names)


def test_map_page_configuration_points_at_the_api(client: FlaskClient) -> None:
    config = _config(client.get("/").get_data(as_text=True))
    assert config["api"]["nearest"] == "/api/v1/stations/nearest"
    assert config["api"]["stations"] == "/api/v1/stations"
    assert config["page"] == "/s/"
    assert config["datum"] == "wgs84"
    assert config["lang"] == "zh"
    assert config["api"]["districts"] == "/api/v1/districts"
    assert config["amenities"]["water"] == "饮用水（冷热）"


def test_map_page_embeds_no_district_list_beyond_the_top_level(client: FlaskClient) -> None:
    """The first load must not grow with the districts or stations stored: the picker
    holds the provinces only, deeper levels come from the API when asked for."""
    html = client.get("/").get_data(as_text=True)
    config = _config(html)
    assert "districts" not in config
    provinces = {
        d["code"]: d["name"]
        for d in client.get("/api/v1/districts").get_json()["districts"]
        if d["parent_code"] is None
    }
    for code, name in provinces.items():
        assert f'<option value="{code}">{name}</option>' in html
    for county in ("新城区", "玛纳斯县", "西山区", "蒲县"):
        assert county not in html


def test_district_picker_shows_the_chosen_chain(client: FlaskClient) -> None:
    html = client.get("/?district=150102").get_data(as_text=True)
    assert '<option value="150000" selected>' in html
    assert '<option value="150100" selected>' in html
    assert '<option value="150102" selected>' in html
    assert '<option value="150103">' in html, "the sibling counties of the city"


@pytest.mark.parametrize(
    ("query", "chosen"),
    [
        ("province=150000&city=150100&county=150102", "150102"),
        ("province=150000&city=150100&county=", "150100"),
        ("province=150000&city=&county=", "150000"),
        # a city left over from another province is ignored
        ("province=650000&city=150100&county=150102", "650000"),
    ],
)
def test_district_picker_works_without_a_script(
    client: FlaskClient, query: str, chosen: str
) -> None:
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    assert _config(response.get_data(as_text=True))["district"]["code"] == chosen


def test_district_picker_with_nothing_chosen_is_the_plain_page(client: FlaskClient) -> None:
    assert _config(client.get("/?province=&city=").get_data(as_text=True))["district"] is None
    assert client.get("/?province=abc").status_code == 404


def test_district_page_draws_its_boundary_and_picks_it(client: FlaskClient) -> None:
    html = client.get("/?district=150102").get_data(as_text=True)
    assert "L.geoJson" in html
    assert '<option value="150102" selected>' in html
    assert _config(html)["district"]["code"] == "150102"


@pytest.mark.parametrize("code", ["999999", "abc", "1501021", "<b>"])
def test_unknown_district_is_not_found(client: FlaskClient, code: str) -> None:
    assert client.get("/", query_string={"district": code}).status_code == 404


def test_english_switch_sticks_in_a_cookie(client: FlaskClient) -> None:
    zh = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in zh and 'href="/?lang=en"' in zh
    response = client.get("/?lang=en")
    assert "lang=en" in response.headers["Set-Cookie"]
    again = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in again
    assert _config(again)["text"]["navigate"] == "Navigate"
    back = client.get("/?lang=zh")
    assert "lang=zh" in back.headers["Set-Cookie"]
    assert '<html lang="zh-CN">' in client.get("/s/150102-900001").get_data(as_text=True)


def test_station_page_shows_everything_and_matches_the_api(client: FlaskClient) -> None:
    station = client.get("/api/v1/stations?district=150102&limit=1").get_json()["features"][0]
    detail = client.get(f"/api/v1/stations/{station['id']}").get_json()["properties"]
    response = client.get(f"/s/{detail['code']}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "演示数据" in html
    assert f"<h1>{detail['name']}</h1>" in html
    for service in detail["services"]:
        assert f"<li>{service}</li>" in html
    for app_name in ("amap", "baidu", "tencent"):
        href = detail["links"][app_name]["web"].replace("&", "&amp;")
        assert f'href="{href}"' in html
    digits = "".join(ch for ch in detail["phone"] if ch.isdigit() or ch in "+-")
    assert f'href="tel:{digits}"' in html
    assert f"/s/{detail['code']}/report" in html
    assert "L.circleMarker" in html


@pytest.mark.parametrize("index", range(len(PAYLOADS)))
def test_station_page_shows_attack_text_as_text(client: FlaskClient, index: int) -> None:
    payload = PAYLOADS[index]
    response = client.get(f"/s/530112-{7000 + index}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<img src=x" not in html
    assert "<script>alert(1)" not in html
    scripts = "".join(body for _, body in _inline_scripts(html))
    assert "alert(1)" not in scripts.replace("&#36;&#123;alert(1)&#125;", "").replace(
        "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;", ""
    ).replace("&lt;img src=x onerror=alert(1)&gt;", "")
    for _, body in _inline_scripts(html):
        assert "${alert" not in body
        assert "\\`" not in body
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title and "<" not in title.group(1)
    if payload in ("`", "${alert(1)}", "\\`"):
        assert f"XSS{index} {payload}" in html


def test_report_form_names_the_station_as_text(client: FlaskClient) -> None:
    response = client.get("/s/530112-7000/report")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "报告问题" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert client.get("/s/530112-NOPE/report").status_code == 404


@pytest.mark.parametrize("code", ["nope", "530112-NOPE", "a" * 30])
def test_unknown_station_is_not_found(client: FlaskClient, code: str) -> None:
    assert client.get(f"/s/{code}").status_code == 404


def test_hours_need_no_second_request(client: FlaskClient) -> None:
    """The list describes hours from the nearest answer; the old helper is gone."""
    assert client.get("/hours.json?id=1").status_code == 404
    feature = client.get("/api/v1/stations/nearest?lat=40.842&lon=111.7&k=1").get_json()
    props = feature["features"][0]["properties"]
    assert "open_now" in props and "next_change_at" in props


def test_api_document_pages_still_work(client: FlaskClient) -> None:
    assert client.get("/api/openapi.json").get_json()["openapi"]
    assert client.get("/api/docs").status_code == 200
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["stations"] > 0
    assert "nonce-" not in client.get("/api/docs").headers["Content-Security-Policy"]


def test_amap_tiles_allow_their_host_and_convert(instance: Path) -> None:
    app = _make_app(instance, STATIONMAP_TILES="amap")
    try:
        response = app.test_client().get("/?district=150102")
        csp = response.headers["Content-Security-Policy"]
        assert "img-src 'self' data: https://*.is.autonavi.com;" in csp
        assert _config(response.get_data(as_text=True))["datum"] == "gcj02"
    finally:
        state(app).db.engine.dispose()


def test_tianditu_without_key_refuses_to_start(instance: Path) -> None:
    with pytest.raises(ConfigError, match="STATIONMAP_TIANDITU_KEY"):
        _make_app(instance, STATIONMAP_TILES="tianditu", STATIONMAP_TIANDITU_KEY="")
    with pytest.raises(ConfigError, match="STATIONMAP_TILES"):
        _make_app(instance, STATIONMAP_TILES="google")


def test_responses_are_compressed_for_clients_that_ask(client: FlaskClient) -> None:
    for path in ("/", "/static/app.js", "/static/app.js", "/api/v1/stations?limit=200"):
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == "gzip", path
        response.close()
    # Only static files are kept compressed: every other answer is its own.
    nearest = client.get(
        "/api/v1/stations/nearest?lat=40.8&lon=111.6", headers={"Accept-Encoding": "gzip"}
    )
    assert gzip.decompress(nearest.get_data()).startswith(b'{"type":"FeatureCollection"')
    plain = client.get("/static/app.js")
    assert "Content-Encoding" not in plain.headers
    assert b"function" in plain.get_data()
    plain.close()


def test_every_response_carries_the_security_headers_once(client: FlaskClient) -> None:
    """API answers and errors, static files, the map page (its own CSP with a nonce)
    and a 404 page all get the headers, none of them twice."""
    names = ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")
    paths = {
        "/api/v1/stations/nearest?lat=40.8&lon=111.7": 200,
        "/api/v1/stations/nearest?lat=abc&lon=111.7": 400,
        "/api/v1/stations/999999": 404,
        "/static/app.css": 200,
        "/?district=150102": 200,
        "/no/such/page": 404,
    }
    for path, status in paths.items():
        with client.get(path) as response:
            assert response.status_code == status, path
            for name in (*names, "Content-Security-Policy"):
                assert len(response.headers.getlist(name)) == 1, (path, name)
    page_csp = client.get("/?district=150102").headers["Content-Security-Policy"]
    assert "nonce-" in page_csp
