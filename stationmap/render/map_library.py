"""folium, imported without pandas.

folium treats pandas as optional (``folium.utilities`` tries ``import pandas`` and goes
on without it; only a ``DataFrame`` passed as data needs it, and the page maps pass
plain lists and GeoJSON). Left alone, that import still loads pandas whenever it is
installed (geopandas brings it here): about 35 MB of memory and most of folium's
import time. :mod:`stationmap.wsgi` renders a map page in gunicorn's master before the
workers fork, so whatever folium loads sits in every worker's resident size.

:func:`leaving_out` refuses the named modules to the importing thread alone while it
runs, so another thread importing pandas meanwhile (an export job) is not disturbed,
and a pandas already imported is simply used. Should a folium release need pandas
after all, folium is imported the ordinary way (the maps keep working; the worker
import test in ``tests/integration/test_lean_start.py`` then fails and says so).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType

__all__ = ["MarkerCluster", "folium", "leaving_out"]


class _Refusal(MetaPathFinder):
    """Answers "not installed" for ``names`` (and their submodules) to one thread."""

    def __init__(self, names: frozenset[str], thread: int) -> None:
        self.names = names
        self.thread = thread

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname.split(".", 1)[0] in self.names and threading.get_ident() == self.thread:
            raise ModuleNotFoundError(f"{fullname} is left out on purpose", name=fullname)
        return None


@contextmanager
def leaving_out(*names: str) -> Iterator[None]:
    """While the block runs, importing any of the top-level modules ``names`` from this
    thread raises :class:`ModuleNotFoundError` unless it is imported already."""
    refusal = _Refusal(frozenset(names), threading.get_ident())
    sys.meta_path.insert(0, refusal)
    try:
        yield
    finally:
        sys.meta_path.remove(refusal)


try:
    with leaving_out("pandas"):
        import folium
        from folium.plugins import MarkerCluster
except ImportError:  # a folium that cannot do without pandas
    import folium
    from folium.plugins import MarkerCluster
