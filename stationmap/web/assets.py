"""Static files under content-hashed URLs, cached for a year.

At start (once per process, in :func:`init_app`) every file under ``static/`` is hashed;
``url_for("static", filename="app.js")`` then gives ``/static/app.<hash>.js``, and that
URL is answered with ``Cache-Control: public, max-age=31536000, immutable``: a repeat
visit asks nothing for it, and a changed file gets a new URL. The plain URL still works
(bookmarks, CSS files that refer to their images relatively) and is revalidated
(``no-cache``) as before. Compression (gzip, brotli where the client asks) is the app's
compressor's work (see :func:`stationmap.web.register`), except for a hashed text file
asked for with brotli: that one is compressed here once per process at brotli's best
quality (about 12 % smaller than the compressor's quick setting; the courier's first
load waits for app.js) and kept, since its content never changes under that URL.
"""

from __future__ import annotations

import hashlib
import io
import json
import mimetypes
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli
from flask import Flask, Response, abort, request, send_file, url_for
from werkzeug.security import safe_join

YEAR_S = 31536000
IMMUTABLE = f"public, max-age={YEAR_S}, immutable"
HASH_CHARS = 10
BROTLI_QUALITY = 11
# The text types worth compressing once and keeping (images are compressed already).
PRECOMPRESSED_TYPES = (
    "text/javascript",
    "application/javascript",
    "text/css",
    "image/svg+xml",
    "application/manifest+json",
)

# Python's table lacks the web app manifest's type on some systems.
mimetypes.add_type("application/manifest+json", ".webmanifest")


@dataclass(frozen=True)
class StaticHashes:
    """``hashed[name]`` is the URL name of static file ``name``; ``original`` the reverse."""

    hashed: dict[str, str]
    original: dict[str, str]

    def url_name(self, name: str) -> str:
        return self.hashed.get(name, name)


