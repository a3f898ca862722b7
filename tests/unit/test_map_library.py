"""folium is imported without pandas: the module refusal is for the importing thread
only, for the block only, and yields to a module already imported."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from stationmap.render.map_library import leaving_out

PROBE = "sm_probe_optional"  # a module written for these tests, nowhere else


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    (tmp_path / f"{PROBE}.py").write_text("VALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, PROBE, raising=False)
    yield PROBE
    sys.modules.pop(PROBE, None)


def _import_probe() -> int:
    module = __import__(PROBE)
    return int(module.VALUE)


def test_the_block_refuses_the_module_and_afterwards_it_imports(probe: str) -> None:
    with leaving_out(probe), pytest.raises(ModuleNotFoundError):
        _import_probe()
    assert probe not in sys.modules
    assert _import_probe() == 42


def test_another_thread_imports_the_module_meanwhile(probe: str) -> None:
    answers: list[object] = []

    def other() -> None:
        try:
            answers.append(_import_probe())
        except ImportError as error:
            answers.append(error)

    with leaving_out(probe):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert answers == [42]


def test_a_module_already_imported_is_used(probe: str) -> None:
    assert _import_probe() == 42
    with leaving_out(probe):
        assert _import_probe() == 42


def test_other_modules_import_inside_the_block(probe: str) -> None:
    with leaving_out("some_other_name"):
        assert _import_probe() == 42


_RENDER = """
import hashlib, re, sys
{first}
from stationmap.render.map import MapSpec, StationMarker, local_assets, page_map
square = {{"type": "Polygon", "coordinates": [[[111.6, 40.7], [111.8, 40.7], [111.8, 40.9],
          [111.6, 40.9], [111.6, 40.7]]]}}
parts = page_map(MapSpec(boundary=square, marker=StationMarker(40.8, 111.7, "驿站<b>")),
                 local_assets("/static/"))
text = re.sub(r"_[0-9a-f]{{32}}", "_ID", parts.html + parts.script)  # folium's random names
print("pandas" in sys.modules, hashlib.sha256(text.encode()).hexdigest())
"""


def _render_in_fresh_interpreter(first: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", _RENDER.format(first=first)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.split()


def test_the_map_without_pandas_is_the_map_folium_draws_with_it() -> None:
    with_pandas = _render_in_fresh_interpreter("import pandas")
    without = _render_in_fresh_interpreter("")
    assert with_pandas[0] == "True" and without[0] == "False"
    assert without[1] == with_pandas[1]
