"""The app as gunicorn serves it for ``bench/load.py``, plus ``/bench/trivial``: the
floor of the stack (Flask, gunicorn, the app-wide hooks) with no work at all.

``gunicorn --chdir bench load_wsgi:app``; settings come from the environment
(``DATABASE_URL``, ``STATIONMAP_ENV``, ...) that ``bench/load.py`` sets.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify

from stationmap import create_app


def build() -> Flask:
    flask_app = create_app()

    @flask_app.get("/bench/trivial")
    def bench_trivial() -> Response:
        return jsonify({"ok": True})

    return flask_app


app = build()
