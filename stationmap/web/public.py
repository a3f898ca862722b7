"""Public pages: the landing page, the API document and its reference page."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template

from stationmap import state
from stationmap.services import stations as station_service
from stationmap.web.openapi import build_spec

bp = Blueprint("public", __name__)


@cache
def _spec() -> dict[str, Any]:
    return build_spec()


@bp.get("/")
def index() -> str:
    with state(current_app).db.session() as session:
        total = station_service.count(session)
    return render_template("index.html", station_count=total)


@bp.get("/api/openapi.json")
def openapi_document() -> Response:
    return jsonify(_spec())


@bp.get("/api/docs")
def api_docs() -> str:
    return render_template("api_docs.html", spec=_spec())


@bp.get("/healthz")
def health() -> Response:
    with state(current_app).db.session() as session:
        total = station_service.count(session)
    return jsonify({"status": "ok", "stations": total})
