"""Shared fixtures: the app on a temporary database seeded with the shipped districts and
the demo data, its test client and CLI runner.

Integration tests run on SQLite always and, when ``STATIONMAP_TEST_POSTGRES_URL`` names
a PostgreSQL server, on PostgreSQL too (the ``backend`` parameter).
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text

from stationmap import create_app
from stationmap.app_state import state
from stationmap.db import upgrade
from stationmap.services import demo as demo_service
from stationmap.services import districts as district_service

POSTGRES_URL = os.environ.get("STATIONMAP_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", *(["postgres"] if POSTGRES_URL else [])]


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """Parameter ids in plain ASCII without backslashes: a text value with Chinese
    characters (or a newline) gets ``u4f11u606f``-style codes where pytest would write
    ``\\u4f11``, which mutmut cannot hand back to pytest as a node id (a run limited to
    some mutants, ``tests/mutation.sh 'stationmap.geo.hours*'``, then fails to start)."""
    if not isinstance(val, str) or (val.isascii() and val.isprintable() and "\\" not in val):
        return None
    return "".join(
        ch if ch.isascii() and ch.isprintable() and ch != "\\" else f"u{ord(ch):04x}" for ch in val
    )


def _make_app(url: str, instance: Path, **extra: object) -> Flask:
    return create_app(
        {
            "DATABASE_URL": url,
            "STATIONMAP_ENV": "testing",
            "STATIONMAP_INDEX_CHECK_S": "0",
            # The tests' webhook receivers listen on 127.0.0.1.
            "STATIONMAP_NOTIFY_LOCAL": "1",
            "INSTANCE_PATH": str(instance),
            **extra,
        }
    )


def _seed(app: Flask, with_demo: bool) -> None:
    database = state(app).db
    upgrade(database)
    with database.write_session() as session:
        district_service.load_shipped(session)
        if with_demo:
            demo_service.load_demo(session)


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    """Seeded SQLite files (with and without demo data), copied for each test."""
    out = {}
    for with_demo in (True, False):
        folder = tmp_path_factory.mktemp(f"template-{with_demo}")
        path = folder / "stationmap.sqlite3"
        app = _make_app(f"sqlite:///{path}", folder)
        _seed(app, with_demo)
        state(app).db.dispose()
        out[with_demo] = path
    return out


def _copy_sqlite(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _postgres_database(template: str | None = None) -> str:
    """A fresh database on the configured server (a copy of ``template`` if given);
    dropped at the end by the caller."""
    name = f"stationmap_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        copy = f' TEMPLATE "{template}"' if template else ""
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def postgres_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[bool, str]]:
    """Seeded PostgreSQL databases (with and without demo data), cloned for each test."""
    if not POSTGRES_URL:
        yield {}
        return
    out = {}
    for with_demo in (True, False):
        url = _postgres_database()
        app = _make_app(url, tmp_path_factory.mktemp("pg-template"))
        _seed(app, with_demo)
        state(app).db.dispose()
        out[with_demo] = url.rsplit("/", 1)[1]
    yield out
    for name in out.values():
        _drop_postgres(POSTGRES_URL.rsplit("/", 1)[0] + "/" + name)


def _drop_postgres(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _app_fixture(
    request: pytest.FixtureRequest,
    backend: str,
    tmp_path: Path,
    templates: dict[bool, Path],
    with_demo: bool,
) -> Iterator[Flask]:
    if backend == "sqlite":
        path = tmp_path / "stationmap.sqlite3"
        _copy_sqlite(templates[with_demo], path)
        app = _make_app(f"sqlite:///{path}", tmp_path)
        yield app
        state(app).db.dispose()
    else:
        pg_templates = request.getfixturevalue("postgres_templates")
        url = _postgres_database(pg_templates[with_demo])
        app = _make_app(url, tmp_path)
        yield app
        state(app).db.dispose()
        _drop_postgres(url)


@pytest.fixture
def app(
    request: pytest.FixtureRequest,
    backend: str,
    tmp_path: Path,
    sqlite_templates: dict[bool, Path],
) -> Iterator[Flask]:
    """The app on a database with the shipped districts and the demo stations."""
    yield from _app_fixture(request, backend, tmp_path, sqlite_templates, with_demo=True)


@pytest.fixture
def empty_app(
    request: pytest.FixtureRequest,
    backend: str,
    tmp_path: Path,
    sqlite_templates: dict[bool, Path],
) -> Iterator[Flask]:
    """The app on a database with the shipped districts and no stations."""
    yield from _app_fixture(request, backend, tmp_path, sqlite_templates, with_demo=False)


@pytest.fixture
def pg_app(postgres_templates: dict[bool, str], tmp_path: Path) -> Iterator[Flask]:
    """The app on a PostgreSQL database with the districts and the demo stations (for
    tests of PostgreSQL alone; they skip without ``STATIONMAP_TEST_POSTGRES_URL``)."""
    url = _postgres_database(postgres_templates[True])
    app = _make_app(url, tmp_path)
    yield app
    state(app).db.dispose()
    _drop_postgres(url)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
