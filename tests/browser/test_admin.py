"""The admin editor in real headless Chromium: log in, place a station by clicking the
map, save, edit, and restore the first revision. Any console error (a CSP violation
included), page error, dialog or request leaving 127.0.0.1 fails the test."""

from __future__ import annotations

import re
from typing import Any

import pytest

from stationmap import state
from stationmap.services import users as user_service

USERNAME = "browser-admin"
PASSWORD = "a long browser password"
DISTRICT = "150102"  # 新城区: the centre of its bounding box lies inside it


@pytest.fixture(scope="module")
def admin_account(live_server: Any) -> str:
    with state(live_server.app).db.write_session() as session:
        if user_service.get_user(session, USERNAME) is None:
            user_service.create_user(session, USERNAME, PASSWORD, "district_admin", (DISTRICT,))
    return USERNAME


def test_login_place_save_edit_and_restore_first_revision(live_server, phone, admin_account):
    session = phone()
    page = session.new_page()
    page.goto(f"{live_server.url}/admin/login")
    page.fill("input[name=username]", admin_account)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))

    page.goto(f"{live_server.url}/admin/stations/new")
    page.wait_for_selector("#picker[data-ready='1']")
    page.wait_for_selector("#picker path.leaflet-interactive, #picker svg path")
    page.click("#picker")  # the centre of the map, inside the district
    page.wait_for_selector("#picker .leaflet-marker-icon")
    lat, lon = page.input_value("#lat"), page.input_value("#lon")
    assert lat and lon
    assert page.input_value("#datum") == "wgs84"

    page.fill("input[name=name]", "浏览器测试驿站")
    page.check("input[name=amenities][value=water]")
    page.fill("#opening_hours", "Mo-Su 08:00-20:00")
    page.wait_for_selector("#hours-preview.ok")
    assert page.text_content("#hours-preview")
    page.click("#save")
    page.wait_for_url(re.compile(r"/admin/stations/\d+$"))
    assert "已创建" in page.text_content(".flash")
    station_url = page.url
    assert page.input_value("#lat") == lat

    page.fill("input[name=name]", "浏览器测试驿站（改名）")
    page.click("#save")
    page.wait_for_selector(".flash")
    assert "已保存" in page.text_content(".flash")
    assert page.input_value("input[name=name]") == "浏览器测试驿站（改名）"

    page.click("#history-link")
    page.wait_for_selector("button.restore[data-number='1']")
    page.click("button.restore[data-number='1']")
    page.wait_for_selector(".flash")
    assert "已恢复到第 1 版" in page.text_content(".flash")
    page.goto(station_url)
    assert page.input_value("input[name=name]") == "浏览器测试驿站"
    assert page.is_checked("input[name=amenities][value=water]")
