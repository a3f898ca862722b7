"""Three couriers report the same station closed: the district administrator, on an
office computer (1366×768, real headless Chromium), sees one line "另有 2 条相同的报告",
opens it, reads each report's text, time and state, and resolves all three with one
reply, which each reporter's tracking page then shows. Fails on a console error, a
page error, a dialog or a request leaving 127.0.0.1 (conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Report, Station
from tests.browser.conftest import ensure_admin, log_in
from tests.integration.report_queue_support import make_report

pytestmark = pytest.mark.browser

USERNAME = "group-handler"
PASSWORD = "a long password to handle groups"
DISTRICT = "150104"  # 玉泉区
REPLY = "已联系站长，驿站明天恢复营业"


def test_a_group_of_same_reports_is_one_line_opened_and_resolved_at_once(
    live_server: Any, desktop: Any
) -> None:
    ensure_admin(live_server, USERNAME, PASSWORD, DISTRICT)
    app = live_server.app
    with state(app).db.session() as session:
        station = session.scalars(
            select(Station).where(Station.district_code == DISTRICT).order_by(Station.id.desc())
        ).first()
    assert station is not None
    texts = ["早上八点来过，关着门", "中午也没开", "门上贴了转让"]
    reports = [
        make_report(app, station, text=text, hours_ago=3 - i) for i, text in enumerate(texts)
    ]
    codes = ["GRPABCD2", "GRPABCD3", "GRPABCD4"]
    with state(app).db.write_session() as session:
        for report, code in zip(reports, codes, strict=True):
            session.get(Report, report.id).tracking_code = code
    page = desktop().new_page()
    log_in(page, live_server, USERNAME, PASSWORD)

    page.goto(f"{live_server.url}/admin/reports?status=open&station={station.code}")
    lines = page.locator("#queue tr.report")
    assert lines.count() == 1
    link = lines.first.locator("a.similar")
    assert link.inner_text() == "另有 2 条相同的报告"
    link.click()

    members = page.locator("#members tr.member")
    assert members.count() == 3
    for i, text in enumerate(texts):
        cells = members.nth(i).locator("td")
        assert cells.nth(0).inner_text() == codes[i]
        assert cells.nth(2).inner_text() == "新报告"
        assert cells.nth(4).inner_text() == text
    page.select_option("#group-action select[name=action]", "resolve")
    page.fill("#group-action textarea[name=reply]", REPLY)
    page.click("#group-submit")
    page.wait_for_load_state()
    assert "已更新 3 个报告" in page.content()
    assert page.locator(f"#queue a:text-is('{codes[0]}')").count() == 0

    for code in codes:
        page.goto(f"{live_server.url}/r/{code}")
        assert REPLY in page.locator("#replies").inner_text()
