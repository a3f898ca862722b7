"""Many couriers reporting the same thing: the queue shows open reports of the same
station, kind and amenity as one line with their count and time span, the line opens
a view of them all, and one action (with one reply) moves the whole group, all or
none, each report checked against the version the administrator saw."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from stationmap.app_state import state
from stationmap.models import Report
from tests.conftest import BACKENDS
from tests.integration.admin_support import SAIHAN, XINCHENG, make_user, station_in
from tests.integration.report_queue_support import admin_client, get_report, make_report

NOW = datetime.now(UTC)


@pytest.fixture
def xc(app):
    return admin_client(app, "xc", "district_admin", (XINCHENG,))


def _closed_reports(app, station, n, *, start_hours_ago=3.0):
    """``n`` "closed" reports about ``station``, each from another client, a minute apart
    (oldest first)."""
    return [
        make_report(app, station, text=f"第{i}位快递员：关门了", hours_ago=start_hours_ago - i / 60)
        for i in range(n)
    ]


def _lines(page: str) -> list[str]:
    """The queue's lines (table rows of reports) as HTML."""
    return re.findall(r'<tr class="report[^"]*" data-id="\d+">.*?</tr>', page, re.S)


def _members(page: str) -> list[str]:
    """The ``report`` values (id:version) of a group page's form."""
    return re.findall(r'name="report" value="(\d+:\d+)"', page)


def test_twenty_same_reports_are_one_line_with_count_and_span_in_zh_and_en(app, xc):
    client, _csrf = xc
    station = station_in(app, XINCHENG)
    same = _closed_reports(app, station, 20)
    water = make_report(app, station, kind="amenity", needs=["water"], hours_ago=2)
    toilet = make_report(app, station, kind="amenity", needs=["toilet"], hours_ago=2)
    elsewhere = make_report(app, station_in(app, SAIHAN))  # not theirs: not counted
    page = client.get("/admin/reports").get_data(as_text=True)
    lines = _lines(page)
    # One line for the 20, one for each amenity: 3 lines, not 22.
    assert len(lines) == 3
    group = next(line for line in lines if same[0].tracking_code in line)
    assert "另有 19 条相同的报告" in group
    assert all(r.tracking_code not in page for r in same[1:])
    assert water.tracking_code in page and toilet.tracking_code in page
    assert elsewhere.tracking_code not in page
    # The span: the first one's and the latest one's local time (Asia/Shanghai, +8).
    first = same[0].created_at.astimezone(state(app).settings.tz).strftime("%Y-%m-%d %H:%M")
    latest = same[-1].created_at.astimezone(state(app).settings.tz).strftime("%Y-%m-%d %H:%M")
    assert f"最早 {first}" in group and f"最近 {latest}" in group
    english = _lines(client.get("/admin/reports?lang=en").get_data(as_text=True))
    group_en = next(line for line in english if same[0].tracking_code in line)
    assert "19 more like this" in group_en and f"First {first}" in group_en
    assert "New 20" in group_en


def test_the_group_view_lists_every_report_with_text_time_and_status(app, xc):
    client, _csrf = xc
    same = _closed_reports(app, station_in(app, XINCHENG), 4)
    page = client.get(f"/admin/reports/{same[0].id}/similar").get_data(as_text=True)
    assert len(_members(page)) == 4
    for r in same:
        assert r.tracking_code in page and r.text in page
    assert "共 4 条报告" in page
    assert page.count('<td class="status">新报告</td>') == 4
    english = client.get(f"/admin/reports/{same[2].id}/similar?lang=en").get_data(as_text=True)
    assert "4 reports" in english and "Apply to 4 reports" in english
    assert "Reports like this: " in english and "：" not in english.split("<h1>")[1][:60]


def test_one_action_moves_the_whole_group_and_every_reporter_sees_the_reply(app, xc):
    client, csrf = xc
    same = _closed_reports(app, station_in(app, XINCHENG), 5)
    codes = ["ABCDEFG2", "ABCDEFG3", "ABCDEFG4", "ABCDEFG5", "ABCDEFG6"]
    with state(app).db.write_session() as session:
        for r, code in zip(same, codes, strict=True):
            session.get(Report, r.id).tracking_code = code
    page = client.get(f"/admin/reports/{same[0].id}/similar").get_data(as_text=True)
    form = {
        "csrf_token": csrf,
        "action": "resolve",
        "reply": "已联系站长，驿站明天恢复营业",
        "report": _members(page),
    }
    done = client.post(f"/admin/reports/{same[0].id}/similar", data=form)
    assert done.status_code == 303
    for r in same:
        after = get_report(app, r.id)
        assert after.status == "resolved"
        assert after.events[-1].reply == "已联系站长，驿站明天恢复营业"
    public = app.test_client()
    for code in codes:
        assert "已联系站长，驿站明天恢复营业" in public.get(f"/r/{code}").get_data(as_text=True)


