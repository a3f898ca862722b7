"""The district's queue of reports through the admin pages: every transition and who
may make it, district scope, the version lock, all-or-nothing bulk actions, and report
text shown as text."""

from __future__ import annotations

import html

import pytest

from tests.conftest import BACKENDS
from tests.integration.admin_support import (
    SAIHAN,
    XINCHENG,
    login,
    make_user,
    page_csrf,
    station_in,
)
from tests.integration.report_queue_support import admin_client, get_report, make_report


@pytest.fixture
def xc(app):
    """A logged-in district admin of 新城区 and its CSRF token."""
    return admin_client(app, "xc", "district_admin", (XINCHENG,))


def _post(client, csrf, report, **form):
    data = {"csrf_token": csrf, "version": str(report.version), **form}
    return client.post(f"/admin/reports/{report.id}", data=data)


def test_every_transition_is_recorded_with_who_reply_and_note(app, xc):
    client, csrf = xc
    make_user(app, "xc2", "district_admin", (XINCHENG,))
    report = make_report(app, station_in(app, XINCHENG))
    steps = [
        ({"status": "assigned", "assignee": "xc2", "note": "交给小王"}, "assigned"),
        ({"status": "in_progress", "reply": "已收到，正在核实"}, "in_progress"),
        ({"status": "resolved", "reply": "已核实：驿站已恢复开放"}, "resolved"),
    ]
    for form, expected in steps:
        response = _post(client, csrf, report, **form)
        assert response.status_code == 303, response.get_data(as_text=True)[:1500]
        report = get_report(app, report.id)
        assert report.status == expected
    events = report.events
    assert [(e.from_status, e.to_status) for e in events] == [
        ("new", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "resolved"),
    ]
    assert {e.actor for e in events} == {"xc"}
    assert events[0].note == "交给小王" and events[0].reply == ""
    assert report.first_reply_at == events[1].created_at
    assert report.resolved_at == events[2].created_at
    assert report.version == 4


@pytest.mark.parametrize("to", ["in_progress", "resolved", "rejected"])
def test_a_new_report_may_go_straight_to_work_or_to_its_end(app, xc, to):
    client, csrf = xc
    report = make_report(app, station_in(app, XINCHENG))
    assert _post(client, csrf, report, status=to, reply="好的").status_code == 303
    assert get_report(app, report.id).status == to


def test_a_closed_report_is_reopened_by_a_superadmin_only(app, xc):
    client, csrf = xc
    report = make_report(app, station_in(app, XINCHENG))
    _post(client, csrf, report, status="rejected", reply="不属实")
    report = get_report(app, report.id)
    refused = _post(client, csrf, report, status="in_progress")
    assert refused.status_code == 422
    assert "状态" in refused.get_data(as_text=True)
    make_user(app, "root", "superadmin")
    root = app.test_client()
    login(root, "root")
    reopened = _post(root, page_csrf(root), report, status="in_progress", note="再查一次")
    assert reopened.status_code == 303
    report = get_report(app, report.id)
    assert report.status == "in_progress" and report.resolved_at is None


def test_assigning_needs_an_administrator_of_the_reports_district(app, xc):
    client, csrf = xc
    make_user(app, "sh", "district_admin", (SAIHAN,))
    make_user(app, "look", "viewer", (XINCHENG,))
    report = make_report(app, station_in(app, XINCHENG))
    for name in ("sh", "look", "nobody", ""):
        response = _post(client, csrf, report, status="assigned", assignee=name)
        assert response.status_code == 422, name
        assert "负责人" in response.get_data(as_text=True)
    assert get_report(app, report.id).status == "new"


def test_a_viewer_reads_the_queue_but_changes_nothing(app):
    make_user(app, "look", "viewer", (XINCHENG,))
    client = app.test_client()
    login(client, "look")
    report = make_report(app, station_in(app, XINCHENG), phone="13912345678")
    page = client.get("/admin/reports").get_data(as_text=True)
    assert report.tracking_code in page and 'name="report"' not in page
    detail = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    assert 'id="transition"' not in detail and "13912345678" not in detail
    assert _post(client, page_csrf(client), report, status="rejected").status_code == 403
    assert get_report(app, report.id).status == "new"


