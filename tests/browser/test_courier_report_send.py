"""A courier's report sent on a signal that drops while it is sent (360x640, touch,
headless Chromium). Before, the page asked /healthz and, on an answer, let the form
leave as a plain POST: when that POST then failed, the rider landed on Chromium's
error page and what they wrote was gone; tapped again from there, a report that had
reached the server was stored twice. Now the page sends the report itself and stays,
with everything typed, until the server answers: no answer (lost, or none in 20 s)
keeps the form with the no-network note; the server's own messages (a field to fix)
show on the form; the tap again sends the same one-time key, and the server answers
the first receipt: one report, however many taps. Fails on a console error, a page
error, a dialog or a request leaving 127.0.0.1 (conftest.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import LiveServer, demo_app, serve
from sqlalchemy import select
from test_map_page import _wait_for

from stationmap.app_state import state
from stationmap.models import Report

pytestmark = pytest.mark.browser

NOTE = {
    "zh": "没有网络：报告还没有发送，填写的内容都还在。有信号后请再点“提交报告”。",
    "en": "No network: the report has not been sent, and what you wrote is still here. "
    'Tap "Send the report" again once you have a signal.',
}
SEND = {"zh": "提交报告", "en": "Send the report"}
SENDING = {"zh": "正在发送…", "en": "Sending…"}
CODE_RE = re.compile(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}")
POST_TO_REPORT = re.compile(r".*/report$")


@pytest.fixture(scope="module")
def send_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with the demo stations and no report limit (these tests store real
    reports, which the shared server's limit for 127.0.0.1 would soon refuse)."""
    app = demo_app(
        tmp_path_factory.mktemp("report-send"),
        "none",
        STATIONMAP_REPORT_RATE_SHORT="off",
        STATIONMAP_REPORT_RATE_DAY="off",
    )
    yield from serve(app)


def _stored(server: LiveServer, words: str) -> list[str]:
    """Tracking codes of the reports whose text contains ``words``."""
    with state(server.app).db.session() as session:
        query = select(Report.tracking_code).where(Report.text.contains(words))
        return list(session.scalars(query))


def _written_form(server: LiveServer, phone: Any, lang: str, written: str) -> tuple[Any, Any]:
    """A phone's page on a station's report form, ``written`` typed (no kind chosen)."""
    code = server.api("/api/v1/stations?limit=1")["features"][0]["properties"]["code"]
    session = phone()
    page = session.new_page()
    page.goto(f"{server.url}/s/{code}/report?lang={lang}")
    page.locator("#text").fill(written)
    return session, page


def _choose_other(page: Any) -> None:
    page.locator("label.kind", has=page.locator("input[value=other]")).tap()