def test_a_group_action_is_all_or_none_and_checks_each_version(app, xc):
    client, csrf = xc
    same = _closed_reports(app, station_in(app, XINCHENG), 3)
    page = client.get(f"/admin/reports/{same[0].id}/similar").get_data(as_text=True)
    seen = _members(page)
    # Meanwhile someone starts work on the second one alone.
    one = {"csrf_token": csrf, "version": "1", "status": "in_progress"}
    assert client.post(f"/admin/reports/{same[1].id}", data=one).status_code == 303
    form = {"csrf_token": csrf, "action": "reject", "reply": "不属实", "report": seen}
    stale = client.post(f"/admin/reports/{same[0].id}/similar", data=form)
    assert stale.status_code == 412
    assert same[1].tracking_code in stale.get_data(as_text=True)
    assert [get_report(app, r.id).status for r in same] == ["new", "in_progress", "new"]
    assert [len(get_report(app, r.id).events) for r in same] == [0, 1, 0]


def test_a_report_arriving_meanwhile_joins_the_group_and_the_action_waits_for_a_reload(app, xc):
    client, csrf = xc
    station = station_in(app, XINCHENG)
    same = _closed_reports(app, station, 3)
    page = client.get(f"/admin/reports/{same[0].id}/similar").get_data(as_text=True)
    form = {"csrf_token": csrf, "action": "in_progress", "reply": "正在核实", "report": []}
    form["report"] = _members(page)
    assert client.post(f"/admin/reports/{same[0].id}/similar", data=form).status_code == 303
    late = make_report(app, station, text="也关门了", hours_ago=0.1)
    # The queue's line grows, and says one is new among those in progress.
    line = next(
        line
        for line in _lines(client.get("/admin/reports").get_data(as_text=True))
        if same[0].tracking_code in line
    )
    assert "另有 3 条相同的报告" in line and "处理中 3" in line and "新报告 1" in line
    # An action sent from the page read before it came is refused, naming the count.
    form["action"], form["reply"] = "resolve", "已恢复营业"
    refused = client.post(f"/admin/reports/{same[0].id}/similar", data=form)
    assert refused.status_code == 412
    text = refused.get_data(as_text=True)
    assert "现有 4 条" in text and "您看到的是 3 条" in text and late.tracking_code in text
    assert get_report(app, late.id).status == "new"
    # Read again, the same action covers it too.
    page = client.get(f"/admin/reports/{same[0].id}/similar").get_data(as_text=True)
    form["report"] = _members(page)
    assert client.post(f"/admin/reports/{same[0].id}/similar", data=form).status_code == 303
    assert {get_report(app, r.id).status for r in [*same, late]} == {"resolved"}


def test_a_report_after_the_group_was_resolved_starts_a_new_line(app, xc):
    client, csrf = xc
    station = station_in(app, XINCHENG)
    same = _closed_reports(app, station, 3)
    page = client.get(f"/admin/reports/{same[0].id}/similar").get_data(as_text=True)
    form = {"csrf_token": csrf, "action": "resolve", "reply": "已恢复", "report": _members(page)}
    assert client.post(f"/admin/reports/{same[0].id}/similar", data=form).status_code == 303
    after = make_report(app, station, text="又关门了", hours_ago=0.1)
    lines = _lines(client.get("/admin/reports").get_data(as_text=True))
    # The three resolved ones are a line each, the new one a line of its own.
    assert len(lines) == 4
    assert not any("相同的报告" in line for line in lines)
    new_line = next(line for line in lines if after.tracking_code in line)
    assert "新报告" in new_line
    group = client.get(f"/admin/reports/{after.id}/similar").get_data(as_text=True)
    assert _members(group) == [f"{after.id}:1"]


