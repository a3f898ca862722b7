"""stationmap: rest stations for outdoor workers (暖新驿站 / 户外劳动者服务站点).

``create_app(test_config=None)`` builds the Flask app; that is all this package
exports. The app's state lives in :mod:`stationmap.app_state` (what blueprints and
commands import); ``stationmap`` (see :mod:`stationmap.cli`) is the command line.

Importing this package imports nothing else (every ``stationmap.*`` import runs it):
``create_app`` imports what it builds from, and the blueprints are imported only for
an app that serves the web.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["create_app"]


def create_app(test_config: Mapping[str, Any] | None = None, *, web: bool = True) -> Flask:
    """Build the app. ``test_config`` may override Flask settings and, with upper-case
    string keys, the environment variables of :mod:`stationmap.config`.

    ``web=False`` builds the app without its blueprints and web behaviour (what the
    commands need: settings, database, state, templates); the settings are checked
    alike."""
    from pathlib import Path

    from flask import Flask

    from stationmap import cli
    from stationmap.app_state import EXTENSION_KEY, AppState
    from stationmap.config import environ_with_overrides, load_settings
    from stationmap.db import connect
    from stationmap.paths import STATIC_DIR, TEMPLATES_DIR
    from stationmap.services import district_lookup

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
        instance_path=(test_config or {}).get("INSTANCE_PATH")
        or os.environ.get("STATIONMAP_INSTANCE_PATH"),
    )
    settings = load_settings(environ_with_overrides(test_config), Path(app.instance_path))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.env == "testing",
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
    )
    if test_config:
        app.config.update({k: v for k, v in test_config.items() if k.isupper()})
    database = connect(settings.database_url)

    def nearest() -> Any:
        # The backend is chosen here, once; its modules (scipy for the index) are
        # imported when the app first needs a nearest search.
        from stationmap.services.nearest_search import make_nearest_search

        return make_nearest_search(database, settings)

    def geocoder() -> Any:
        from stationmap.services.geocoding import make_geocoder

        return make_geocoder(settings)

    def districts() -> Any:
        # Point -> district: chosen here too, at the first question (the boundary code
        # is imported then, not by a command that never locates a point).
        from stationmap.services.districts import make_district_lookup

        return make_district_lookup(database)

    district_lookup.use((database.engine, database.write_engine, database.quick_engine), districts)

    app.extensions[EXTENSION_KEY] = AppState(
        settings=settings, db=database, nearest=nearest, geocoder=geocoder
    )
    if web:
        from stationmap.web import register

        register(app, settings)
    cli.init_app(app)
    return app
