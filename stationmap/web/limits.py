"""Rate limits: the whole API per client address, and POSTs to the login blueprint.

Counters live in Redis when ``REDIS_URL`` is set, so every app process shares them;
otherwise each process counts in memory. If Redis is unreachable the limiter falls back
to memory rather than failing requests. Requests outside the limited blueprints (pages,
static files) are let through before any limit is looked up, and with both limits off
there is no limiter at all.
"""

from __future__ import annotations

from flask import Blueprint, Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from stationmap.config import Settings


def _configured(limit: str) -> bool:
    return limit.strip().lower() not in ("", "off", "none")


def init_app(app: Flask, settings: Settings, api: Blueprint, auth: Blueprint) -> Limiter | None:
    limits: list[tuple[Blueprint, str, list[str] | None]] = []
    if _configured(settings.api_rate_limit):
        limits.append((api, settings.api_rate_limit, None))
    if _configured(settings.login_rate_limit):
        # Counts POSTs to the auth blueprint (login and logout) per client address.
        limits.append((auth, settings.login_rate_limit, ["POST"]))
    if not limits:
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
    limited = frozenset(blueprint.name for blueprint, _, _ in limits)

    @limiter.request_filter
    def _unlimited() -> bool:
        return request.blueprint not in limited

    app.extensions["stationmap.limiter"] = limiter
    return limiter
