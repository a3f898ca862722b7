"""The workers' report pages (issue 14), on SQLite and PostgreSQL: the form posted
without a script, errors shown again beside their fields, the receipt with the tracking
code, the tracking page with the district's replies (user text escaped), the demand
pin, CSRF, the honeypot, the limit, English, and the links that lead to the form."""

from __future__ import annotations

import html as htmlmod
import re

import pytest
from sqlalchemy import func, select

from stationmap.app_state import state
from stationmap.models import Report
from tests.integration.admin_support import XINCHENG, station_in
from tests.integration.report_support import reply_to, report_row

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
CODE_RE = re.compile(r'id="tracking-code">([^<]+)<')
XSS = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"


def _form(client, path):
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    return html, CSRF_RE.search(html).group(1)


def _send(client, path, data, address="10.3.0.1"):
    _html, token = _form(client, path)
    return client.post(
        path, data={"csrf_token": token, **data}, environ_base={"REMOTE_ADDR": address}
    )


def _count(app) -> int:
    with state(app).db.session() as session:
        return session.scalar(select(func.count()).select_from(Report))


def test_the_form_offers_every_kind_and_the_amenities(app, client):
    station = station_in(app, XINCHENG)
    html, _token = _form(client, f"/s/{station.code}/report")
    for value in ("closed", "amenity", "location", "other"):
        assert f'name="kind" value="{value}"' in html
    assert "已关门" in html and "设施缺失或损坏" in html and "位置不对" in html
    assert '<option value="toilet">' in html
    assert 'name="website"' in html and 'class="hp" aria-hidden="true"' in html
    assert 'name="demand"' not in html and 'value="demand"' not in html


