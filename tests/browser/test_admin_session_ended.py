"""The session ends while a station is being edited (logged out in another tab, idle
too long), on an office computer (1366×768), in real headless Chromium: saving says
nothing was saved, and its one link logs in again and comes back to the form with what
was typed restored, said in a note, to check and save. Admin pages are no-store, so the
browser's Back reloads them: before, it led to the login page and the typing was lost.
What is restored was typed on the version the form showed: a station changed meanwhile
restores nothing (it is never merged into the newer version). Fails on a console error,
a page error, a dialog or a request leaving 127.0.0.1 (conftest.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from tests.browser.conftest import ensure_admin, log_in

pytestmark = pytest.mark.browser

USERNAME = "session-ends"
PASSWORD = "a long password for a session that ends"
DISTRICT = "652323"  # 呼图壁县
CONTACT = "input[name=contact]"
MICROWAVE = "input[name=amenities][value=microwave]"
EXPECTED_401 = "Failed to load resource: the server responded with a status of 401 (UNAUTHORIZED)"


def _station(live_server: Any, code: str) -> Station:
    with state(live_server.app).db.session() as session:
        station = session.scalars(select(Station).where(Station.code == code)).one()
        session.expunge(station)
    return station


def _first_code(live_server: Any) -> str:
    with state(live_server.app).db.session() as session:
        return session.scalars(
            select(Station.code).where(Station.district_code == DISTRICT).order_by(Station.id)
        ).first()


def _log_in_again(page: Any) -> None:
    page.fill("input[name=username]", USERNAME)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def _editing(live_server: Any, desktop: Any) -> tuple[Any, Any, Station]:
    """A watched session, its page logged in on the editor of 呼图壁县's first station,
    and that station as it was."""
    ensure_admin(live_server, USERNAME, PASSWORD, DISTRICT)
    before = _station(live_server, _first_code(live_server))
    session = desktop()
    page = session.new_page()
    log_in(page, live_server, USERNAME, PASSWORD)
    page.goto(f"{live_server.url}/admin/stations/{before.id}")
    return session, page, before


def test_what_was_typed_comes_back_after_logging_in_again(live_server, desktop):
    session, page, before = _editing(live_server, desktop)
    code = before.code
    page.fill("#address", "幸福路 12 号（登录过期时填写）")
    page.fill(CONTACT, "李四")
    microwave = not page.is_checked(MICROWAVE)
    page.set_checked(MICROWAVE, microwave)
    session.context.clear_cookies()  # the session ends
    page.click("#save")
    page.wait_for_selector("#login-again")
    assert "需要重新登录" in page.inner_text("h1")
    assert _station(live_server, code).address == before.address  # nothing saved
    page.click("#login-again")
    _log_in_again(page)
    page.wait_for_url(re.compile(rf"/admin/stations/{before.id}$"))
    assert "已恢复" in page.inner_text("#draft-restored")
    assert page.input_value("#address") == "幸福路 12 号（登录过期时填写）"
    assert page.input_value(CONTACT) == "李四"
    assert page.is_checked(MICROWAVE) == microwave
    page.click("#save")
    page.wait_for_selector(".flash")
    after = _station(live_server, code)
    assert after.address == "幸福路 12 号（登录过期时填写）" and after.contact == "李四"
    assert after.version == before.version + 1
    # Saved: opening the station again restores nothing.
    page.goto(f"{live_server.url}/admin/stations/{before.id}")
    assert page.locator("#draft-restored").count() == 0
    assert session.watch.console_errors == [EXPECTED_401]
    session.watch.console_errors.clear()


def test_nothing_is_restored_onto_a_station_changed_meanwhile(live_server, desktop):
    session, page, before = _editing(live_server, desktop)
    page.fill("#address", "过期的修改 1 号")
    session.context.clear_cookies()
    page.click("#save")
    page.wait_for_selector("#login-again")
    with state(live_server.app).db.write_session() as db:  # another administrator
        station = db.get(Station, before.id)
        station.contact = "别人改的"
        station.version += 1
    page.click("#login-again")
    _log_in_again(page)
    page.wait_for_url(re.compile(rf"/admin/stations/{before.id}$"))
    assert page.locator("#draft-restored").count() == 0
    assert page.input_value("#address") == before.address
    assert page.input_value(CONTACT) == "别人改的"
    assert session.watch.console_errors == [EXPECTED_401]
    session.watch.console_errors.clear()
