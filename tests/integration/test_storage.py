"""Storage: SQLite WAL and write locking, configuration, and index freshness across
processes."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from stationmap import create_app
from stationmap.app_state import state
from stationmap.config import ConfigError
from stationmap.services import listing
from stationmap.services import stations as station_service
from stationmap.station_fields import parse_station
from tests.conftest import POSTGRES_URL, _make_app

ROOT = Path(__file__).resolve().parents[2]


def _station(name: str, lat: float = 44.305, lon: float = 86.214):
    return parse_station({"name": name, "lat": lat, "lon": lon, "opening_hours": "24/7"})


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_runs_in_wal_mode(app):
    with state(app).db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_concurrent_writers_wait_instead_of_failing(app):
    """Each writer reads, pauses, then writes: with deferred transactions SQLite would
    fail at once with "database is locked"; BEGIN IMMEDIATE makes them queue."""
    database = state(app).db
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def writer(i: int) -> None:
        try:
            barrier.wait()
            with database.write_session() as session:
                station_service.count(session)
                threading.Event().wait(0.05)
                station_service.save_inputs(session, [_station(f"并发驿站{i}")])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with database.session() as session:
        names = {
            s.name for s in listing.list_stations(session, listing.StationQuery(text="并发驿站"))[0]
        }
    assert names == {f"并发驿站{i}" for i in range(4)}


def test_a_write_by_another_process_reaches_this_processs_index(app, tmp_path):
    """Two app instances on one database stand in for two gunicorn workers."""
    url = str(state(app).db.engine.url.render_as_string(hide_password=False))
    other = _make_app(url, tmp_path / "other")
    client = app.test_client()
    query = {"lat": 46.0, "lon": 126.0, "k": 1}
    before = client.get("/api/v1/stations/nearest", query_string=query).get_json()
    builds = state(app).nearest.builds
    with state(other).db.write_session() as session:
        station_service.save_inputs(session, [_station("新开驿站", 46.0, 126.0)])
    after = client.get("/api/v1/stations/nearest", query_string=query).get_json()
    assert after["features"][0]["properties"]["name"] == "新开驿站"
    assert after["features"][0]["properties"]["distance_m"] < 1
    assert before["features"][0]["properties"]["name"] != "新开驿站"
    if not state(app).nearest.uses_database():  # the in-process index was rebuilt once
        assert state(app).nearest.builds == builds + 1
        # No write, no rebuild.
        client.get("/api/v1/stations/nearest", query_string=query)
        assert state(app).nearest.builds == builds + 1
    state(other).db.dispose()


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(
            {
                "STATIONMAP_ENV": "production",
                "INSTANCE_PATH": str(tmp_path),
                "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            }
        )


def test_bad_timezone_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="STATIONMAP_TIMEZONE"):
        _make_app(
            f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path, STATIONMAP_TIMEZONE="Mars/Olympus"
        )


@pytest.mark.parametrize("minutes", ["0", "-5", "abc", "nan", "inf"])
def test_bad_session_idle_minutes_are_refused(tmp_path, minutes):
    with pytest.raises(ConfigError, match="STATIONMAP_SESSION_IDLE_MINUTES"):
        _make_app(
            f"sqlite:///{tmp_path / 'x.sqlite3'}",
            tmp_path,
            STATIONMAP_SESSION_IDLE_MINUTES=minutes,
        )


def test_default_database_is_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"STATIONMAP_ENV": "testing", "INSTANCE_PATH": str(tmp_path)})
    assert state(app).settings.database_url == f"sqlite:///{tmp_path / 'stationmap.sqlite3'}"


def test_wheel_carries_templates_geodata_and_migrations(tmp_path):
    """templates/ and geodata/ sit at the top of the repository but must be found in an
    installed wheel too. Built from a copy of the source without build/: setuptools
    reuses build/lib/, where files of an earlier build would hide a package the wheel
    lacks."""
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            "build", "dist", ".venv", ".git", "mutants", "*.egg-info", "__pycache__", ".*_cache"
        ),
    )
    out = tmp_path / "wheel"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = next(out.glob("stationmap-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "stationmap/_templates/base.html",
        "stationmap/_templates/api_docs.html",
        "stationmap/_geodata/districts.geojson",
        "stationmap/_geodata/china_outline.geojson",
        "stationmap/migrations/env.py",
        "stationmap/migrations/script.py.mako",
        "stationmap/migrations/versions/0001_initial_schema.py",
        "stationmap/static/app.css",
    ):
        assert required in names, required
    # Every package of the source tree, including one a module was split into (setup.cfg
    # lists them by hand).
    packages = sorted(
        init.relative_to(ROOT).as_posix() for init in (ROOT / "stationmap").rglob("__init__.py")
    )
    assert "stationmap/geo/datum/__init__.py" in packages
    assert [init for init in packages if init not in names] == []


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_large_index_rebuilds_in_the_background(app, tmp_path, monkeypatch):
    """Above SYNC_REBUILD_MAX an edit does not stall the worker: the old index answers
    until the new one is built, then the new one does."""
    from stationmap.services import nearest as nearest_service

    monkeypatch.setattr(nearest_service, "SYNC_REBUILD_MAX", 0)
    service = state(app).nearest
    service.warm()
    builds = service.builds
    with state(app).db.write_session() as session:
        station_service.save_inputs(session, [_station("后台重建驿站", 46.0, 126.0)])
    client = app.test_client()
    query = {"lat": 46.0, "lon": 126.0, "k": 1}
    client.get("/api/v1/stations/nearest", query_string=query)  # starts the rebuild
    deadline = threading.Event()
    for _ in range(200):
        if service.builds > builds and not service._rebuilding:
            break
        deadline.wait(0.05)
    after = client.get("/api/v1/stations/nearest", query_string=query).get_json()
    assert service.builds == builds + 1
    assert after["features"][0]["properties"]["name"] == "后台重建驿站"


@pytest.mark.skipif(not POSTGRES_URL, reason="set STATIONMAP_TEST_POSTGRES_URL to run on PostGIS")
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_quick_reads_survive_a_dropped_connection_without_pinging(app):
    """Database.read runs in autocommit with no ping first; when the server has dropped
    its connection (a restart, an idle timeout), the statement is retried once on a new
    connection instead of failing the request."""
    database = state(app).db
    pid = database.read(lambda conn: conn.execute(text("SELECT pg_backend_pid()")).scalar())
    assert database.read(lambda conn: conn.connection.dbapi_connection.autocommit) is True
    with database.engine.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.commit()
    again = database.read(lambda conn: conn.execute(text("SELECT pg_backend_pid()")).scalar())
    assert again != pid
    body = app.test_client().get("/api/v1/stations/nearest?lat=44.3&lon=86.2&k=3").get_json()
    assert len(body["features"]) == 3
