"""What starting a command costs: ``stationmap --help``, ``stationmap list-users``, two
commands' own ``--help`` and a small ``stationmap print-map``, beside ``python -c
pass`` and a bare click app (the floor a Python command line starts from), CPU (user +
system of the child) and wall time, each the median of ``--runs`` runs taking turns,
in one run of this script.

The database is a temporary SQLite file with the shipped districts (``init-db``) and
the demo stations (``demo``); print-map draws district 652324 (13 demo stations,
A4 PDF) as the issue measured it. Targets (issue 17): --help <= 0.3 s, list-users
<= 0.8 s.

Run: ``.venv/bin/python bench/startup.py [--runs 7]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_CLICK = """
import click

@click.group()
def main():
    "A bare click app."

@main.command()
def hello():
    "Say hello."
    click.echo("hello")

main()
"""


def _measure(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU s, wall s) of one run of ``argv``, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(argv, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"{argv} failed:\n{result.stdout!r}\n{result.stderr!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    python = sys.executable
    stationmap = str(Path(python).with_name("stationmap"))
    with tempfile.TemporaryDirectory(prefix="stationmap-startup-") as folder:
        work = Path(folder)
        env = dict(os.environ)
        env.update(
            SECRET_KEY="bench-startup",
            DATABASE_URL=f"sqlite:///{work / 'startup.sqlite3'}",
            STATIONMAP_INSTANCE_PATH=str(work / "instance"),
        )
        for setup in (["init-db"], ["demo"]):
            subprocess.run([stationmap, *setup], env=env, check=True, capture_output=True)
        (work / "bare_click.py").write_text(BARE_CLICK, encoding="utf-8")
        cases = {
            "python -c pass": [python, "-c", "pass"],
            "bare click app --help": [python, str(work / "bare_click.py"), "--help"],
            "stationmap --help": [stationmap, "--help"],
            "stationmap list-users": [stationmap, "list-users"],
            "stationmap print-map --help": [stationmap, "print-map", "--help"],
            "stationmap import-stations --help": [stationmap, "import-stations", "--help"],
            "stationmap print-map 652324": [
                stationmap,
                "print-map",
                "652324",
                "-o",
                str(work / "map.pdf"),
            ],
        }
        for command in cases.values():  # warm the file cache, not counted
            _measure(command, env)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        load = [os.getloadavg()[0]]
        for _ in range(args.runs):
            for name, command in cases.items():
                times[name].append(_measure(command, env))
        load.append(os.getloadavg()[0])
    print(f"== start-up, median of {args.runs} runs (load average {load[0]:.1f} -> {load[1]:.1f},")
    print(f"   {os.cpu_count()} CPUs; CPU = user + system of the command) ==")
    print(f"{'':30}{'CPU s':>8}{'wall s':>9}")
    for name, rows in times.items():
        cpu = statistics.median(r[0] for r in rows)
        wall = statistics.median(r[1] for r in rows)
        print(f"{name:30}{cpu:8.3f}{wall:9.3f}")
    print("targets: stationmap --help <= 0.3 s, stationmap list-users <= 0.8 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
