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


def test_two_administrators_closing_one_report_at_the_same_moment_one_is_refused(app):
    """Both read version 1 and send at once (one resolves, one rejects): exactly one
    change is applied and the other is refused with the stale-version message, on
    either backend, never both applied one after the other."""
    import threading

    from tests.integration.report_support import report_row

    (jia, jia_csrf), (yi, yi_csrf) = _two_admins(app)
    report = make_report(app, station_in(app, XINCHENG))
    barrier = threading.Barrier(2)
    results = {}

    def send(who, client, csrf, status):
        form = {"csrf_token": csrf, "version": "1", "status": status, "reply": f"{who}的回复"}
        barrier.wait()
        results[who] = client.post(f"/admin/reports/{report.id}", data=form)

    threads = [
        threading.Thread(target=send, args=("甲", jia, jia_csrf, "resolved")),
        threading.Thread(target=send, args=("乙", yi, yi_csrf, "rejected")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.status_code for r in results.values()) == [303, 412]
    winner = next(who for who, r in results.items() if r.status_code == 303)
    loser = next(r for r in results.values() if r.status_code == 412)
    assert "已被他人修改" in loser.get_data(as_text=True)
    row = report_row(app, report.tracking_code)
    assert row.version == 2 and row.status == {"甲": "resolved", "乙": "rejected"}[winner]
    assert [e.reply for e in row.events if e.reply] == [f"{winner}的回复"]