def test_another_districts_report_is_not_found_for_a_district_admin(app, xc):
    client, csrf = xc
    theirs = make_report(app, station_in(app, SAIHAN))
    nowhere = make_report(app, None, kind="demand", district=None)
    assert theirs.tracking_code not in client.get("/admin/reports").get_data(as_text=True)
    assert client.get(f"/admin/reports/{theirs.id}").status_code == 404
    assert client.get(f"/admin/reports/{nowhere.id}").status_code == 404
    assert _post(client, csrf, theirs, status="rejected").status_code == 404
    assert get_report(app, theirs.id).status == "new"


def test_a_stale_version_is_refused(app, xc):
    client, csrf = xc
    report = make_report(app, station_in(app, XINCHENG))
    assert _post(client, csrf, report, status="in_progress").status_code == 303
    stale = _post(client, csrf, report, status="rejected", reply="旧页面")
    assert stale.status_code == 412
    assert "版本" in stale.get_data(as_text=True)
    after = get_report(app, report.id)
    assert after.status == "in_progress" and len(after.events) == 1


def test_bulk_changes_all_or_none(app, xc):
    client, csrf = xc
    station = station_in(app, XINCHENG)
    first, second = make_report(app, station), make_report(app, station)
    theirs = make_report(app, station_in(app, SAIHAN))
    chosen = [f"{r.id}:{r.version}" for r in (first, second, theirs)]
    form = {"csrf_token": csrf, "action": "reject", "reply": "重复报告", "report": chosen}
    refused = client.post("/admin/reports/bulk", data=form)
    assert refused.status_code == 404
    assert [get_report(app, r.id).status for r in (first, second, theirs)] == ["new"] * 3
    # A stale one among them: none changes either, and the page names it.
    _post(client, csrf, second, status="in_progress")
    form["report"] = [f"{first.id}:{first.version}", f"{second.id}:{second.version}"]
    stale = client.post("/admin/reports/bulk", data=form)
    assert stale.status_code == 412 and second.tracking_code in stale.get_data(as_text=True)
    assert get_report(app, first.id).status == "new"
    second = get_report(app, second.id)
    form["report"] = [f"{first.id}:{first.version}", f"{second.id}:{second.version}"]
    done = client.post("/admin/reports/bulk", data=form)
    assert done.status_code == 303
    for r in (first, second):
        after = get_report(app, r.id)
        assert after.status == "rejected" and after.events[-1].reply == "重复报告"


def test_bulk_assign_names_the_assignee(app, xc):
    client, csrf = xc
    station = station_in(app, XINCHENG)
    reports = [make_report(app, station) for _ in range(3)]
    form = {
        "csrf_token": csrf,
        "action": "assign",
        "assignee": "xc",
        "report": [f"{r.id}:{r.version}" for r in reports],
    }
    assert client.post("/admin/reports/bulk", data=form).status_code == 303
    page = client.get("/admin/reports?status=assigned").get_data(as_text=True)
    # The same station and kind: one line, the others behind "2 more like this".
    assert reports[0].tracking_code in page and "另有 2 条相同的报告" in page
    group = client.get(f"/admin/reports/{reports[0].id}/similar").get_data(as_text=True)
    assert all(r.tracking_code in group for r in reports)
    assert group.count("<td>xc</td>") == 3


def test_queue_filters_by_status_kind_age_and_station(app, xc):
    client, _csrf = xc
    station = station_in(app, XINCHENG)
    old = make_report(app, station, kind="amenity", hours_ago=30, needs=["water"])
    young = make_report(app, station, kind="closed", hours_ago=2)
    elsewhere = make_report(app, None, kind="demand", district=XINCHENG, hours_ago=50)

    def shown(query):
        page = client.get(f"/admin/reports?{query}")
        assert page.status_code == 200, query
        text = page.get_data(as_text=True)
        return {r.tracking_code for r in (old, young, elsewhere) if r.tracking_code in text}

    assert shown("") == {old.tracking_code, young.tracking_code, elsewhere.tracking_code}
    assert shown("kind=amenity") == {old.tracking_code}
    assert shown("older_than=24") == {old.tracking_code, elsewhere.tracking_code}
    assert shown(f"station={station.code}") == {old.tracking_code, young.tracking_code}
    assert shown("status=resolved") == set()
    assert shown(f"district={SAIHAN}") == set()
    bad = client.get("/admin/reports?kind=broken")
    assert bad.status_code == 400 and "类型" in bad.get_data(as_text=True)


XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_report_text_is_shown_as_text_and_the_phone_to_admins(app, xc):
    client, _csrf = xc
    report = make_report(app, station_in(app, XINCHENG), text=XSS, phone="13912345678")
    for path in ("/admin/reports", f"/admin/reports/{report.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert html.escape(XSS, quote=False)[:30] in page.replace("&#34;", '"').replace(
            "&#39;", "'"
        )
    assert "13912345678" in client.get(f"/admin/reports/{report.id}").get_data(as_text=True)


def test_the_queue_speaks_english_when_asked(app, xc):
    client, _csrf = xc
    make_report(app, station_in(app, XINCHENG))
    page = client.get("/admin/reports?lang=en").get_data(as_text=True)
    assert "Workers&#39; reports" in page and "Closed / not open as listed" in page


def test_a_reply_alone_keeps_the_state_and_sets_the_first_reply_once(app, xc):
    client, csrf = xc
    report = make_report(app, station_in(app, XINCHENG))
    assert _post(client, csrf, report, status="new", reply="收到，明天去看").status_code == 303
    report = get_report(app, report.id)
    first = report.first_reply_at
    assert report.status == "new" and first is not None
    assert _post(client, csrf, report, status="new", reply="又去看了").status_code == 303
    report = get_report(app, report.id)
    assert report.first_reply_at == first and len(report.events) == 2
    nothing = _post(client, csrf, report, status="new")
    assert nothing.status_code == 422 and "状态" in nothing.get_data(as_text=True)


def test_queue_writes_need_the_csrf_token(app, xc):
    client, _csrf = xc
    report = make_report(app, station_in(app, XINCHENG))
    chosen = {"action": "reject", "report": [f"{report.id}:{report.version}"]}
    assert client.post("/admin/reports/bulk", data=chosen).status_code == 400
    assert _post(client, "wrong", report, status="rejected").status_code == 400
    assert get_report(app, report.id).status == "new"


@pytest.mark.parametrize(
    "query",
    [
        "older_than=nan",
        "older_than=inf",
        "older_than=1e400",
        "older_than=-1",
        "after=99999999999999999999",
        "district=%E2%80%AE",
        "station=%25_%5C",
        "status=open&kind=demand&unanswered=1",
    ],
)
def test_odd_queue_queries_are_answered_not_failed(app, xc, query):
    client, _csrf = xc
    make_report(app, station_in(app, XINCHENG))
    response = client.get(f"/admin/reports?{query}")
    assert response.status_code in (200, 400), query
    if response.status_code == 400:
        assert "时长" in response.get_data(as_text=True)


def test_a_bulk_choice_that_no_report_can_have_is_a_400(app, xc):
    client, csrf = xc
    for value in ("1:99999999999999999999", "99999999999999999999:1", "x:1", "1"):
        form = {"csrf_token": csrf, "action": "reject", "report": [value]}
        assert client.post("/admin/reports/bulk", data=form).status_code == 400, value


# SQLite write transactions hold the lock from their first statement (BEGIN IMMEDIATE):
# no other write can come between a read and its write there. PostgreSQL only.
@pytest.mark.parametrize("backend", [b for b in BACKENDS if b == "postgres"], indirect=True)
def test_a_change_written_meanwhile_by_another_transaction_is_stale(app, backend):
    """The version check and the write are one statement (UPDATE … WHERE version = ?),
    so a change made after this transaction read the report is refused, not lost."""
    from stationmap.app_state import state
    from stationmap.services import report_queue as queue
    from stationmap.services import users as user_service
    from stationmap.services.users import principal

    make_user(app, "xc", "district_admin", (XINCHENG,))
    report = make_report(app, station_in(app, XINCHENG))
    database = state(app).db
    with database.session() as session:
        me = principal(session, user_service.get_user(session, "xc"))
    reader = database.session()
    try:
        seen = reader.get(type(report), report.id)
        assert seen.version == 1
        with database.write_session() as other:
            queue.apply_change(
                other, other.get(type(report), report.id), queue.Change("in_progress"), me, 1
            )
        with pytest.raises(queue.StaleReport):
            queue.apply_change(reader, seen, queue.Change("rejected", reply="晚了"), me, 1)
        reader.rollback()
    finally:
        reader.close()
    after = get_report(app, report.id)
    assert after.status == "in_progress" and [e.to_status for e in after.events] == ["in_progress"]
