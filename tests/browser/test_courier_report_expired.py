"""A courier's report form that expired before it was sent (360x640, touch, headless
Chromium, zh and en): its cookie ended, or WeChat's browser dropped it, while the
rider typed.
Before, the page's script sent the form again as a plain POST and the rider landed on
an error page with what they wrote gone. Now the form stays with everything typed and
the server's message above it; the script takes the fresh token from the server's
answer, so one more tap sends exactly one report. Fails on a console error other than
the 400 itself, a page error, a dialog or a request leaving 127.0.0.1 (conftest.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import LiveServer
from test_courier_report_send import CODE_RE, _choose_other, _stored, _written_form, send_server
from test_map_page import _wait_for

pytestmark = pytest.mark.browser
__all__ = ["send_server"]  # the module's server fixture, shared with the send tests

EXPIRED = {
    "zh": "表单已过期，报告没有发送。填写的内容都还在，请再点一次“提交报告”。",
    "en": "The form expired and the report was not sent. What you wrote is still here: "
    'tap "Send the report" once more.',
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_expired_form_keeps_the_typing_and_one_more_tap_sends_one_report(
    send_server: LiveServer, phone: Any, lang: str
) -> None:
    words = f"充电桩坏了 expired {lang}"
    session, page = _written_form(send_server, phone, lang, f"{words}\n插上没有电")
    # The form's cookie ended (a day old) or the browser dropped it while the rider typed.
    session.context.clear_cookies(name="stationmap_report_csrf")
    _choose_other(page)
    written = page.locator("#text").input_value()
    assert written == f"{words}\n插上没有电"
    page.locator("button.send").tap()

    alert = page.locator("[data-errors-for=_] .form-error")
    alert.wait_for(state="visible")
    assert alert.inner_text() == EXPIRED[lang]
    assert re.search(r"/s/[^/]+/report\?lang=(zh|en)$", page.url), page.url
    assert page.locator("#text").input_value() == written
    assert page.locator("input[value=other]").is_checked()
    assert _stored(send_server, words) == []
    _wait_for(page, "document.querySelector('button.send').disabled === false")

    page.locator("button.send").tap()
    page.wait_for_url(re.compile(r"/report/sent/[A-Za-z0-9_-]{22}$"))
    code = page.locator("#tracking-code").inner_text().strip()
    assert CODE_RE.fullmatch(code)
    assert _stored(send_server, words) == [code]
    # The browser logs the refused send itself; nothing else went wrong.
    errors = session.watch.console_errors
    assert errors and all("400" in e for e in errors), errors
    errors.clear()
