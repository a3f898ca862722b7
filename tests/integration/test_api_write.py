"""POST/PATCH/DELETE /api/v1/stations: per-user tokens (stored hashed, revocable), the
same validation, district scope and history as the editor, and If-Match versions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import ApiToken, Station, StationRevision
from tests.integration.admin_support import (
    SAIHAN,
    XINCHENG,
    free_point,
    login,
    make_user,
    page_csrf,
    station_in,
)
from tests.integration.unchanged import assert_unchanged, snapshot


def _token(app, username="xc", role="district_admin", districts=(XINCHENG,)):
    make_user(app, username, role, districts)
    client = app.test_client()
    login(client, username)
    page = client.post("/admin/tokens", data={"csrf_token": page_csrf(client), "name": "集成"})
    secret = re.search(r'id="new-token">([^<]+)<', page.get_data(as_text=True)).group(1)
    return client, secret


def _auth(secret, version=None):
    headers = {"Authorization": f"Bearer {secret}"}
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return headers


def _body(lat, lon, **extra):
    return {"name": "接口驿站", "lat": lat, "lon": lon, "amenities": ["water"], **extra}


@pytest.fixture
def api(app):
    _client, secret = _token(app)
    return app.test_client(), secret


def test_token_is_stored_hashed(app, api):
    _client, secret = api
    with state(app).db.session() as session:
        row = session.scalars(select(ApiToken)).one()
    assert secret not in row.token_hash and len(row.token_hash) == 64


def test_create_assigns_district_code_and_history(app, api):
    client, secret = api
    lat, lon = free_point(app, XINCHENG)
    response = client.post("/api/v1/stations", json=_body(lat, lon), headers=_auth(secret))
    assert response.status_code == 201, response.get_json()
    feature = response.get_json()
    props = feature["properties"]
    assert props["district_code"] == XINCHENG and props["code"].startswith(XINCHENG)
    assert response.headers["ETag"] == '"1"'
    assert response.headers["Location"].endswith(f"/api/v1/stations/{feature['id']}")
    with state(app).db.session() as session:
        revision = session.scalars(
            select(StationRevision).where(StationRevision.station_id == feature["id"])
        ).one()
    assert (revision.action, revision.actor) == ("create", "xc")


def test_a_write_answers_codes_in_the_order_every_read_gives(app, api):
    client, secret = api
    lat, lon = free_point(app, XINCHENG)
    body = _body(lat, lon, amenities=["wifi", "toilet", "aed"], worker_groups=["taxi", "courier"])
    created = client.post("/api/v1/stations", json=body, headers=_auth(secret)).get_json()
    read = client.get(f"/api/v1/stations/{created['id']}").get_json()
    for key, codes in (
        ("amenities", ["aed", "toilet", "wifi"]),
        ("worker_groups", ["courier", "taxi"]),
    ):
        assert created["properties"][key] == read["properties"][key] == codes


@pytest.mark.parametrize(
    "extra",
    [
        {"code": "150102-0001"},
        {"district_code": SAIHAN},
        {"verified_at": "2026-01-01T00:00:00Z"},
        {"version": 7},
        {"opening_hours": "Mo-Fr 8"},
        {"lat": 91},
        {"lat": -90, "lon": -90, "datum": "bd09"},  # no WGS-84 point: not a 500
        {"amenities": ["jacuzzi"]},
    ],
)
def test_create_refuses_invalid_and_server_owned_fields(app, api, extra):
    client, secret = api
    lat, lon = free_point(app, XINCHENG)
    body = {**_body(lat, lon), **extra}
    before = snapshot(app)
    response = client.post("/api/v1/stations", json=body, headers=_auth(secret))
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == next(iter(extra))
    assert_unchanged(before, app)


def test_writes_need_a_valid_token_never_a_cookie(app):
    client, _secret = _token(app)
    lat, lon = free_point(app, XINCHENG)
    before = snapshot(app)
    assert client.post("/api/v1/stations", json=_body(lat, lon)).status_code == 401
    bad = client.post("/api/v1/stations", json=_body(lat, lon), headers=_auth("smt_nope"))
    assert bad.status_code == 401
    station = station_in(app, XINCHENG)
    url = f"/api/v1/stations/{station.id}"
    assert client.patch(url, json={"name": "x"}).status_code == 401
    assert client.delete(url, headers=_auth("smt_nope", station.version)).status_code == 401
    assert_unchanged(before, app)


def test_revoked_token_and_disabled_user_are_refused(app, runner):
    client, secret = _token(app)
    lat, lon = free_point(app, XINCHENG)
    with state(app).db.session() as session:
        token_id = session.scalars(select(ApiToken.id)).one()
    client.post(
        f"/admin/tokens/{token_id}/revoke", data={"csrf_token": page_csrf(client, "/admin/tokens")}
    )
    before = snapshot(app)
    response = app.test_client().post(
        "/api/v1/stations", json=_body(lat, lon), headers=_auth(secret)
    )
    assert response.status_code == 401
    assert_unchanged(before, app)
    _client2, secret2 = _token(app, "xc2")
    runner.invoke(args=["disable-user", "xc2"])
    before = snapshot(app)
    response = app.test_client().post(
        "/api/v1/stations", json=_body(lat, lon), headers=_auth(secret2)
    )
    assert response.status_code == 401
    assert_unchanged(before, app)


def test_set_password_revokes_the_users_tokens(app, runner):
    _client, secret = _token(app)
    lat, lon = free_point(app, XINCHENG)
    result = runner.invoke(
        args=["set-password", "xc", "--password-stdin"], input="a-new-password-123\n"
    )
    assert result.exit_code == 0, result.output
    before = snapshot(app)
    response = app.test_client().post(
        "/api/v1/stations", json=_body(lat, lon), headers=_auth(secret)
    )
    assert response.status_code == 401
    assert_unchanged(before, app)
    with state(app).db.session() as session:
        assert session.scalars(select(ApiToken.revoked_at)).one() is not None


def test_a_disabled_users_tokens_stay_revoked_after_enable_user(app, runner):
    _client, secret = _token(app)
    lat, lon = free_point(app, XINCHENG)
    assert runner.invoke(args=["disable-user", "xc"]).exit_code == 0
    assert runner.invoke(args=["enable-user", "xc"]).exit_code == 0
    before = snapshot(app)
    response = app.test_client().post(
        "/api/v1/stations", json=_body(lat, lon), headers=_auth(secret)
    )
    assert response.status_code == 401
    assert_unchanged(before, app)
    # A token made after enabling works: the account itself is usable again.
    from stationmap.services import tokens as token_service
    from stationmap.services import users as user_service

    with state(app).db.write_session() as session:
        user = user_service.get_user(session, "xc")
        fresh = token_service.create_token(session, user.id, "after").secret
    response = app.test_client().post(
        "/api/v1/stations", json=_body(lat, lon), headers=_auth(fresh)
    )
    assert response.status_code == 201


def test_viewer_token_may_not_write(app):
    make_user(app, "v", "viewer", (XINCHENG,))
    from stationmap.services import tokens as token_service

    with state(app).db.write_session() as session:
        from stationmap.models import User

        user = session.scalars(select(User).where(User.username == "v")).one()
        secret = token_service.create_token(session, user.id, "v").secret
    lat, lon = free_point(app, XINCHENG)
    before = snapshot(app)
    response = app.test_client().post(
        "/api/v1/stations", json=_body(lat, lon), headers=_auth(secret)
    )
    assert response.status_code == 403
    mine = station_in(app, XINCHENG)
    url = f"/api/v1/stations/{mine.id}"
    client = app.test_client()
    patch = client.patch(url, json={"name": "x"}, headers=_auth(secret, mine.version))
    assert patch.status_code == 403
    assert client.delete(url, headers=_auth(secret, mine.version)).status_code == 403
    assert_unchanged(before, app)


def test_scope_applies_to_create_patch_and_delete(app, api):
    client, secret = api
    lat, lon = free_point(app, SAIHAN)
    before = snapshot(app)
    response = client.post("/api/v1/stations", json=_body(lat, lon), headers=_auth(secret))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "out_of_scope"
    other = station_in(app, SAIHAN)
    patch = client.patch(
        f"/api/v1/stations/{other.id}", json={"name": "x"}, headers=_auth(secret, other.version)
    )
    assert patch.status_code == 404
    delete = client.delete(f"/api/v1/stations/{other.id}", headers=_auth(secret, other.version))
    assert delete.status_code == 404
    mine = station_in(app, XINCHENG)
    moved = client.patch(
        f"/api/v1/stations/{mine.id}",
        json={"lat": lat, "lon": lon},
        headers=_auth(secret, mine.version),
    )
    assert moved.status_code == 403
    assert_unchanged(before, app)


def test_patch_needs_if_match_and_refuses_a_stale_version(app, api):
    client, secret = api
    station = station_in(app, XINCHENG)
    url = f"/api/v1/stations/{station.id}"
    before = snapshot(app)
    missing = client.patch(url, json={"name": "新名"}, headers=_auth(secret))
    assert missing.status_code == 428
    assert_unchanged(before, app)
    ok = client.patch(url, json={"name": "新名"}, headers=_auth(secret, station.version))
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["properties"]["name"] == "新名"
    assert ok.headers["ETag"] == f'"{station.version + 1}"'
    before = snapshot(app)
    stale = client.patch(url, json={"name": "旧版覆盖"}, headers=_auth(secret, station.version))
    assert stale.status_code == 412
    assert stale.get_json()["error"]["code"] == "precondition_failed"
    assert_unchanged(before, app)
    with state(app).db.session() as session:
        assert session.get(Station, station.id).name == "新名"
        actions = session.scalars(
            select(StationRevision.action).where(StationRevision.station_id == station.id)
        ).all()
    assert actions == ["baseline", "update"]


def test_patch_validates_like_the_editor(app, api):
    client, secret = api
    station = station_in(app, XINCHENG)
    url = f"/api/v1/stations/{station.id}"
    before = snapshot(app)
    for body, field in (
        ({"opening_hours": "nonsense"}, "opening_hours"),
        ({"status": "deleted"}, "status"),
        ({"datum": "gcj02"}, "datum"),
        ({"code": "150102-0001"}, "code"),
    ):
        response = client.patch(url, json=body, headers=_auth(secret, station.version))
        assert response.status_code == 422, body
        assert response.get_json()["error"]["field"] == field
    nan = client.patch(
        url,
        data='{"lat": NaN}',
        content_type="application/json",
        headers=_auth(secret, station.version),
    )
    assert nan.status_code == 400
    assert_unchanged(before, app)


def test_delete_is_soft_and_needs_if_match(app, api):
    client, secret = api
    station = station_in(app, XINCHENG)
    url = f"/api/v1/stations/{station.id}"
    before = snapshot(app)
    assert client.delete(url, headers=_auth(secret)).status_code == 428
    assert client.delete(url, headers=_auth(secret, station.version + 5)).status_code == 412
    assert_unchanged(before, app)
    assert client.delete(url, headers=_auth(secret, station.version)).status_code == 204
    assert client.get(url).status_code == 404
    with state(app).db.session() as session:
        assert session.get(Station, station.id).deleted_at is not None


def test_huge_ids_are_404_not_a_database_error(app, api):
    client, secret = api
    before = snapshot(app)
    response = client.patch("/api/v1/stations/99999999999", json={}, headers=_auth(secret, 1))
    assert response.status_code == 404
    assert (
        client.delete("/api/v1/stations/99999999999", headers=_auth(secret, 1)).status_code == 404
    )
    assert_unchanged(before, app)


def _ids_in_box(client, lat, lon, half=0.0005):
    box = f"{lon - half},{lat - half},{lon + half},{lat + half}"
    body = client.get("/api/v1/stations", query_string={"bbox": box, "limit": 1000}).get_json()
    return {f["id"] for f in body["features"]}


def test_bbox_index_follows_creates_moves_and_deletes(app, api):
    """The bbox listing answers from a spatial index (an R*Tree on SQLite, GiST on
    PostGIS): a station is found where it is now, not where it was."""
    client, secret = api
    lat, lon = free_point(app, XINCHENG)
    created = client.post("/api/v1/stations", json=_body(lat, lon), headers=_auth(secret))
    station_id = created.get_json()["id"]
    assert station_id in _ids_in_box(client, lat, lon)
    new_lat, new_lon = free_point(app, XINCHENG)
    moved = client.patch(
        f"/api/v1/stations/{station_id}",
        json={"lat": new_lat, "lon": new_lon},
        headers=_auth(secret, 1),
    )
    assert moved.status_code == 200, moved.get_json()
    assert station_id not in _ids_in_box(client, lat, lon)
    assert station_id in _ids_in_box(client, new_lat, new_lon)
    deleted = client.delete(f"/api/v1/stations/{station_id}", headers=_auth(secret, 2))
    assert deleted.status_code == 204
    assert station_id not in _ids_in_box(client, new_lat, new_lon)


def test_a_patch_of_another_field_keeps_hours_kept_as_written(app, api):
    """Hours a person must decide (kept as the office wrote them, no opening_hours)
    survive a PATCH that changes only the name."""
    client, secret = api
    seasons = "夏季 8:00-20:00，冬季 9:00-18:00"
    lat, lon = free_point(app, XINCHENG)
    created = client.post(
        "/api/v1/stations", json=_body(lat, lon, opening_hours=seasons), headers=_auth(secret)
    )
    assert created.status_code == 201, created.get_json()
    station_id = created.get_json()["id"]
    with state(app).db.session() as session:
        before = session.get(Station, station_id)
        assert (before.opening_hours, before.opening_hours_text) == (None, seasons)
    patched = client.patch(
        f"/api/v1/stations/{station_id}",
        json={"name": "改名的驿站"},
        headers=_auth(secret, created.headers["ETag"].strip('"')),
    )
    assert patched.status_code == 200, patched.get_json()
    with state(app).db.session() as session:
        after = session.get(Station, station_id)
        assert after.name == "改名的驿站"
        assert (after.opening_hours, after.opening_hours_text) == (None, seasons)
