"""Where a courier's link can lead at 360x640: a station since removed (404), a tracking
code mistyped, the API reference. The way home from an error page was a 19-px-high
text link and the header's "API" link 24 px wide, under the 44 px a thumb needs; the API
reference scrolled sideways (551 px wide on a 360 px screen)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import PHONE, LiveServer

pytestmark = pytest.mark.browser
MIN_TARGET_PX = 44


def _boxes(page: Any, selector: str) -> list[dict[str, float]]:
    return page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {w: r.width, h: r.height, text: e.textContent.trim()}; })",
    )


@pytest.mark.parametrize(
    ("path", "home"),
    [
        ("/s/530112-9999", "返回首页"),
        ("/r/ZZZZ2222", "返回首页"),
        ("/s/530112-9999?lang=en", "Home"),
    ],
)
def test_an_error_page_has_a_thumb_sized_way_home(
    live_server: LiveServer, phone: Any, path: str, home: str
) -> None:
    session = phone()
    page = session.new_page()
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 404
    # The browser logs the page's own 404 as a console error: that one is expected.
    session.watch.console_errors[:] = [
        e for e in session.watch.console_errors if "status of 404" not in e
    ]
    links = _boxes(page, "main a, header a")
    assert home in [link["text"] for link in links]
    small = [link for link in links if link["w"] < MIN_TARGET_PX or link["h"] < MIN_TARGET_PX]
    assert small == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_api_reference_does_not_scroll_sideways(live_server: LiveServer, phone: Any) -> None:
    page = phone().new_page()
    page.goto(live_server.url + "/api/docs")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("section.op table").count() > 0
