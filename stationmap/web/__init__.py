"""Blueprints and the app-wide web behaviour: strict JSON, errors, security headers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask import Flask, Request, Response, request
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_compress import Compress
from werkzeug.middleware.proxy_fix import ProxyFix

from stationmap.config import Settings
from stationmap.tabular.guards import has_lone_surrogate, json_integer

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class StrictJSONProvider(DefaultJSONProvider):
    """Never writes NaN or Infinity (they are not JSON) and refuses them on input.

    On input it also refuses (``ValueError``: Flask answers 400) a document nested
    too deeply to parse and one holding a lone UTF-16 surrogate; an integer of more
    than 18 digits is read as a float, so a range check refuses a 400-digit latitude
    (see :mod:`stationmap.tabular.guards`).
    """

    sort_keys = False
    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_constant", _reject_constant)
        kwargs.setdefault("parse_int", json_integer)
        text = s.decode(json.detect_encoding(s), "surrogatepass") if isinstance(s, bytes) else s
        try:
            document = json.loads(text, **kwargs)
        except RecursionError:
            raise ValueError("the JSON document is nested too deeply") from None
        if has_lone_surrogate(text, document):
            raise ValueError(
                "a string holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not a character"
            )
        return document


SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), payment=()"),
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
    ),
)
STRICT_TRANSPORT = ("Strict-Transport-Security", "max-age=31536000")


class SecurityHeaders:
    """WSGI middleware adding each of ``headers`` that a response has not set itself
    (a map page sets its own Content-Security-Policy, for example).

    It works on the plain header list at ``start_response``: every response gets these,
    errors included, for a few microseconds instead of a dozen ``Headers`` look-ups.
    """

    def __init__(self, app: WSGIApplication, headers: Sequence[tuple[str, str]]) -> None:
        self.app = app
        self.headers = tuple((name.lower(), (name, value)) for name, value in headers)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in headers}
            headers.extend(pair for key, pair in self.headers if key not in present)
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


class CookieSessionWhenSent(SecureCookieSessionInterface):
    """Flask's signed-cookie session (used only for flash messages in the admin pages),
    opened only when the browser sent the cookie: the API and most pages never need it,
    and building the signer costs every request otherwise."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)


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


def _compress(app: Flask) -> None:
    """flask-compress, its hook behind a length check: a response shorter than
    ``COMPRESS_MIN_SIZE`` is sent as it is to every client (so it needs no ``Vary``),
    without the encoding negotiation flask-compress does first for every response."""
    wanted = app.config.get("COMPRESS_REGISTER", True)
    app.config["COMPRESS_REGISTER"] = False
    compress = Compress(app)
    app.config["COMPRESS_REGISTER"] = wanted
    if not (wanted and app.config["COMPRESS_MIMETYPES"]):
        return
    min_size = app.config["COMPRESS_MIN_SIZE"]

    @app.after_request
    def _compressed(response: Response) -> Response:
        length = response.content_length
        if length is not None and length < min_size:
            return response
        return compress.after_request(response)


def register(app: Flask, settings: Settings) -> None:
    from stationmap.web import (
        admin,
        api,
        assets,
        auth,
        errors,
        guards,
        i18n,
        limits,
        notifier,
        public,
        reports,
        staff,
    )

    app.json = StrictJSONProvider(app)
    if settings.proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops
        )
    errors.init_app(app)
    guards.init_app(app)
    assets.init_app(app)
    secure = settings.env not in ("development", "testing")
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
    )
    i18n.init_app(app)
    notifier.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(staff.bp)
    limits.init_app(app, settings, api.bp, auth.bp)  # after the views: coverage's own limit
    # gzip/brotli for clients that ask (couriers on weak networks; the first load of the
    # map page is about 300 KB raw, under 90 KB compressed). A reverse proxy may do it
    # instead; then set COMPRESS_REGISTER=False.
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESS_TYPES)
    # brotli first where the client accepts both (about 15 % smaller than gzip here).
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    _compress(app)
    # Runs before the compressor (after_request hooks run last-registered first): static
    # files are sent as passthrough streams, which it would otherwise leave alone.
    app.after_request(_buffer_static)
    app.session_interface = CookieSessionWhenSent()
    headers = SECURITY_HEADERS + ((STRICT_TRANSPORT,) if secure else ())
    app.wsgi_app = SecurityHeaders(app.wsgi_app, headers)  # type: ignore[method-assign]
