"""Helpers for the fault tests: a live server in a thread, the command line as a
separate process, and a private PostgreSQL cluster that a test may stop and start."""

from __future__ import annotations

import http.client
import json
import os
import pwd
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

POSTGRES_URL = os.environ.get("STATIONMAP_TEST_POSTGRES_URL", "")
DEBIAN_SERVER_ROOT = Path("/usr/lib/postgresql")
DEBIAN_SHARE_ROOT = Path("/usr/share/postgresql")


# -- HTTP against a live server ---------------------------------------------------------
@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def http_get(port: int, path: str, timeout_s: float = 10.0) -> Reply:
    """One GET to 127.0.0.1:``port`` on a fresh connection, whatever the status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return Reply(response.status, headers.get("content-type", ""), headers, body)
    finally:
        conn.close()


@contextmanager
def live_server(app: Flask) -> Iterator[int]:
    """Serve ``app`` on 127.0.0.1 (a free port, a thread per request); yields the port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield server.port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Callable[[], object], timeout_s: float, interval_s: float = 0.05) -> bool:
    """Poll ``condition()`` until it is true or ``timeout_s`` passes; returns the last
    answer."""
    deadline = time.monotonic() + timeout_s
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval_s)


# -- the command line as a separate process ---------------------------------------------
def cli_command() -> list[str]:
    """``stationmap`` as installed next to this interpreter (the console script)."""
    script = Path(sys.executable).with_name("stationmap")
    if script.exists():
        return [str(script)]
    return [
        sys.executable,
        "-c",
        "import sys; from stationmap.console import main; sys.exit(main())",
    ]


def cli_environ(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, STATIONMAP_ENV="development")
    env.pop("STATIONMAP_INSTANCE_PATH", None)
    return env


# -- a private PostgreSQL cluster --------------------------------------------------------
def server_bindir() -> Path | None:
    """The newest Debian-layout PostgreSQL server with PostGIS installed for it."""

    def version(path: Path) -> tuple[int, ...]:
        name = path.parent.parent.name
        return tuple(int(p) for p in name.split(".") if p.isdigit())

    for pg_ctl in sorted(DEBIAN_SERVER_ROOT.glob("*/bin/pg_ctl"), key=version, reverse=True):
        release = pg_ctl.parent.parent.name
        postgis = DEBIAN_SHARE_ROOT / release / "extension" / "postgis.control"
        if (pg_ctl.parent / "initdb").exists() and postgis.exists():
            return pg_ctl.parent
    return None


def private_postgres_unavailable() -> str | None:
    """Why a private cluster cannot be made here, or None when it can."""
    if not POSTGRES_URL:
        return "STATIONMAP_TEST_POSTGRES_URL is not set (PostgreSQL tests are off)"
    if os.geteuid() != 0:
        return "needs root, to run a private PostgreSQL cluster as the postgres user"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "no postgres system user"
    if server_bindir() is None:
        return (
            f"no PostgreSQL server with PostGIS under {DEBIAN_SERVER_ROOT} "
            "(Debian: apt-get install postgresql-15-postgis-3)"
        )
    return None


class PrivateCluster:
    """A throwaway PostgreSQL cluster on 127.0.0.1:``port`` (trust auth, user postgres),
    run as the postgres user; :meth:`stop` and :meth:`start` stage an outage."""

    def __init__(self, bindir: Path, root: Path) -> None:
        self.bindir = bindir
        self.root = root
        self.data = root / "data"
        self.log = root / "server.log"
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout_s: float = 60.0) -> None:
        result = subprocess.run(
            args,
            user="postgres",
            group="postgres",
            extra_groups=[],
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n"
                f"{result.stderr}\n{log}"
            )

    def init(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "30",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def kill(self) -> None:
        """Last resort when ``pg_ctl stop`` fails: SIGKILL this cluster's postmaster."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
            os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError):
            pass

    def ready(self) -> bool:
        """What ``pg_isready`` says: the server accepts connections."""
        result = subprocess.run(
            [str(self.bindir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=10,
            check=False,
        )
        return result.returncode == 0
