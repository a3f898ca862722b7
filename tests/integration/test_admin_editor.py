"""The station editor: district scope, assigned districts and codes, validation that
re-shows the form, duplicates, history and restore, conflicts, soft delete, verified."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from stationmap import state
from stationmap.geo.datum import wgs84_to_gcj02
from stationmap.models import Station, StationRevision
from tests.integration.admin_support import (
    HOHHOT,
    KUNMING_XISHAN,
    SAIHAN,
    XINCHENG,
    form_of,
    free_point,
    login,
    make_user,
    new_form,
    page_csrf,
    station_in,
)


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
    after = _get(app, other.id)
    assert (after.name, after.version, after.deleted_at) == (other.name, other.version, None)


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
    response = client.post("/admin/stations/new", data=new_form(lat, lon, csrf_token=token))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "不在您负责的区县内" in html and SAIHAN in html
    assert 'value="测试驿站"' in html  # the form is shown again with what was typed
    station = station_in(app, XINCHENG)
    moved = form_of(station, lat=f"{lat:.7f}", lon=f"{lon:.7f}", csrf_token=token)
    response = client.post(f"/admin/stations/{station.id}", data=moved)
    assert response.status_code == 422
    assert _get(app, station.id).district_code == XINCHENG


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
    response = client.post(
        f"/admin/stations/{station.id}", data=form_of(station, csrf_token=token, **{field: value})
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _get(app, station.id).version == station.version


def test_missing_version_is_refused_not_a_500(app, xc):
    client, token = xc
    station = station_in(app, XINCHENG)
    data = form_of(station, csrf_token=token)
    del data["version"]
    assert client.post(f"/admin/stations/{station.id}", data=data).status_code == 400


def test_duplicate_within_50_m_is_shown_before_saving(app, xc):
    client, token = xc
    existing = station_in(app, XINCHENG)
    form = new_form(existing.lat + 0.0001, existing.lon, name=existing.name, csrf_token=token)
    response = client.post("/admin/stations/new", data=form)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'id="duplicates"' in html and existing.code in html
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
    second = other.post(
        f"/admin/stations/{station.id}",
        data=form_of(station, name="乙的名字", csrf_token=other_token),
    )
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "甲的名字" in html and "乙的名字" in html and 'id="conflict"' in html
    assert _get(app, station.id).name == "甲的名字"


def test_soft_delete_and_undo(app, xc):
    client, token = xc
    station = station_in(app, XINCHENG)
    assert (
        client.post(f"/admin/stations/{station.id}/delete", data={"csrf_token": token}).status_code
        == 303
    )
    assert _get(app, station.id).deleted_at is not None
    assert app.test_client().get(f"/api/v1/stations/{station.id}").status_code == 404
    page = client.get(f"/admin/stations/{station.id}").get_data(as_text=True)
    assert 'id="undelete"' in page
    client.post(f"/admin/stations/{station.id}/undelete", data={"csrf_token": token})
    assert _get(app, station.id).deleted_at is None
    assert app.test_client().get(f"/api/v1/stations/{station.id}").status_code == 200
    assert [r.action for r in _revisions(app, station.id)][-2:] == ["delete", "undelete"]


def test_mark_verified_and_the_unverified_list(app, xc):
    client, token = xc
    station = station_in(app, XINCHENG)
    assert station.code in client.get("/admin/unverified").get_data(as_text=True)
    client.post(f"/admin/stations/{station.id}/verify", data={"csrf_token": token})
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
    response = client.post(f"/admin/stations/{station.id}/verify", data={"csrf_token": token})
    assert response.status_code == 403
    assert client.get(f"/admin/stations/{station_in(app, SAIHAN).id}").status_code == 404


def test_hours_preview_endpoint(app, xc):
    client, _token = xc
    ok = client.get("/admin/hours-preview", query_string={"text": "24/7"}).get_json()
    assert ok == {"ok": True, "text": "24小时开放"}
    bad = client.get("/admin/hours-preview", query_string={"text": "Mo-Fr 8"}).get_json()
    assert bad["ok"] is False and "character" in bad["text"]
    assert app.test_client().get("/admin/hours-preview").status_code == 302


def test_dashboard_counts_only_the_scope(app, xc):
    client, token = xc
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
    client.post(f"/admin/stations/{station.id}/verify", data={"csrf_token": token})
    assert "核实" in client.get("/admin/").get_data(as_text=True)
