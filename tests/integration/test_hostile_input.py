"""Hostile and unlucky input at the request layer: each case is a 400, 404 or 422 with
the usual message (never a 500), database errors are told apart (only a lost
connection or an operational failure is a 503), and logged failures carry a request id.

Every test runs on SQLite and, when configured, on PostgreSQL.
"""

from __future__ import annotations

import base64
import json
import logging
import re

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import select, text

from stationmap import catalog
from stationmap.app_state import state
from stationmap.models import Report, Station, User, UserSession
from tests.integration import test_admin_import
from tests.integration.admin_support import (
    XINCHENG,
    csrf_of,
    free_point,
    login,
    make_user,
    page_csrf,
    station_in,
)
from tests.integration.test_admin_import import _upload
from tests.integration.test_api_write import _auth, _token

xc = test_admin_import.xc  # a district administrator of 新城区, logged in
LONE_SURROGATE_NAME = '"x\\ud800y"'  # JSON text: an escape without its pair


def _error(response):
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "field"} <= set(body["error"]), body
    return body["error"]


def _station_count(app):
    with state(app).db.session() as session:
        return len(session.scalars(select(Station.id)).all())


# -- JSON bodies of the API ----------------------------------------------------------------
def test_a_400_digit_integer_latitude_is_a_422_on_the_field(app):
    _client, secret = _token(app)
    _lat, lon = free_point(app, XINCHENG)
    before = _station_count(app)
    body = '{"name": "大数驿站", "lat": 1' + "0" * 399 + f', "lon": {lon}, "amenities": ["water"]}}'
    response = app.test_client().post(
        "/api/v1/stations",
        data=body,
        content_type="application/json",
        headers=_auth(secret),
    )
    assert response.status_code == 422, response.get_data(as_text=True)
    assert _error(response)["field"] == "lat"
    assert _station_count(app) == before


def test_json_nested_30000_deep_is_a_400(app):
    _client, secret = _token(app)
    body = "[" * 30_000 + "]" * 30_000  # 60 kB: under the API's 64 KiB, so it is parsed
    response = app.test_client().post(
        "/api/v1/stations", data=body, content_type="application/json", headers=_auth(secret)
    )
    assert response.status_code == 400
    assert "nested" in _error(response)["message"]


