"""A courier's report form that expired (its token no longer matches the cookie:
WeChat's browser cleared its cookies, or the form sat open past the cookie's day).
Nothing is stored, and the rider's typing is not lost: the form comes back (400) with
what was typed, the same one-time key, a message saying so, and a fresh token that
matches the cookie set with it, so one more tap sends exactly one report."""

from __future__ import annotations

import html as htmlmod
import re

import pytest
from sqlalchemy import func, select

from stationmap.app_state import state
from stationmap.models import Report
from tests.integration.admin_support import XINCHENG, station_in

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
KEY_RE = re.compile(r'name="request_key" value="([^"]*)"')
CODE_RE = re.compile(r'id="tracking-code">([^<]+)<')
TYPED = "饮水机没水了 <b>已经两天</b>"
KEY = "k" * 22
MESSAGES = {
    "zh": "表单已过期，报告没有发送。填写的内容都还在，请再点一次“提交报告”。",
    "en": "The form expired and the report was not sent. What you wrote is still here: "
    'tap "Send the report" once more.',
}


def _reports(app) -> list[Report]:
    with state(app).db.session() as session:
        return list(session.scalars(select(Report)))


def _count(app) -> int:
    with state(app).db.session() as session:
        return session.scalar(select(func.count()).select_from(Report))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_expired_report_form_keeps_the_typing_and_one_more_tap_sends_it(app, lang):
    station = station_in(app, XINCHENG)
    path = f"/s/{station.code}/report?lang={lang}"
    client = app.test_client()  # no cookie at all: the browser lost it
    sent = {
        "csrf_token": "t" * 32,
        "request_key": KEY,
        "kind": "amenity",
        "amenity": "water",
        "text": TYPED,
        "phone": "13800138000",
    }
    expired = client.post(path, data=sent)
    assert expired.status_code == 400
    page = expired.get_data(as_text=True)
    assert MESSAGES[lang] in htmlmod.unescape(page)
    assert htmlmod.escape(TYPED, quote=False) + "</textarea>" in page
    assert 'value="13800138000"' in page
    assert 'value="amenity" checked' in page
    assert KEY_RE.search(page).group(1) == KEY
    fresh = CSRF_RE.search(page).group(1)
    assert fresh != sent["csrf_token"]
    cookie = client.get_cookie("stationmap_report_csrf")
    assert cookie is not None and cookie.value == fresh
    assert _count(app) == 0

    again = client.post(path, data={**sent, "csrf_token": fresh})
    assert again.status_code == 200
    code = CODE_RE.search(again.get_data(as_text=True)).group(1)
    (report,) = _reports(app)
    assert (report.tracking_code, report.text, report.needs) == (code, TYPED, ["water"])
    # The same key once more (the answer lost): still the one report.
    assert client.post(path, data={**sent, "csrf_token": fresh}).status_code == 200
    assert _count(app) == 1


def test_an_expired_demand_form_keeps_the_pin_and_the_needs(app):
    client = app.test_client()
    sent = {
        "csrf_token": "t" * 32,
        "request_key": KEY,
        "lat": "40.8301",
        "lon": "111.7402",
        "datum": "wgs84",
        "needs": ["water", "toilet"],
        "text": TYPED,
    }
    expired = client.post("/demand", data=sent)
    assert expired.status_code == 400
    page = expired.get_data(as_text=True)
    assert MESSAGES["zh"] in htmlmod.unescape(page)
    assert 'value="40.8301"' in page and 'value="111.7402"' in page
    assert 'value="water" checked' in page and 'value="toilet" checked' in page
    assert htmlmod.escape(TYPED, quote=False) + "</textarea>" in page
    fresh = CSRF_RE.search(page).group(1)
    assert client.post("/demand", data={**sent, "csrf_token": fresh}).status_code == 200
    (report,) = _reports(app)
    assert report.text == TYPED and sorted(report.needs) == ["toilet", "water"]


def test_a_forged_post_stores_nothing(app):
    """A cross-site POST carries no matching token: the form comes back, nothing kept."""
    station = station_in(app, XINCHENG)
    client = app.test_client()
    client.get(f"/s/{station.code}/report")  # the rider's cookie is set
    forged = client.post(
        f"/s/{station.code}/report", data={"kind": "closed", "csrf_token": "x" * 32}
    )
    assert forged.status_code == 400
    assert _count(app) == 0
