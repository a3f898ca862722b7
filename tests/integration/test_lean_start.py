"""Start-up stays lean: building the app, listing the commands and running a command
import only what they use (issue 17), each checked in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

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
    """The gunicorn app (stationmap.wsgi, as `stationmap serve` loads it). folium is
    imported there on purpose: the master renders the map page once before the workers
    fork, so they share it (see stationmap/wsgi.py)."""
    env = _environ(tmp_path)
    _init_db(env)
    found = _imported_after("import stationmap.wsgi", env, (*PRINTING_AND_ANALYSIS, "folium"))
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
        "stationmap.cli.users",
        "stationmap.cli.printing",
        "stationmap.cli.notify",
        "sqlalchemy",
        "flask",
        "flask_limiter",
    )
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