def test_a_lone_surrogate_in_a_name_is_a_400_and_nothing_is_stored(app):
    _client, secret = _token(app)
    lat, lon = free_point(app, XINCHENG)
    before = _station_count(app)
    body = f'{{"name": {LONE_SURROGATE_NAME}, "lat": {lat}, "lon": {lon}}}'
    response = app.test_client().post(
        "/api/v1/stations", data=body, content_type="application/json", headers=_auth(secret)
    )
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "surrogate" in _error(response)["message"]
    assert _station_count(app) == before
    # A proper pair (an emoji written as two escapes) is a character and is kept.
    pair = f'{{"name": "驿站\\ud83d\\ude00", "lat": {lat}, "lon": {lon}}}'
    response = app.test_client().post(
        "/api/v1/stations", data=pair, content_type="application/json", headers=_auth(secret)
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["properties"]["name"] == "驿站\N{GRINNING FACE}"


@pytest.mark.parametrize(
    ("data", "content_type", "status", "field"),
    [
        ('{"kind": "closed"}', "text/plain", 415, "Content-Type"),
        ("kind=closed", "application/x-www-form-urlencoded", 415, "Content-Type"),
        (b"\xff\xfe", "application/json", 400, "body"),
        ("[1, 2]", "application/json", 400, "body"),
    ],
)
def test_a_body_that_is_no_json_object_names_what_to_fix(client, data, content_type, status, field):
    response = client.post("/api/v1/demand", data=data, content_type=content_type)
    assert response.status_code == status
    assert _error(response)["field"] == field


def _largest_station_body(lat, lon):
    """A station with every text at its limit (services: 30 lines of 200 characters),
    every amenity and group, as the API reads it."""
    return {
        "name": "驿" * 200,
        "address": "路" * 300,
        "contact": "王" * 100,
        "phone": "0471-1234567 / 13912345678",
        "services": [f"{i:02d}" + "服" * 198 for i in range(30)],
        "opening_hours": "Mo-Fr 08:00-20:00; Sa,Su 10:00-16:00; PH off",
        "amenities": list(catalog.AMENITY_CODES),
        "worker_groups": list(catalog.WORKER_GROUP_CODES),
        "lat": lat,
        "lon": lon,
    }


def test_a_report_body_past_64_kib_is_refused_before_it_is_read(app):
    # 70 KiB of a JSON array: the report endpoints need no token.
    body = '{"kind": "other", "text": "x", "pad": [' + "1," * 35_000 + "1]}"
    for path in ("/api/v1/stations/1/reports", "/api/v1/demand"):
        response = app.test_client().post(path, data=body, content_type="application/json")
        assert response.status_code == 413, response.get_data(as_text=True)
        assert _error(response)["field"] == "body"
    with state(app).db.session() as session:
        assert session.scalars(select(Report.id)).all() == []


def test_the_largest_real_station_body_still_fits(app):
    _client, secret = _token(app)
    lat, lon = free_point(app, XINCHENG)
    body = _largest_station_body(lat, lon)
    data = json.dumps(body)  # every Chinese character as a \uXXXX escape
    assert len(data) > 32 * 1024
    response = app.test_client().post(
        "/api/v1/stations", data=data, content_type="application/json", headers=_auth(secret)
    )
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    assert len(response.get_json()["properties"]["services"]) == 30


# -- GeoJSON import preview ----------------------------------------------------------------
def _upload_geojson(client, token, text_body):
    return _upload(client, token, text_body.encode(), "stations.geojson")


def _feature_collection(name_json, lat_json, lon):
    return (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        f'"properties": {{"name": {name_json}}}, '
        f'"geometry": {{"type": "Point", "coordinates": [{lon}, {lat_json}]}}}}]}}'
    )


def test_geojson_preview_refuses_a_400_digit_latitude(app, xc):
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    before = _station_count(app)
    response = _upload_geojson(client, token, _feature_collection('"大数"', "1" + "0" * 399, lon))
    assert response.status_code == 422, response.status_code
    assert "太大，不是坐标" in response.get_data(as_text=True)  # the Chinese page, in Chinese
    assert _station_count(app) == before
    good = _upload_geojson(client, token, _feature_collection('"好驿站"', lat, lon))
    assert good.status_code == 200


def test_geojson_preview_refuses_a_lone_surrogate(app, xc):
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    response = _upload_geojson(client, token, _feature_collection(LONE_SURROGATE_NAME, lat, lon))
    assert response.status_code == 422, response.status_code
    assert "ud800" in response.get_data(as_text=True)


# -- page query strings --------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    ["code=x", "_method=POST", "_anchor=x", "_scheme=javascript", "endpoint=x", "values=1"],
)
def test_any_query_argument_on_a_page_is_harmless(app, client, query):
    code = station_in(app, XINCHENG).code
    for path in ("/", f"/s/{code}", f"/s/{code}/report"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, (path, query, response.status_code)
        html = response.get_data(as_text=True)
        switch = re.search(r'class="lang-switch" href="([^"]+)"', html).group(1)
        assert switch.startswith(f"{path}?"), switch
        assert "lang=en" in switch


def test_the_language_link_never_points_at_the_host_header(client):
    response = client.get("/?_external=1", headers={"Host": "evil.example"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    switch = re.search(r'class="lang-switch" href="([^"]+)"', html).group(1)
    assert "evil.example" not in switch and switch.startswith("/?")


# -- ids and cursors the database cannot hold ------------------------------------------
@pytest.mark.parametrize("station_id", ["2147483648", "18446744073709551617", "9" * 400])
def test_huge_ids_in_admin_urls_are_404(app, station_id):
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    for path in (f"/admin/stations/{station_id}", f"/admin/stations/{station_id}/history"):
        assert client.get(path).status_code == 404, path
    token = page_csrf(client)
    response = client.post(f"/admin/stations/{station_id}/verify", data={"csrf_token": token})
    assert response.status_code == 404
    response = client.post(f"/admin/tokens/{station_id}/revoke", data={"csrf_token": token})
    assert response.status_code == 404
    # The API answers 404 in its own format.
    response = client.get(f"/api/v1/stations/{station_id}")
    assert response.status_code == 404 and _error(response)["code"] == "not_found"


@pytest.mark.parametrize("last_id", [2**31, 2**64 + 1, 10**30])
def test_a_forged_cursor_beyond_the_ids_is_a_400(client, last_id):
    cursor = base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")
    response = client.get("/api/v1/stations", query_string={"cursor": cursor})
    assert response.status_code == 400
    assert _error(response)["field"] == "cursor"


# -- NUL characters ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/districts/1501%0002",
        "/s/AB%00C",
        "/?district=%00",
        "/api/v1/stations?q=%00",
        "/admin/stations?q=a%00b",
        "/admin/login?next=/admin/%00",
    ],
)
def test_a_nul_in_a_path_or_query_is_refused_not_a_503(app, path):
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    response = client.get(path)
    assert response.status_code in (400, 404), (path, response.status_code)
    assert "Retry-After" not in response.headers
    if path.startswith("/api/"):
        _error(response)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/stations/nearest?lat=40.84&lon=111.7&amenity=water%00", "amenity"),
        ("/api/v1/stations?limit=5&q=a%00b", "q"),
        ("/api/v1/stations?%00limit=5", "limit"),
        ("/api/v1/districts/1501%0002", "path"),
    ],
)
def test_a_nul_in_the_api_names_where_it_is(client, path, field):
    response = client.get(path)
    assert response.status_code == 400
    assert _error(response)["field"] == field


