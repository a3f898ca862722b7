"""The duplicate-nearby warning as an administrator meets it at 1366×768: a new station
saved within 50 m of one with a similar name is shown once, naming the station, its
address and how far it is, in the page's language."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import ensure_admin, log_in

USERNAME = "dup-admin"
PASSWORD = "a long duplicate password"
DISTRICT = "150102"  # 新城区


@pytest.fixture(scope="module")
def account(live_server: Any) -> str:
    return ensure_admin(live_server, USERNAME, PASSWORD, DISTRICT)


@pytest.mark.parametrize(("lang", "near"), [("zh", r"相距 \d+ 米"), ("en", r"\d+ m away")])
def test_the_duplicate_warning_after_save_is_shown_once_with_the_distance(
    live_server, desktop, account, artifacts, lang, near
) -> None:
    import re

    existing = live_server.api(f"/api/v1/stations?district={DISTRICT}&limit=1")["features"][0]
    lon, lat = existing["geometry"]["coordinates"]
    session = desktop()
    page = session.new_page()
    log_in(page, live_server, USERNAME, PASSWORD, f"?lang={lang}")
    page.goto(f"{live_server.url}/admin/stations/new")
    page.wait_for_selector("#picker[data-ready='1']")
    page.fill("#name", existing["properties"]["name"])
    page.fill("#lat", f"{lat + 0.0002:.7f}")
    page.fill("#lon", f"{lon:.7f}")
    page.click("#save")
    page.wait_for_selector("#duplicates")
    # The refusal answers 409 on purpose, which Chromium logs as a failed load.
    errors = session.watch.console_errors
    assert any("status of 409 (CONFLICT)" in m for m in errors)
    errors[:] = [m for m in errors if "status of 409 (CONFLICT)" not in m]
    page.wait_for_timeout(1000)  # the live check, had it run, would have shown by now
    page.screenshot(path=str(artifacts / f"desk2-duplicate-{lang}.png"))
    shown = [box for box in page.query_selector_all(".warning") if box.is_visible()]
    assert len(shown) == 1, [box.inner_text() for box in shown]
    text = shown[0].inner_text()
    assert existing["properties"]["code"] in text
    assert re.search(near, text), text
