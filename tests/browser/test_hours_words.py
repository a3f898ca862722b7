"""Issue 12 point 5 on the courier page: the list shows each station's hours in words,
in the page's language (the API's hours_zh / hours_en), under the open state."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from conftest import LiveServer

pytestmark = pytest.mark.browser

HOHHOT = {"latitude": 40.8420, "longitude": 111.7000}


def _wait_ready(page: Any, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    ready = "document.body.dataset.listState === 'ready'"
    while not page.evaluate(ready):
        if time.monotonic() > deadline:
            raise AssertionError("the list never became ready")
        page.wait_for_timeout(50)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_list_shows_the_hours_in_words_in_the_pages_language(
    live_server: LiveServer, phone: Any, lang: str
) -> None:
    words = [(f"今天 0{i}:00-20:00（每天）", f"Today 0{i}:00-20:00 (daily)") for i in range(3)]

    def rewrite(route: Any) -> None:
        response = route.fetch()
        data = response.json()
        for feature, (zh, en) in zip(data["features"], words, strict=False):
            feature["properties"]["hours_zh"] = zh
            feature["properties"]["hours_en"] = en
        for feature in data["features"][len(words) :]:
            feature["properties"]["hours_zh"] = feature["properties"]["hours_en"] = None
        route.fulfill(response=response, body=json.dumps(data))

    page = phone(geolocation=HOHHOT).new_page()
    page.route("**/api/v1/stations/nearest?*", rewrite)
    page.goto(f"{live_server.url}/?lang={lang}")
    _wait_ready(page)
    shown = page.eval_on_selector_all(
        "#list li[data-id]",
        "els => els.map(e => (e.querySelector('.hours-words') || {}).textContent)",
    )
    wanted = [zh if lang == "zh" else en for zh, en in words]
    assert shown[: len(wanted)] == wanted
    assert all(text is None for text in shown[len(wanted) :])  # no hours: nothing added
    # The folded card keeps the open state; the words open first among its details.
    order = page.eval_on_selector(
        "#list li[data-id] .hours-words",
        "e => e.parentElement.className + ':' + e.previousElementSibling",
    )
    assert order == "item-more:null"
