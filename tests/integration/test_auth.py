"""Accounts and sessions: accounts only from the command line, server-side sessions that
really end, cookie flags, CSRF on every write, a login rate limit, security headers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import ApiToken, User
from stationmap.services import users as user_service
from tests.conftest import _copy_sqlite, _make_app
from tests.integration.admin_support import (
    PASSWORD,
    XINCHENG,
    csrf_of,
    form_of,
    free_point,
    login,
    make_user,
    new_form,
    page_csrf,
    station_in,
)
from tests.integration.unchanged import assert_unchanged, snapshot


def test_there_is_no_default_account(app):
    with state(app).db.session() as session:
        assert session.scalars(select(User)).all() == []
    response = login(app.test_client(), "admin", "admin")
    assert response.status_code == 401


def test_create_user_from_the_command_line_with_password_on_stdin(app, runner):
    result = runner.invoke(
        args=[
            "create-user",
            "Wang",
            "--role",
            "district_admin",
            "--district",
            XINCHENG,
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    with state(app).db.session() as session:
        user = session.scalar(select(User).where(User.username == "wang"))
        assert user is not None
        assert user.district_codes == [XINCHENG]
        assert user.password_hash.startswith("scrypt:")
        assert PASSWORD not in user.password_hash
    assert login(app.test_client(), "wang").status_code == 303


def test_create_user_prompts_for_the_password(app, runner):
    result = runner.invoke(
        args=["create-user", "root", "--role", "superadmin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert login(app.test_client(), "root").status_code == 303


def test_create_user_refuses_short_passwords_but_not_simple_long_ones(app, runner):
    short = runner.invoke(
        args=["create-user", "a", "--role", "superadmin", "--password-stdin"], input="elevenchars\n"
    )
    assert short.exit_code != 0
    assert "at least 12" in short.output
    long = runner.invoke(
        args=["create-user", "b", "--role", "superadmin", "--password-stdin"],
        input="twelve chars\n",
    )
    assert long.exit_code == 0, long.output


def test_create_user_checks_role_and_districts(app, runner):
    for args in (
        ["create-user", "x", "--role", "district_admin"],
        ["create-user", "x", "--role", "district_admin", "--district", "999999"],
        ["create-user", "x", "--role", "superadmin", "--district", XINCHENG],
        ["create-user", "x", "--role", "king"],
    ):
        result = runner.invoke(args=[*args, "--password-stdin"], input=PASSWORD + "\n")
        assert result.exit_code != 0, args


def test_session_cookie_is_httponly_and_lax_and_holds_only_a_random_id(app):
    make_user(app, "root", "superadmin")
    response = login(app.test_client(), "root")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "stationmap_session=" in c)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # testing runs over http
    value = cookie.split(";")[0].split("=", 1)[1]
    assert "root" not in value and len(value) >= 40


def test_cookies_are_secure_in_production(sqlite_templates, tmp_path):
    path = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
    _copy_sqlite(sqlite_templates[False], path)
    app = _make_app(f"sqlite:///{path}", tmp_path, STATIONMAP_ENV="production", SECRET_KEY="k" * 40)
    make_user(app, "root", "superadmin")
    client = app.test_client()
    page = client.get("/admin/login", base_url="https://localhost")
    assert "Secure" in page.headers["Set-Cookie"]
    response = client.post(
        "/admin/login",
        base_url="https://localhost",
        data={"username": "root", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 303
    assert all("Secure" in c for c in response.headers.getlist("Set-Cookie"))
    assert "max-age" in response.headers["Strict-Transport-Security"]
    state(app).db.dispose()


def test_admin_pages_need_a_login(app):
    client = app.test_client()
    response = client.get("/admin/stations")
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]
    before = snapshot(app)
    assert client.post("/admin/stations/new", data={}).status_code == 401
    station = station_in(app, XINCHENG)
    for path, data in (
        ("/admin/stations/new", new_form(*free_point(app, XINCHENG))),
        (f"/admin/stations/{station.id}", form_of(station, name="未登录改名")),
        (f"/admin/stations/{station.id}/delete", {}),
        (f"/admin/stations/{station.id}/verify", {}),
    ):
        assert client.post(path, data=data).status_code in (302, 401), path
    assert_unchanged(before, app)


def test_wrong_password_and_unknown_user_look_the_same(app):
    make_user(app, "root", "superadmin")
    wrong = login(app.test_client(), "root", "wrong password here")
    unknown = login(app.test_client(), "nobody", "wrong password here")
    assert wrong.status_code == unknown.status_code == 401
    assert "stationmap_session" not in wrong.headers.get("Set-Cookie", "")


def test_cookie_copied_before_logout_fails_after_logout(app):
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    stolen = client.get_cookie("stationmap_session").value
    token = page_csrf(client)
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    replay = app.test_client()
    replay.set_cookie("stationmap_session", stolen)
    response = replay.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]


def test_cookie_fails_after_the_user_is_disabled(app, runner):
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    assert client.get("/admin/").status_code == 200
    result = runner.invoke(args=["disable-user", "root"])
    assert result.exit_code == 0, result.output
    assert client.get("/admin/").status_code == 302
    assert login(app.test_client(), "root").status_code == 401
    runner.invoke(args=["enable-user", "root"])
    assert login(app.test_client(), "root").status_code == 303


def test_login_form_needs_its_csrf_token(app):
    make_user(app, "root", "superadmin")
    client = app.test_client()
    client.get("/admin/login")
    response = client.post("/admin/login", data={"username": "root", "password": PASSWORD})
    assert response.status_code == 400


def test_every_form_write_needs_the_csrf_token(app):
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    login(client, "xc")
    station = station_in(app, XINCHENG)
    before = snapshot(app)
    for path, data in (
        (f"/admin/stations/{station.id}", form_of(station, name="被篡改")),
        (f"/admin/stations/{station.id}/delete", {}),
        (f"/admin/stations/{station.id}/verify", {}),
        ("/admin/stations/new", form_of(station, name="新驿站")),
        ("/admin/tokens", {"name": "x"}),
        ("/admin/logout", {}),
    ):
        assert client.post(path, data=data).status_code == 400, path
        bad = {**data, "csrf_token": "forged"}
        assert client.post(path, data=bad).status_code == 400, path
    assert_unchanged(before, app)
    with state(app).db.session() as session:
        assert session.scalars(select(ApiToken)).all() == []
    assert client.get("/admin/").status_code == 200  # still logged in


def test_a_token_from_another_session_is_refused(app):
    make_user(app, "xc", "district_admin", (XINCHENG,))
    first, second = app.test_client(), app.test_client()
    login(first, "xc")
    login(second, "xc")
    station = station_in(app, XINCHENG)
    response = second.post(
        f"/admin/stations/{station.id}/verify", data={"csrf_token": page_csrf(first)}
    )
    assert response.status_code == 400


def test_login_is_rate_limited_with_retry_after(sqlite_templates, tmp_path):
    path = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
    _copy_sqlite(sqlite_templates[False], path)
    app = _make_app(f"sqlite:///{path}", tmp_path, STATIONMAP_LOGIN_RATE_LIMIT="3 per minute")
    make_user(app, "root", "superadmin")
    client = app.test_client()
    statuses = [login(client, "root", "wrong password!").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    response = login(client, "root")  # even the right password waits
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert client.get("/admin/login").status_code == 200  # the page itself is not counted
    state(app).db.dispose()


def test_security_headers_on_admin_pages(app):
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    station = station_in(app, XINCHENG)
    for path in ("/admin/login", "/admin/", f"/admin/stations/{station.id}", "/admin/import"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        html = response.get_data(as_text=True)
        assert "<script>" not in html and " on" + "click=" not in html, path


def test_passwords_are_checked_by_length_only():
    user_service.check_password("aaaaaaaaaaaa")
    try:
        user_service.check_password("Aa1!Aa1!Aa1")
    except user_service.AccountError as exc:
        assert "12" in str(exc)
    else:
        raise AssertionError("an 11-character password was accepted")


class _Clock:
    """Stands in for the session service's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def test_session_ends_after_two_idle_hours_but_activity_keeps_it(app, monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(user_service, "_now", clock)
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    start = clock.now
    for hours in (1.9, 3.8, 5.7):  # each request comes within two hours of the last
        clock.now = start + timedelta(hours=hours)
        assert client.get("/admin/").status_code == 200, hours
    clock.now = start + timedelta(hours=5.7, minutes=121)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]


