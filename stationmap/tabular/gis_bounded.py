"""GIS files read by GDAL in a process of its own, stopped at a time limit.

A GeoPackage is an SQLite database, and GDAL runs the SQL the file holds: a layer that is
a view over a recursive query never ends (a 96 KB upload held a gunicorn worker until it
was killed after 30 s, and a background import job's thread spun for ever), and nothing
in GDAL or SQLite can be told to stop it from Python. Here the read runs in a new Python
process (``python -m stationmap.tabular.gis_bounded``: nothing of the app's threads or
connections is copied, and nothing depends on how the app was started) that is killed
past ``max_seconds``; the file is then refused like a spreadsheet that took too long,
naming the limit. A crash inside GDAL ends that process, not the app's. Pure: no Flask,
no database.
"""

from __future__ import annotations

import importlib
import pickle
import subprocess
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from stationmap.tabular.columns import TableError

T = TypeVar("T")


def limit_error(max_seconds: float) -> TableError:
    """The refusal of a file whose reading passed ``max_seconds``."""
    return TableError(
        f"Reading stopped at the limit of {max_seconds:g} seconds; the file is too large "
        "or too complex (a GeoPackage layer that is a view over a query that does not "
        "end?): save the layer again in QGIS and upload that.",
        message_zh=f"读取超过 {max_seconds:g} 秒的上限，已停止：文件太大或太复杂"
        "（GeoPackage 的图层是不会结束的查询视图？）：请在 QGIS 中另存该图层后上传",
    )


def run_bounded(function: Callable[..., T], *args: object, max_seconds: float) -> T:
    """``function(*args)`` run in a new Python process, its answer (or the exception it
    raised) handed back; past ``max_seconds`` the process is killed and
    :func:`limit_error` raised. ``function`` is a module-level function; its arguments
    and answer pickle."""
    call = pickle.dumps((function.__module__, function.__qualname__, args))
    try:
        done = subprocess.run(  # noqa: S603 - this interpreter, this module
            [sys.executable, "-m", __name__],
            input=call,
            capture_output=True,
            timeout=max_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise limit_error(max_seconds) from None
    try:
        ok, value = pickle.loads(done.stdout)  # noqa: S301 - written by our own process
    except Exception:  # it died before answering (a crash inside GDAL)
        raise TableError(
            f"The GIS reader stopped without an answer (exit status {done.returncode}); "
            "save the file again in QGIS and upload that.",
            message_zh="读取 GIS 文件的程序意外退出：请在 QGIS 中另存后上传",
        ) from None
    if not ok:
        raise value
    answer: T = value
    return answer


def _serve() -> None:
    """The child's side: one call read from stdin, its outcome pickled to stdout."""
    module, name, args = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - our parent
    function: Any = importlib.import_module(module)
    for part in name.split("."):
        function = getattr(function, part)
    try:
        outcome = (True, function(*args))
    except Exception as exc:  # handed back, to be raised in the parent
        outcome = (False, exc)
    sys.stdout.buffer.write(pickle.dumps(outcome))


if __name__ == "__main__":
    _serve()
