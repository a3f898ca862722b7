"""The v1 JSON API. GeoJSON (RFC 7946, WGS-84, ``[lon, lat]``) for stations and
districts; every error is ``{"error": {"code", "message", "field"}}``.

This package holds the Blueprint ``bp``; the views live in its modules: ``reads`` (the
stations, districts and vocabularies), ``writes`` (token-authenticated create, update
and delete) and ``reports`` (workers' reports, no token). Helpers they share are in
``common``."""

from __future__ import annotations

from flask import Blueprint, Response

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.after_request
def _revalidate(response: Response) -> Response:
    """Every answer is asked for again before it is used a second time (``no-cache``),
    unless its view said otherwise (``no-store`` on reports). Answers hold the time of
    the request (open now, closing soon) and the stations as they are edited; without
    a word, a WebView that caches hard (WeChat's) or a proxy may hand a courier
    yesterday's list."""
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-cache"
    return response


# The views register their routes on ``bp`` when imported, so they come after it.
from stationmap.web.api import coverage, reads, report_queue, reports, writes  # noqa: E402, F401
