"""Station staff, without a login, through the station's secret link ``/staff/<token>``:
"open as listed today", "temporarily closed until …", "amenity unavailable until …".

The token is the credential: an unknown or revoked one answers 404 at once. The forms
carry a double-submit CSRF token (a cookie and a field); requests are limited per client
address (counted in the database, shared by every process). Times are entered in the
configured time zone.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter.util import get_remote_address

from stationmap import catalog
from stationmap.app_state import state
from stationmap.geo.freshness import marks
from stationmap.services import login_throttle
from stationmap.services import staff as staff_service
from stationmap.web.api.common import station_flags
from stationmap.web.i18n import current_lang, tr
from stationmap.web.nearest_json import amenity_name

bp = Blueprint("staff", __name__, url_prefix="/staff")

CSRF_COOKIE = "stationmap_staff_csrf"
# Requests per client address and window: generous for a station's staff, useless for
# guessing (a token has 192 random bits anyway).
LIMIT = 30
WINDOW_S = 600.0
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2})")
DONE = {
    "open": ("已确认：今天照常开放。谢谢！", "Confirmed: open as listed today. Thank you!"),
    "closed": ("已记录暂停开放。", "Temporary closure recorded."),
    "amenity": ("已记录设施暂不可用。", "Unavailable amenity recorded."),
}


class _Refused(Exception):
    def __init__(self, field: str, zh: str, en: str) -> None:
        super().__init__(field)
        self.field, self.zh, self.en = field, zh, en


@bp.before_request
def _limit() -> Response | None:
    address = "staff:" + (get_remote_address() or "unknown")
    with state(current_app).db.write_session() as session:
        wait_s = login_throttle.attempt(session, address, LIMIT, WINDOW_S)
    if wait_s is None:
        return None
    response = make_response(
        render_template(
            "error.html",
            status=429,
            title=tr("请求过多", "Too many requests"),
            message=tr(
                f"请求过多，请 {wait_s} 秒后再试。",
                f"Too many requests from this network; try again in {wait_s} seconds.",
            ),
        ),
        429,
    )
    response.headers["Retry-After"] = str(wait_s)
    return response


@bp.after_request
def _private(response: Response) -> Response:
    # The token is in the address: never cached, indexed, or sent on as a referrer.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _now() -> datetime:
    return datetime.now(UTC)


def _local_moment(day_text: str, time_text: str | None, field: str) -> datetime:
    """A local date (and time; without one, the end of that day) as UTC."""
    match = _DATE.fullmatch(day_text.strip())
    if not match:
        raise _Refused(field, "请填写日期（年-月-日）", "enter a date (YYYY-MM-DD)")
    try:
        day = date(*(int(g) for g in match.groups()))
    except ValueError:
        raise _Refused(field, "日期不存在", "no such date") from None
    tz = state(current_app).settings.tz
    if time_text is None:
        clock, day_after = time(), 1
    else:
        tmatch = _TIME.fullmatch(time_text.strip())
        if not tmatch or int(tmatch[1]) > 23 or int(tmatch[2]) > 59:
            raise _Refused("until_time", "请填写时间（时:分）", "enter a time (HH:MM)")
        clock, day_after = time(int(tmatch[1]), int(tmatch[2])), 0
    try:  # 9999-12-31 has no next day; 0001-01-01 00:00 local is before year 1 in UTC
        return datetime.combine(day + timedelta(days=day_after), clock, tz).astimezone(UTC)
    except OverflowError:
        raise _Refused(field, "日期超出范围", "the date is out of range") from None


def _page(token: str, station: Any, *, done: str = "", error: _Refused | None = None) -> Response:
    settings = state(current_app).settings
    lang = current_lang()
    now = _now()
    found = marks(station_flags(station), now, settings.stale_days)
    csrf = request.cookies.get(CSRF_COOKIE, "")
    if not csrf or len(csrf) > 64:
        csrf = secrets.token_urlsafe(24)
    local_until = (
        found.temporarily_closed_until.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
        if found.temporarily_closed_until
        else ""
    )
    name_of = amenity_name(lang)
    html = render_template(
        "staff.html",
        lang=lang,
        zh=lang == "zh",
        station=station,
        token=token,
        csrf=csrf,
        marks=found,
        closed_until=local_until,
        unavailable=[name_of(c) for c in found.unavailable_amenities],
        amenities=[(c, name_of(c)) for c in station.amenities if c in catalog.BY_CODE],
        today=now.astimezone(settings.tz).date().isoformat(),
        done=tr(*DONE[done]) if done in DONE else "",
        error=error,
    )
    response = make_response(html, 400 if error else 200)
    response.set_cookie(
        CSRF_COOKIE,
        csrf,
        max_age=24 * 3600,
        path="/staff/",
        secure=settings.env not in ("development", "testing"),
        httponly=True,
        samesite="Strict",
    )
    return response


def _station_or_404(session: Any, token: str) -> Any:
    station = staff_service.station_for_token(session, token)
    if station is None:
        abort(404, _no_such_link())
    return station


def _no_such_link() -> str:
    return tr(
        "这个工作人员链接无效或已更换。请向区县管理员索取新的链接或二维码。",
        "This staff link is not valid or was replaced. Ask the district administrator "
        "for a new link or QR code.",
    )


@bp.get("/<token>")
def staff_page(token: str) -> Response:
    with state(current_app).db.session() as session:
        station = _station_or_404(session, token)
        return _page(token, station, done=request.args.get("done", ""))


def _check_csrf() -> None:
    sent = request.form.get("csrf_token", "")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not sent or not cookie or not hmac.compare_digest(sent, cookie):
        abort(
            400,
            tr(
                "表单已过期，没有保存。请刷新页面后重试。",
                "The form expired and nothing was saved; reload the page and try again.",
            ),
        )


@bp.post("/<token>/<action>")
def staff_action(token: str, action: str) -> Response:
    if action not in DONE:
        abort(404, _no_such_link())
    _check_csrf()
    now = _now()
    with state(current_app).db.write_session() as session:
        station = _station_or_404(session, token)
        try:
            if action == "open":
                staff_service.confirm_open(session, station, now)
            elif action == "closed":
                until = _local_moment(
                    request.form.get("until_date", ""),
                    request.form.get("until_time", ""),
                    "until_date",
                )
                staff_service.close_until(session, station, until, now)
            else:
                amenity = request.form.get("amenity", "")
                until = _local_moment(request.form.get("until_date", ""), None, "until_date")
                staff_service.amenity_unavailable(session, station, amenity, until, now)
        except _Refused as exc:
            session.rollback()
            return _page(token, station, error=exc)
        except staff_service.StaffInputError as exc:
            session.rollback()
            field = "until_date" if exc.field == "until" else exc.field
            return _page(token, station, error=_Refused(field, exc.message_zh, exc.message_en))
    return redirect(url_for("staff.staff_page", token=token, done=action), 303)  # type: ignore[return-value]
