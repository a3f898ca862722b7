"""Logging in and out, and the request-level guards the admin pages share.

The session cookie carries only a random token; the session itself is a database row
(:mod:`stationmap.services.users`), so logging out or disabling the user ends every copy
of the cookie. CSRF: the login form uses a double-submit cookie (there is no session
yet); every other cookie-authenticated write must send the session's CSRF token (form
field ``csrf_token`` or header ``X-CSRF-Token``). The API never accepts this cookie.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from stationmap.app_state import state
from stationmap.services import users as user_service
from stationmap.services.users import Principal
from stationmap.web.i18n import tr

bp = Blueprint("auth", __name__, url_prefix="/admin")

COOKIE = "stationmap_session"
LOGIN_CSRF_COOKIE = "stationmap_login_csrf"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _secure() -> bool:
    return state(current_app).settings.env not in ("development", "testing")


def _set_cookie(response: BaseResponse, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=_secure(),
        httponly=True,
        samesite="Lax",
    )


def _clear_cookie(response: BaseResponse, name: str) -> None:
    response.delete_cookie(name, path="/", secure=_secure(), httponly=True, samesite="Lax")


def idle_timeout() -> timedelta:
    """How long an unused session lives (``STATIONMAP_SESSION_IDLE_MINUTES``, default
    120); the absolute lifetime from login is
    :data:`~stationmap.services.users.SESSION_LIFETIME` either way."""
    return timedelta(minutes=state(current_app).settings.session_idle_minutes)


def load_principal() -> None:
    """Resolve the session cookie into ``g.principal`` and ``g.csrf`` (or None), and
    keep an active session from running idle."""
    g.principal, g.csrf = None, None
    token = request.cookies.get(COOKIE, "")
    if not token:
        return
    database, idle = state(current_app).db, idle_timeout()
    with database.session() as session:
        found = user_service.resume_session(session, token)
        touch = found is not None and user_service.needs_touch(session, token, idle)
    if found is None:
        return
    if touch:
        with database.write_session() as session:
            user_service.touch_session(session, token, idle)
    g.principal, g.csrf = found


def current() -> Principal | None:
    principal: Principal | None = g.get("principal")
    return principal


def check_csrf() -> None:
    """Refuse an unsafe request without the session's CSRF token (400)."""
    if request.method not in UNSAFE:
        return
    expected = g.get("csrf") or ""
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
    if not expected or not sent or not user_service.tokens_equal(sent, expected):
        abort(
            400,
            tr(
                "CSRF 校验失败，请刷新页面后重试。",
                "The form expired or was not sent by this site; reload the page and retry.",
            ),
        )


def same_site_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site: one leading ``/`` (not ``//``, which a
    browser reads as another host), no backslash (browsers read it as ``/``), so no
    scheme either; printable ASCII without spaces (a browser sends them encoded; nothing
    that could end a header); else None. For every redirect whose target a form or a
    link carries (``back``, ``next``)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or not (target.isascii() and target.isprintable())
        or " " in target
        or len(target) > 2000
    ):
        return None
    return target


def _safe_next(target: str | None) -> str:
    """``target`` when it is a same-site path under /admin, else the dashboard."""
    path = same_site_path(target)
    if path and (path == "/admin" or path.startswith(("/admin/", "/admin?"))):
        return path
    return url_for("admin.dashboard")


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/login")
def login() -> Any:
    return _login_page("", request.args.get("next", ""), 200)


def _login_page(error: str, next_url: str, status: int) -> Response:
    token = secrets.token_urlsafe(24)
    response = current_app.make_response(
        (
            render_template(
                "admin/login.html", error=error, next_url=next_url, login_csrf=token, principal=None
            ),
            status,
        )
    )
    _set_cookie(response, LOGIN_CSRF_COOKIE, token, 3600)
    return response


@bp.post("/login")
def login_submit() -> Any:
    sent = request.form.get("csrf_token", "")
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not sent or not cookie or not user_service.tokens_equal(sent, cookie):
        abort(
            400,
            tr("CSRF 校验失败，请刷新登录页后重试。", "The login form expired; reload it."),
        )
    username = request.form.get("username", "")[:64]
    password = request.form.get("password", "")
    next_url = request.form.get("next", "")
    target = _safe_next(next_url)  # decided before any session row is written
    database = state(current_app).db
    with database.write_session() as session:
        user = user_service.authenticate(session, username, password)
        if user is None:
            return _login_page(
                tr(
                    "用户名或密码错误，或账户已停用。",
                    "Wrong user name or password, or the account is disabled.",
                ),
                next_url,
                401,
            )
        token, _csrf = user_service.start_session(session, user, idle=idle_timeout())
    response = redirect(target, 303)
    _set_cookie(response, COOKIE, token, int(user_service.SESSION_LIFETIME.total_seconds()))
    _clear_cookie(response, LOGIN_CSRF_COOKIE)
    return response


@bp.post("/logout")
def logout() -> Any:
    """End the session. One that has already ended (logged out elsewhere, timed out,
    the user disabled) has nothing to protect: the browser just goes to the login page."""
    load_principal()
    token = request.cookies.get(COOKIE, "")
    if current() is not None:
        check_csrf()
        with state(current_app).db.write_session() as session:
            user_service.end_session(session, token)
    response = redirect(url_for("auth.login"), 303)
    _clear_cookie(response, COOKIE)
    return response
