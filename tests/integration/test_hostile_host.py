"""A Host header a browser would never send ("a..b", "xn--", 300 characters, a tab)
gets a 4xx answer from a real socket server, never a 500 or a dropped connection.

Werkzeug refuses such a Host with 400 before routing, so the error page cannot build its
``url_for`` links; the answer is then plain text. The requests go over a socket to a
real server (not Flask's test client, which itself fails decoding some of these hosts
after the app has answered).
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import pytest
from flask import Flask

from tests.faults.support import live_server

HOSTILE_HOSTS = [
    "a..b",
    ".",
    "..",
    "a" * 300,
    "xn--",
    "xn--zz",
    "-.example",
    "a\tb",
    "[",
    "a:b:c",
]
PATHS = ["/", "/admin/login", "/healthz", "/api/v1/stations/nearest?lat=30.25&lon=120.16"]


@pytest.fixture
def port(app: Flask) -> Iterator[int]:
    with live_server(app) as server_port:
        yield server_port


def _get(port: int, path: str, host: str) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        conn.close()


@pytest.mark.parametrize("host", HOSTILE_HOSTS, ids=lambda h: repr(h)[:20])
def test_a_hostile_host_header_is_answered_without_a_server_error(port, host):
    for path in PATHS:
        status, content_type, body = _get(port, path, host)
        assert status < 500, (host, path, status, body[:300])
        if status == 400 and path.startswith("/api/"):
            assert content_type.startswith("application/json"), (host, path, content_type)
        elif status == 400:
            assert b"400" in body, (host, path, body[:300])


def test_an_ordinary_host_still_gets_the_html_page(port):
    status, content_type, body = _get(port, "/", "127.0.0.1")
    assert status == 200
    assert content_type.startswith("text/html")
    # The error page for a real missing page keeps its link home (url_for works).
    status, content_type, body = _get(port, "/s/NOPE-0000", "127.0.0.1")
    assert status == 404
    assert content_type.startswith("text/html")
    assert b'href="/"' in body


def test_a_wrong_method_on_a_page_keeps_the_allow_header(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("DELETE", "/healthz")
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    assert response.status == 405
    assert "GET" in (response.getheader("Allow") or ""), response.getheaders()
