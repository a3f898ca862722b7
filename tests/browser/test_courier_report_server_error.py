"""A courier's report answered with a server error (360x640, touch, headless Chromium,
zh and en). Before, a 5xx (the app failing, or a proxy's 502/504 page, or an empty
answer) sent the form again as a plain POST, and the rider landed on that error page
with what they wrote gone; a proxy page that looked like a form had its text put into
ours. Now the form stays, with everything typed, under a note that the server could
not take the report and to tap again in a moment; the error's body is never read into
the page; the tap again sends the same one-time key, so a report the server stored
before failing is not stored twice. Fails on a console error, a page error, a dialog
or a request leaving 127.0.0.1 (conftest.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import LiveServer
from test_courier_report_send import (
    CODE_RE,
    POST_TO_REPORT,
    SEND,
    _choose_other,
    _stored,
    _written_form,
    send_server,
)
from test_map_page import _wait_for

pytestmark = pytest.mark.browser
__all__ = ["send_server"]  # the module's server fixture, shared with the send tests

BUSY = {
    "zh": "服务器暂时无法接收报告。填写的内容都还在，请稍等片刻再点“提交报告”；"
    "再点一次不会产生两份报告。",
    "en": "The server could not take the report just now. What you wrote is still here: "
    'wait a moment and tap "Send the report" again (tapping again never makes a second '
    "report).",
}
# A proxy's own error page, shaped like ours (a report form with a message box) so a
# page that copied a refused form's messages from it would show its words.
PROXY_PAGE = (
    "<html><head><title>502 Bad Gateway</title></head><body>"
    "<h1>502 Bad Gateway</h1><form class='report-form'><div data-errors-for='_'>"
    "<p class='form-error'>PROXY WORDS</p></div></form><hr>nginx</body></html>"
)


def _fail_first_post(page: Any, status: int, body: str, reach_server: bool) -> list[int]:
    """Answer the form's first send with ``status`` and ``body`` (after letting it
    reach the app when ``reach_server``: the app stored it, the proxy then failed);
    let every later request through. Returns the statuses answered."""
    answered: list[int] = []

    def handle(route: Any) -> None:
        if route.request.method != "POST" or answered:
            route.continue_()
            return
        if reach_server:
            route.fetch()
        answered.append(status)
        route.fulfill(status=status, body=body, content_type="text/html")

    page.route(POST_TO_REPORT, handle)
    return answered


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("status", "body", "reach_server"),
    [(502, PROXY_PAGE, False), (500, "", True)],
    ids=["proxy-502-page-not-stored", "empty-500-after-storing"],
)
def test_a_server_error_keeps_the_form_and_the_tap_again_stores_one_report(
    send_server: LiveServer, phone: Any, lang: str, status: int, body: str, reach_server: bool
) -> None:
    words = f"微波炉坏了 {status} {lang}"
    written = f"{words}\n按钮没反应"
    session, page = _written_form(send_server, phone, lang, written)
    answered = _fail_first_post(page, status, body, reach_server)
    _choose_other(page)
    page.locator("button.send").tap()

    busy = page.locator(".server-note")
    busy.wait_for(state="visible")
    assert answered == [status]
    assert busy.inner_text() == BUSY[lang]
    assert busy.get_attribute("role") == "alert"
    assert re.search(r"/s/[^/]+/report\?lang=(zh|en)$", page.url), page.url
    assert page.locator("#text").input_value() == written
    assert page.locator("input[value=other]").is_checked()
    assert not page.locator(".offline-note").is_visible()
    _wait_for(page, "document.querySelector('button.send').disabled === false")
    assert page.locator("button.send").inner_text() == SEND[lang]
    html = page.content()
    assert "PROXY WORDS" not in html and "Bad Gateway" not in html
    assert page.locator("[data-errors-for=_] *").count() == 0
    assert len(_stored(send_server, words)) == (1 if reach_server else 0)
    errors = session.watch.console_errors
    assert errors and all(str(status) in e for e in errors), errors
    errors.clear()

    page.locator("button.send").tap()
    page.wait_for_url(re.compile(r"/report/sent/[A-Za-z0-9_-]{22}$"))
    code = page.locator("#tracking-code").inner_text().strip()
    assert CODE_RE.fullmatch(code)
    assert _stored(send_server, words) == [code]
    assert page.locator("#edit-added").count() == 0