def test_filters_and_paging_count_lines_not_reports(app, xc):
    client, _csrf = xc
    station = station_in(app, XINCHENG)
    old = _closed_reports(app, station, 3, start_hours_ago=30)
    young = _closed_reports(app, station, 2, start_hours_ago=2)
    other = make_report(app, station, kind="other", hours_ago=1)
    whole = _lines(client.get("/admin/reports").get_data(as_text=True))
    assert len(whole) == 2 and "另有 4 条相同的报告" in whole[0]
    # Older than a day: only the three old ones match, and they are the line.
    aged = _lines(client.get("/admin/reports?older_than=24").get_data(as_text=True))
    assert len(aged) == 1 and "另有 2 条相同的报告" in aged[0]
    # Younger ones are not a line of their own when unfiltered (they are in the group),
    # but a filter that leaves only them makes them the line.
    with state(app).db.write_session() as session:
        session.get(Report, young[0].id).first_reply_at = NOW
    unanswered = _lines(client.get("/admin/reports?unanswered=1").get_data(as_text=True))
    assert len(unanswered) == 2 and "另有 3 条相同的报告" in unanswered[0]
    # Paging counts lines: the group fills the first page, the other report the second.
    import stationmap.services.report_queue as queue

    with state(app).db.session() as session:
        first, after = queue.list_lines(session, None, queue.ReportFilter(limit=1))
        assert [line.row.id for line in first] == [old[0].id] and first[0].count == 5
        second, end = queue.list_lines(
            session, None, queue.ReportFilter(limit=1, after_id=after or 0)
        )
        assert [line.row.id for line in second] == [other.id] and end is None


def test_two_admins_acting_on_one_group_at_once_one_wins(app, xc):
    client, csrf = xc
    make_user(app, "xc2", "district_admin", (XINCHENG,))
    other, other_csrf = admin_client(app, "xc3", "district_admin", (XINCHENG,))
    same = _closed_reports(app, station_in(app, XINCHENG), 3)
    url = f"/admin/reports/{same[0].id}/similar"
    mine = _members(client.get(url).get_data(as_text=True))
    theirs = _members(other.get(url).get_data(as_text=True))
    first = client.post(
        url, data={"csrf_token": csrf, "action": "reject", "reply": "重复", "report": mine}
    )
    second = other.post(
        url,
        data={"csrf_token": other_csrf, "action": "assign", "assignee": "xc2", "report": theirs},
    )
    assert first.status_code == 303 and second.status_code == 412
    for r in same:
        after = get_report(app, r.id)
        assert after.status == "rejected" and [e.actor for e in after.events] == ["xc"]


# SQLite write transactions hold the lock from their first statement: no other write can
# come between a read and its write there (the test above covers it through the pages).
@pytest.mark.parametrize("backend", [b for b in BACKENDS if b == "postgres"], indirect=True)
def test_a_group_changed_by_another_transaction_after_it_was_read_is_stale(app, backend):
    from stationmap.services import report_queue as queue
    from stationmap.services import users as user_service
    from stationmap.services.users import principal

    make_user(app, "xc", "district_admin", (XINCHENG,))
    same = _closed_reports(app, station_in(app, XINCHENG), 3)
    versions = {r.id: 1 for r in same}
    database = state(app).db
    with database.session() as session:
        me = principal(session, user_service.get_user(session, "xc"))
    reader = database.session()
    try:
        assert len(queue.similar_to(reader, reader.get(Report, same[0].id), None)) == 3
        with database.write_session() as other:
            queue.apply_group(other, same[0].id, dict(versions), queue.Change("in_progress"), me)
        with pytest.raises(queue.StaleReport):
            queue.apply_group(reader, same[0].id, versions, queue.Change("rejected"), me)
        reader.rollback()
    finally:
        reader.close()
    assert [e.to_status for e in get_report(app, same[2].id).events] == ["in_progress"]


