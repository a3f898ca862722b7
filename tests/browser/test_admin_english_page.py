"""The admin editor's script in English (issue 13): the live duplicate warning and the
opening-hours check speak the interface language chosen with ``?lang=en``. Any console
error, page error, dialog or request leaving 127.0.0.1 fails the test (conftest)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import ensure_admin, log_in

USERNAME = "browser-admin-en"
PASSWORD = "a long browser password"
DISTRICT = "150102"  # 新城区
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def account(live_server: Any) -> str:
    return ensure_admin(live_server, USERNAME, PASSWORD, DISTRICT)


def test_live_duplicate_warning_and_hours_check_in_english(live_server, phone, account):
    existing = live_server.api(f"/api/v1/stations?district={DISTRICT}&limit=1")["features"][0]
    lon, lat = existing["geometry"]["coordinates"]
    name = existing["properties"]["name"]
    page = phone().new_page()
    log_in(page, live_server, account, PASSWORD, "?lang=en")
    assert page.get_attribute("html", "lang") == "en"
    page.goto(f"{live_server.url}/admin/stations/new")  # the cookie keeps English
    page.wait_for_selector("#picker[data-ready='1']")
    assert page.get_attribute("html", "lang") == "en"

    page.fill("#lat", f"{lat + 0.0001:.7f}")
    page.fill("#lon", f"{lon:.7f}")
    page.dispatch_event("#lon", "change")
    page.fill("#name", name)
    page.wait_for_selector("#live-duplicates:not([hidden]) li a")
    item = page.text_content("#live-duplicates li") or ""
    assert re.search(r" m away\)$", item), item
    address = existing["properties"].get("address") or ""
    rest = item.replace(existing["properties"]["code"], "").replace(name, "")
    rest = rest.replace(address, "") if address else rest
    assert not CJK.search(rest), item

    page.fill("#opening_hours", "Mo-Su 00:00-24:00")
    page.dispatch_event("#opening_hours", "input")
    page.wait_for_function(
        "() => /[A-Za-z]/.test(document.getElementById('hours-preview').textContent)"
    )
    hours = page.text_content("#hours-preview") or ""
    assert not CJK.search(hours), hours
