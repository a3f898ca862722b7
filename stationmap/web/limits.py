"""Rate limits. Counters live in Redis when ``REDIS_URL`` is set, so every app process
shares them; otherwise each process counts in memory. If Redis is unreachable the
limiter falls back to memory rather than failing requests."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from stationmap.config import Settings


def init_app(app: Flask, settings: Settings) -> Limiter:
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
    from stationmap.web import api

    if settings.api_rate_limit.strip().lower() not in ("", "off", "none"):
        limiter.limit(settings.api_rate_limit)(api.bp)
    app.extensions["stationmap.limiter"] = limiter
    return limiter
