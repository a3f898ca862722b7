"""Rate limits: the whole API per client address, a district's coverage (costly to
compute) lower still, and login attempts per address.

With ``REDIS_URL`` both count in Redis, so every app process shares them (if Redis is
unreachable the limiter falls back to memory rather than failing requests). Without
it, the API limit counts in each process's memory, and login attempts count in the
database (:mod:`stationmap.services.login_throttle`): the documented 10 a minute stay
10 whatever the number of workers.

The limits run only where they apply: flask-limiter's request hooks and the login
count are attached to the limited blueprints (the API, auth), so a page, a static file
or anything else runs none of them; with the API's own limit off, coverage's limit
hooks that one endpoint alone (the nearest query and every other API request run none
of the limiter's code); with every limit off there is no limiter at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

from stationmap.app_state import state
from stationmap.config import Settings
from stationmap.services import login_throttle
from stationmap.web.i18n import tr

LOGIN_ENDPOINT = "auth.login_submit"
COVERAGE_ENDPOINT = "api.district_coverage"


def _configured(limit: str) -> bool:
    return limit.strip().lower() not in ("", "off", "none")


_HOOKS = ("before_request_funcs", "after_request_funcs", "teardown_request_funcs")


def _app_wide_hooks(app: Flask) -> dict[str, list[Callable[..., Any]]]:
    return {hooks: list(getattr(app, hooks).get(None, ())) for hooks in _HOOKS}


def _move_to_blueprints(
    app: Flask,
    before: dict[str, list[Callable[..., Any]]],
    names: Iterable[str],
    endpoints: Mapping[str, frozenset[str]] | None = None,
) -> None:
    """Attach the app-wide request hooks added since ``before`` to the blueprints
    ``names`` only (per app: the blueprint objects are shared by every app built); for
    a blueprint named in ``endpoints``, they run for those of its endpoints alone."""
    names = tuple(names)
    only = endpoints or {}
    for hooks in _HOOKS:
        registry = getattr(app, hooks)
        added = [f for f in registry.get(None, ()) if f not in before[hooks]]
        if not added:
            continue
        registry[None] = before[hooks]
        for name in names:
            if name in only:
                registry.setdefault(name, []).extend(
                    _for_endpoints(hooks, f, only[name]) for f in added
                )
            else:
                registry.setdefault(name, []).extend(added)


def _for_endpoints(
    hooks: str, hook: Callable[..., Any], endpoints: frozenset[str]
) -> Callable[..., Any]:
    """``hook`` run only for requests to ``endpoints`` (an after-request hook hands any
    other response back untouched)."""
    if hooks == "after_request_funcs":

        def after(response: Response) -> Response:
            return hook(response) if request.endpoint in endpoints else response

        return after

    def other(*args: Any) -> Any:
        return hook(*args) if request.endpoint in endpoints else None

    return other


def init_app(app: Flask, settings: Settings, api: Blueprint, auth: Blueprint) -> Limiter | None:
    app_wide = _app_wide_hooks(app)
    limits: list[tuple[Blueprint, str, list[str] | None]] = []
    if _configured(settings.api_rate_limit):
        limits.append((api, settings.api_rate_limit, None))
    coverage = _configured(settings.coverage_rate_limit)
    if _configured(settings.login_rate_limit):
        if settings.redis_url:
            # Counts POSTs to the auth blueprint (login and logout) per client address.
            limits.append((auth, settings.login_rate_limit, ["POST"]))
        else:
            _limit_logins_in_database(app, settings.login_rate_limit)
            _move_to_blueprints(app, app_wide, [auth.name])
            app_wide = _app_wide_hooks(app)
    if not limits and not coverage:
        return None
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=settings.redis_url or "memory://",
        strategy="moving-window",
        headers_enabled=True,
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        key_prefix="stationmap",
    )
    for blueprint, limit, methods in limits:
        limiter.limit(limit, methods=methods)(blueprint)
    if coverage:  # counted apart from (and instead of) the API's own limit
        view: Callable[..., Any] = app.view_functions[COVERAGE_ENDPOINT]
        app.view_functions[COVERAGE_ENDPOINT] = limiter.limit(settings.coverage_rate_limit)(view)
    names = {blueprint.name for blueprint, _, _ in limits}
    # Without the API's own limit, coverage's is the only one on the API blueprint: the
    # limiter's hooks need not run for any other API request.
    only = {api.name: frozenset({COVERAGE_ENDPOINT})} if api.name not in names else {}
    if coverage:
        names.add(api.name)
    _move_to_blueprints(app, app_wide, sorted(names), only)
    app.extensions["stationmap.limiter"] = limiter
    return limiter


def _limit_logins_in_database(app: Flask, limit: str) -> None:
    item = parse(limit)
    amount, window_s = item.amount, item.get_expiry()

    @app.before_request
    def _count_login() -> Response | None:
        if request.endpoint != LOGIN_ENDPOINT or request.method != "POST":
            return None
        address = get_remote_address() or "unknown"
        with state(current_app).db.write_session() as session:
            wait_s = login_throttle.attempt(session, address, amount, window_s)
        if wait_s is None:
            return None
        response = current_app.make_response(
            (
                render_template(
                    "error.html",
                    status=429,
                    title=tr("登录尝试过多", "Too many login attempts"),
                    message=tr(
                        f"登录尝试过多，请 {wait_s} 秒后再试。",
                        f"Too many login attempts; try again in {wait_s} seconds.",
                    ),
                ),
                429,
            )
        )
        response.headers["Retry-After"] = str(wait_s)
        return response
