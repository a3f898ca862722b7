"""Start-up stays lean: building the app, listing the commands and running a command
import only what they use (issue 17), each checked in a fresh interpreter."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from tests.integration.server_support import stop_group

#: Heavy libraries no app build or worker start needs (each is imported where the
#: command or view that uses it runs).
PRINTING_AND_ANALYSIS = ("matplotlib", "geopandas", "alembic")
MAP_BUILDING = ("folium", "pandas")


def _environ(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATIONMAP_")}
    env.pop("REDIS_URL", None)
    env.update(
        SECRET_KEY="lean-start-test-key",
        DATABASE_URL=f"sqlite:///{tmp_path / 'lean.sqlite3'}",
        STATIONMAP_INSTANCE_PATH=str(tmp_path / "instance"),
    )
    return env


def _imported_after(code: str, env: dict[str, str], watch: tuple[str, ...]) -> list[str]:
    """Which of ``watch`` a fresh interpreter has imported after running ``code``."""
    program = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import json, sys
        print("MODULES=" + json.dumps([m for m in {list(watch)!r} if m in sys.modules]))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("MODULES="))
    return list(json.loads(line.removeprefix("MODULES=")))


def _init_db(env: dict[str, str]) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from stationmap.console import main; main()",
            "init-db",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_create_app_imports_no_map_printing_or_migration_library(tmp_path):
    watch = (*PRINTING_AND_ANALYSIS, *MAP_BUILDING, "scipy", "openpyxl")
    found = _imported_after("import stationmap; stationmap.create_app()", _environ(tmp_path), watch)
    assert found == []


def test_a_worker_imports_no_printing_or_migration_library(tmp_path):
    """The gunicorn app (stationmap.wsgi, as `stationmap serve` loads it), on a database
    with no station. folium is imported there on purpose: the master renders the map
    page once before the workers fork, so they share it (see stationmap/wsgi.py); the
    pandas folium would import, and scipy's KD-tree for an index of nothing, are not."""
    env = _environ(tmp_path)
    _init_db(env)
    watch = (*PRINTING_AND_ANALYSIS, *MAP_BUILDING, "scipy")
    found = _imported_after("import stationmap.wsgi", env, watch)
    assert found == ["folium"]


def test_help_loads_no_command_no_flask_and_no_database_library(tmp_path):
    env = _environ(tmp_path)
    env.pop("SECRET_KEY")
    code = """
        from click.testing import CliRunner
        from stationmap.console import main
        result = CliRunner().invoke(main, ["--help"])
        assert result.exit_code == 0, result.output
        assert "list-users" in result.output and "print-map" in result.output
    """
    watch = (
        "stationmap.cli.stations",
        "stationmap.cli.station_import",
        "stationmap.cli.users",
        "stationmap.cli.printing",
        "stationmap.cli.notify",
        "sqlalchemy",
        "flask",
        "flask_limiter",
    )
    assert _imported_after(code, env, watch) == []


def test_no_command_help_loads_printing_analysis_map_or_migration_libraries(tmp_path):
    """``stationmap COMMAND --help`` only shows options: before, ``print-map --help``
    imported matplotlib through the printing service and took seconds."""
    env = _environ(tmp_path)
    code = """
        from click.testing import CliRunner
        from stationmap.cli import TABLE
        from stationmap.console import main
        for entry in TABLE:
            result = CliRunner().invoke(main, [entry.name, "--help"])
            assert result.exit_code == 0, (entry.name, result.output)
            assert "--help" in result.output, entry.name
    """
    watch = (*PRINTING_AND_ANALYSIS, *MAP_BUILDING, "scipy", "openpyxl", "pyogrio")
    assert _imported_after(code, env, watch) == []


def test_an_account_command_loads_neither_the_web_nor_printing_nor_the_index(tmp_path):
    env = _environ(tmp_path)
    _init_db(env)
    code = """
        from click.testing import CliRunner
        from stationmap.console import main
        result = CliRunner().invoke(main, ["list-users"])
        assert result.exit_code == 0, result.output
    """
    watch = (
        *PRINTING_AND_ANALYSIS,
        *MAP_BUILDING,
        "scipy",
        "shapely",  # the district tree needs no boundary
        "numpy",
        "stationmap.web",
        "stationmap.cli.printing",
        "flask_limiter",
    )
    assert _imported_after(code, env, watch) == []


def test_the_written_out_dummy_hash_costs_what_a_real_one_does():
    """Checking a login for an unknown user costs one scrypt with werkzeug's current
    parameters, the same as for a real user (no timing tells that the name is unknown)."""
    from stationmap.services.users import _DUMMY_HASH

    method = generate_password_hash("anything at all", method="scrypt").split("$", 1)[0]
    assert _DUMMY_HASH.split("$", 1)[0] == method


@pytest.fixture
def small_and_large(empty_app):
    @empty_app.get("/lean-test/small")
    def small():
        return {"ok": True}

    @empty_app.get("/lean-test/large")
    def large():
        return {"text": "驿站" * 1000}

    return empty_app.test_client()


def test_a_short_answer_is_sent_as_it_is_and_a_long_one_compressed(small_and_large):
    small = small_and_large.get("/lean-test/small", headers={"Accept-Encoding": "gzip"})
    assert small.get_json() == {"ok": True}
    assert "Content-Encoding" not in small.headers
    assert "Vary" not in small.headers
    large = small_and_large.get("/lean-test/large", headers={"Accept-Encoding": "gzip"})
    assert large.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in large.headers["Vary"]


# Shared libraries that only these packages ship: a worker that has imported one of
# them has it mapped (geopandas comes with pandas and pyogrio).
HEAVY_EXTENSIONS = ("pandas", "scipy", "matplotlib", "pyogrio")


def _heavy_extensions_mapped(pid: int) -> list[str]:
    """Which of ``HEAVY_EXTENSIONS`` have a file mapped into process ``pid``."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return [
        name
        for name in HEAVY_EXTENSIONS
        if f"/site-packages/{name}/" in maps or f"/site-packages/{name}.libs/" in maps
    ]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _get(port: int, path: str) -> tuple[int, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as response:
        return int(response.status), response.read().decode()


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc")
def test_a_served_worker_with_an_empty_index_loads_no_pandas_scipy_or_printing(tmp_path):
    """`stationmap serve` (gunicorn, the app preloaded in its master) on a database with
    no station: its worker, after a nearest request and after rendering the courier's
    map page, has none of pandas, scipy, matplotlib or geopandas loaded. Each would add
    tens of MB to every worker's resident size (issue 17: <= 90 MB)."""
    env = _environ(tmp_path)
    _init_db(env)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    command = Path(sys.executable).with_name("stationmap")
    process = subprocess.Popen(
        [str(command), "serve", "--port", str(port), "--workers", "1"],
        env={**env, "STATIONMAP_ENV": "development"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, "stationmap serve exited"
            try:
                status, body = _get(port, "/api/v1/stations/nearest?lat=39.9&lon=116.4&k=3")
                break
            except OSError:
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.1)
        assert status == 200 and json.loads(body)["features"] == []
        (worker,) = _children(process.pid)
        assert _heavy_extensions_mapped(worker) == []
        status, page = _get(port, "/")
        assert status == 200 and 'class="folium-map"' in page
        assert _children(process.pid) == [worker]
        assert _heavy_extensions_mapped(worker) == []
    finally:
        stop_group(process)
