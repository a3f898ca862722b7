"""The app as gunicorn serves it, plus ``/bench/trivial`` for the floor of the stack.

Only for ``bench/api.py`` (``gunicorn --chdir bench wsgi_app:app``); the settings come
from the environment that script sets (DATABASE_URL, STATIONMAP_ENV, ...).
"""

from __future__ import annotations

from flask import Flask, Response, jsonify

from stationmap import create_app


def build() -> Flask:
    flask_app = create_app()

    @flask_app.get("/bench/trivial")
    def bench_trivial() -> Response:
        """What Flask, gunicorn and the app-wide hooks cost with no work at all."""
        return jsonify({"ok": True})

    return flask_app


app = build()
