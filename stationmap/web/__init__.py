"""Blueprints and the app-wide web behaviour: strict JSON, errors, security headers."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, request
from flask.json.provider import DefaultJSONProvider
from flask_compress import Compress
from werkzeug.middleware.proxy_fix import ProxyFix

from stationmap.config import Settings


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class StrictJSONProvider(DefaultJSONProvider):
    """Never writes NaN or Infinity (they are not JSON) and refuses them on input."""

    sort_keys = False
    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_constant", _reject_constant)
        return json.loads(s, **kwargs)


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), payment=()")
    headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
    )
    return response


def _strict_transport(response: Response) -> Response:
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


COMPRESS_TYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "image/svg+xml",
]


def _buffer_static(response: Response) -> Response:
    if request.path.startswith("/static/") and response.status_code == 200:
        response.direct_passthrough = False
        response.make_sequence()  # read the (small) file: no longer a stream
    return response


def register(app: Flask, settings: Settings) -> None:
    from stationmap.web import admin, api, auth, errors, limits, public

    app.json = StrictJSONProvider(app)
    if settings.proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops
        )
    errors.init_app(app)
    limiter = limits.init_app(app, settings)
    if settings.login_rate_limit.strip().lower() not in ("", "off", "none"):
        # Counts POSTs to the auth blueprint (login and logout) per client address.
        limiter.limit(settings.login_rate_limit, methods=["POST"])(auth.bp)
    secure = settings.env not in ("development", "testing")
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
    )
    app.register_blueprint(api.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.after_request(_security_headers)
    # gzip/brotli for clients that ask (couriers on weak networks; the first load of the
    # map page is about 300 KB raw, under 90 KB compressed). A reverse proxy may do it
    # instead; then set COMPRESS_REGISTER=False.
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESS_TYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["gzip"])
    Compress(app)
    # Runs before the compressor (after_request hooks run last-registered first): static
    # files are sent as passthrough streams, which it would otherwise leave alone.
    app.after_request(_buffer_static)
    if secure:
        app.after_request(_strict_transport)
