"""The admin dashboard and the station lists."""

from __future__ import annotations

from flask import render_template, request

from stationmap.services import admin as admin_service
from stationmap.services import editing, report_figures, report_notify
from stationmap.web.admin import bp
from stationmap.web.admin.common import _db, _me
from stationmap.web.i18n import tr


@bp.get("/")
def dashboard() -> str:
    with _db().session() as session:
        figures = admin_service.dashboard(session, _me().scope.codes)
        reports = report_figures.figures(session, _me().scope.codes)
        failures = report_notify.failures(session, _me().scope.codes)
    return render_template(
        "admin/dashboard.html", d=figures, reports=reports, notify_failures=failures
    )


@bp.get("/stations")
def station_list() -> str:
    text = request.args.get("q", "")[:100].strip()
    deleted = request.args.get("deleted") == "1"
    with _db().session() as session:
        rows = editing.scoped_stations(session, _me().scope.codes, text=text, deleted=deleted)
    return render_template(
        "admin/stations.html", stations=rows, q=text, deleted=deleted, title=tr("驿站", "Stations")
    )


@bp.get("/unverified")
def unverified_stations() -> str:
    with _db().session() as session:
        rows = editing.scoped_stations(
            session,
            _me().scope.codes,
            unverified_days=editing.UNVERIFIED_AFTER_DAYS,
        )
    return render_template(
        "admin/stations.html",
        stations=rows,
        q="",
        deleted=False,
        title=tr(
            f"超过 {editing.UNVERIFIED_AFTER_DAYS} 天未核实的驿站",
            f"Stations not verified for over {editing.UNVERIFIED_AFTER_DAYS} days",
        ),
    )
