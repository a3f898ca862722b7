"""The station editor: district scope, assigned districts and codes, validation that
re-shows the form, duplicates, history and restore, conflicts, soft delete, verified."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.geo.datum import from_wgs84, wgs84_to_gcj02
from stationmap.models import Station, StationRevision
from tests.conftest import _copy_sqlite, _make_app
from tests.integration.admin_support import (
    HOHHOT,
    KUNMING_XISHAN,
    SAIHAN,
    XINCHENG,
    button_form,
    form_of,
    free_point,
    login,
    make_user,
    new_form,
    page_csrf,
    station_in,
)
from tests.integration.unchanged import assert_unchanged, snapshot


@pytest.fixture
def xc(app):
    """A logged-in district admin of 新城区 and its CSRF token."""
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    login(client, "xc")
    return client, page_csrf(client)


def _get(app, station_id):
    with state(app).db.session() as session:
        return session.get(Station, station_id)


def _revisions(app, station_id):
    with state(app).db.session() as session:
        return list(
            session.scalars(
                select(StationRevision)
                .where(StationRevision.station_id == station_id)
                .order_by(StationRevision.number)
            )
        )


def _created_id(response):
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/admin/stations/(\d+)$", response.headers["Location"]).group(1))


def test_district_admin_cannot_see_or_change_another_district(app, xc):
    client, token = xc
    other = station_in(app, SAIHAN)
    assert client.get(f"/admin/stations/{other.id}").status_code == 404
    assert client.get(f"/admin/stations/{other.id}/history").status_code == 404
    before = snapshot(app)
    for path, data in (
        (f"/admin/stations/{other.id}", form_of(other, name="改了")),
        (f"/admin/stations/{other.id}/delete", {}),
        (f"/admin/stations/{other.id}/verify", {}),
        (f"/admin/stations/{other.id}/restore/1", {"version": str(other.version)}),
    ):
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 404, path
    listing = client.get("/admin/stations").get_data(as_text=True)
    assert other.code not in listing
    assert station_in(app, XINCHENG).code in listing
    assert_unchanged(before, app)


def test_scope_includes_child_districts(app):
    make_user(app, "city", "district_admin", (HOHHOT,))
    client = app.test_client()
    login(client, "city")
    for district in (XINCHENG, SAIHAN):
        assert client.get(f"/admin/stations/{station_in(app, district).id}").status_code == 200
    assert client.get(f"/admin/stations/{station_in(app, KUNMING_XISHAN).id}").status_code == 404


def test_create_assigns_district_and_code_and_records_a_revision(app, xc):
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    form = new_form(lat, lon, csrf_token=token, district_code=SAIHAN, code="150105-0999")
    station_id = _created_id(client.post("/admin/stations/new", data=form))
    station = _get(app, station_id)
    assert station.district_code == XINCHENG
    assert station.code.startswith(XINCHENG + "-")
    assert sorted(station.amenities) == ["toilet", "water"]
    assert station.services == ["免费饮水", "手机充电"]
    revisions = _revisions(app, station_id)
    assert [(r.number, r.action, r.actor) for r in revisions] == [(1, "create", "xc")]
    assert revisions[0].changes["name"] == [None, "测试驿站"]


def test_typed_gcj02_coordinates_are_stored_as_wgs84(app, xc):
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    g_lat, g_lon = wgs84_to_gcj02(lat, lon)
    form = new_form(g_lat, g_lon, datum="gcj02", csrf_token=token)
    station = _get(app, _created_id(client.post("/admin/stations/new", data=form)))
    assert abs(station.lat - lat) < 1e-6 and abs(station.lon - lon) < 1e-6
    assert station.entered_datum == "gcj02"


def test_point_outside_the_admins_districts_is_refused_with_a_message(app, xc):
    client, token = xc
    lat, lon = free_point(app, SAIHAN)
    before = snapshot(app)
    response = client.post("/admin/stations/new", data=new_form(lat, lon, csrf_token=token))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "不在您负责的区县内" in html and SAIHAN in html
    assert 'value="测试驿站"' in html  # the form is shown again with what was typed
    station = station_in(app, XINCHENG)
    moved = form_of(station, lat=f"{lat:.7f}", lon=f"{lon:.7f}", csrf_token=token)
    response = client.post(f"/admin/stations/{station.id}", data=moved)
    assert response.status_code == 422
    assert_unchanged(before, app)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "名称"),
        ("lat", "abc", "纬度"),
        ("lat", "NaN", "纬度"),
        ("opening_hours", "Mo-Fr 8", "开放时间"),
        ("amenities", ["water", "jacuzzi"], "jacuzzi"),
        ("datum", "mars", "坐标系"),
        ("status", "deleted", "状态"),
    ],
)
def test_invalid_input_reshows_the_form_with_messages(app, xc, field, value, message):
    client, token = xc
    station = station_in(app, XINCHENG)
    before = snapshot(app)
    response = client.post(
        f"/admin/stations/{station.id}", data=form_of(station, csrf_token=token, **{field: value})
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert_unchanged(before, app)
    lat, lon = free_point(app, XINCHENG)
    response = client.post(
        "/admin/stations/new", data={**new_form(lat, lon, csrf_token=token), field: value}
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert_unchanged(before, app)


def test_missing_version_is_refused_not_a_500(app, xc):
    client, token = xc
    station = station_in(app, XINCHENG)
    data = form_of(station, csrf_token=token)
    del data["version"]
    before = snapshot(app)
    assert client.post(f"/admin/stations/{station.id}", data=data).status_code == 400
    assert_unchanged(before, app)


def test_duplicate_within_50_m_is_shown_before_saving(app, xc):
    client, token = xc
    existing = station_in(app, XINCHENG)
    form = new_form(existing.lat + 0.0001, existing.lon, name=existing.name, csrf_token=token)
    unchanged = snapshot(app)
    response = client.post("/admin/stations/new", data=form)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'id="duplicates"' in html and existing.code in html
    assert_unchanged(unchanged, app)
    with state(app).db.session() as session:
        before = len(session.scalars(select(Station)).all())
    _created_id(client.post("/admin/stations/new", data={**form, "confirm_duplicate": "1"}))
    with state(app).db.session() as session:
        assert len(session.scalars(select(Station)).all()) == before + 1


def test_edit_history_and_restore_the_first_revision(app, xc):
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    station_id = _created_id(
        client.post("/admin/stations/new", data=new_form(lat, lon, csrf_token=token))
    )
    station = _get(app, station_id)
    response = client.post(
        f"/admin/stations/{station_id}",
        data=form_of(station, name="改名驿站", amenities=["water"], csrf_token=token),
    )
    assert response.status_code == 303
    edited = _get(app, station_id)
    assert edited.name == "改名驿站" and edited.amenities == ["water"]
    history = client.get(f"/admin/stations/{station_id}/history").get_data(as_text=True)
    assert "改名驿站" in history and "测试驿站" in history and "xc" in history
    response = client.post(
        f"/admin/stations/{station_id}/restore/1",
        data={"csrf_token": token, "version": str(edited.version)},
    )
    assert response.status_code == 303
    restored = _get(app, station_id)
    assert restored.name == "测试驿站" and sorted(restored.amenities) == ["toilet", "water"]
    revisions = _revisions(app, station_id)
    assert [r.action for r in revisions] == ["create", "update", "restore"]
    assert revisions[-1].restored_from == 1
    assert revisions[-1].changes["name"] == ["改名驿站", "测试驿站"]


def test_first_edit_of_an_older_station_keeps_a_baseline_to_restore(app, xc):
    client, token = xc
    station = station_in(app, XINCHENG)
    client.post(
        f"/admin/stations/{station.id}", data=form_of(station, name="新名字", csrf_token=token)
    )
    revisions = _revisions(app, station.id)
    assert [r.action for r in revisions] == ["baseline", "update"]
    assert revisions[0].snapshot["name"] == station.name
    current = _get(app, station.id)
    client.post(
        f"/admin/stations/{station.id}/restore/1",
        data={"csrf_token": token, "version": str(current.version)},
    )
    assert _get(app, station.id).name == station.name


def test_stale_edit_gets_a_conflict_page_not_an_overwrite(app, xc):
    client, token = xc
    make_user(app, "xc2", "district_admin", (XINCHENG,))
    other = app.test_client()
    login(other, "xc2")
    other_token = page_csrf(other)
    station = station_in(app, XINCHENG)
    first = client.post(
        f"/admin/stations/{station.id}", data=form_of(station, name="甲的名字", csrf_token=token)
    )
    assert first.status_code == 303
    before = snapshot(app)
    second = other.post(
        f"/admin/stations/{station.id}",
        data=form_of(station, name="乙的名字", csrf_token=other_token),
    )
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "甲的名字" in html and "乙的名字" in html and 'id="conflict"' in html
    assert_unchanged(before, app)


def test_soft_delete_and_undo(app, xc):
    client, _token = xc
    station = station_in(app, XINCHENG)
    assert (
        client.post(
            f"/admin/stations/{station.id}/delete", data=button_form(client, station.id, "delete")
        ).status_code
        == 303
    )
    assert _get(app, station.id).deleted_at is not None
    assert app.test_client().get(f"/api/v1/stations/{station.id}").status_code == 404
    page = client.get(f"/admin/stations/{station.id}").get_data(as_text=True)
    assert 'id="undelete"' in page
    client.post(
        f"/admin/stations/{station.id}/undelete", data=button_form(client, station.id, "undelete")
    )
    assert _get(app, station.id).deleted_at is None
    assert app.test_client().get(f"/api/v1/stations/{station.id}").status_code == 200
    assert [r.action for r in _revisions(app, station.id)][-2:] == ["delete", "undelete"]


def test_mark_verified_and_the_unverified_list(app, xc):
    client, _token = xc
    station = station_in(app, XINCHENG)
    assert station.code in client.get("/admin/unverified").get_data(as_text=True)
    client.post(
        f"/admin/stations/{station.id}/verify", data=button_form(client, station.id, "verify")
    )
    verified = _get(app, station.id)
    assert datetime.now(UTC) - verified.verified_at < timedelta(minutes=5)
    assert station.code not in client.get("/admin/unverified").get_data(as_text=True)
    with state(app).db.write_session() as session:
        row = session.get(Station, station.id)
        row.verified_at = datetime.now(UTC) - timedelta(days=181)
    assert station.code in client.get("/admin/unverified").get_data(as_text=True)


def test_viewer_sees_but_cannot_change(app):
    make_user(app, "v", "viewer", (XINCHENG,))
    client = app.test_client()
    login(client, "v")
    station = station_in(app, XINCHENG)
    page = client.get(f"/admin/stations/{station.id}")
    assert page.status_code == 200 and 'id="save"' not in page.get_data(as_text=True)
    token = page_csrf(client)
    before = snapshot(app)
    response = client.post(f"/admin/stations/{station.id}/verify", data={"csrf_token": token})
    assert response.status_code == 403
    for path, data in (
        (f"/admin/stations/{station.id}", form_of(station, name="看客改名")),
        (f"/admin/stations/{station.id}/delete", {}),
        (f"/admin/stations/{station.id}/restore/1", {"version": str(station.version)}),
        ("/admin/stations/new", new_form(*free_point(app, XINCHENG))),
    ):
        refused = client.post(path, data={**data, "csrf_token": token})
        assert refused.status_code in (403, 404), path
    assert_unchanged(before, app)
    assert client.get(f"/admin/stations/{station_in(app, SAIHAN).id}").status_code == 404


def test_hours_preview_endpoint(app, xc):
    client, _token = xc
    ok = client.get("/admin/hours-preview", query_string={"text": "24/7"}).get_json()
    assert ok == {"ok": True, "text": "24小时开放"}
    bad = client.get("/admin/hours-preview", query_string={"text": "Mo-Fr 8"}).get_json()
    assert bad["ok"] is False and "第 7 个字符" in bad["text"]  # the admin pages are Chinese
    assert app.test_client().get("/admin/hours-preview").status_code == 302


def test_the_live_hours_check_notes_a_span_that_holds_every_day_after_a_comment(app, xc):
    """Valid syntax, so ok, but the editor says the afternoon holds every day and how to
    write it for weekdays only, before the hours are saved."""
    client, _token = xc
    text = 'Mo-Fr 08:00-12:00 "上午", 14:00-18:00 "下午"'
    checked = client.get("/admin/hours-preview", query_string={"text": text}).get_json()
    assert checked["ok"] is True
    assert checked["text"].startswith('开放时间中的“14:00-18:00 "下午"”前面是引号里的说明和逗号')
    assert '写成“Mo-Fr 14:00-18:00 "下午"”' in checked["text"]


def test_dashboard_counts_only_the_scope(app, xc):
    client, _token = xc
    html = client.get("/admin/").get_data(as_text=True)
    with state(app).db.session() as session:
        mine = len(
            session.scalars(
                select(Station).where(
                    Station.district_code == XINCHENG, Station.deleted_at.is_(None)
                )
            ).all()
        )
    assert re.search(r'id="total">(\d+)<', html).group(1) == str(mine)
    assert "新城区" in html and "赛罕区" not in html
    station = station_in(app, XINCHENG)
    client.post(
        f"/admin/stations/{station.id}/verify", data=button_form(client, station.id, "verify")
    )
    assert "核实" in client.get("/admin/").get_data(as_text=True)


def test_duplicates_endpoint_finds_similar_names_within_50_m_in_any_datum(app, xc):
    client, _token = xc
    existing = station_in(app, XINCHENG)
    near = client.get(
        "/admin/duplicates",
        query_string={"name": existing.name, "lat": existing.lat + 0.0001, "lon": existing.lon},
    )
    assert near.status_code == 200
    body = near.get_json()
    assert [d["code"] for d in body["duplicates"]] == [existing.code]
    assert 5 < body["duplicates"][0]["distance_m"] < 50
    assert body["duplicates"][0]["url"] == f"/admin/stations/{existing.id}"
    # The same place typed in GCJ-02 (as AMap shows it) is the same place.
    g_lat, g_lon = from_wgs84(existing.lat, existing.lon, "gcj02")
    typed = client.get(
        "/admin/duplicates",
        query_string={"name": existing.name, "lat": g_lat, "lon": g_lon, "datum": "gcj02"},
    ).get_json()
    assert [d["code"] for d in typed["duplicates"]] == [existing.code]
    for query in (
        {"name": "完全不同的名字", "lat": existing.lat, "lon": existing.lon},
        {"name": existing.name, "lat": existing.lat + 0.001, "lon": existing.lon},  # ~110 m
        {"name": existing.name, "lat": existing.lat, "lon": existing.lon, "exclude": existing.id},
        {"name": "", "lat": existing.lat, "lon": existing.lon},
    ):
        assert client.get("/admin/duplicates", query_string=query).get_json() == {
            "duplicates": [],
            "elsewhere": 0,
        }, query


def test_duplicates_endpoint_only_counts_stations_outside_the_scope(app, xc):
    client, _token = xc
    theirs = station_in(app, SAIHAN)
    body = client.get(
        "/admin/duplicates",
        query_string={"name": theirs.name, "lat": theirs.lat, "lon": theirs.lon},
    ).get_json()
    assert body == {"duplicates": [], "elsewhere": 1}
    assert theirs.name not in json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"lat": "x", "lon": "111"}, "lat"),
        ({"lat": "nan", "lon": "111"}, "lat"),
        ({"lat": "40", "lon": "181"}, "lon"),
        ({"lat": "40", "lon": "111", "datum": "mars"}, "datum"),
    ],
)
def test_point_endpoints_refuse_bad_input_with_400(app, xc, query, field):
    client, _token = xc
    for path in ("/admin/duplicates", "/admin/coordinates"):
        response = client.get(path, query_string={"name": "x", **query})
        assert response.status_code == 400, path
        assert response.get_json()["error"]["field"] == field


def test_point_endpoints_need_a_login(app):
    client = app.test_client()
    for path in ("/admin/duplicates", "/admin/coordinates"):
        response = client.get(path, query_string={"name": "x", "lat": 40.8, "lon": 111.7})
        assert response.status_code == 302, path


@pytest.mark.parametrize("datum", ["wgs84", "gcj02", "bd09"])
def test_coordinates_endpoint_gives_the_point_in_every_datum(app, xc, datum):
    client, _token = xc
    lat, lon = 40.8151234, 111.6712345
    typed = from_wgs84(lat, lon, datum)
    body = client.get(
        "/admin/coordinates", query_string={"lat": typed[0], "lon": typed[1], "datum": datum}
    ).get_json()
    assert body["wgs84"] == pytest.approx([lat, lon], abs=2e-7)
    for name in ("gcj02", "bd09"):
        assert body[name] == pytest.approx(list(from_wgs84(lat, lon, name)), abs=2e-7)


def test_lookups_refuse_a_bd09_point_with_no_wgs84_point(app, xc):
    client, _token = xc
    query = {"lat": -90, "lon": -90, "datum": "bd09", "name": "驿站"}
    for path in ("/admin/coordinates", "/admin/duplicates"):
        response = client.get(path, query_string=query)
        assert response.status_code == 400, path
        error = response.get_json()["error"]
        assert error["field"] == "lat"
        assert error["message"] == (
            "纬度 -90、经度 -90 按百度坐标换算后不在地球上（纬度须在 -90 到 90 之间，"
            "经度须在 -180 到 180 之间）：请检查经纬度和坐标系"
        )


def test_lookups_name_the_datums_an_administrator_can_choose(app, xc):
    client, _token = xc
    query = {"lat": 40.8, "lon": 111.7, "datum": "北京54", "name": "驿站"}
    for path in ("/admin/coordinates", "/admin/duplicates"):
        error = client.get(path, query_string=query).get_json()["error"]
        assert error["field"] == "datum"
        assert error["message"] == (
            "无法识别的坐标系：请选 wgs84（GPS、天地图）、gcj02（高德、腾讯）或 bd09（百度）"
        )


def test_editor_page_uses_configured_tiles_and_allows_their_host(sqlite_templates, tmp_path):
    path = tmp_path / "tiles.sqlite3"
    _copy_sqlite(sqlite_templates[True], path)
    app = _make_app(f"sqlite:///{path}", tmp_path, STATIONMAP_TILES="amap")
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    response = client.get("/admin/stations/new")
    csp = response.headers["Content-Security-Policy"]
    assert "https://*.is.autonavi.com" in csp and "script-src 'self';" in csp
    html = response.get_data(as_text=True)
    assert 'data-tile-datum="gcj02"' in html and "autonavi" in html
    state(app).db.dispose()


def test_two_sessions_saving_the_same_version_at_once_one_wins(app, xc):
    """Both load version N and save at the same moment: exactly one save is applied and
    the other gets the conflict page, on either backend."""
    client, token = xc
    make_user(app, "xc2", "district_admin", (XINCHENG,))
    other = app.test_client()
    login(other, "xc2")
    other_token = page_csrf(other)
    station = station_in(app, XINCHENG)
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def save(who, session_client, csrf):
        form = form_of(station, name=f"{who}的名字", csrf_token=csrf)
        barrier.wait()
        results[who] = session_client.post(f"/admin/stations/{station.id}", data=form)

    threads = [
        threading.Thread(target=save, args=("甲", client, token)),
        threading.Thread(target=save, args=("乙", other, other_token)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(r.status_code for r in results.values())
    assert statuses == [303, 409]
    winner = next(who for who, r in results.items() if r.status_code == 303)
    loser = next(r for r in results.values() if r.status_code == 409)
    assert 'id="conflict"' in loser.get_data(as_text=True)
    saved = _get(app, station.id)
    assert saved.name == f"{winner}的名字"
    assert saved.version == station.version + 1
    assert [r.action for r in _revisions(app, station.id)][-1] == "update"


def test_duplicate_warning_never_names_another_districts_station(app, xc):
    client, token = xc
    other = station_in(app, SAIHAN)
    form = new_form(other.lat + 0.0001, other.lon, name=other.name, csrf_token=token)
    before = snapshot(app)
    response = client.post("/admin/stations/new", data=form)
    assert response.status_code == 409
    assert_unchanged(before, app)
    html = response.get_data(as_text=True)
    assert other.code not in html and other.address not in html
    assert "另有 1 个相近的驿站在您负责范围以外的区县" in html


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        ("40°48′54.44″", "111°40′16.44″"),
        ("４０．８１５１２３４", "１１１．６７１２３４５"),
        ("北纬40°48′54.44″", "东经111°40′16.44″"),
    ],
)
def test_coordinates_endpoint_reads_what_the_save_reads(app, xc, lat, lon):
    """The map picker's marker follows degrees-minutes-seconds and full-width digits
    (before, the page read "40°48′" as 40 and put the marker kilometres away)."""
    client, _token = xc
    body = client.get(
        "/admin/coordinates", query_string={"lat": lat, "lon": lon, "datum": "wgs84"}
    ).get_json()
    expected = (40 + 48 / 60 + 54.44 / 3600, 111 + 40 / 60 + 16.44 / 3600)
    if "．" in lat:
        expected = (40.8151234, 111.6712345)
    assert body["wgs84"] == pytest.approx(list(expected), abs=2e-7)
