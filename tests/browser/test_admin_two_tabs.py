"""Two tabs of one administrator on an office computer (1366×768), in real headless
Chromium: the station is deleted in one tab while its form is being edited in the
other. Saving says the station was deleted meanwhile, keeps what was typed, and one
button undeletes it and saves. Fails on a console error, a page error, a dialog or a
request leaving 127.0.0.1 (conftest.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from tests.browser.conftest import ensure_admin, log_in

pytestmark = pytest.mark.browser

USERNAME = "two-tabs"
PASSWORD = "a long password for two tabs"
DISTRICT = "150105"  # 赛罕区 (the other browser tests edit 新城区)
TYPED = "大学东街 88 号（两个标签页）"


def _station(live_server: Any, **where: Any) -> Station:
    with state(live_server.app).db.session() as session:
        stmt = select(Station).where(Station.district_code == DISTRICT)
        for name, value in where.items():
            stmt = stmt.where(getattr(Station, name) == value)
        station = session.scalars(stmt.order_by(Station.id)).first()
    assert station is not None
    return station


def test_saving_in_one_tab_after_deleting_in_the_other_keeps_the_typed_values(
    live_server: Any, desktop: Any
) -> None:
    ensure_admin(live_server, USERNAME, PASSWORD, DISTRICT)
    station = _station(live_server, deleted_at=None)
    session = desktop()
    editing = session.new_page()
    log_in(editing, live_server, USERNAME, PASSWORD)
    editing.goto(f"{live_server.url}/admin/stations/{station.id}")
    editing.wait_for_selector("#picker[data-ready='1']")
    editing.fill("#address", TYPED)

    deleting = session.new_page()  # the second tab shares the login
    deleting.goto(f"{live_server.url}/admin/stations/{station.id}")
    deleting.click("#delete")
    deleting.wait_for_selector("#undelete")

    editing.click("#save")
    editing.wait_for_selector("#conflict")
    notice = editing.locator("#deleted-meanwhile").inner_text()
    assert f"此驿站已被 {USERNAME} 于" in notice and "删除" in notice
    assert TYPED in editing.locator("table.diff").inner_text()
    # The conflict page answers 409 on purpose, which Chromium logs as a failed load:
    # that one line is expected; any other console error still fails the test.
    expected = "the server responded with a status of 409 (CONFLICT)"
    assert [m for m in session.watch.console_errors if expected in m] != []
    session.watch.console_errors[:] = [m for m in session.watch.console_errors if expected not in m]

    editing.click("#overwrite")
    editing.wait_for_url(re.compile(rf"/admin/stations/{station.id}$"))
    assert editing.locator("#address").input_value() == TYPED
    saved = _station(live_server, id=station.id)
    assert saved.deleted_at is None and saved.address == TYPED
