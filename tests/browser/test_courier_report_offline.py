"""A courier who writes a report and taps 提交报告 where there is no signal. Before, the
form left for Chromium's own error page (ERR_INTERNET_DISCONNECTED), and what the rider
had written was gone from the screen. Now the form stays as it was, a note in the page's
language says the report has not been sent, and once the signal is back the same tap
sends it (the test answers that send itself: only the page's part is under test)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

import pytest
from conftest import LiveServer

pytestmark = pytest.mark.browser

WORDS = {
    "zh": "没有网络：报告还没有发送，填写的内容都还在。有信号后请再点“提交报告”。",
    "en": "No network: the report has not been sent, and what you wrote is still here. "
    'Tap "Send the report" again once you have a signal.',
}


def _written_form(live_server: LiveServer, phone: Any, lang: str, written: str) -> tuple[Any, Any]:
    """A phone's page on a station's report form, 其他 chosen and ``written`` typed."""
    code = live_server.api("/api/v1/stations?limit=1")["features"][0]["properties"]["code"]
    session = phone()
    page = session.new_page()
    page.goto(f"{live_server.url}/s/{code}/report?lang={lang}")
    page.locator("label.kind", has=page.locator("input[value=other]")).tap()
    page.locator("#text").fill(written)
    return session, page


def _answer_sends(page: Any) -> list[str]:
    """Answer the form's sends here (the page's part is under test), as the server
    answers the page's script: a redirect, which the page then opens (to a page the
    server has: the redirect a fulfilled answer leads to is not routed again). Returns
    their bodies."""
    sent: list[str] = []

    def answer(route: Any) -> None:
        sent.append(route.request.post_data or "")
        route.fulfill(status=303, headers={"Location": "/healthz"})

    page.route(re.compile(r".*/report$"), answer)
    return sent


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_report_sent_without_a_network_stays_on_the_form_and_says_so(
    live_server: LiveServer, phone: Any, lang: str
) -> None:
    written = "门口的饮水机坏了，\n从昨天开始不出水"
    session, page = _written_form(live_server, phone, lang, written)
    form_url = page.url
    note = page.locator(".offline-note")
    assert not note.is_visible()

    session.context.set_offline(True)
    page.locator("button.send").tap()
    note.wait_for(state="visible")
    assert note.inner_text() == WORDS[lang]
    assert note.get_attribute("role") == "alert"
    assert page.url == form_url
    assert page.locator("#text").input_value() == written
    assert page.locator("input[value=other]").is_checked()

    # The signal is back: the note goes, and the same tap sends the form as written.
    sent = _answer_sends(page)
    session.context.set_offline(False)
    note.wait_for(state="hidden")
    with page.expect_navigation():
        page.locator("button.send").tap()
    assert len(sent) == 1
    fields = parse_qs(sent[0])
    assert fields["kind"] == ["other"]
    assert fields["text"] == [written.replace("\n", "\r\n")]


def test_a_report_sent_on_a_signal_too_weak_to_carry_it_stays_on_the_form(
    live_server: LiveServer, phone: Any
) -> None:
    """The phone says it is online (a bar of signal, no data gets through): before, the
    form left for Chromium's error page (net::ERR_INTERNET_DISCONNECTED) and the text was
    gone, the way back leading past it. Now the page sends the report itself and keeps
    the form, with the note, when no answer comes."""
    written = "门口的饮水机坏了，从昨天开始不出水"
    session, page = _written_form(live_server, phone, "zh", written)
    form_url = page.url

    dead = {"on": True}
    page.route(
        "**/*",
        lambda route: route.abort("internetdisconnected") if dead["on"] else route.continue_(),
    )
    assert page.evaluate("navigator.onLine") is True
    page.locator("button.send").tap()
    note = page.locator(".offline-note")
    note.wait_for(state="visible")
    assert note.inner_text() == WORDS["zh"]
    assert page.url == form_url
    assert page.locator("#text").input_value() == written
    # The failed request is the browser's only complaint.
    errors = session.watch.console_errors
    assert errors and all("ERR_INTERNET_DISCONNECTED" in e for e in errors), errors
    errors.clear()

    # Data gets through again: the same tap sends the report as written (the test
    # answers that send: a real one would count against the suite's report limit).
    dead["on"] = False
    sent = _answer_sends(page)
    with page.expect_navigation():
        page.locator("button.send").tap()
    assert len(sent) == 1
    assert parse_qs(sent[0])["text"] == [written]
