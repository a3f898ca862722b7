"""A worker's report text and an administrator's reply as the district's administrator
reads them on an office computer (1366×768), in real headless Chromium: the lines the
courier typed stay lines, and one long unbroken run (a pasted link, 1,000 characters, the
form's limit) wraps inside the page instead of widening it. Fails on a console error, a
page error, a dialog or a request leaving 127.0.0.1 (conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from tests.browser.conftest import ensure_admin, log_in
from tests.integration.report_queue_support import make_report

pytestmark = pytest.mark.browser

USERNAME = "report-reader"
PASSWORD = "a long password to read reports"
DISTRICT = "150104"  # 玉泉区
LINES = "中午 12 点来过\n下午 3 点又来\n门都锁着"
LONG = "https://example.invalid/" + "x" * 976  # 1,000 characters, no break opportunity


@pytest.mark.parametrize("text", [LINES, LONG], ids=["lines", "long-run"])
def test_report_text_keeps_its_lines_and_stays_inside_the_page(
    live_server: Any, desktop: Any, text: str
) -> None:
    ensure_admin(live_server, USERNAME, PASSWORD, DISTRICT)
    with state(live_server.app).db.session() as session:
        station = session.scalars(
            select(Station).where(Station.district_code == DISTRICT).order_by(Station.id)
        ).first()
    assert station is not None
    report = make_report(live_server.app, station, text=text)
    page = desktop().new_page()
    log_in(page, live_server, USERNAME, PASSWORD)

    page.goto(f"{live_server.url}/admin/reports/{report.id}")
    # innerText follows the rendering: collapsed white space gives one line.
    assert page.locator("#text").inner_text() == text
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"

    page.goto(f"{live_server.url}/admin/reports?station={station.code}")
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the queue scrolls sideways: {widths}"
