"""The administrators' report API: the queue (``GET /api/v1/reports``) and a change of
one report (``PATCH /api/v1/reports/<tracking_code>`` with ``If-Match``), with an API
token, within the token user's districts, under the same rules as the admin pages
(:mod:`stationmap.services.report_queue`). A report of another district is 404, as a
missing one; the phone is shown to administrators, never to a viewer."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request, url_for
from sqlalchemy.orm.exc import StaleDataError

from stationmap.app_state import state
from stationmap.services import listing
from stationmap.services import report_queue as queue
from stationmap.services import tokens as token_service
from stationmap.services.users import Principal
from stationmap.web.api import bp
from stationmap.web.api.common import _now, _session
from stationmap.web.api.reads import DEFAULT_LIMIT, cursor_after, with_cursor
from stationmap.web.api.writes import _body, _if_match, token_principal
from stationmap.web.errors import ApiError, not_found, unprocessable
from stationmap.web.params import Params

MAX_LIMIT = queue.MAX_LIMIT
PATCH_FIELDS = ("status", "assignee", "reply", "note")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def report_item(row: queue.ReportRow, me: Principal) -> dict[str, Any]:
    """A report as the admin API shows it (the phone to administrators only)."""
    item: dict[str, Any] = {
        "id": row.id,
        "tracking_code": row.tracking_code,
        "kind": row.kind,
        "status": row.status,
        "station_id": row.station_id,
        "station_code": row.station_code,
        "station_name": row.station_name,
        "district_code": row.district_code,
        "needs": row.needs,
        "lat": row.lat,
        "lon": row.lon,
        "text": row.text,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
        "first_reply_at": _iso(row.first_reply_at),
        "resolved_at": _iso(row.resolved_at),
        "assignee": row.assignee,
        "repeats": row.repeats,
        "revision_id": row.revision_id,
        "version": row.version,
    }
    if me.role != "viewer":
        item["phone"] = row.phone
    return item


def _queue_error(exc: queue.QueueError) -> ApiError:
    if isinstance(exc, queue.StaleReport):
        return ApiError(exc.status, exc.code, exc.message_api, field="If-Match")
    return ApiError(exc.status, exc.code, exc.message_api, field=exc.field)


def _list_of(params: Params, name: str) -> tuple[str, ...]:
    raw = params.text(name, max_length=100) or ""
    return tuple(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))


def _statuses(asked: tuple[str, ...]) -> tuple[str, ...]:
    """The statuses asked for, ``open`` standing for new, assigned and in_progress."""
    out: list[str] = []
    for status in asked:
        out.extend(queue.OPEN_STATUSES if status == "open" else (status,))
    return tuple(dict.fromkeys(out))


@bp.get("/reports")
def list_reports() -> Response:
    params = Params(
        request.args, ("district", "status", "kind", "station", "older_than", "limit", "cursor")
    )
    me, _secret = token_principal()
    district = params.district_code("district")
    after_id = cursor_after(params)
    flt = queue.ReportFilter(
        statuses=_statuses(_list_of(params, "status")),
        kinds=_list_of(params, "kind"),
        district=district,
        older_than_hours=params.number("older_than", low=0, high=24 * 3650),
        station=params.text("station", max_length=20),
        limit=params.integer("limit", low=1, high=MAX_LIMIT, default=DEFAULT_LIMIT),
        after_id=after_id,
    )
    try:
        with _session() as session:
            rows, last_id = queue.list_reports(session, me.scope.codes, flt, _now())
    except queue.QueueError as exc:
        raise _queue_error(exc) from None
    next_cursor = listing.encode_cursor(last_id) if last_id is not None else None
    return jsonify(
        {
            "reports": [report_item(row, me) for row in rows],
            "next_cursor": next_cursor,
            "links": {
                "next": url_for("api.list_reports", **with_cursor(next_cursor))
                if next_cursor
                else None
            },
        }
    )


def _change(body: dict[str, Any]) -> queue.Change:
    for name in body:
        if name not in PATCH_FIELDS:
            raise unprocessable(
                f"unknown field {str(name)[:40]!r}; allowed: {', '.join(PATCH_FIELDS)}",
                field=str(name)[:40],
                code="unknown_field",
            )
    for name in PATCH_FIELDS:
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            raise unprocessable(f"{name} must be a string", field=name)
    if not any(body.get(name) for name in PATCH_FIELDS):
        raise unprocessable("give a status, a reply or a note", field="status")
    return queue.Change(
        status=body.get("status") or None,
        assignee=body.get("assignee") or None,
        reply=body.get("reply") or "",
        note=body.get("note") or "",
    )


@bp.patch("/reports/<tracking_code>")
def change_report(tracking_code: str) -> Response:
    Params(request.args, ())
    me, secret = token_principal()
    if not me.scope.can_write:
        raise ApiError(403, "forbidden", "this account may not change reports")
    expected = _if_match("report")
    change = _change(_body())
    try:
        with state(current_app).db.write_session() as session:
            report = queue.get_by_code(session, tracking_code, me.scope.codes)
            if report is None:
                raise not_found(f"no report {tracking_code[:20]}", field="tracking_code")
            queue.apply_change(session, report, change, me, expected)
            token_service.touch_token(session, secret)
            row = queue.row_of(session, report)
    except queue.QueueError as exc:
        raise _queue_error(exc) from None
    except StaleDataError:
        raise ApiError(
            412, "precondition_failed", "the report changed meanwhile; read it again", "If-Match"
        ) from None
    response = jsonify(report_item(row, me))
    response.headers["ETag"] = f'"{row.version}"'
    return response
