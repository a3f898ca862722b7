"""mypy over stationmap/ with the setup.cfg configuration (strict on geo/) finds no
error and no unneeded ``# type: ignore``."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_finds_no_error_in_the_package():
    pytest.importorskip("mypy", reason="mypy is in the test extras (pip install -e '.[test]')")
    # The cache beside the code (git-ignored) keeps a re-run to a few seconds.
    cache = os.environ.get("MYPY_CACHE_DIR", str(ROOT / ".mypy_cache"))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", cache, "--config-file", "setup.cfg"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_the_pure_core_is_checked_strictly_and_no_module_is_skipped():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    assert config["mypy"]["files"].strip() == "stationmap"
    assert config.getboolean("mypy", "warn_unused_ignores")
    assert config.getboolean("mypy", "strict")
    # geo/ stays strict whatever [mypy] says: the per-module flags of --strict, spelled
    # out (``strict`` itself in a [mypy-X] section would switch every module to strict).
    geo = config["mypy-stationmap.geo.*"]
    assert "strict" not in geo
    for flag in (
        "disallow_any_generics",
        "disallow_subclassing_any",
        "disallow_untyped_calls",
        "disallow_untyped_defs",
        "disallow_incomplete_defs",
        "check_untyped_defs",
        "disallow_untyped_decorators",
        "warn_unused_ignores",
        "warn_return_any",
        "no_implicit_reexport",
        "strict_equality",
        "extra_checks",
    ):
        assert geo.getboolean(flag), flag
    skipped = [
        name[len("mypy-") :]
        for name in config.sections()
        if name.startswith("mypy-") and config.getboolean(name, "ignore_errors", fallback=False)
    ]
    assert skipped == []
