"""A form edited after its first send reached the server: the rider's phone lost the
answer, the rider changed the text (or the kind, the amenity, the phone) and tapped
提交报告 again with the same one-time key. Before, the server answered the first receipt
and the edit was dropped without a word. Now the edit is added to the same report as
the reporter's note, which the administrator sees in the report's history; the receipt
says the changes were added. Never a second report; the same edit sent again adds
nothing; a form sent again unchanged is answered as before. On SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Report, ReportEvent
from tests.integration import report_support as support
from tests.integration.admin_support import XINCHENG, login, make_user, station_in

BY_SCRIPT = {"X-Requested-With": "fetch"}
HEAD = (
    "报告人在报告收到后修改了内容并再次发送，改后的内容："
    " / The reporter edited the report after it was received and sent it again; now:"
)


def _notes(app, code: str) -> list[tuple[str | None, str, str, str]]:
    """The report's events after its first: (from, to, actor, note)."""
    with state(app).db.session() as session:
        report_id = session.scalar(select(Report.id).where(Report.tracking_code == code))
        events = session.scalars(
            select(ReportEvent).where(ReportEvent.report_id == report_id).order_by(ReportEvent.id)
        )
        return [(e.from_status, e.to_status, e.actor, e.note) for e in events][1:]


def test_an_edited_text_sent_again_is_added_to_the_same_report_as_the_reporters_note(app, client):
    station = station_in(app, XINCHENG)
    path = f"/s/{station.code}/report"
    fields = {**support.form_fields(client, path), "kind": "other", "text": "饮水机坏了"}
    first = client.post(path, data=fields, headers=BY_SCRIPT)
    assert first.status_code == 303
    code = support.receipt_code(client.get(first.headers["Location"]))
    version = support.report_row(app, code).version

    # The answer was lost; the rider adds a line and taps again (same key).
    edited = {**fields, "text": "饮水机坏了\r\n从昨天开始不出水"}
    again = client.post(path, data=edited, headers=BY_SCRIPT)
    assert (again.status_code, again.headers["Location"]) == (303, first.headers["Location"])
    assert support.report_count(app) == 1
    row = support.report_row(app, code)
    # The report keeps what it first said (an administrator may be reading it), and
    # its version: an If-Match taken before stays good.
    assert (row.text, row.version, row.repeats) == ("饮水机坏了", version, 0)
    assert _notes(app, code) == [
        ("new", "new", "", f"{HEAD}\n说明 Details: 饮水机坏了\n从昨天开始不出水")
    ]
    receipt = client.get(again.headers["Location"]).get_data(as_text=True)
    assert support.EDIT_ADDED["zh"] in receipt and code in receipt
    english = client.get(again.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert support.EDIT_ADDED["en"] in english

    # That edit's answer lost too: the same edit again adds nothing more.
    client.post(path, data=edited, headers=BY_SCRIPT)
    assert support.report_count(app) == 1 and len(_notes(app, code)) == 1

    # The administrator sees the note in the report's history, by the reporter.
    make_user(app, "xc", "district_admin", (XINCHENG,))
    login(client, "xc")
    page = client.get(f"/admin/reports/{row.id}").get_data(as_text=True)
    assert "从昨天开始不出水" in page


def test_a_plain_form_sent_again_edited_gets_the_receipt_saying_so(app, client):
    station = station_in(app, XINCHENG)
    path = f"/s/{station.code}/report"
    fields = {**support.form_fields(client, path), "kind": "closed", "text": "门锁了", "phone": ""}
    first = client.post(path, data=fields)
    assert support.EDIT_ADDED["zh"] not in first.get_data(as_text=True)
    edited = {**fields, "kind": "amenity", "amenity": "water", "text": "", "phone": "13912345678"}
    again = client.post(path, data=edited, environ_base={"REMOTE_ADDR": "10.9.7.7"})
    assert again.status_code == 200
    assert (
        support.receipt_code(again) == support.receipt_code(first)
        and support.report_count(app) == 1
    )
    assert support.EDIT_ADDED["zh"] in again.get_data(as_text=True)
    [(_, _, actor, note)] = _notes(app, support.receipt_code(first))
    assert actor == ""
    assert note.split("\n") == [
        HEAD,
        "类型 Problem: 设施缺失或损坏 (Amenity missing or broken)",
        "设施 Amenities: 饮用水（冷热） (Drinking water, hot and cold)",
        "说明 Details: （已删除） (removed)",
        "电话 Phone: 13912345678",
    ]


def test_a_form_sent_again_unchanged_is_answered_as_before(app, client):
    station = station_in(app, XINCHENG)
    path = f"/s/{station.code}/report"
    fields = {**support.form_fields(client, path), "kind": "other", "text": "灯不亮"}
    first = client.post(path, data=fields)
    again = client.post(path, data=fields)
    html = again.get_data(as_text=True)
    assert (
        support.receipt_code(again) == support.receipt_code(first)
        and support.EDIT_ADDED["zh"] not in html
    )
    assert support.report_count(app) == 1 and _notes(app, support.receipt_code(first)) == []


def test_a_demand_pin_moved_after_the_first_send_is_noted(app, client):
    fields = support.demand_fields(client)
    first = client.post("/demand", data=fields)
    moved = {**fields, "lat": "44.31", "needs": ["water", "toilet"]}
    again = client.post("/demand", data=moved)
    assert (
        support.receipt_code(again) == support.receipt_code(first)
        and support.report_count(app) == 1
    )
    [(_, _, _, note)] = _notes(app, support.receipt_code(first))
    needs = "设施 Amenities: 卫生间 (Toilet)、饮用水（冷热） (Drinking water, hot and cold)"
    assert note == f"{HEAD}\n{needs}\n位置 Position: 44.31, 86.217 (WGS-84)"


def test_an_edit_that_is_invalid_is_refused_and_the_report_untouched(app, client):
    station = station_in(app, XINCHENG)
    path = f"/s/{station.code}/report"
    fields = {**support.form_fields(client, path), "kind": "other", "text": "有问题"}
    code = support.receipt_code(client.post(path, data=fields))
    refused = client.post(path, data={**fields, "text": ""})  # "other" needs its text
    assert refused.status_code == 422
    assert _notes(app, code) == [] and support.report_count(app) == 1


def test_one_form_adds_at_most_three_edits_however_often_it_is_sent(app, client):
    """One key sent over and over with new text (a script, not a rider) must not flood
    the report with notes past the limits that count reports."""
    station = station_in(app, XINCHENG)
    path = f"/s/{station.code}/report"
    fields = {**support.form_fields(client, path), "kind": "other", "text": "第0次"}
    first = client.post(path, data=fields, headers=BY_SCRIPT)
    code = support.receipt_code(client.get(first.headers["Location"]))
    for n in range(1, 8):
        again = client.post(path, data={**fields, "text": f"第{n}次"}, headers=BY_SCRIPT)
        assert (again.status_code, again.headers["Location"]) == (303, first.headers["Location"])
    assert support.report_count(app) == 1
    assert [note.rsplit(" ", 1)[1] for *_, note in _notes(app, code)] == ["第1次", "第2次", "第3次"]
