"""Rate limits answer 429 with Retry-After, and are shared between processes through
Redis when REDIS_URL is set."""

from __future__ import annotations

import uuid

from stationmap.app_state import state
from tests.conftest import _copy_sqlite, _make_app

REDIS_URL = "redis://127.0.0.1:6379/15"


def _app(tmp_path, template, **extra):
    path = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
    _copy_sqlite(template, path)
    return _make_app(
        f"sqlite:///{path}", tmp_path, STATIONMAP_API_RATE_LIMIT="5 per minute", **extra
    )


def test_api_limit_gives_429_with_retry_after(sqlite_templates, tmp_path):
    app = _app(tmp_path, sqlite_templates[False])
    client = app.test_client()
    statuses = [client.get("/api/v1/amenities").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    response = client.get("/api/v1/amenities")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["error"]["code"] == "too_many_requests"
    # Pages and the OpenAPI document are not counted against the API.
    assert client.get("/api/openapi.json").status_code == 200
    state(app).db.dispose()


def test_limit_is_shared_between_processes_through_redis(sqlite_templates, tmp_path):
    """Two app instances stand in for two gunicorn workers behind one address."""
    extra = {"REDIS_URL": REDIS_URL, "STATIONMAP_APP_NAME": uuid.uuid4().hex}
    first = _app(tmp_path, sqlite_templates[False], **extra)
    second = _app(tmp_path, sqlite_templates[False], **extra)
    first.extensions["stationmap.limiter"].reset()
    a, b = first.test_client(), second.test_client()
    statuses = [(a if i % 2 else b).get("/api/v1/amenities").status_code for i in range(6)]
    assert statuses == [200] * 5 + [429]
    first.extensions["stationmap.limiter"].reset()
    for app in (first, second):
        state(app).db.dispose()


def _login_statuses(clients, attempts):
    from tests.integration.admin_support import login

    return [
        login(clients[i % len(clients)], "root", "wrong password!").status_code for i in attempts
    ]


def test_login_limit_is_one_count_across_processes_without_redis(app, tmp_path):
    """Without REDIS_URL, two app instances on one database (two gunicorn workers, or
    two hosts) share the documented limit: the default 10 a minute, not 10 each."""
    from tests.integration.admin_support import login, make_user

    url = state(app).db.engine.url.render_as_string(hide_password=False)
    second = _make_app(url, tmp_path)
    assert state(app).settings.login_rate_limit == "10 per minute"
    assert not state(app).settings.redis_url
    make_user(app, "root", "superadmin")
    clients = [app.test_client(), second.test_client()]
    statuses = _login_statuses(clients, range(11))
    assert statuses == [401] * 10 + [429]
    response = login(clients[0], "root")  # the other worker refuses the right password too
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    # Another address is counted on its own.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert login(other, "root").status_code == 303
    state(second).db.dispose()


def test_coverage_has_its_own_lower_limit(sqlite_templates, tmp_path):
    """A district's coverage (60-200 ms of a core per new radius) is limited apart
    from the API: its 4th request a minute is refused while nearest still answers,
    and its requests take nothing from the API's own allowance."""
    app = _app(
        tmp_path,
        sqlite_templates[False],
        STATIONMAP_COVERAGE_RATE_LIMIT="3 per minute",
    )
    client = app.test_client()
    statuses = [
        client.get(f"/api/v1/districts/150102/coverage?radius_m={500 + i}").status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/districts/150102/coverage")
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) > 0
    # The API's 5 a minute are all still there.
    assert [client.get("/api/v1/amenities").status_code for _ in range(6)] == [200] * 5 + [429]
    state(app).db.dispose()


def test_coverage_is_limited_by_default(app):
    """Out of the box (no setting) coverage has its 30 a minute."""
    client = app.test_client()
    statuses = [
        client.get(f"/api/v1/districts/150102/coverage?radius_m={500 + i}").status_code
        for i in range(31)
    ]
    assert statuses == [200] * 30 + [429]


def test_nearest_is_limited_when_the_api_limit_is_set(sqlite_templates, tmp_path):
    """The courier's query counts against the API's limit like any API request."""
    app = _app(tmp_path, sqlite_templates[False])
    client = app.test_client()
    path = "/api/v1/stations/nearest?lat=40.81&lon=111.66"
    statuses = [client.get(path).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert client.get(path).get_json()["error"]["code"] == "too_many_requests"
    state(app).db.dispose()


def test_without_the_api_limit_only_coverage_runs_the_limiter(sqlite_templates, tmp_path):
    """With the API's own limit off (as behind a proxy that limits), the coverage limit
    is the only one on the API: the limiter looks at coverage requests alone, and the
    nearest query (every courier's refresh) pays nothing for it."""
    path = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
    _copy_sqlite(sqlite_templates[False], path)
    app = _make_app(
        f"sqlite:///{path}",
        tmp_path,
        STATIONMAP_API_RATE_LIMIT="off",
        STATIONMAP_COVERAGE_RATE_LIMIT="2 per minute",
    )
    limiter = app.extensions["stationmap.limiter"]
    seen: list[str | None] = []

    @limiter.request_filter
    def _looked_at() -> bool:  # flask-limiter asks its filters for each request it checks
        from flask import request

        seen.append(request.endpoint)
        return False

    client = app.test_client()
    for _ in range(3):
        nearest = client.get("/api/v1/stations/nearest?lat=40.81&lon=111.66")
        assert nearest.status_code == 200
        assert client.get("/api/v1/amenities").status_code == 200
    assert seen == []
    statuses = [
        client.get(f"/api/v1/districts/150102/coverage?radius_m={500 + i}").status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert set(seen) == {"api.district_coverage"}
    state(app).db.dispose()
