"""The station editor: new, create, edit, update, the conflict page, history and
restore (delete, undelete and verify are in :mod:`station_state`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from stationmap.app_state import state
from stationmap.models import Station
from stationmap.services import admin as admin_service
from stationmap.services import districts as district_service
from stationmap.services import editing, placement, station_record
from stationmap.services import revisions as revision_service
from stationmap.services.station_record import StationCard
from stationmap.services.users import Principal
from stationmap.station_fields import (
    FIELDS,
    FieldError,
    InvalidStation,
    StationInput,
    parse_station,
)
from stationmap.web.admin import bp, field_name, resent, typed_point
from stationmap.web.admin.common import _actor, _db, _hours_note, _me
from stationmap.web.admin.reports import link_report, report_form, revision_reports
from stationmap.web.basemap import current_tiles, map_page_policy
from stationmap.web.i18n import current_lang, tr
from stationmap.web.params import whole_number

FORM_FIELDS = (
    "name",
    "address",
    "lat",
    "lon",
    "datum",
    "host_type",
    "opening_hours",
    "phone",
    "contact",
    "services",
    "status",
)

# What a stale save shows side by side: every field a person edits (the code is fixed
# once given; the datum only says how the coordinates were typed).
COMPARED_FIELDS = tuple(name for name in FIELDS if name not in ("code", "datum"))


def _form_from_station(station: Station) -> dict[str, Any]:
    """The station's raw values as the form's inputs show them: coordinates to 1e-7°,
    services one per line."""
    raw = station_record.station_raw(station)
    return raw | {
        "lat": f"{raw['lat']:.7f}",
        "lon": f"{raw['lon']:.7f}",
        "opening_hours": raw["opening_hours"] or "",
        "services": "\n".join(raw["services"]),
    }


def _form_from_request() -> dict[str, Any]:
    """The posted form; a picker's pair pasted into 纬度 or 经度 is split into both
    (said in a message, shown with the re-shown form or after the save)."""
    form: dict[str, Any] = {name: request.form.get(name, "")[:5000] for name in FORM_FIELDS}
    form["amenities"] = request.form.getlist("amenities")
    form["worker_groups"] = request.form.getlist("worker_groups")
    note = typed_point.split_pasted(form)
    if note is not None:
        flash(note)
    return form


def _parse(form: dict[str, Any]) -> StationInput:
    """Only the editable fields are read: code, district, version and audit data never
    come from the client."""
    return parse_station({**form, "datum": form.get("datum") or "wgs84"})


def _boundary_codes(me: Principal) -> list[str]:
    if me.districts:
        return list(me.districts)
    with _db().session() as session:
        return [d.code for d in district_service.summaries(session) if d.level == "county"]


def _editor(
    station: Station | None,
    form: dict[str, Any],
    *,
    errors: Sequence[FieldError] = (),
    duplicates: Sequence[tuple[StationCard, float]] = (),
    elsewhere: int = 0,
    version: int | None = None,
    status: int = 200,
) -> Response:
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(error.field, []).append(error.text(current_lang()))
    tiles = current_tiles()
    html = render_template(
        "admin/station_form.html",
        station=station_record.station_card(station) if station else None,
        form=form,
        errors=by_field,
        duplicates=duplicates,
        elsewhere=elsewhere,
        version=version if version is not None else (station.version if station else None),
        boundary_codes=_boundary_codes(_me()),
        hours_note=_hours_note(form.get("opening_hours") or ""),
        geocode_url=url_for("admin.geocode_address") if state(current_app).geocoder else "",
        tiles=tiles,
        tile_layers=[
            {
                "url": layer.url,
                "attribution": layer.attribution,
                "subdomains": layer.subdomains,
                "max_zoom": layer.max_zoom,
            }
            for layer in tiles.layers
        ],
    )
    response = current_app.make_response((html, status))
    if tiles.layers:  # the base map's tile hosts are allowed as images, nothing else
        response.headers["Content-Security-Policy"] = map_page_policy(tiles)
    return response


def _out_of_scope_message(district: str | None, form: dict[str, Any] | None = None) -> str:
    """Names the district by name and level: "该位置在玛纳斯县（县级，652324）…", and
    where the typed point would lie read swapped or in another datum."""
    return typed_point.out_of_scope_message(district, form or {})


@bp.get("/stations/new")
def new_station() -> Response:
    form = {name: "" for name in FORM_FIELDS} | {
        "datum": "wgs84",
        "host_type": "other",
        "status": "active",
        "amenities": [],
        "worker_groups": [],
    }
    form |= _pending_form(request.args.get("pending", ""))
    return _editor(None, form)


def _pending_form(text: str) -> dict[str, Any]:
    """The form filled from an imported row waiting to be placed (``pending`` id), with
    no coordinates: the administrator places it on the map."""
    pending_id = whole_number(text, 10)
    if pending_id is None:
        return {}
    with _db().session() as session:
        row = placement.take_pending(session, pending_id, _me().scope.codes, _me().username)
    if row is None:
        return {}
    values = json.loads(row.fields or "{}")
    out: dict[str, Any] = {"name": row.name, "address": row.address, "pending": str(row.id)}
    for name in ("host_type", "opening_hours", "phone", "contact", "services", "status"):
        if values.get(name):
            out[name] = values[name]
    for name in ("amenities", "worker_groups"):
        out[name] = [v for v in str(values.get(name) or "").split(";") if v]
    return out


@bp.post("/stations/new")
def create_station() -> Any:
    form = _form_from_request()
    try:
        data = _parse(form)
    except InvalidStation as exc:
        errors = typed_point.swapped_errors(form, exc.errors)
        return _editor(None, form, errors=errors, status=422)
    whole, coarse = typed_point.coarse_point(form)
    if whole is not None:
        return _editor(None, form, errors=[whole], status=422)
    with _db().session() as session:
        duplicates, elsewhere = _duplicates(session, data)
    if (duplicates or elsewhere) and request.form.get("confirm_duplicate") != "1":
        return _editor(None, form, duplicates=duplicates, elsewhere=elsewhere, status=409)
    try:
        with _db().write_session() as session:
            station = editing.create_station(session, data, _me().scope.codes, _actor())
            station_id, code = station.id, station.code
            placed = whole_number(request.form.get("pending", ""), 10)
            if placed is not None:
                row = placement.take_pending(session, placed, _me().scope.codes, _me().username)
                if row is not None:
                    session.delete(row)
    except editing.OutOfScope as exc:
        error = FieldError("lat", _out_of_scope_message(exc.district_code, form))
        return _editor(None, form, errors=[error], status=422)
    flash(tr(f"已创建 {code}", f"Created {code}"))
    _flash_notes(data)
    if coarse is not None:
        flash(coarse)
    return redirect(url_for("admin.station_edit", station_id=station_id), 303)


def _flash_notes(data: StationInput) -> None:
    """What was read with a change (a phone's lost 0), for the administrator to check."""
    for note in data.notes:
        flash(
            tr(
                f"请核对 {field_name(note.field)}：{note.text('zh')}",
                f"Please check {field_name(note.field)}: {note.text('en')}",
            )
        )


def _duplicates(
    session: Session, data: StationInput, exclude_id: int | None = None
) -> tuple[list[tuple[StationCard, float]], int]:
    """Similar stations within 50 m with their distance in metres: those in the user's
    scope, and how many others (counted, never named: another district's stations stay
    out of sight)."""
    mine, elsewhere = editing.duplicates_in_scope(
        session, data.name, data.lat, data.lon, _me().scope.codes, exclude_id
    )
    return [(station_record.station_card(s), metres) for s, metres in mine], elsewhere


def _scoped_or_404(session: Session, station_id: int, *, deleted: bool = False) -> Station:
    station = editing.get_scoped(session, station_id, _me().scope.codes, deleted=deleted)
    if station is None:
        abort(
            404, tr("没有这个驿站，或它不在您负责的区县内。", "No such station in your districts.")
        )
    return station


@bp.get("/stations/<int:station_id>")
def station_edit(station_id: int) -> Response:
    with _db().session() as session:
        station = _scoped_or_404(session, station_id, deleted=True)
        form = _form_from_station(station)
        form |= report_form(session, request.args.get("report", ""), station.id, form)
        return _editor(station, form)


def _version() -> int:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        abort(400, tr("表单缺少版本号，请刷新页面。", "The form has no version; reload the page."))


@bp.post("/stations/<int:station_id>")
def update_station(station_id: int) -> Any:
    form = _form_from_request()
    version = _version()
    with _db().session() as session:
        # A station deleted while this form was open: the conflict page below, with the
        # form kept, not a 404 that loses it.
        station = _scoped_or_404(session, station_id, deleted=True)
        try:
            data = _parse(form)
        except InvalidStation as exc:
            errors = typed_point.swapped_errors(form, exc.errors)
            return _editor(station, form, errors=errors, version=version, status=422)
        whole, coarse = typed_point.coarse_point(form)
        if whole is not None:
            return _editor(station, form, errors=[whole], version=version, status=422)
        if station.deleted_at is not None and request.form.get("undelete") != "1":
            return _conflict(station_id, form, data)
        moved_or_renamed = (
            data.name != station.name
            or abs(data.lat - station.lat) > 5e-8
            or abs(data.lon - station.lon) > 5e-8
        )
        duplicates, elsewhere = (
            _duplicates(session, data, exclude_id=station.id) if moved_or_renamed else ([], 0)
        )
        if (duplicates or elsewhere) and request.form.get("confirm_duplicate") != "1":
            return _editor(
                station,
                form,
                duplicates=duplicates,
                elsewhere=elsewhere,
                version=version,
                status=409,
            )
    try:
        with _db().write_session() as session:
            station = _scoped_or_404(session, station_id, deleted=True)
            expected = version
            if station.deleted_at is not None:
                if request.form.get("undelete") != "1" or station.version != version:
                    raise editing.VersionConflict(station, version)
                # the conflict page's choice: bring the station back, then save the form
                editing.undelete(session, station, _me().scope.codes, _actor())
                expected = station.version
            changes = editing.update_station(
                session, station, data, _me().scope.codes, _actor(), expected
            )
            from_report = link_report(session, request.form.get("report", ""), station_id, changes)
    except (editing.VersionConflict, StaleDataError):
        return _conflict(station_id, form, data)
    except editing.OutOfScope as exc:
        error = FieldError("lat", _out_of_scope_message(exc.district_code, form))
        with _db().session() as session:
            station = _scoped_or_404(session, station_id, deleted=True)
            return _editor(station, form, errors=[error], version=version, status=422)
    flash(tr("已保存", "Saved") if changes else tr("没有改动", "Nothing changed"))
    _flash_notes(data)
    if coarse is not None and changes:
        flash(coarse)
    if from_report is not None:  # back to the report, to resolve it with a reply
        return redirect(url_for("admin.report_detail", report_id=from_report), 303)
    return redirect(url_for("admin.station_edit", station_id=station_id), 303)


def _conflict(station_id: int, form: dict[str, Any], mine: StationInput) -> Any:
    """Both versions side by side; saving again is an explicit choice (none when the
    station already holds all the form sends: the same form sent twice)."""
    with _db().session() as session:
        station = _scoped_or_404(session, station_id, deleted=True)
        theirs = station_record.snapshot(station)
        latest = revision_service.history(session, station.id)[:1]
        rows = []
        for name in COMPARED_FIELDS:
            mine_value = station_record.plain(getattr(mine, name))
            differs = resent.differs(name, mine_value, theirs.get(name))
            rows.append((name, mine_value, theirs.get(name), differs))
        if station.deleted_at is None and not any(row[3] for row in rows):
            return resent.saved_already(station_id)
        return render_template(
            "admin/conflict.html",
            station=station_record.station_card(station),
            rows=rows,
            form=form,
            latest=latest[0] if latest else None,
        ), 409


@bp.get("/stations/<int:station_id>/history")
def station_history(station_id: int) -> str:
    with _db().session() as session:
        station = _scoped_or_404(session, station_id, deleted=True)
        items = revision_service.history(session, station.id)
        from_reports = revision_reports(session, [rev.id for rev in items])
        return render_template(
            "admin/history.html",
            station=station_record.station_card(station),
            revisions=items,
            from_reports=from_reports,
        )


@bp.post("/stations/<int:station_id>/restore/<int:number>")
def restore_revision(station_id: int, number: int) -> Any:
    version = _version()
    try:
        with _db().write_session() as session:
            station = _scoped_or_404(session, station_id, deleted=True)
            if station.deleted_at is not None:  # deleted in another tab meanwhile
                flash(_deleted_meanwhile())
                return redirect(url_for("admin.station_history", station_id=station_id), 303)
            changes = admin_service.restore_revision(
                session, station, number, _me().scope.codes, _actor(), version
            )
    except LookupError:
        abort(404, tr(f"没有第 {number} 版", f"There is no version {number}"))
    except (editing.VersionConflict, StaleDataError):
        flash(
            tr(
                "驿站已被他人修改，请查看最新历史后再恢复。",
                "Someone else changed the station: read the latest history, then restore.",
            )
        )
        return redirect(url_for("admin.station_history", station_id=station_id), 303)
    except editing.OutOfScope as exc:
        flash(_out_of_scope_message(exc.district_code))
        return redirect(url_for("admin.station_history", station_id=station_id), 303)
    if changes:
        flash(tr(f"已恢复到第 {number} 版", f"Restored version {number}"))
    else:
        flash(
            tr(
                f"第 {number} 版与当前相同，没有改动",
                f"Version {number} is the same as the current one: nothing changed",
            )
        )
    return redirect(url_for("admin.station_history", station_id=station_id), 303)


#: What a click on a station deleted meanwhile (in another tab) says.
DELETED_MEANWHILE = (
    "此驿站已被删除（可能在另一个标签页），没有改动；如需修改，请先撤销删除。",
    "The station was deleted (perhaps in another tab): nothing changed; undelete it "
    "first to change it.",
)


def _deleted_meanwhile() -> str:
    return tr(*DELETED_MEANWHILE)