def test_the_dashboard_counts_open_reports_each_and_queue_lines_once_per_group(app, xc):
    from stationmap.services import report_figures

    client, csrf = xc
    station = station_in(app, XINCHENG)
    _closed_reports(app, station, 4)
    make_report(app, station, kind="amenity", needs=["water"])
    make_report(app, station, kind="amenity", needs=["toilet"])
    make_report(app, None, kind="demand", district=XINCHENG)
    make_report(app, None, kind="demand", district=XINCHENG)
    done = make_report(app, station)
    one = {"csrf_token": csrf, "version": "1", "status": "rejected", "reply": "重复"}
    assert client.post(f"/admin/reports/{done.id}", data=one).status_code == 303
    with state(app).db.session() as session:
        (xc_figures,) = report_figures.figures(session, frozenset({XINCHENG}))
    # 4 + 1 + 1 + 2 open reports; lines: the four alike, water, toilet, two demands.
    assert xc_figures.open == 8 and xc_figures.open_lines == 5
    page = client.get("/admin/").get_data(as_text=True)
    assert 'class="open-lines">5</a>' in page and '<td class="num open">8</td>' in page
    queue_page = client.get(f"/admin/reports?status=open&district={XINCHENG}")
    assert len(_lines(queue_page.get_data(as_text=True))) == 5


def test_another_districts_group_is_not_found_and_a_viewer_gets_no_form(app, xc):
    client, csrf = xc
    theirs = _closed_reports(app, station_in(app, SAIHAN), 2)
    url = f"/admin/reports/{theirs[0].id}/similar"
    assert client.get(url).status_code == 404
    form = {"csrf_token": csrf, "action": "reject", "report": [f"{r.id}:1" for r in theirs]}
    assert client.post(url, data=form).status_code == 404
    assert client.post(url, data={**form, "report": ["x:1"]}).status_code == 400
    assert {get_report(app, r.id).status for r in theirs} == {"new"}
    look, _ = admin_client(app, "look", "viewer", (SAIHAN,))
    page = look.get(url).get_data(as_text=True)
    assert theirs[1].tracking_code in page and 'id="group-submit"' not in page


def _user_id(app, username: str) -> int:
    from sqlalchemy import select

    from stationmap.models import User

    with state(app).db.session() as session:
        return session.scalar(select(User.id).where(User.username == username))


def _cells(line: str) -> list[str]:
    """A queue line's cells as text."""
    return [
        re.sub(r"<[^>]+>", " ", cell).split()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", line, re.S)
    ]


def test_a_group_line_says_the_whole_groups_replies_assignees_and_repeats(app, xc):
    """Was: a group's line showed its first report's first reply, assignee and repeats,
    so 5 reports of which 3 were assigned to 王五 and 2 answered read "— —" (the first
    was neither)."""
    client, _csrf = xc
    make_user(app, "wangwu", "district_admin", (XINCHENG,))
    make_user(app, "zhaoliu", "district_admin", (XINCHENG,))
    wangwu, zhaoliu = _user_id(app, "wangwu"), _user_id(app, "zhaoliu")
    station = station_in(app, XINCHENG)
    replied = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    for i, (assignee, answered, repeats) in enumerate(
        [
            (None, False, 0),
            (wangwu, True, 2),
            (wangwu, False, 1),
            (wangwu, True, 0),
            (zhaoliu, False, 3),
        ]
    ):
        make_report(
            app,
            station,
            text=f"第{i}位：关门了",
            hours_ago=3 - i / 60,
            status="assigned" if assignee else "new",
            assignee_id=assignee,
            first_reply_at=replied if answered else None,
            repeats=repeats,
        )
    (line,) = _lines(client.get("/admin/reports").get_data(as_text=True))
    cells = _cells(line)
    assert ["已回复", "2/5"] in cells
    assert ["wangwu", "3、zhaoliu", "1、未分配", "1"] in cells
    assert cells[-1] == ["6"]  # 0 + 2 + 1 + 0 + 3
    (line_en,) = _lines(client.get("/admin/reports?lang=en").get_data(as_text=True))
    cells_en = _cells(line_en)
    assert ["2", "of", "5", "answered"] in cells_en
    assert ["wangwu", "3,", "zhaoliu", "1,", "unassigned", "1"] in cells_en


def test_a_group_with_one_assignee_names_them_once(app, xc):
    client, _csrf = xc
    make_user(app, "wangwu", "district_admin", (XINCHENG,))
    wangwu = _user_id(app, "wangwu")
    station = station_in(app, XINCHENG)
    for i in range(3):
        make_report(app, station, hours_ago=3 - i / 60, status="assigned", assignee_id=wangwu)
    (line,) = _lines(client.get("/admin/reports").get_data(as_text=True))
    cells = _cells(line)
    assert ["wangwu"] in cells and ["已回复", "0/3"] in cells
