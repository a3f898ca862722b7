"""A district's report webhook may point only at public addresses (unless the deployer
sets STATIONMAP_NOTIFY_LOCAL=1). (A post to such an address is not sent, and a redirect
is not followed: tests/integration/test_report_notify.py.)

A district administrator sets the URL and the server posts to it: any URL made the
server a client inside its own network (Redis on 127.0.0.1, a cloud's metadata at
169.254.169.254, the intranet), each attempt's error shown back on the dashboard. Found
probing the notification settings. The addresses below are from IANA's special-purpose
registries (RFC 6890), not from the code under test.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

import pytest

from stationmap.config import ConfigError, load_settings
from stationmap.services.notify_target import target_error

INSIDE = [
    ("http://127.0.0.1:6379/", "127.0.0.1"),  # loopback: a Redis beside the app
    ("http://localhost/hook", "127.0.0.1"),  # a name for it
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),  # cloud metadata
    ("http://10.1.2.3/hook", "10.1.2.3"),
    ("https://172.16.0.9/hook", "172.16.0.9"),
    ("http://192.168.1.1/", "192.168.1.1"),
    ("http://100.64.0.1/", "100.64.0.1"),  # carrier-grade NAT
    ("http://0.0.0.0:5000/", "0.0.0.0"),
    ("http://[::1]:5000/", "::1"),
    ("http://[fe80::1]/", "fe80::1"),
    ("http://[fd00::5]/", "fd00::5"),  # unique local
]


@pytest.mark.parametrize(("url", "address"), INSIDE)
def test_an_inside_address_is_refused_naming_it_unless_the_deployer_allows(
    url: str, address: str
) -> None:
    refused = target_error(url, local_ok=False)
    assert refused is not None
    zh, en = refused
    assert address in zh and address in en
    assert "STATIONMAP_NOTIFY_LOCAL=1" in zh and "STATIONMAP_NOTIFY_LOCAL=1" in en
    assert target_error(url, local_ok=True) is None


@pytest.mark.parametrize("url", ["https://8.8.8.8/hook", "http://[2001:4860:4860::8888]/"])
def test_a_public_address_is_taken(url: str) -> None:
    assert target_error(url, local_ok=False) is None


@pytest.mark.parametrize("url", ["http://[::1/", "http://:80/hook", "https://host:99999/"])
def test_a_malformed_host_is_refused(url: str) -> None:
    assert target_error(url, local_ok=True) is not None


@pytest.mark.parametrize(
    ("text", "allowed"), [("", False), ("0", False), ("no", False), ("1", True), ("TRUE", True)]
)
def test_the_deployers_switch_reads_one_or_zero(tmp_path: Path, text: str, allowed: bool) -> None:
    environ = {"STATIONMAP_ENV": "testing", "STATIONMAP_NOTIFY_LOCAL": text}
    assert load_settings(environ, tmp_path).notify_local is allowed


def test_a_switch_that_is_neither_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="STATIONMAP_NOTIFY_LOCAL must be 1 or 0"):
        load_settings({"STATIONMAP_ENV": "testing", "STATIONMAP_NOTIFY_LOCAL": "maybe"}, tmp_path)


def test_a_post_connects_to_the_address_checked_not_to_a_second_answer_of_the_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # DNS rebinding: the name answers a public address to the check, then 127.0.0.1 to
    # whoever asks next (the connection, were it to resolve the name again).
    import socket

    from stationmap.services import report_notify

    answers = iter(["1.1.1.1"])

    def resolve(host: str, port: object, *args: object, **kwargs: object) -> list[Any]:
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    connected: list[tuple[str, int]] = []

    def connect(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        connected.append(address)
        raise ConnectionRefusedError("not in this test")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket, "create_connection", connect)
    for url, port in (("http://hook.example:8080/h", 8080), ("https://hook.example/h", 443)):
        answers = iter(["1.1.1.1"])
        connected.clear()
        error = report_notify.post_json(url, {"a": 1})
        assert error is not None and "not in this test" in error
        assert connected == [("1.1.1.1", port)]


def test_a_post_to_the_checked_address_reaches_it_with_the_urls_name_as_host() -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from stationmap.services.notify_target import opener_for

    seen: list[tuple[str, bytes]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(
                (self.headers["Host"], self.rfile.read(int(self.headers["Content-Length"])))
            )
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        request = urllib.request.Request(f"http://hook.invalid:{port}/h", data=b"{}", method="POST")
        with opener_for("127.0.0.1").open(request, timeout=5) as response:
            assert response.status == 200
    finally:
        server.shutdown()
        server.server_close()
    assert seen == [(f"hook.invalid:{port}", b"{}")]


def test_a_proxy_the_deployer_set_still_carries_the_post(monkeypatch: pytest.MonkeyPatch) -> None:
    # A closed network reaches the robots only through its proxy; it resolves the name.
    from stationmap.services.notify_target import OPENER, opener_for

    monkeypatch.setenv("https_proxy", "http://proxy.internal:3128")
    monkeypatch.setenv("no_proxy", "intranet.example")
    assert opener_for("1.1.1.1", "https://qyapi.weixin.qq.com/hook") is OPENER
    assert opener_for("1.1.1.1", "https://intranet.example/hook") is not OPENER
    assert opener_for("1.1.1.1", "http://qyapi.weixin.qq.com/hook") is not OPENER
