"""Static files for repeat visits on a weak network: content-hashed URLs cached for a
year, the plain URL still served, brotli for clients that accept it."""

from __future__ import annotations

import gzip
import hashlib
import json
import re

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient

from stationmap.paths import STATIC_DIR

IMMUTABLE = "public, max-age=31536000, immutable"
# name.<10 hex digits>.ext under /static/
HASHED = re.compile(
    r"^/static/(?P<dir>(?:[^/]+/)*)(?P<stem>[^/]+)\.(?P<hash>[0-9a-f]{10})\.(?P<ext>\w+)$"
)


def _static_urls(html: str) -> list[str]:
    """Every static URL of a page: its links and scripts, and those its script loads
    later (the map's libraries, listed in the page's JSON configuration)."""
    return re.findall(r'"(/static/[^"]+)"', html)


def _file_for(url: str) -> tuple[bytes, str]:
    """The file a hashed URL names, and the hash the URL carries."""
    match = HASHED.match(url)
    assert match, f"{url} is not a content-hashed URL"
    path = STATIC_DIR / match["dir"] / f"{match['stem']}.{match['ext']}"
    return path.read_bytes(), match["hash"]


@pytest.mark.parametrize("page", ["/", "/?district=150102", "/s/150102-900001"])
def test_pages_link_static_files_by_their_content_hash(client: FlaskClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200, page
    urls = _static_urls(response.get_data(as_text=True))
    # The folium map's Leaflet and the page's own style are among them.
    assert any("leaflet" in u and u.endswith(".js") for u in urls), urls
    assert any("/static/app." in u and u.endswith(".css") for u in urls), urls
    for url in urls:
        content, digest = _file_for(url)
        assert hashlib.sha256(content).hexdigest()[:10] == digest, url
        with client.get(url) as answer:
            assert answer.status_code == 200, url
            assert answer.headers["Cache-Control"] == IMMUTABLE, url
            assert answer.get_data() == content, url


def test_the_unhashed_url_still_works_and_is_revalidated(client: FlaskClient) -> None:
    for name in ("app.js", "app.css", "vendor/leaflet-1.9.4/leaflet.js"):
        with client.get(f"/static/{name}") as response:
            assert response.status_code == 200
            assert response.get_data() == (STATIC_DIR / name).read_bytes()
            assert "immutable" not in response.headers.get("Cache-Control", "")
            assert "no-cache" in response.headers["Cache-Control"]


def test_a_stale_or_made_up_hash_is_not_found(client: FlaskClient) -> None:
    for url in ("/static/app.0123456789.js", "/static/no-such.0123456789.css"):
        with client.get(url) as response:
            assert response.status_code == 404, url


def test_static_files_come_as_brotli_to_clients_that_accept_it(
    client: FlaskClient, app: Flask
) -> None:
    html = client.get("/").get_data(as_text=True)
    script = next(u for u in _static_urls(html) if "leaflet" in u and u.endswith(".js"))
    content, _ = _file_for(script)
    with client.get(script, headers={"Accept-Encoding": "gzip, deflate, br"}) as response:
        assert response.headers["Content-Encoding"] == "br"
        assert "Accept-Encoding" in response.headers["Vary"]
        body = response.get_data()
        assert brotli.decompress(body) == content
        assert len(body) < len(content) / 3
    with client.get(script, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.get_data()) == content
    with client.get(script) as response:
        assert "Content-Encoding" not in response.headers
        assert response.get_data() == content
    # The page and API answers too.
    with client.get("/", headers={"Accept-Encoding": "br"}) as response:
        assert response.headers["Content-Encoding"] == "br"
        assert b"sm-config" in brotli.decompress(response.get_data())


def test_the_service_worker_is_served_at_the_root_with_the_hashed_shell(
    client: FlaskClient,
) -> None:
    with client.get("/sw.js") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert response.headers["Cache-Control"] == "no-cache"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        text = response.get_data(as_text=True)
    shell = json.loads(re.search(r"self\.SM_SHELL = (\[.*?\]);", text)[1])
    pages = json.loads(re.search(r"self\.SM_PAGES = (\[.*?\]);", text)[1])
    assert pages == ["/"]
    html = client.get("/").get_data(as_text=True)
    for url in _static_urls(html):  # what the page loads, it can load offline
        if not url.endswith((".png",)):
            assert url in shell, url
    assert all(HASHED.match(url) for url in shell), shell
    assert not [u for u in shell if "admin" in u or "/api/" in u or "sw." in u], shell


def test_hashed_text_files_come_as_brotli_at_its_best_quality(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    script = next(u for u in _static_urls(html) if "/static/app." in u and u.endswith(".js"))
    content, _ = _file_for(script)
    best = len(brotli.compress(content, quality=11))
    quick = len(brotli.compress(content, quality=4))  # the compressor's setting for answers
    for _ in range(2):  # compressed once, then kept: the same bytes again
        with client.get(script, headers={"Accept-Encoding": "gzip, deflate, br"}) as response:
            assert response.status_code == 200
            assert response.headers["Content-Encoding"] == "br"
            assert response.headers["Cache-Control"] == IMMUTABLE
            assert "Accept-Encoding" in response.headers["Vary"]
            body = response.get_data()
            etag = response.headers["ETag"]
        assert brotli.decompress(body) == content
        assert len(body) <= best < quick
    with client.get(script, headers={"Accept-Encoding": "br", "If-None-Match": etag}) as response:
        assert response.status_code == 304


def test_the_master_compresses_every_text_file_so_no_request_does(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``stationmap serve`` runs precompress in gunicorn's master (stationmap/wsgi.py's
    warm_up) before the workers fork: after it, a courier's request for any hashed
    script or style sends kept bytes and compresses nothing."""
    from stationmap.web import assets

    names = assets.precompress(client.application)
    assert "app.js" in names and "app.css" in names
    html = client.get("/").get_data(as_text=True)
    texts = [u for u in _static_urls(html) if u.endswith((".js", ".css"))]
    assert any("/vendor/leaflet-" in u for u in texts) and any("/static/app." in u for u in texts)

    def refuse(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("a request compressed a static file")

    monkeypatch.setattr(assets.brotli, "compress", refuse)
    for url in texts:
        with client.get(url, headers={"Accept-Encoding": "br"}) as response:
            assert response.status_code == 200, url
            assert response.headers["Content-Encoding"] == "br", url
            assert brotli.decompress(response.get_data()) == _file_for(url)[0]
