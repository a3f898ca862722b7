"""Stations whose name, address or services are one long run with no place to break (a
name typed as WWWW…, a pasted link, a row of zeros; each within the field's limit) on an
office computer (1366×768), in real headless Chromium: every admin page that shows them
(overview, station list, unverified list, the editor, its history, its staff link,
the report queue and a report) stays as wide as the window, the text wrapped inside it,
never a page scrolled sideways. Fails on a console error, a page error, a dialog or a
request leaving 127.0.0.1 (conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from stationmap.services import districts as district_service
from stationmap.services.stations import save_inputs
from stationmap.station_fields import StationInput
from tests.browser.conftest import DESKTOP, ensure_admin, log_in
from tests.integration.report_queue_support import make_report

pytestmark = pytest.mark.browser

USERNAME = "long-names-admin"
PASSWORD = "a long password for long names"
DISTRICT = "652323"  # 呼图壁县: no other browser test edits it
# 200 characters each, the name's limit; none holds a space or a break opportunity.
UNBROKEN = (
    "W" * 200,
    "https://mp.weixin.qq.com/s/" + "AbCdEfGhIjKlMnOp" * 10 + "Ab" * 6 + "A",
    "0" * 200,
)


@pytest.fixture(scope="module")
def station_ids(live_server: Any) -> list[int]:
    """The three stations of unbroken text in 呼图壁县, 300 m apart east of a demo
    station there; their ids."""
    ensure_admin(live_server, USERNAME, PASSWORD, DISTRICT)
    codes = [f"{DISTRICT}-{9801 + i}" for i in range(len(UNBROKEN))]
    with state(live_server.app).db.write_session() as session:
        seed = session.scalars(
            select(Station).where(Station.district_code == DISTRICT).order_by(Station.id)
        ).first()
        assert seed is not None
        locator = district_service.locator(session)
        inputs = []
        for i, (text, code) in enumerate(zip(UNBROKEN, codes, strict=True)):
            lat, lon = seed.lat, seed.lon + 0.004 * (i + 1)
            assert locator.locate(lat, lon) == DISTRICT
            inputs.append(
                StationInput(
                    name=text,
                    lat=lat,
                    lon=lon,
                    code=code,
                    address=UNBROKEN[(i + 1) % 3],
                    contact=UNBROKEN[(i + 2) % 3][:100],
                    services=(text, UNBROKEN[(i + 1) % 3]),
                )
            )
        save_inputs(session, inputs)
        return [s.id for s in session.scalars(select(Station).where(Station.code.in_(codes)))]


def _too_wide(live_server: Any, page: Any, paths: list[str]) -> dict[str, int]:
    """The pages of ``paths`` wider than the window, with their width in px."""
    out = {}
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > DESKTOP["width"]:
            out[path] = width
    return out


def test_unbroken_text_stays_inside_every_admin_page(live_server, desktop, station_ids):
    page = desktop().new_page()
    log_in(page, live_server, USERNAME, PASSWORD)
    paths = ["/admin/", "/admin/stations", "/admin/unverified"]
    for station_id in station_ids:
        paths += [f"/admin/stations/{station_id}", f"/admin/stations/{station_id}/history"]
        paths += [f"/admin/stations/{station_id}/staff-link"]
    assert _too_wide(live_server, page, paths) == {}, "pages scrolled sideways (path: px)"
    # The text is wrapped, not cut: the editor's heading holds the whole name.
    page.goto(f"{live_server.url}/admin/stations/{station_ids[0]}")
    heading = page.inner_text("h1")
    assert UNBROKEN[0] in heading.replace("\n", "")
    box = page.locator("h1").bounding_box()
    assert box["x"] + box["width"] <= DESKTOP["width"]


def test_the_short_cells_beside_a_long_name_keep_their_words_whole(
    live_server, desktop, station_ids
):
    page = desktop().new_page()
    log_in(page, live_server, USERNAME, PASSWORD)
    page.goto(f"{live_server.url}/admin/stations")
    row = page.locator("table.list tr", has=page.locator(f"a[href$='/stations/{station_ids[0]}']"))
    # Each cell but the name's is one line: its text has one box (a wrapped one, more).
    lines = row.evaluate(
        "tr => Array.from(tr.cells).map(td => { const r = document.createRange();"
        " r.selectNodeContents(td); return new Set(Array.from(r.getClientRects())"
        ".map(b => Math.round(b.top))).size; })"
    )
    assert [lines[0], *lines[2:]] == [1, 1, 1, 1], lines
    assert lines[1] > 1  # the name itself is wrapped


def test_reports_on_a_station_of_unbroken_name_stay_inside_the_page(
    live_server, desktop, station_ids
):
    with state(live_server.app).db.session() as session:
        stations = [session.get(Station, station_id) for station_id in station_ids]
    reports = [make_report(live_server.app, station) for station in stations]
    page = desktop().new_page()
    log_in(page, live_server, USERNAME, PASSWORD)
    paths = ["/admin/reports", *(f"/admin/reports/{report.id}" for report in reports)]
    assert _too_wide(live_server, page, paths) == {}, "pages scrolled sideways (path: px)"
