"""The architecture and style rules hold: import layers (import-linter contracts in
setup.cfg) and ruff (lint and format)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return found


def test_import_layers_are_kept():
    result = subprocess.run(
        [_tool("lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_ruff_is_clean():
    result = subprocess.run(
        [_tool("ruff"), "check", "--no-cache", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_ruff_format_is_kept():
    result = subprocess.run(
        [_tool("ruff"), "format", "--check", "--no-cache", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]


#: The packages the root package builds the app from: they never import it back.
_BELOW_THE_ROOT = ("web", "cli", "services")


def _imports_of_the_root_package(path: Path) -> list[str]:
    """``import stationmap`` or ``from stationmap import NAME`` where NAME is not a
    submodule (e.g. ``create_app``), anywhere in the file, functions included."""
    package = ROOT / "stationmap"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name == "stationmap"]
        elif isinstance(node, ast.ImportFrom) and node.module == "stationmap" and not node.level:
            for alias in node.names:
                is_submodule = (package / f"{alias.name}.py").is_file() or (
                    package / alias.name / "__init__.py"
                ).is_file()
                if not is_submodule:
                    found.append(f"line {node.lineno}: from stationmap import {alias.name}")
    return found


def test_web_cli_and_services_never_import_the_root_package():
    offenders = {
        str(path.relative_to(ROOT)): hits
        for folder in _BELOW_THE_ROOT
        for path in sorted((ROOT / "stationmap" / folder).rglob("*.py"))
        if (hits := _imports_of_the_root_package(path))
    }
    assert offenders == {}


def test_the_root_package_check_sees_an_import_of_the_root(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from stationmap import catalog\n"
        "def f():\n    from stationmap import create_app, paths\n    import stationmap\n",
        encoding="utf-8",
    )
    assert _imports_of_the_root_package(module) == [
        "line 3: from stationmap import create_app",
        "import stationmap",
    ]


def test_the_root_package_exports_only_create_app():
    import stationmap

    assert stationmap.__all__ == ["create_app"]
    assert not hasattr(stationmap, "state")
