"""The benches' server and load generator: gunicorn on 127.0.0.1 in a process group of
its own, and wrk runs read into figures. Used by api.py, load.py (and through it
pg_nearest.py and simulate.py) and floor.py; not part of the test run.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 15.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def children(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` (read from /proc), in pid order."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent:
            out.append(int(entry.name))
    return sorted(out)


class Gunicorn:
    """gunicorn serving ``app`` (a WSGI target such as ``load_wsgi:app``) on a free
    port of 127.0.0.1, in its own process group, so :meth:`stop` ends it and its
    workers, and nothing else.

    ``env`` is the whole environment of the server; ``chdir`` the folder it runs in
    and imports ``app`` from (its working directory too: ``python -m`` puts that
    first on the path, so a repository's own package cannot shadow a baseline
    checkout's on ``PYTHONPATH``); ``extra``: more gunicorn options.
    """

    def __init__(
        self,
        app: str,
        env: Mapping[str, str],
        log: Path,
        *,
        workers: int = 2,
        worker_class: str = "sync",
        chdir: Path = BENCH_DIR,
        extra: Sequence[str] = (),
    ) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.log = log
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--worker-class",
                worker_class,
                "--bind",
                f"{HOST}:{self.port}",
                "--chdir",
                str(chdir),
                "--log-level",
                "warning",
                "--timeout",
                "120",
                *extra,
                app,
            ],
            env=dict(env),
            cwd=chdir,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def get(self, path: str, timeout_s: float = 60.0) -> tuple[int, bytes]:
        """(HTTP status, body) of one GET of ``path``."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout_s) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read()

    def wait_ready(self, path: str = "/bench/trivial", timeout_s: float = START_TIMEOUT_S) -> None:
        """Wait until ``path`` answers 200; raise with the log's end if it never does."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                if self.get(path, timeout_s=5.0)[0] == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn not answering after {timeout_s:.0f} s:\n{self.log_tail()}")

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=STOP_TIMEOUT_S)
        self._log.close()


@dataclass(frozen=True)
class WrkResult:
    """One ``wrk --latency`` run: requests/s, latency percentiles (ms), requests made,
    non-2xx/3xx answers, socket errors, and the CPU seconds wrk itself used."""

    requests_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    bad_responses: int
    socket_errors: int
    wrk_cpu_s: float = 0.0

    @property
    def failures(self) -> int:
        return self.bad_responses + self.socket_errors


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_PERCENTILE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)


def parse_wrk(text: str, wrk_cpu_s: float = 0.0) -> WrkResult:
    """The figures of one ``wrk --latency`` run; raises ValueError if one is missing."""
    percentiles = {
        float(p): float(value) * _UNIT_MS[unit] for p, value, unit in _PERCENTILE_RE.findall(text)
    }
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.MULTILINE)
    total = re.search(r"^\s*(\d+) requests in ", text, re.MULTILINE)
    if rps is None or total is None or not {50.0, 90.0, 99.0} <= percentiles.keys():
        raise ValueError(f"cannot read wrk output:\n{text}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    return WrkResult(
        requests_per_s=float(rps.group(1)),
        p50_ms=percentiles[50.0],
        p90_ms=percentiles[90.0],
        p99_ms=percentiles[99.0],
        requests=int(total.group(1)),
        bad_responses=int(bad.group(1)) if bad else 0,
        socket_errors=sum(int(g) for g in errors.groups()) if errors else 0,
        wrk_cpu_s=wrk_cpu_s,
    )


def run_wrk(
    url: str,
    duration_s: int,
    *,
    threads: int = 2,
    connections: int = 16,
    timeout_s: int | None = 10,
    script: Path | None = None,
    script_args: Sequence[str] = (),
) -> WrkResult:
    """``wrk -t{threads} -c{connections} -d{duration_s}s --latency`` against ``url``
    (with a Lua ``script`` and its arguments, if given; ``timeout_s`` None: wrk's own
    2 s), read into figures with the CPU wrk used. Raises if wrk fails."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration_s}s"]
    if timeout_s is not None:
        command.append(f"--timeout={timeout_s}s")
    command.append("--latency")
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        command,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=duration_s + (timeout_s or 2) + 60,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    spent = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return parse_wrk(done.stdout, spent)
