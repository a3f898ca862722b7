"""Fault tests: the database going away under a serving app, a worker killed mid-import.

They are slower than the integration suite (about two minutes in all) and carry the
``faults`` marker: ``pytest -m "not faults"`` leaves them out, ``pytest tests/faults``
runs only them; the plain ``pytest`` of the README and CI runs them too.

PostgreSQL outages are staged on a *private* cluster (``initdb`` in a temporary folder,
its own port on 127.0.0.1), never on the machine's shared server: stopping that one
would break every other test or session using it at the same moment.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.support import PrivateCluster, private_postgres_unavailable, server_bindir


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "faults: fault injection (database restart, SIGKILL); slow, run in CI"
    )


@pytest.fixture
def private_postgres() -> Iterator[PrivateCluster]:
    """A running private cluster; stopped and removed afterwards, whatever happened."""
    reason = private_postgres_unavailable()
    if reason:
        pytest.skip(reason)
    bindir = server_bindir()
    assert bindir is not None
    root = Path(tempfile.mkdtemp(prefix="stationmap-faults-pg-"))
    shutil.chown(root, "postgres", "postgres")
    cluster = PrivateCluster(bindir, root)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if cluster.running():
            try:
                cluster.stop("immediate")
            except (RuntimeError, subprocess.TimeoutExpired):
                cluster.kill()
        shutil.rmtree(root, ignore_errors=True)
