"""SQLite writers queue instead of failing: a ``BEGIN IMMEDIATE`` answered "busy" at
once is retried within the busy timeout, and a large WAL left by a writer killed with
SIGKILL is checkpointed and truncated before concurrent writers meet it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event, text

from stationmap import db as db_module
from stationmap.db import connect

KILLED_WRITER = """
import os, signal, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA cache_size=50")  # spill the open transaction's pages into the WAL
conn.execute("BEGIN IMMEDIATE")
conn.execute(
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
    "INSERT INTO filler SELECT randomblob(4000) FROM n"
)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _make_file(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, worker INTEGER)")
        conn.execute("CREATE TABLE filler (blob BLOB)")


def _insert(database, worker: int) -> None:
    """Read, then write, in one transaction (the pattern a deferred BEGIN fails)."""
    with database.write_session() as session:
        session.execute(text("SELECT count(*) FROM item")).scalar()
        session.execute(text("INSERT INTO item (worker) VALUES (:w)"), {"w": worker})


def test_a_busy_begin_immediate_is_retried_within_the_busy_timeout(tmp_path):
    path = tmp_path / "busy.sqlite3"
    _make_file(path)
    database = connect(f"sqlite:///{path}")

    # Stand in for the cases where SQLite answers SQLITE_BUSY without calling its
    # busy handler: with no busy timeout every wait is such a case.
    @event.listens_for(database.engine, "connect")
    def _no_busy_handler(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA busy_timeout=0")

    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO item (worker) VALUES (-1)")
    release = threading.Timer(0.5, holder.execute, ("COMMIT",))
    release.start()
    started = time.monotonic()
    _insert(database, 1)  # waits for the holder instead of failing at once
    waited_s = time.monotonic() - started
    release.join()
    holder.close()
    assert waited_s >= 0.4
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT worker FROM item ORDER BY id").fetchall() == [(-1,), (1,)]
    database.dispose()


def test_writers_after_a_killed_large_write_all_succeed(tmp_path, monkeypatch):
    """A writer killed mid-transaction leaves its pages in the WAL (here 8 MB against
    a checkpoint threshold lowered to 1 MB; in the field 230-290 MB against 64 MB).
    The next process checkpoints and truncates it on its first connection, and 20
    concurrent writers then make 200 rows without one "database is locked"."""
    monkeypatch.setattr(db_module, "SQLITE_WAL_CHECKPOINT_BYTES", 1024 * 1024)
    path = tmp_path / "killed.sqlite3"
    _make_file(path)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(path)], check=False, timeout=120
    )
    assert killed.returncode == -9
    wal = Path(f"{path}-wal")
    assert wal.stat().st_size > 4 * 1024 * 1024, "the killed write did not reach the WAL"

    database = connect(f"sqlite:///{path}")
    with database.session() as session:
        assert session.execute(text("SELECT count(*) FROM filler")).scalar() == 0
    assert wal.stat().st_size <= 1024 * 1024

    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            for _ in range(10):
                _insert(database, worker)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT worker, count(*) FROM item GROUP BY worker").fetchall()
    assert sorted(rows) == [(n, 10) for n in range(20)]
    database.dispose()


def test_a_large_committed_write_is_checkpointed_when_it_commits(tmp_path, monkeypatch):
    monkeypatch.setattr(db_module, "SQLITE_WAL_CHECKPOINT_BYTES", 1024 * 1024)
    path = tmp_path / "large.sqlite3"
    _make_file(path)
    database = connect(f"sqlite:///{path}")
    with database.write_session() as session:
        session.execute(
            text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                "WHERE i < 1000) INSERT INTO filler SELECT randomblob(4000) FROM n"
            )
        )
    assert Path(f"{path}-wal").stat().st_size <= 1024 * 1024
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM filler").fetchone() == (1000,)
    database.dispose()


@pytest.mark.parametrize("code", [sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED])
def test_busy_codes_are_recognised(code):
    exc = sqlite3.OperationalError("database is locked")
    exc.sqlite_errorcode = code
    assert db_module._busy(exc)
