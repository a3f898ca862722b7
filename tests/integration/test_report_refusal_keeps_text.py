"""A refused change of a worker's report (another administrator changed it first, or
the form is incomplete) re-shows the page with its message and with the reply and the
internal note the administrator typed, on the report's page and in the queue's bulk
form: nothing typed is lost."""

from __future__ import annotations

import html
import re

from tests.integration.admin_support import XINCHENG, station_in
from tests.integration.report_queue_support import admin_client, make_report

REPLY = "已联系驿站负责人：\n明天 9 点恢复开放 <b>请放心</b>"
NOTE = "内部：电话 0471-6612345 已打过两次"


def _textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no {name} textarea"
    return html.unescape(match.group(1))


def _two_admins(app):
    return (
        admin_client(app, "jia", "district_admin", (XINCHENG,)),
        admin_client(app, "yi", "district_admin", (XINCHENG,)),
    )


def test_a_stale_reply_on_the_report_page_keeps_what_was_typed(app):
    (jia, jia_csrf), (yi, yi_csrf) = _two_admins(app)
    report = make_report(app, station_in(app, XINCHENG))
    first = {"csrf_token": yi_csrf, "version": "1", "status": "in_progress", "reply": "处理中"}
    assert yi.post(f"/admin/reports/{report.id}", data=first).status_code == 303

    mine = {"csrf_token": jia_csrf, "version": "1", "status": "resolved"}
    refused = jia.post(f"/admin/reports/{report.id}", data=mine | {"reply": REPLY, "note": NOTE})

    assert refused.status_code == 412
    page = refused.get_data(as_text=True)
    assert "已被他人修改" in page
    assert _textarea(page, "reply") == REPLY and _textarea(page, "note") == NOTE


def test_a_refused_bulk_action_keeps_the_reply_and_note(app):
    (jia, jia_csrf), (yi, yi_csrf) = _two_admins(app)
    station = station_in(app, XINCHENG)
    reports = [make_report(app, station, text=f"第{i}个") for i in range(2)]
    chosen = [f"{r.id}:1" for r in reports]
    first = {"csrf_token": yi_csrf, "action": "in_progress", "report": chosen}
    assert yi.post("/admin/reports/bulk", data=first).status_code == 303

    mine = {"csrf_token": jia_csrf, "action": "resolve", "report": chosen}
    refused = jia.post("/admin/reports/bulk", data=mine | {"reply": REPLY, "note": NOTE})

    assert refused.status_code == 412
    page = refused.get_data(as_text=True)
    assert "已被他人修改" in page
    assert _textarea(page, "reply") == REPLY and _textarea(page, "note") == NOTE
