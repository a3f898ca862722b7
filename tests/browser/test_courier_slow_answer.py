"""A chip ticked on a slow network (a courier's weak signal): until the answer comes, the
list on screen answers an older question, and before it looked current (no sign, the
new chip ticked over stations without it). Now it is greyed out and marked busy, with
"加载中…" over it; an older answer let through after the newer one never replaces it.

The nearest answers are held back by the test (a route it releases when it wants), so
nothing here depends on timing."""

from __future__ import annotations

import contextlib
import time
from typing import Any

import pytest
from conftest import LiveServer
from test_courier_page import MANAS, _api_names, _chip, _list_names, _open
from test_map_page import _wait_for

pytestmark = pytest.mark.browser
NEAREST = "**/api/v1/stations/nearest?*"


def _until(page: Any, done: Any, timeout_s: float = 10.0) -> None:
    """Let the page (and Playwright's handlers) run until ``done()``."""
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        page.wait_for_timeout(50)


def _opacity(page: Any) -> float:
    return float(page.eval_on_selector("#list", "e => getComputedStyle(e).opacity"))


def test_a_list_waiting_for_its_answer_is_greyed_out_and_an_older_answer_loses(
    live_server: LiveServer, phone: Any
) -> None:
    _session, page = _open(live_server, phone, MANAS)
    first = _list_names(page)
    held: list[Any] = []
    ended: list[Any] = []
    page.on("requestfinished", lambda request: ended.append(request))
    page.on("requestfailed", lambda request: ended.append(request))
    page.route(NEAREST, lambda route: held.append(route))

    _chip(page, "microwave").tap()
    _until(page, lambda: len(held) == 1)
    _wait_for(page, "document.body.dataset.listState === 'loading'")
    assert page.get_attribute("#list", "aria-busy") == "true"
    assert page.locator("#list-note").inner_text() == "加载中…"
    assert _opacity(page) < 0.6
    assert _list_names(page) == first  # still there, greyed out

    # A second chip before the first answer: the newer question's answer is the list,
    # and the older one, let through after it, changes nothing.
    _chip(page, "water").tap()
    _until(page, lambda: len(held) == 2)
    held[1].continue_()
    _wait_for(page, "document.body.dataset.listState === 'ready'")
    with contextlib.suppress(Exception):  # the page gave it up already (aborted)
        held[0].continue_()
    _until(page, lambda: held[0].request in ended)
    page.unroute(NEAREST)
    assert _list_names(page) == _api_names(live_server, MANAS, "&amenity=water,microwave")
    assert page.get_attribute("#list", "aria-busy") is None
    assert page.locator("#list-note").inner_text() != "加载中…"
    assert _opacity(page) == 1