def _hold_posts(page: Any) -> list[Any]:
    """Hold the form's sends, unanswered, for the test to let through or drop."""
    held: list[Any] = []
    page.route(
        POST_TO_REPORT,
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    return held


def _sent_from_the_page(page: Any, held: list[Any]) -> None:
    """Wait for the held send; fail (not hang) when it is the form leaving the page."""
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "nothing was sent"
    if held[0].request.is_navigation_request():
        held[0].abort()  # let the page go, or the test would wait on it for ever
        pytest.fail("the form left the page as a plain POST, and what was typed with it")


def _only_disconnects(session: Any) -> None:
    """The dropped send is the browser's only complaint; cleared for the final check."""
    errors = session.watch.console_errors
    assert errors and all("ERR_INTERNET_DISCONNECTED" in e for e in errors), errors
    errors.clear()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_report_whose_answer_is_lost_stays_on_the_form_and_is_stored_once(
    send_server: LiveServer, phone: Any, lang: str
) -> None:
    words = f"饮水机坏了 answer lost {lang}"
    written = f"{words}\n从昨天开始不出水"
    session, page = _written_form(send_server, phone, lang, written)
    _choose_other(page)
    form_url = page.url
    held = _hold_posts(page)
    button = page.locator("button.send")
    button.tap()
    _sent_from_the_page(page, held)

    # Sending: the button says so and takes no second tap; nothing more is sent.
    _wait_for(page, "document.querySelector('button.send').disabled === true")
    assert button.inner_text() == SENDING[lang]
    page.locator("form.report-form").evaluate("form => form.requestSubmit()")
    page.wait_for_timeout(300)
    assert len(held) == 1

    # The report reaches the server; its answer is lost on the way back.
    held[0].fetch()
    held[0].abort("internetdisconnected")
    note = page.locator(".offline-note")
    note.wait_for(state="visible")
    assert note.inner_text() == NOTE[lang]
    assert page.url == form_url
    assert page.locator("#text").input_value() == written
    assert page.locator("input[value=other]").is_checked()
    _wait_for(page, "document.querySelector('button.send').disabled === false")
    assert button.inner_text() == SEND[lang]
    first = _stored(send_server, words)
    assert len(first) == 1
    _only_disconnects(session)

    # The signal is back: the same tap opens the first send's receipt, nothing new stored.
    page.unroute(POST_TO_REPORT)
    button.tap()
    page.wait_for_url(re.compile(r"/report/sent/[A-Za-z0-9_-]{22}$"))
    code = page.locator("#tracking-code").inner_text().strip()
    assert CODE_RE.fullmatch(code)
    assert [code] == first == _stored(send_server, words)


def test_a_send_with_no_answer_in_20_seconds_stays_on_the_form(
    send_server: LiveServer, phone: Any
) -> None:
    words = "门口的灯不亮 no answer"
    session = phone()
    page = session.new_page()
    page.clock.install()
    code = send_server.api("/api/v1/stations?limit=1")["features"][0]["properties"]["code"]
    page.goto(f"{send_server.url}/s/{code}/report")
    page.locator("#text").fill(words)
    _choose_other(page)
    held = _hold_posts(page)
    page.locator("button.send").tap()
    _sent_from_the_page(page, held)
    _wait_for(page, "document.querySelector('button.send').disabled === true")
    page.clock.fast_forward("00:19")
    assert not page.locator(".offline-note").is_visible()
    page.clock.fast_forward("00:02")
    page.locator(".offline-note").wait_for(state="visible")
    assert page.locator("#text").input_value() == words
    _wait_for(page, "document.querySelector('button.send').disabled === false")
    assert len(held) == 1 and _stored(send_server, words) == []

    page.unroute(POST_TO_REPORT)
    page.locator("button.send").tap()
    page.wait_for_selector("#tracking-code")
    assert _stored(send_server, words) == [page.locator("#tracking-code").inner_text().strip()]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_servers_message_shows_on_the_form_with_everything_kept(
    send_server: LiveServer, phone: Any, lang: str
) -> None:
    """No kind chosen: the server's 422 message (the plain form's, from the same page)
    shows above the form and beside the kinds; the text stays; then it sends."""
    words = f"没选类型 {lang}"
    session, page = _written_form(send_server, phone, lang, words)
    form_url = page.url
    page.locator("button.send").tap()
    kind_error = page.locator("[data-errors-for=kind] .field-error")
    kind_error.wait_for(state="visible")
    expected = {
        "zh": "类型：请选择问题类型（已关门、设施缺失或损坏、位置不对、其他）",
        "en": "Problem: choose what is wrong (Closed / not open as listed, "
        "Amenity missing or broken, Wrong location, Other problem or suggestion)",
    }
    assert kind_error.inner_text() == expected[lang]
    summary = {
        "zh": "请改正下面标出的问题后再提交。",
        "en": "Please correct the marked fields and send again.",
    }
    alerts = page.locator("[data-errors-for=_] .form-error")
    assert alerts.all_inner_texts() == [summary[lang]]
    assert alerts.first.get_attribute("role") == "alert"
    assert page.url == form_url
    assert page.locator("#text").input_value() == words
    assert not page.locator(".offline-note").is_visible()
    assert page.locator("button.send").inner_text() == SEND[lang]
    assert _stored(send_server, words) == []
    # Chromium logs the refused send (422) as a failed load: that alone.
    errors = session.watch.console_errors
    assert errors and all("422" in e for e in errors), errors
    errors.clear()

    _choose_other(page)
    page.locator("button.send").tap()
    page.wait_for_selector("#tracking-code")
    assert _stored(send_server, words) == [page.locator("#tracking-code").inner_text().strip()]
