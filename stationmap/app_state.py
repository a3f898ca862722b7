"""The app's state: settings, database and the services built once in ``create_app``.

Blueprints (``stationmap.web``) and commands (``stationmap.cli``) read it through
:func:`state`; they never import the root package, which builds the app from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from flask import Flask

from stationmap.config import Settings
from stationmap.db import Database
from stationmap.services.geocoding import Geocoder
from stationmap.services.nearest_search import NearestSearch

__all__ = ["EXTENSION_KEY", "AppState", "state"]

#: Where ``create_app`` keeps the state in ``app.extensions``.
EXTENSION_KEY = "stationmap"


@dataclass(frozen=True)
class AppState:
    settings: Settings
    db: Database
    #: The nearest search, its backend chosen once (see services/nearest_search.py).
    nearest: NearestSearch
    #: The address look-up the editor offers, or None (STATIONMAP_GEOCODER=none).
    geocoder: Geocoder | None = None


def state(app: Flask) -> AppState:
    """The state ``create_app`` built for ``app``."""
    return cast(AppState, app.extensions[EXTENSION_KEY])