def test_a_closed_report_posted_as_a_plain_form_shows_its_code_once(app, client):
    station = station_in(app, XINCHENG)
    response = _send(client, f"/s/{station.code}/report", {"kind": "closed", "text": "门锁了"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    code = CODE_RE.search(html).group(1)
    assert f'href="/r/{code}"' in html
    # the language link leads to the tracking page, never back to an empty form
    assert f'class="lang-switch" href="/r/{code}?lang=en"' in html
    row = report_row(app, code)
    assert (row.kind, row.station_id, row.text, row.lang) == ("closed", station.id, "门锁了", "zh")


def test_errors_are_shown_again_beside_their_field_with_the_values_kept(app, client):
    station = station_in(app, XINCHENG)
    response = _send(
        client,
        f"/s/{station.code}/report",
        {"kind": "amenity", "amenity": "", "text": "水龙头<坏了>", "phone": "abc"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="err-amenity"' in html and "请选择缺失或损坏的设施" in html
    assert 'id="err-phone"' in html and "不是有效的电话号码" in html
    assert "水龙头&lt;坏了&gt;</textarea>" in html
    assert 'value="amenity" checked' in html
    assert _count(app) == 0


def test_a_wrong_location_without_a_script_sends_the_station_position(app, client):
    station = station_in(app, XINCHENG)
    html, _ = _form(client, f"/s/{station.code}/report")
    lat = re.search(r'id="pin-lat" value="([^"]*)"', html).group(1)
    lon = re.search(r'id="pin-lon" value="([^"]*)"', html).group(1)
    assert float(lat) == pytest.approx(station.lat, abs=1e-6)
    response = _send(
        client, f"/s/{station.code}/report", {"kind": "location", "lat": lat, "lon": lon}
    )
    code = CODE_RE.search(response.get_data(as_text=True)).group(1)
    row = report_row(app, code)
    assert row.lat == pytest.approx(station.lat, abs=1e-6)
    assert row.lon == pytest.approx(station.lon, abs=1e-6)


def test_a_post_without_the_form_token_is_refused(app, client):
    station = station_in(app, XINCHENG)
    response = client.post(f"/s/{station.code}/report", data={"kind": "closed"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    _form(client, f"/s/{station.code}/report")
    forged = client.post(
        f"/s/{station.code}/report", data={"kind": "closed", "csrf_token": "x" * 32}
    )
    assert forged.status_code == 400 and _count(app) == 0


def test_the_honeypot_gets_a_receipt_and_nothing_is_stored(app, client):
    station = station_in(app, XINCHENG)
    response = _send(
        client, f"/s/{station.code}/report", {"kind": "closed", "website": "http://x.example"}
    )
    assert response.status_code == 200
    code = CODE_RE.search(response.get_data(as_text=True)).group(1)
    assert _count(app) == 0
    assert client.get(f"/r/{code}").status_code == 404


def test_the_limit_shows_a_message_in_the_page_language(app, client):
    station = station_in(app, XINCHENG)
    path = f"/s/{station.code}/report"
    for i in range(6):
        assert _send(client, path, {"kind": "other", "text": f"问题 {i}"}).status_code == 200
    refused = _send(client, path + "?lang=en", {"kind": "other", "text": "one more"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "too many reports" in refused.get_data(as_text=True)


def test_the_tracking_page_shows_status_and_replies_escaped(app, client):
    station = station_in(app, XINCHENG)
    response = _send(client, f"/s/{station.code}/report", {"kind": "other", "text": XSS})
    code = CODE_RE.search(response.get_data(as_text=True)).group(1)
    page = client.get(f"/r/{code}").get_data(as_text=True)
    assert "已收到，等待处理" in page and "还没有回复" in page
    reply_to(app, code, "已处理 <script>alert(3)</script>", "resolved", note="内部备注")
    response = client.get(f"/r/{code.lower()}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="report-status">已解决<' in page
    assert htmlmod.escape("已处理 <script>alert(3)</script>") in page
    assert htmlmod.escape(XSS) in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "内部备注" not in page
    assert f'href="/s/{station.code}"' in page


def test_the_tracking_page_in_english(app, client):
    station = station_in(app, XINCHENG)
    response = _send(client, f"/s/{station.code}/report", {"kind": "closed"})
    code = CODE_RE.search(response.get_data(as_text=True)).group(1)
    page = client.get(f"/r/{code}?lang=en").get_data(as_text=True)
    assert "Received, waiting to be handled" in page and "Closed / not open as listed" in page


@pytest.mark.parametrize("code", ["ZZZZZZZZ", "<script>", "a" * 200])
def test_an_unknown_tracking_code_page_is_a_404(client, code):
    assert client.get(f"/r/{code}").status_code == 404


def test_the_demand_page_starts_at_the_riders_position_and_takes_needs(app, client):
    html, _ = _form(client, "/demand?lat=44.305&lon=86.217")
    assert 'id="pin-lat" value="44.3050000"' in html
    assert 'name="needs" value="water"' in html
    response = _send(
        client,
        "/demand",
        {"lat": "44.305", "lon": "86.217", "datum": "wgs84", "needs": ["water", "toilet"]},
    )
    assert response.status_code == 200
    code = CODE_RE.search(response.get_data(as_text=True)).group(1)
    row = report_row(app, code)
    assert (row.kind, row.district_code, row.needs) == ("demand", "652324", ["water", "toilet"])
    page = client.get(f"/r/{code}").get_data(as_text=True)
    assert "这里需要驿站" in page and "饮用水" in page


def test_a_demand_without_a_position_says_so(app, client):
    response = _send(client, "/demand", {"needs": ["water"]})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="err-lat"' in html and "请在地图上标出位置" in html
    english = _send(client, "/demand?lang=en", {"needs": ["water"], "phone": "abc"})
    html = htmlmod.unescape(english.get_data(as_text=True))
    assert "Place the pin on the map." in html and "Phone: 'abc' is not a phone number" in html


def test_the_station_page_and_the_map_page_link_to_the_forms(app, client):
    station = station_in(app, XINCHENG)
    page = client.get(f"/s/{station.code}").get_data(as_text=True)
    assert f'href="/s/{station.code}/report"' in page
    index = client.get("/").get_data(as_text=True)
    assert 'id="demand-link"' in index and 'href="/demand"' in index


def test_a_report_on_a_station_deleted_since_keeps_its_name_without_a_link(app, client):
    from datetime import UTC, datetime

    from stationmap.models import Station

    station = station_in(app, XINCHENG)
    response = _send(client, f"/s/{station.code}/report", {"kind": "closed"})
    code = CODE_RE.search(response.get_data(as_text=True)).group(1)
    with state(app).db.write_session() as session:
        session.get(Station, station.id).deleted_at = datetime.now(UTC)
    page = client.get(f"/r/{code}").get_data(as_text=True)
    assert htmlmod.escape(station.name) in page and f'href="/s/{station.code}"' not in page
    view = client.get(f"/api/v1/reports/{code}").get_json()
    assert view["station"] == {"name": station.name, "code": None}


@pytest.mark.parametrize(
    ("lang", "gone", "not_sent", "no_code"),
    [
        ("zh", "没有这个驿站，或它已被删除", "报告没有发送", "没有这个跟踪码的报告"),
        ("en", "No such station, or it was removed", "the report was not sent", "tracking code"),
    ],
)
def test_a_removed_station_and_an_unknown_code_are_worded_in_the_page_language(
    app, client, lang, gone, not_sent, no_code
):
    """A courier with the form open while the station is deleted, and one who mistypes
    a tracking code, read why in their language (werkzeug's 404 text is English only)."""
    from datetime import UTC, datetime

    from stationmap.models import Station

    station = station_in(app, XINCHENG)
    client.set_cookie("lang", lang)
    _html, token = _form(client, f"/s/{station.code}/report")
    with state(app).db.write_session() as session:
        session.get(Station, station.id).deleted_at = datetime.now(UTC)
    sent = client.post(
        f"/s/{station.code}/report", data={"csrf_token": token, "kind": "closed", "text": "门锁着"}
    )
    opened = client.get(f"/s/{station.code}/report")
    unknown = client.get("/r/ZZZZZZZZ")
    for response in (sent, opened, unknown):
        assert response.status_code == 404
        assert "The requested URL was not found" not in response.get_data(as_text=True)
    assert gone in sent.get_data(as_text=True) and not_sent in sent.get_data(as_text=True)
    assert gone in opened.get_data(as_text=True)
    assert no_code in unknown.get_data(as_text=True)
    assert _count(app) == 0
