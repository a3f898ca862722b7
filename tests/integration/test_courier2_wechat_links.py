"""Links shared in WeChat come back with WeChat's own parameters added (from=, isappinstalled=,
scene=, clicktime=, nsukey=, wxshare_count=, and utm_* from campaigns). Every public page a
courier opens from a chat or a poster opens as it would without them, with what the link
asked for (the chips, the district, the point the list is sorted from) kept; a report sent
from a form opened that way is taken. The API stays strict: an integrator's typo is
refused there (tests/integration/test_hostile_api_reads.py)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.integration.admin_support import XINCHENG, station_in

WECHAT_TAILS = [
    "from=singlemessage&isappinstalled=0",
    "from=groupmessage",
    "from=timeline&isappinstalled=0",
    "scene=1&clicktime=1701234567",
    "nsukey=Xk2%2Bq%2FLpZ%3D%3D&wxshare_count=2",
    "utm_source=wechat&utm_medium=social&utm_campaign=winter",
]
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
CODE_RE = re.compile(r'id="tracking-code">([^<]+)<')


def _with(path: str, tail: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{tail}"


def _config(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="sm-config">(.*?)</script>', html)
    assert match is not None
    data: dict[str, Any] = json.loads(match[1])
    return data


def _tracking_code(client: Any, station_code: str) -> str:
    form = client.get(f"/s/{station_code}/report").get_data(as_text=True)
    token = CSRF_RE.search(form)
    assert token is not None
    sent = client.post(
        f"/s/{station_code}/report",
        data={"csrf_token": token[1], "kind": "closed", "text": "门锁了"},
        environ_base={"REMOTE_ADDR": "10.9.0.1"},
    )
    code = CODE_RE.search(sent.get_data(as_text=True))
    assert code is not None
    return code[1]


@pytest.mark.parametrize("tail", WECHAT_TAILS)
def test_every_public_page_opens_with_wechats_parameters(app: Any, client: Any, tail: str) -> None:
    station = station_in(app, XINCHENG).code
    tracking = _tracking_code(client, station)
    pages = [
        "/",
        f"/?district={XINCHENG}",
        f"/s/{station}",
        f"/s/{station}/report",
        f"/r/{tracking}",
        "/demand",
        "/demand?lat=40.8&lon=111.6",
        "/api/docs",
    ]
    for path in pages:
        plain = client.get(path)
        shared = client.get(_with(path, tail))
        assert (plain.status_code, shared.status_code) == (200, 200), path
        assert shared.mimetype == "text/html", path


@pytest.mark.parametrize("tail", WECHAT_TAILS)
def test_what_the_link_asked_for_is_kept_beside_wechats_parameters(
    app: Any, client: Any, tail: str
) -> None:
    html = client.get(_with("/?amenity=water,toilet&open_now=1", tail)).get_data(as_text=True)
    ticked = re.findall(r'name="amenity" value="(\w+)"[^>]*checked', html)
    assert ticked == ["water", "toilet"]
    assert re.search(r'name="open_now"[^>]*checked', html)

    config = _config(client.get(_with(f"/?district={XINCHENG}", tail)).get_data(as_text=True))
    assert config["district"]["code"] == XINCHENG

    config = _config(client.get(_with("/?near=40.812,111.652&by=gps", tail)).get_data(as_text=True))
    assert config["near"] == {"lat": 40.812, "lon": 111.652, "by": "gps"}

    station = station_in(app, XINCHENG).code
    page = client.get(_with(f"/s/{station}?near=40.812,111.652&by=gps&amenity=water", tail))
    back = re.search(r'class="back-link" href="([^"]+)"', page.get_data(as_text=True))
    assert back is not None
    assert back[1].replace("&amp;", "&") == "/?near=40.812,111.652&by=gps&amenity=water"


def test_a_report_from_a_form_opened_from_a_chat_is_taken(app: Any, client: Any) -> None:
    station = station_in(app, XINCHENG).code
    path = f"/s/{station}/report?from=singlemessage&isappinstalled=0"
    form = client.get(path).get_data(as_text=True)
    token = CSRF_RE.search(form)
    assert token is not None
    sent = client.post(
        path,
        data={"csrf_token": token[1], "kind": "closed", "text": "门锁了"},
        environ_base={"REMOTE_ADDR": "10.9.0.2"},
    )
    assert sent.status_code == 200
    assert CODE_RE.search(sent.get_data(as_text=True)) is not None


def test_the_api_stays_strict_about_wechats_parameters(client: Any) -> None:
    response = client.get("/api/v1/stations/nearest?lat=40.8&lon=111.6&from=singlemessage")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "from"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/stations/nearest?lat=40.8&lon=111.6",
        "/api/v1/stations/nearest?lat=40.8&lon=111.6&open_now=true",
        "/api/v1/stations?bbox=111.5,40.7,111.8,40.9",
        f"/api/v1/districts/{XINCHENG}",
        "/api/v1/districts",
        "/api/v1/amenities",
        "/api/v1/stations/nearest?lat=40.8&lon=111.6&from=singlemessage",  # a 400
    ],
)
def test_api_answers_are_asked_for_again_not_taken_from_a_cache(client: Any, path: str) -> None:
    """WeChat's browser caches hard: an answer that says nothing about caching may be
    shown again after the stations (or the clock's open-now) changed."""
    response = client.get(path)
    directives = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
    assert directives & {"no-cache", "no-store"}, (path, response.status_code)


def test_pages_are_asked_for_again_and_static_files_are_named_by_their_content(
    client: Any,
) -> None:
    response = client.get("/")
    assert response.headers["Cache-Control"] == "no-cache"
    scripts = re.findall(r'src="(/static/[^"]+\.js)"', response.get_data(as_text=True))
    assert scripts, "no static script on the page"
    for src in scripts:
        assert re.fullmatch(r"/static/[\w./-]+\.[0-9a-f]{8,}\.js", src), src
        assert "immutable" in client.get(src).headers["Cache-Control"]
