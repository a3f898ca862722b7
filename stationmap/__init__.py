"""stationmap: rest stations for outdoor workers (暖新驿站 / 户外劳动者服务站点).

``create_app(test_config=None)`` builds the Flask app; that is all this package
exports. The app's state lives in :mod:`stationmap.app_state` (what blueprints and
commands import); ``stationmap`` (see :mod:`stationmap.cli`) is the command line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from stationmap.app_state import EXTENSION_KEY, AppState
from stationmap.config import environ_with_overrides, load_settings
from stationmap.db import connect
from stationmap.paths import STATIC_DIR, TEMPLATES_DIR
from stationmap.services.geocoding import make_geocoder
from stationmap.services.nearest_search import make_nearest_search

__all__ = ["create_app"]


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``test_config`` may override Flask settings and, with upper-case
    string keys, the environment variables of :mod:`stationmap.config`."""
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
    app.extensions[EXTENSION_KEY] = AppState(
        settings=settings,
        db=database,
        nearest=make_nearest_search(database, settings),
        geocoder=make_geocoder(settings),
    )

    from stationmap.web import register

    register(app, settings)
    from stationmap import cli

    cli.init_app(app)
    return app