def test_a_nul_in_a_form_field_is_a_400(app):
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    response = client.post(
        "/admin/tokens", data={"csrf_token": page_csrf(client), "name": "a\x00b"}
    )
    assert response.status_code == 400


# -- URL-encoded form size -----------------------------------------------------------------
# Werkzeug parses a URL-encoded body whole, whatever its fields: 2 million empty ones took
# 7 s. The request guard refuses a body over 1 MiB or 20,000 fields unparsed.
_FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def parses(monkeypatch):
    """How many URL-encoded bodies Werkzeug parsed."""
    from werkzeug import formparser

    calls = []
    real = formparser.parse_qsl
    monkeypatch.setattr(formparser, "parse_qsl", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


@pytest.mark.parametrize(
    "body",
    [
        b"kind=other&text=x" + b"&f=" * 20_000,  # 60 kB, 20,001 fields
        b"kind=other&text=" + b"a" * (1024 * 1024),  # 1 MiB and a bit, three fields
    ],
    ids=["fields", "bytes"],
)
@pytest.mark.parametrize("path", ["/s/{code}/report", "/demand", "/admin/login", "/api/v1/demand"])
def test_a_form_too_large_is_a_413_and_never_parsed(app, parses, body, path):
    code = station_in(app, XINCHENG).code
    response = app.test_client().post(path.format(code=code), data=body, content_type=_FORM)
    assert response.status_code == 413
    if path.startswith("/api/"):
        assert _error(response)["field"] == "body"
    assert parses == []
    with state(app).db.session() as session:
        assert session.scalars(select(Report.id)).all() == []


def test_a_form_of_ten_thousand_boxes_is_still_read(app, parses):
    # The import confirmation sends up to 10,000 "overwrite" codes.
    body = "&".join(f"overwrite=652324-{i:04d}" for i in range(1, 10_001))
    response = app.test_client().post("/admin/login", data=body, content_type=_FORM)
    assert response.status_code != 413
    assert parses == [1]


# -- login ``next`` ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "next_url",
    ["/admin/\r\nSet-Cookie: x=1", "/admin/\nx", "/admin\\evil", "/adminevil", "//evil"],
)
def test_a_login_next_with_control_characters_goes_to_the_dashboard(app, next_url):
    make_user(app, "root", "superadmin")
    client = app.test_client()
    page = client.get("/admin/login")
    token = csrf_of(page.get_data(as_text=True))
    response = client.post(
        "/admin/login",
        data={
            "username": "root",
            "password": "correct horse battery",
            "csrf_token": token,
            "next": next_url,
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/"
    with state(app).db.session() as session:
        assert len(session.scalars(select(UserSession.token_hash)).all()) == 1
    good = app.test_client()
    page = good.get("/admin/login")
    response = good.post(
        "/admin/login",
        data={
            "username": "root",
            "password": "correct horse battery",
            "csrf_token": csrf_of(page.get_data(as_text=True)),
            "next": "/admin/stations?q=x",
        },
    )
    assert response.headers["Location"] == "/admin/stations?q=x"


# -- database errors -----------------------------------------------------------------------
def _dbapi(cls, **kwargs):
    return cls("SELECT 1", {}, Exception("driver message"), **kwargs)


# The intended answer for each database error (the policy, written out here).
DATABASE_ERRORS = [
    ("interface", lambda: _dbapi(sa_exc.InterfaceError), 503),
    ("operational", lambda: _dbapi(sa_exc.OperationalError), 503),
    ("disconnection", lambda: sa_exc.DisconnectionError("gone"), 503),
    ("pool-timeout", lambda: sa_exc.TimeoutError("pool exhausted"), 503),
    (
        "invalidated",
        lambda: _dbapi(sa_exc.ProgrammingError, connection_invalidated=True),
        503,
    ),
    ("invalidated-dbapi", lambda: _dbapi(sa_exc.DBAPIError, connection_invalidated=True), 503),
    ("integrity", lambda: _dbapi(sa_exc.IntegrityError), 409),
    ("data", lambda: _dbapi(sa_exc.DataError), 500),
    ("database", lambda: _dbapi(sa_exc.DatabaseError), 500),
    ("internal", lambda: _dbapi(sa_exc.InternalError), 500),
    ("programming", lambda: _dbapi(sa_exc.ProgrammingError), 500),
    ("not-supported", lambda: _dbapi(sa_exc.NotSupportedError), 500),
    ("dbapi", lambda: _dbapi(sa_exc.DBAPIError), 500),
]


@pytest.fixture
def raising_app(app):
    """The app with two routes (one under /api/, one a page) raising a chosen error."""
    errors = {name: make for name, make, _status in DATABASE_ERRORS}

    def fail(name):
        raise errors[name]()

    app.add_url_rule("/api/v1/_test_raise/<name>", "test_raise_api", fail)
    app.add_url_rule("/_test_raise/<name>", "test_raise_page", fail)
    return app


@pytest.mark.parametrize(("name", "status"), [(n, s) for n, _m, s in DATABASE_ERRORS])
def test_each_database_error_maps_to_its_status(raising_app, name, status, caplog):
    client = raising_app.test_client()
    api = client.get(f"/api/v1/_test_raise/{name}")
    page = client.get(f"/_test_raise/{name}")
    assert api.status_code == status and page.status_code == status
    error = _error(api)
    assert ("Retry-After" in api.headers) == (status == 503)
    assert ("Retry-After" in page.headers) == (status == 503)
    expected_code = {503: "database_unavailable", 409: "conflict", 500: "internal_error"}
    assert error["code"] == expected_code[status]
    assert page.mimetype == "text/html"
    if status in (409, 500):
        for response in (api, page):
            request_id = response.headers["X-Request-Id"]
            assert re.fullmatch(r"[0-9a-f]{16}", request_id)
            assert request_id in response.get_data(as_text=True)
            assert any(request_id in record.getMessage() for record in caplog.records)
        assert error["request_id"] == api.headers["X-Request-Id"]


def test_real_driver_errors_are_told_apart(app, caplog):
    """The errors each backend's driver really raises: a UNIQUE violation is a 409, a
    value out of a column's range is not "unavailable", and a closed database is."""
    make_user(app, "dup", "viewer")
    database = state(app).db

    def duplicate_user():
        with database.write_session() as session:
            first = session.scalars(select(User)).first()
            session.add(
                User(
                    username=first.username,
                    password_hash="x",
                    role="viewer",
                    created_at=first.created_at,
                )
            )
            session.flush()
        return "unreachable"

    def out_of_range():
        with database.session() as session:
            session.execute(text("SELECT CAST(:v AS INTEGER) + 1"), {"v": 2**63}).scalar()
        return "unreachable"

    app.add_url_rule("/api/v1/_test_dup", "test_dup", duplicate_user)
    app.add_url_rule("/api/v1/_test_range", "test_range", out_of_range)
    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/_test_dup")
    assert response.status_code == 409
    assert _error(response)["code"] == "conflict"
    response = client.get("/api/v1/_test_range")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    assert response.headers["X-Request-Id"] in json.dumps(response.get_json())
