"""A bare Flask hello-world at ``/bench/trivial`` (the same JSON answer as the app's
trivial endpoint): the baseline of ``bench/floor.py``. No project code."""

from __future__ import annotations

from flask import Flask, Response, jsonify

app = Flask(__name__)


@app.get("/bench/trivial")
def bench_trivial() -> Response:
    return jsonify({"ok": True})
