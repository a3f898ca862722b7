"""The v1 JSON API. GeoJSON (RFC 7946, WGS-84, ``[lon, lat]``) for stations and
districts; every error is ``{"error": {"code", "message", "field"}}``.

This package holds the Blueprint ``bp``; the views live in its modules: ``reads`` (the
stations, districts and vocabularies), ``writes`` (token-authenticated create, update
and delete) and ``reports`` (workers' reports, no token). Helpers they share are in
``common``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# The views register their routes on ``bp`` when imported, so they come after it.
from stationmap.web.api import coverage, reads, report_queue, reports, writes  # noqa: E402, F401