def hashed_name(name: str, content: bytes) -> str:
    """``dir/app.js`` -> ``dir/app.<first HASH_CHARS hex digits of its SHA-256>.js``."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_CHARS]
    head, slash, base = name.rpartition("/")
    stem, dot, suffix = base.rpartition(".")
    new_base = f"{stem}.{digest}.{suffix}" if dot and stem else f"{base}.{digest}"
    return f"{head}{slash}{new_base}"


def hash_static(root: Path) -> StaticHashes:
    """Hash every file under ``root`` (names use ``/``, relative to ``root``)."""
    hashed: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            name = path.relative_to(root).as_posix()
            hashed[name] = hashed_name(name, path.read_bytes())
    return StaticHashes(hashed, {v: k for k, v in hashed.items()})


def init_app(app: Flask) -> StaticHashes:
    """Hash the app's static folder and serve and link its files by those names."""
    assert app.static_folder is not None
    hashes = hash_static(Path(app.static_folder))
    app.extensions["stationmap_static"] = hashes

    def hashed_urls(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static":
            name = values.get("filename")
            if isinstance(name, str):
                values["filename"] = hashes.url_name(name)

    brotli_kept = BrotliKept()
    app.extensions["stationmap_brotli"] = brotli_kept

    def static(filename: str) -> Response:
        original = hashes.original.get(filename)
        if original is None:  # a plain name: revalidated, as Flask's own view does
            return _send_static(app, filename, max_age=None)
        mimetype = mimetypes.guess_type(original)[0] or ""
        if mimetype in PRECOMPRESSED_TYPES and request.accept_encodings["br"] > 0:
            response = Response(brotli_kept.get(app, original), mimetype=mimetype)
            response.headers["Content-Encoding"] = "br"
            response.headers["Vary"] = "Accept-Encoding"
            response.set_etag(f"{filename}-br")
            response.make_conditional(request)
        else:
            response = _send_static(app, original, max_age=YEAR_S)
        response.headers["Cache-Control"] = IMMUTABLE
        return response

    def service_worker() -> Response:
        # At the root, so that its scope is the whole site; revalidated on every visit,
        # so a new release's worker (new hashes, new version) replaces the old one.
        response = Response(service_worker_script(app, ("/",)), mimetype="text/javascript")
        response.headers["Cache-Control"] = "no-cache"
        return response

    app.url_defaults(hashed_urls)
    app.view_functions["static"] = static
    app.add_url_rule("/sw.js", "service_worker", service_worker)
    return hashes


# The offline shell: the scripts, styles and icon the courier's page loads (not the
# admin's, not the worker itself, not Leaflet's unused images or the licences).
SHELL = re.compile(r"^(?!admin[._]|sw\.js$)[^?#]*\.(js|css|svg|webmanifest)$")


def service_worker_script(app: Flask, pages: tuple[str, ...]) -> bytes:
    """``static/sw.js`` preceded by its version (a hash of every static file's hash)
    and the hashed URLs of the offline shell; built once per process. Call within a
    request (it uses ``url_for``)."""
    cached = app.extensions.get("stationmap_sw")
    if cached is None:
        hashes = static_hashes(app)
        shell = [
            url_for("static", filename=name) for name in sorted(hashes.hashed) if SHELL.match(name)
        ]
        version = hashlib.sha256("\n".join(sorted(hashes.original)).encode()).hexdigest()
        assert app.static_folder is not None
        body = (Path(app.static_folder) / "sw.js").read_text("utf-8")
        head = (
            f"self.SM_VERSION = {json.dumps(version[:HASH_CHARS])};\n"
            f"self.SM_SHELL = {json.dumps(shell)};\n"
            f"self.SM_PAGES = {json.dumps(list(pages))};\n"
        )
        cached = app.extensions["stationmap_sw"] = (head + body).encode()
    return cached


class BrotliKept:
    """Static files compressed at BROTLI_QUALITY, each once per process, then kept: a
    few dozen kilobytes for the courier page's files. ``stationmap serve`` compresses
    them all in gunicorn's master (:func:`precompress`), so no courier's request pays
    for it (about 0.3 s for app.js, 0.8 s for Leaflet) and the forked workers share
    the bytes."""

    def __init__(self) -> None:
        self._kept: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, app: Flask, name: str) -> bytes:
        kept = self._kept.get(name)
        if kept is None:
            with self._lock:
                kept = self._kept.get(name)
                if kept is None:
                    kept = brotli.compress(_read_static(app, name), quality=BROTLI_QUALITY)
                    self._kept[name] = kept
        return kept


def precompress(app: Flask) -> list[str]:
    """Compress every hashed text file the way :func:`init_app`'s view sends it, once,
    now (at start, before the workers fork); the names compressed."""
    hashes = static_hashes(app)
    kept: BrotliKept = app.extensions["stationmap_brotli"]
    names = [
        name
        for name in sorted(hashes.hashed)
        if (mimetypes.guess_type(name)[0] or "") in PRECOMPRESSED_TYPES
    ]
    for name in names:
        kept.get(app, name)
    return names


def _read_static(app: Flask, name: str) -> bytes:
    assert app.static_folder is not None
    path = safe_join(app.static_folder, name)
    if path is None or not Path(path).is_file():
        abort(404)
    return Path(path).read_bytes()


def _send_static(app: Flask, name: str, max_age: int | None) -> Response:
    """Static file ``name``, read whole before answering: the files are small, and no
    file stays open when a client goes away mid-answer."""
    assert app.static_folder is not None
    path = safe_join(app.static_folder, name)
    if path is None or not Path(path).is_file():
        abort(404)
    data = Path(path).read_bytes()
    return send_file(
        io.BytesIO(data),
        mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream",
        download_name=Path(name).name,
        as_attachment=False,
        etag=hashlib.sha256(data).hexdigest()[:32],
        last_modified=Path(path).stat().st_mtime,
        max_age=max_age,
        conditional=True,
    )


def static_hashes(app: Flask) -> StaticHashes:
    hashes: StaticHashes = app.extensions["stationmap_static"]
    return hashes
