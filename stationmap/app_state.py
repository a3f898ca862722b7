"""The app's state: settings, database and the services built once in ``create_app``.

Blueprints (``stationmap.web``) and commands (``stationmap.cli``) read it through
:func:`state`; they never import the root package, which builds the app from them.

The nearest search and the geocoder are built on first use from the factories
``create_app`` gives (the backend is still chosen there, once): a command that lists
users never imports the index's scipy, and a worker builds it at warm-up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from flask import Flask

    from stationmap.config import Settings
    from stationmap.db import Database
    from stationmap.services.geocoding import Geocoder
    from stationmap.services.nearest_search import NearestSearch

__all__ = ["EXTENSION_KEY", "AppState", "state"]

#: Where ``create_app`` keeps the state in ``app.extensions``.
EXTENSION_KEY = "stationmap"


class AppState:
    """What ``create_app`` built: ``settings`` and ``db`` at once, ``nearest`` and
    ``geocoder`` on first use (thread-safe, once per process)."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        nearest: Callable[[], NearestSearch],
        geocoder: Callable[[], Geocoder | None] = lambda: None,
    ) -> None:
        self.settings = settings
        self.db = db
        self._make_nearest = nearest
        self._make_geocoder = geocoder
        self._nearest: NearestSearch | None = None
        self._geocoder: tuple[Geocoder | None] | None = None
        self._lock = threading.Lock()

    @property
    def nearest(self) -> NearestSearch:
        """The nearest search, its backend chosen once (see services/nearest_search.py)."""
        if self._nearest is None:
            with self._lock:
                if self._nearest is None:
                    self._nearest = self._make_nearest()
        return self._nearest

    @property
    def geocoder(self) -> Geocoder | None:
        """The address look-up the editor offers, or None (STATIONMAP_GEOCODER=none)."""
        if self._geocoder is None:
            with self._lock:
                if self._geocoder is None:
                    self._geocoder = (self._make_geocoder(),)
        return self._geocoder[0]


def state(app: Flask) -> AppState:
    """The state ``create_app`` built for ``app``."""
    return cast(AppState, app.extensions[EXTENSION_KEY])
