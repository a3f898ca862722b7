"""PostgreSQL restarted under a serving app: during the outage the API answers 503 with
its JSON error (no stack trace, no HTML page); once the server is back, requests
succeed again in the same app process, on connections the pool had opened before.

The app runs on a private PostGIS cluster (see ``conftest.py``) so that nearest
queries go to the database (KNN on the geography column), the path that an outage
actually breaks; the in-process index of the SQLite path would keep answering.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask

from stationmap import create_app
from stationmap.app_state import state
from tests.faults.support import PrivateCluster, Reply, http_get, live_server, wait_until

pytestmark = pytest.mark.faults

LEAKS = (b"Traceback", b"<html", b"<!doctype", b"sqlalchemy", b"psycopg", b'File "')


def _app(cluster: PrivateCluster, instance: Path) -> Flask:
    app = create_app(
        {
            "DATABASE_URL": cluster.url,
            # Production settings: the error pages must hold up without debug help.
            "STATIONMAP_ENV": "production",
            "SECRET_KEY": "faults-" + "x" * 40,
            "STATIONMAP_API_RATE_LIMIT": "off",
            "INSTANCE_PATH": str(instance),
        }
    )
    runner = app.test_cli_runner()
    init = runner.invoke(args=["init-db"])
    assert init.exit_code == 0, init.output
    assert "PostGIS: enabled." in init.output
    demo = runner.invoke(args=["demo"])
    assert demo.exit_code == 0, demo.output
    return app


def _paths(port: int) -> list[str]:
    """A nearest query (PostGIS KNN), a bbox page and a station, around a demo station."""
    listing = http_get(port, "/api/v1/stations?limit=1")
    assert listing.status == 200, listing.body[:500]
    feature = listing.json()["features"][0]
    lon, lat = feature["geometry"]["coordinates"]
    box = f"{lon - 0.02:.5f},{lat - 0.02:.5f},{lon + 0.02:.5f},{lat + 0.02:.5f}"
    return [
        f"/api/v1/stations/nearest?lat={lat + 0.003:.5f}&lon={lon - 0.004:.5f}&k=5",
        f"/api/v1/stations/nearest?lat={lat:.5f}&lon={lon:.5f}&k=3&amenity=water",
        f"/api/v1/stations?bbox={box}&limit=100",
        f"/api/v1/stations/{feature['id']}",
    ]


def _assert_served(reply: Reply, path: str) -> None:
    assert reply.status == 200, (path, reply.status, reply.body[:500])
    assert reply.json()


def _assert_unavailable(reply: Reply, path: str) -> None:
    assert reply.status == 503, (path, reply.status, reply.body[:500])
    assert reply.content_type.startswith("application/json"), (path, reply.content_type)
    body = reply.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == "database_unavailable", body
    assert body["error"]["message"], body
    assert reply.headers.get("retry-after", "").isdigit(), reply.headers
    for leak in LEAKS:
        assert leak.lower() not in reply.body.lower(), (path, leak, reply.body[:500])


def _burst(port: int, paths: list[str], rounds: int = 4) -> list[tuple[str, Reply]]:
    """Requests on several server threads at once, so the pool holds several
    connections (all of which the restart will break)."""
    work = [p for _ in range(rounds) for p in paths]
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(zip(work, pool.map(lambda p: http_get(port, p), work), strict=True))


def test_outage_gives_503_json_and_the_app_recovers_on_its_own(
    private_postgres: PrivateCluster, tmp_path: Path
) -> None:
    app = _app(private_postgres, tmp_path)
    assert state(app).nearest.uses_database(), "nearest must be answered by PostGIS here"
    try:
        with live_server(app) as port:
            paths = _paths(port)
            for path, reply in _burst(port, paths):
                _assert_served(reply, path)
            pool = state(app).db.engine.pool
            assert pool.checkedin() >= 2, pool.status()  # stale connections to come
            quick = state(app).db.quick_engine.pool  # nearest: autocommit, no pre-ping
            assert quick.checkedin() >= 1, quick.status()

            # 1. Outage with requests arriving: every one gets a clean 503.
            private_postgres.stop("fast")
            try:
                assert not private_postgres.ready()
                for _ in range(2):  # the second round runs on a pool already invalidated
                    for path in paths:
                        _assert_unavailable(http_get(port, path), path)
            finally:
                private_postgres.start()
            assert wait_until(private_postgres.ready, timeout_s=20)
            for path in paths:  # the first request after the restart already succeeds
                _assert_served(http_get(port, path), path)
            for path, reply in _burst(port, paths):
                _assert_served(reply, path)

            # 2. A restart between two requests: the pool's connections are all dead and
            # nothing has told the app; pre-ping must notice before a query fails, and
            # on the quick pool the failed statement is retried on a new connection.
            assert pool.checkedin() >= 2, pool.status()
            assert quick.checkedin() >= 1, quick.status()
            private_postgres.stop("fast")
            try:
                assert not private_postgres.ready()
            finally:
                private_postgres.start()
            assert wait_until(private_postgres.ready, timeout_s=20)
            for path, reply in _burst(port, paths, rounds=2):
                _assert_served(reply, path)
    finally:
        state(app).db.dispose()
