"""``stationmap serve`` on a loopback port: a worker accepts no request before its
nearest index is ready, so the first courier is answered correctly and without waiting
for an index build."""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from stationmap import create_app
from stationmap.app_state import state
from stationmap.db import upgrade
from stationmap.services.stations import save_inputs
from stationmap.station_fields import StationInput
from tests.integration.server_support import stop_group

STATIONS = 4000
# Stations on a grid of 0.01° around 呼和浩特 (about 1 km apart), 80 x 50.
LAT0, LON0, STEP = 40.60, 111.40, 0.01
QUERY = (40.8123, 111.6789)
EDIT = (40.6551, 111.4549)  # where the edit test adds a station, 25 km from QUERY
NEW_CODE = "000000-9999"  # the station the edit test adds


def _code(i: int) -> str:
    """Grid station ``i``'s code: the points lie in no shipped district (prefix 000000)."""
    return f"000000-{i + 1:04d}"


def _grid() -> list[tuple[float, float]]:
    return [(LAT0 + STEP * (i // 80), LON0 + STEP * (i % 80)) for i in range(STATIONS)]


def _haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("serve")
    url = f"sqlite:///{folder / 'stationmap.sqlite3'}"
    app = create_app(
        {"DATABASE_URL": url, "STATIONMAP_ENV": "testing", "INSTANCE_PATH": str(folder)}
    )
    database = state(app).db
    upgrade(database)
    with database.write_session() as session:
        save_inputs(
            session,
            [
                StationInput(name=f"网格驿站{i}", lat=lat, lon=lon, code=_code(i))
                for i, (lat, lon) in enumerate(_grid())
            ],
        )
    database.dispose()
    return url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _serving(database_url: str, instance: Path, **settings: str) -> Iterator[str]:
    """``stationmap serve`` with 2 workers on a free loopback port; its address."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "STATIONMAP_ENV": "development",
        "STATIONMAP_INSTANCE_PATH": str(instance),
        "STATIONMAP_API_RATE_LIMIT": "off",
        "REDIS_URL": "",
        **settings,
    }
    command = Path(sys.executable).with_name("stationmap")
    process = subprocess.Popen(
        [str(command), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        yield f"127.0.0.1:{port}"
    finally:
        stop_group(process, timeout_s=20)
        assert process.stderr is not None
        process.stderr.close()


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[str]:
    with _serving(database_url, tmp_path) as address:
        yield address


def _wait_for_port(served: str) -> None:
    """Until the port takes connections, nothing more."""
    host, port = served.split(":")
    deadline = time.monotonic() + 120
    while True:
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "the server never opened its port"
            time.sleep(0.02)


def test_the_workers_answer_from_the_index_built_before_the_port_opened(
    database_url: str, tmp_path: Path
) -> None:
    """No request waits for an index build: once the port takes connections, the
    workers answer from the index the master built before it opened the port. The
    database is moved away as soon as the port opens (and edits are looked for only
    hourly), so a worker that still had to read the stations could not answer at all;
    how soon the first answer comes is measured by bench/memory.py, not here."""
    source = Path(database_url.removeprefix("sqlite:///"))
    copy = tmp_path / "served.sqlite3"
    shutil.copyfile(source, copy)
    with _serving(f"sqlite:///{copy}", tmp_path, STATIONMAP_INDEX_CHECK_S="3600") as address:
        _wait_for_port(address)
        copy.rename(tmp_path / "moved-away.sqlite3")
        url = f"http://{address}/api/v1/stations/nearest?lat={QUERY[0]}&lon={QUERY[1]}&k=3"
        grid = _grid()
        expected = sorted(range(STATIONS), key=lambda i: _haversine_m(QUERY, grid[i]))[:3]
        for _ in range(8):  # a new connection each time: the requests reach both workers
            with urllib.request.urlopen(url, timeout=60) as response:
                answer = json.load(response)
            assert [f["properties"]["code"] for f in answer["features"]] == [
                _code(i) for i in expected
            ]


def test_an_edit_reaches_every_preloaded_worker_within_a_second(
    served: str, database_url: str, tmp_path: Path
) -> None:
    """Workers start with the master's index; an edit made by another process still
    shows in every worker's answers within the documented second."""
    _wait_for_port(served)
    url = f"http://{served}/api/v1/stations/nearest?lat={EDIT[0]}&lon={EDIT[1]}&k=1"

    def first_code() -> str:
        # A new connection each time: the requests spread over both workers.
        with urllib.request.urlopen(url, timeout=60) as response:
            return str(json.load(response)["features"][0]["properties"]["code"])

    assert first_code() != NEW_CODE
    app = create_app(
        {"DATABASE_URL": database_url, "STATIONMAP_ENV": "testing", "INSTANCE_PATH": str(tmp_path)}
    )
    with state(app).db.write_session() as session:
        save_inputs(session, [StationInput(name="新驿站", lat=EDIT[0], lon=EDIT[1], code=NEW_CODE)])
    state(app).db.dispose()
    time.sleep(1.0)
    assert [first_code() for _ in range(8)] == [NEW_CODE] * 8
