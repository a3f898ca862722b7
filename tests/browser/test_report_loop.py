"""The whole loop of issue 14 in real headless Chromium: a courier reports a closed
station on a phone (360x640, touch), the district's administrator finds it in the queue
on an office screen and resolves it with a reply, and the courier's tracking page shows
that reply, as text. Fails on a console error, a page error, a dialog or a request
leaving 127.0.0.1 (conftest.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import LiveServer, ensure_admin, log_in
from test_map_page import _wait_for

pytestmark = pytest.mark.browser

MANAS = {"latitude": 44.3050, "longitude": 86.2170}  # 玛纳斯县 (652324)
USERNAME = "manas-reports"
PASSWORD = "a long password for the queue"
REPLY = "已联系驿站：<i>暖气</i>坏了，明天 9 点恢复开放"


def test_a_closed_report_is_resolved_in_the_queue_and_the_courier_sees_the_reply(
    live_server: LiveServer, phone: Any, desktop: Any
) -> None:
    # The courier, on a phone: a list card's 报告问题, 已关门, send.
    courier = phone(geolocation=MANAS).new_page()
    courier.goto(live_server.url + "/")
    _wait_for(courier, "document.body.dataset.listState === 'ready'")
    card = courier.locator("#list > li").first
    card.locator(".item-toggle").tap()
    card.locator("a.report").tap()
    courier.wait_for_url(re.compile(r"/s/[^/]+/report$"))
    courier.locator("label.kind", has=courier.locator("input[value=closed]")).tap()
    courier.locator("#text").fill("中午来过两次，门都锁着")
    courier.locator("button.send").tap()
    code = courier.locator("#tracking-code").inner_text().strip()
    courier.locator("#tracking-link").tap()
    courier.wait_for_url(re.compile(rf"/r/{code}$"))
    assert courier.locator("#report-status").inner_text() == "已收到，等待处理"

    # The district's administrator, at a desk: the queue, the report, resolved with a reply.
    ensure_admin(live_server, USERNAME, PASSWORD, "652324")
    admin = desktop().new_page()
    log_in(admin, live_server, USERNAME, PASSWORD)
    admin.goto(f"{live_server.url}/admin/reports")
    admin.get_by_role("link", name=code, exact=True).click()
    admin.wait_for_url(re.compile(r"/admin/reports/\d+$"))
    assert "中午来过两次，门都锁着" in admin.locator("#text").inner_text()
    admin.select_option("#transition select[name=status]", "resolved")
    admin.fill("#transition [name=reply]", REPLY)
    admin.fill("#transition [name=note]", "内部备注：不给骑手看")
    admin.click("#save")
    admin.wait_for_load_state()
    assert REPLY in admin.locator("#events").inner_text()

    # The courier reloads the tracking page: resolved, the reply as plain text, no note.
    courier.reload()
    assert courier.locator("#report-status").inner_text() == "已解决"
    assert courier.locator("#replies .reply").inner_text() == REPLY
    assert courier.locator("#replies i").count() == 0
    assert "内部备注" not in courier.content()
