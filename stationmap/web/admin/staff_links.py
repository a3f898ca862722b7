"""The staff link of a station: make (or rotate) it and print its staff-only slip, or
revoke it. Scope-checked like the editor; the token is shown once, on the slip."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from stationmap.app_state import state
from stationmap.render.staff_slip import qr_data_uri
from stationmap.services import staff as staff_service
from stationmap.services import stations as station_service
from stationmap.services.editing import in_scope
from stationmap.web.admin import bp
from stationmap.web.admin.common import _db, _me
from stationmap.web.admin.editor import _scoped_or_404
from stationmap.web.i18n import tr


@bp.get("/staff-link")
def find_staff_link() -> Any:
    """From the print page: a station code to its staff-link page."""
    code = (request.args.get("code") or "").strip()[:20]
    with _db().session() as session:
        station = station_service.get_by_code(session, code) if code else None
        if station is None or not in_scope(_me().scope.codes, station.district_code):
            abort(
                404,
                tr(
                    "没有这个驿站编号，或它不在您负责的区县内。",
                    "No station has this code in your districts.",
                ),
            )
        return redirect(url_for("admin.staff_link", station_id=station.id), 303)


@bp.get("/stations/<int:station_id>/staff-link")
def staff_link(station_id: int) -> str:
    with _db().session() as session:
        station = _scoped_or_404(session, station_id)
        link = staff_service.active_link(session, station.id)
        return render_template("admin/staff_link.html", station=station, link=link)


@bp.post("/stations/<int:station_id>/staff-link")
def rotate_staff_link(station_id: int) -> str:
    with _db().write_session() as session:
        station = _scoped_or_404(session, station_id)
        token = staff_service.rotate_link(
            session, station, _me().scope.codes, _me().username, datetime.now(UTC)
        )
        name, code = station.name, station.code
    url = f"{state(current_app).settings.public_url}/staff/{token}"
    return render_template(
        "admin/staff_slip.html",
        station_id=station_id,
        name=name,
        code=code,
        url=url,
        qr=qr_data_uri(url),
    )


@bp.post("/stations/<int:station_id>/staff-link/revoke")
def revoke_staff_link(station_id: int) -> Any:
    with _db().write_session() as session:
        station = _scoped_or_404(session, station_id)
        staff_service.revoke_links(session, station, _me().scope.codes, datetime.now(UTC))

    flash(
        tr(
            "工作人员链接已作废，旧二维码立即失效。",
            "The staff link is revoked: the old QR code stops working at once.",
        )
    )
    return redirect(url_for("admin.staff_link", station_id=station_id), 303)
