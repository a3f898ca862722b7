"""A courier's report answered with a server error (360x640, touch, headless Chromium,
zh and en). Before, a 5xx (the app failing, or a proxy's 502/504 page, or an empty
answer) sent the form again as a plain POST, and the rider landed on that error page
with what they wrote gone; a proxy page that looked like a form had its text put into
ours. Now the form stays, with everything typed, under a note that the server could
not take the report and to tap again in a moment; the error's body is never read into
the page; the tap again sends the same one-time key, so a report the server stored
before failing is not stored twice.

Also the rider who edits the form after a send whose answer was lost (it did reach
the server): the tap again adds the edit to the same report, and the receipt says
so. Fails on a console error, a page error, a dialog or a request leaving 127.0.0.1
(conftest.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import LiveServer
from sqlalchemy import select
from test_courier_report_send import (
    CODE_RE,
    NOTE,
    POST_TO_REPORT,
    SEND,
    _choose_other,
    _hold_posts,
    _only_disconnects,
    _sent_from_the_page,
    _stored,
    _written_form,
    send_server,
)
from test_map_page import _wait_for

from stationmap.app_state import state
from stationmap.models import Report, ReportEvent
from tests.integration.report_support import EDIT_ADDED

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


def _reporter_notes(server: LiveServer, code: str) -> list[str]:
    with state(server.app).db.session() as session:
        report_id = session.scalar(select(Report.id).where(Report.tracking_code == code))
        query = select(ReportEvent.note).where(
            ReportEvent.report_id == report_id, ReportEvent.note != ""
        )
        return list(session.scalars(query))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_edit_after_a_lost_answer_is_added_to_the_same_report_and_said(
    send_server: LiveServer, phone: Any, lang: str
) -> None:
    words = f"厕所没有灯 edited {lang}"
    session, page = _written_form(send_server, phone, lang, words)
    _choose_other(page)
    held = _hold_posts(page)
    page.locator("button.send").tap()
    _sent_from_the_page(page, held)
    held[0].fetch()  # it reaches the server; its answer is lost
    held[0].abort("internetdisconnected")
    note = page.locator(".offline-note")
    note.wait_for(state="visible")
    assert note.inner_text() == NOTE[lang]
    _wait_for(page, "document.querySelector('button.send').disabled === false")
    first = _stored(send_server, words)
    assert len(first) == 1
    _only_disconnects(session)

    # Meanwhile the rider adds a line, then taps again with a signal.
    edited = f"{words}\n晚上十点以后"
    page.locator("#text").fill(edited)
    page.unroute(POST_TO_REPORT)
    page.locator("button.send").tap()
    page.wait_for_url(re.compile(r"/report/sent/[A-Za-z0-9_-]{22}$"))
    assert page.locator("#tracking-code").inner_text().strip() == first[0]
    assert page.locator("#edit-added").inner_text() == EDIT_ADDED[lang]
    assert _stored(send_server, words) == first  # one report, as first sent
    [added] = _reporter_notes(send_server, first[0])
    assert added.endswith(f"\n说明 Details: {edited}")
