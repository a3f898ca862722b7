"""A local stand-in for Tianditu's and AMap's geocoders: an HTTP server on 127.0.0.1
in a thread that records each request and answers what the test set. ``hold()`` makes
it keep every request waiting (until the test ends) so a timeout is certain, without
measuring time."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class FakeGeocoder:
    port: int = 0
    status: int = 200
    body: Any = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    holding: bool = False
    release: threading.Event = field(default_factory=threading.Event)

    def answer(self, body: Any, status: int = 200) -> None:
        """Answer ``body`` (JSON; bytes as they are) with HTTP ``status``."""
        self.body, self.status, self.holding = body, status, False

    def hold(self) -> None:
        self.holding = True

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def amap_answer(lat: float, lon: float, address: str = "", level: str = "门牌号") -> dict:
    """AMap's documented answer for one match: location "lon,lat" (GCJ-02) as text."""
    return {
        "status": "1",
        "info": "OK",
        "infocode": "10000",
        "count": "1",
        "geocodes": [
            {
                "formatted_address": address,
                "country": "中国",
                "location": f"{lon:.6f},{lat:.6f}",
                "level": level,
            }
        ],
    }


def tianditu_answer(lat: float, lon: float, keyword: str = "", level: str = "门址") -> dict:
    """Tianditu's documented answer: location.lon / location.lat (CGCS2000), status "0"."""
    return {
        "msg": "ok",
        "location": {"score": 100, "level": level, "lon": lon, "lat": lat, "keyWord": keyword},
        "searchVersion": "6.4.9V",
        "status": "0",
    }


@contextmanager
def fake_geocoder() -> Iterator[FakeGeocoder]:
    fake = FakeGeocoder()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            fake.requests.append((parts.path, query))
            if fake.holding:
                fake.release.wait(30)
                return
            data = fake.body if isinstance(fake.body, bytes) else json.dumps(fake.body).encode()
            try:
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