def test_session_ends_after_its_absolute_lifetime_however_active(app, monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(user_service, "_now", clock)
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    start = clock.now
    hours = 0.0
    while hours < 11.5:
        hours += 1.5
        clock.now = start + timedelta(hours=hours)
        expected = 200 if hours < 12 else 302
        assert client.get("/admin/").status_code == expected, hours
    clock.now = start + user_service.SESSION_LIFETIME + timedelta(seconds=1)
    assert client.get("/admin/").status_code == 302


def test_idle_timeout_is_configurable(sqlite_templates, tmp_path, monkeypatch):
    path = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
    _copy_sqlite(sqlite_templates[False], path)
    app = _make_app(f"sqlite:///{path}", tmp_path, STATIONMAP_SESSION_IDLE_MINUTES="30")
    clock = _Clock()
    monkeypatch.setattr(user_service, "_now", clock)
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    start = clock.now
    clock.now = start + timedelta(minutes=29)
    assert client.get("/admin/").status_code == 200
    clock.now = start + timedelta(minutes=29 + 31)
    assert client.get("/admin/").status_code == 302
    state(app).db.dispose()


def test_logout_of_an_ended_session_just_goes_to_the_login_page(app):
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    token = page_csrf(client)
    other_tab = app.test_client()
    other_tab.set_cookie("stationmap_session", client.get_cookie("stationmap_session").value)
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    for data in ({"csrf_token": token}, {}):  # the old page's token, or none at all
        response = other_tab.post("/admin/logout", data=data)
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/admin/login")
    # Without any cookie, too.
    assert app.test_client().post("/admin/logout").status_code == 303


def test_login_limit_is_shared_between_processes_through_redis(sqlite_templates, tmp_path):
    """Two app instances stand in for two gunicorn workers behind one address."""
    extra = {
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "STATIONMAP_APP_NAME": uuid.uuid4().hex,
        "STATIONMAP_LOGIN_RATE_LIMIT": "3 per minute",
    }
    apps = []
    for _ in range(2):
        path = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
        _copy_sqlite(sqlite_templates[False], path)
        apps.append(_make_app(f"sqlite:///{path}", tmp_path, **extra))
        make_user(apps[-1], "root", "superadmin")
    apps[0].extensions["stationmap.limiter"].reset()
    clients = [a.test_client() for a in apps]
    statuses = [login(clients[i % 2], "root", "wrong password!").status_code for i in range(4)]
    assert statuses == [401, 401, 401, 429]
    response = login(clients[1], "root")  # the other worker refuses the right password too
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    apps[0].extensions["stationmap.limiter"].reset()
    for app in apps:
        state(app).db.dispose()


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", "登录已过期或已退出，这次提交没有保存"), ("en", "Your session has ended")],
)
def test_a_form_sent_after_the_session_ended_says_so_in_the_page_language(app, lang, words):
    """An editor left open while the session ended (logged out in another tab, or two
    hours idle): saving is refused (401), saying why and that nothing was saved, in the
    interface's language, not in werkzeug's English."""
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    client.set_cookie("lang", lang)
    login(client, "xc")
    station = station_in(app, XINCHENG)
    token = page_csrf(client, f"/admin/stations/{station.id}")
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    before = snapshot(app)
    response = client.post(
        f"/admin/stations/{station.id}", data=form_of(station, name="改名", csrf_token=token)
    )
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert words in page and "The server could not verify" not in page
    assert_unchanged(before, app)
