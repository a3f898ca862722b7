"""Workers' report pages, no login: report a problem with a station
(``/s/<code>/report``), ask for a station where none is (``/demand``), and follow a
report by its tracking code (``/r/<code>``).

Forms work without a script (a plain POST; a pin then stays where the page put it:
the station, or the rider's position given in the link). CSRF: a random token in a
cookie and in the form, compared on POST (as the login form does). The rules are the
API's: :mod:`stationmap.services.reports`.

Each form shown carries a one-time ``request_key``: the same form sent twice (its first
answer lost on the way back) gets the first receipt, not a second report. The page's
script (report.js) sends the form itself, with ``X-Requested-With: fetch``, and is
answered a redirect to that receipt (``/report/sent/<key>``) it can open; without a
script the receipt is the POST's own answer, as always."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any, NoReturn

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
from sqlalchemy.exc import IntegrityError

from stationmap import catalog, report_fields
from stationmap.app_state import state
from stationmap.geo.datum import from_wgs84
from stationmap.render.map_spec import Tiles
from stationmap.services import reports as report_service
from stationmap.services import stations as station_service
from stationmap.services import users as user_service
from stationmap.station_fields import FieldError
from stationmap.web.api.reports import client_key
from stationmap.web.basemap import current_tiles, map_page_policy
from stationmap.web.i18n import current_lang, tr
from stationmap.web.public import _CODE, _amenity_order, _page_context

bp = Blueprint("reports", __name__)

CSRF_COOKIE = "stationmap_report_csrf"
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")
_KEY_RE = re.compile(r"[A-Za-z0-9_-]{22}")
SENT_BY_SCRIPT = ("X-Requested-With", "fetch")
FORM_FIELDS = ("kind", "amenity", "lat", "lon", "datum", "text", "phone")


def _term_list(terms: tuple[catalog.Term, ...], lang: str) -> list[dict[str, str]]:
    return [{"code": t.code, "name": t.name(lang)} for t in terms]


def _amenities(lang: str) -> list[dict[str, str]]:
    return [
        {"code": code, "name": catalog.AMENITY_BY_CODE[code].name(lang)}
        for code in _amenity_order()
    ]


def _tile_layers(tiles: Tiles) -> list[dict[str, Any]]:
    return [
        {
            "url": layer.url,
            "attribution": layer.attribution,
            "subdomains": layer.subdomains,
            "max_zoom": layer.max_zoom,
        }
        for layer in tiles.layers
    ]


def _on_map(lat: float | None, lon: float | None, tiles: Tiles) -> dict[str, str]:
    """A WGS-84 point as the pin's form fields, in the base map's datum (the page's
    script moves the pin on that map; the server converts back)."""
    if lat is None or lon is None:
        return {"lat": "", "lon": "", "datum": tiles.datum}
    shown_lat, shown_lon = from_wgs84(lat, lon, tiles.datum)
    return {"lat": f"{shown_lat:.7f}", "lon": f"{shown_lon:.7f}", "datum": tiles.datum}


def _page(template: str, status: int = 200, **context: Any) -> Response:
    lang = current_lang()
    token = request.cookies.get(CSRF_COOKIE, "")
    if not _TOKEN_RE.fullmatch(token):  # only a token this app made is used again
        token = secrets.token_urlsafe(24)
    tiles = current_tiles()
    html = render_template(
        template,
        csrf_token=token,
        request_key=secrets.token_urlsafe(16),
        tiles=tiles,
        tile_layers=_tile_layers(tiles),
        kinds=_term_list(report_fields.KIND_TERMS, lang),
        **{**_page_context(lang), **context},
    )
    response = make_response(html, status)
    response.set_cookie(
        CSRF_COOKIE,
        token,
        max_age=24 * 3600,
        path="/",
        samesite="Lax",
        httponly=True,
        secure=state(current_app).settings.env not in ("development", "testing"),
    )
    response.headers["Cache-Control"] = "no-store"
    if tiles.layers:
        response.headers["Content-Security-Policy"] = map_page_policy(tiles)
    return response


def _csrf_ok() -> bool:
    sent = request.form.get("csrf_token", "")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(sent and cookie and user_service.tokens_equal(sent, cookie))


def _expired(form_template: str, **context: Any) -> Response:
    """A form whose token does not match its cookie (WeChat's browser cleared its
    cookies, the form sat open past the cookie's day): nothing is stored, and the form
    comes back with what the rider typed, the same one-time key and a fresh token, so
    one more tap sends it (a script copies the token from this page)."""
    context["form"] = {**context["form"], "request_key": _posted_key() or ""}
    message = tr(
        "表单已过期，报告没有发送。填写的内容都还在，请再点一次“提交报告”。",
        "The form expired and the report was not sent. What you wrote is still here: "
        'tap "Send the report" once more.',
    )
    return _page(form_template, 400, errors={"_": [message]}, **context)


def _no_station() -> NoReturn:
    """404 in the page's language (werkzeug's own text is English only); a form sent
    about a station removed meanwhile says its report was not sent."""
    if request.method == "POST":
        abort(
            404,
            tr(
                "没有这个驿站，或它已被删除：报告没有发送，请回到附近的驿站重新选择。",
                "No such station, or it was removed: the report was not sent; "
                "go back to the nearby stations and choose again.",
            ),
        )
    abort(404, tr("没有这个驿站，或它已被删除。", "No such station, or it was removed."))


def _station(code: str) -> Any:
    if not _CODE.fullmatch(code):
        _no_station()
    with state(current_app).db.session() as session:
        station = station_service.get_by_code(session, code)
    if station is None or station.deleted_at is not None:
        _no_station()
    return station


def _errors_by_field(errors: list[FieldError]) -> dict[str, list[str]]:
    """Messages by field in the page's language. The position is a pin, not typed: any
    problem with it is one message, under the map."""
    lang = current_lang()
    out: dict[str, list[str]] = {}
    for error in errors:
        if error.field in ("lat", "lon", "datum"):
            out["lat"] = [tr("请在地图上标出位置。", "Place the pin on the map.")]
            continue
        label = report_fields.FIELD_NAMES_EN.get(error.field, error.field)
        text = error.text(lang) if lang == "zh" else f"{label}: {error.message}"
        if error.field == "kind" and lang != "zh":
            # The API's message lists the codes (closed, amenity ...); a rider reads the
            # choices' own words, as the Chinese message gives them.
            kinds = [t.name("en") for t in report_fields.KIND_TERMS if t.code != "demand"]
            text = f"{label}: choose what is wrong ({', '.join(kinds)})"
        out.setdefault(error.field, []).append(text)
    return out


def _rate_message(exc: report_service.RateLimited) -> str:
    minutes = max(1, -(-exc.retry_after_s // 60))
    return tr(
        f"你刚刚发送的报告太多了，请 {minutes} 分钟后再试。",
        f"You have sent too many reports just now; try again in {minutes} min.",
    )


def _receipt(done: report_service.Submitted, station: Any) -> Response:
    """The tracking code, shown once; its language link leads to the tracking page (the
    form's address would lose the code)."""
    other = "en" if current_lang() == "zh" else "zh"
    switch = url_for("reports.tracking_page", code=done.tracking_code, lang=other)
    return _page("report_done.html", done=done, station=station, switch_url=switch)


def _posted_key() -> str | None:
    """The form's one-time key as posted, when it is one this app makes."""
    key = request.form.get("request_key", "")
    return key if _KEY_RE.fullmatch(key) else None


def _sent(key: str) -> Response:
    """The answer to the page's script: a redirect to the receipt it then opens."""
    response = make_response(redirect(url_for("reports.report_receipt", key=key), 303))
    response.headers["Cache-Control"] = "no-store"
    return response


def _submit(raw: dict[str, Any], form_template: str, **context: Any) -> Response:
    """Take a posted form: the receipt with its tracking code (or, sent by the page's
    script with a key, a redirect to it), or the form again with the errors beside
    their fields (422) or the limit's message (429). A form with a ``station`` in its
    context reports on it; one without asks for a station."""
    station = context.get("station")
    key = _posted_key()
    context["form"] = {**context["form"], "request_key": key or ""}
    if raw.get("website"):  # the honeypot: a believable receipt, nothing stored
        done = report_service.Submitted(report_fields.decoy_code(), "new", merged=False)
        return _receipt(done, station)
    try:
        data = report_fields.parse_report(raw, demand=station is None, lang=current_lang())
    except report_fields.InvalidReport as exc:
        return _page(form_template, 422, errors=_errors_by_field(exc.errors), **context)
    try:
        try:
            done = _store(data, station, key)
        except IntegrityError:
            # The same key sent twice at once (PostgreSQL): the first send made the
            # report. Sent again, this one finds its key (an edit is added to it).
            if _earlier_send(key) is None:
                raise
            try:
                done = _store(data, station, key)
            except IntegrityError:
                earlier = _earlier_send(key)
                if earlier is None:
                    raise
                done = earlier.done
    except report_fields.InvalidReport as exc:
        return _page(form_template, 422, errors=_errors_by_field(exc.errors), **context)
    except report_service.NoSuchStation:
        _no_station()
    except report_service.RateLimited as exc:
        response = _page(form_template, 429, errors={"_": [_rate_message(exc)]}, **context)
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    if key is not None and request.headers.get(SENT_BY_SCRIPT[0]) == SENT_BY_SCRIPT[1]:
        return _sent(key)
    return _receipt(done, station)


def _store(
    data: report_fields.ReportInput, station: Any, key: str | None
) -> report_service.Submitted:
    with state(current_app).db.write_session() as session:
        return report_service.submit_report(
            session,
            data,
            station.id if station is not None else None,
            client_key(),
            datetime.now(UTC),
            state(current_app).settings.report_rates,
            reported_closed_min=state(current_app).settings.reported_closed_min,
            request_key=key,
        )


def _earlier_send(key: str | None) -> report_service.SentReport | None:
    if key is None:
        return None
    with state(current_app).db.session() as session:
        return report_service.sent_report(session, key)


@bp.get("/report/sent/<key>")
def report_receipt(key: str) -> Response:
    """The receipt of a form send, by its one-time key (the script's redirect leads
    here): the same page as the plain form's answer."""
    sent = _earlier_send(key) if _KEY_RE.fullmatch(key) else None
    if sent is None:
        abort(404, tr("没有这次发送的回执。", "No receipt for this send."))
    station = {"code": sent.station_code} if sent.station_code else None
    response = _receipt(sent.done, station)
    response.headers["Referrer-Policy"] = "no-referrer"  # the key is in the address
    return response


# -- a station's problem ------------------------------------------------------------------
@bp.get("/s/<code>/report")
def report_form(code: str) -> Response:
    station = _station(code)
    kind = request.args.get("kind", "")
    start = _on_map(station.lat, station.lon, current_tiles())
    form = {"kind": kind if kind in report_fields.STATION_KINDS else "", **start}
    return _page(
        "report.html",
        station=station,
        form=form,
        errors={},
        amenities=_amenities(current_lang()),
        start=start,
    )


@bp.post("/s/<code>/report")
def create_report(code: str) -> Response:
    station = _station(code)
    raw = {name: request.form.get(name, "") for name in (*FORM_FIELDS, "website")}
    context: dict[str, Any] = {
        "station": station,
        "form": raw,
        "amenities": _amenities(current_lang()),
        "start": _on_map(station.lat, station.lon, current_tiles()),
    }
    if not _csrf_ok():
        return _expired("report.html", **context)
    return _submit(raw, "report.html", **context)


# -- a station needed here ------------------------------------------------------------------
def _start_point() -> tuple[float | None, float | None]:
    """``?lat=&lon=`` (WGS-84) when well formed and in range, else no point."""
    try:
        lat = float(request.args.get("lat", ""))
        lon = float(request.args.get("lon", ""))
    except ValueError:
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


@bp.get("/demand")
def demand_form() -> Response:
    lat, lon = _start_point()
    start = _on_map(lat, lon, current_tiles())
    return _page(
        "demand.html",
        form={**start, "needs": []},
        errors={},
        amenities=_amenities(current_lang()),
        start=start,
    )


@bp.post("/demand")
def create_demand() -> Response:
    raw: dict[str, Any] = {name: request.form.get(name, "") for name in FORM_FIELDS}
    raw["needs"] = request.form.getlist("needs")[: len(catalog.AMENITIES)]
    raw["website"] = request.form.get("website", "")
    start = {name: raw.get(name, "") for name in ("lat", "lon", "datum")}
    context = {"form": raw, "amenities": _amenities(current_lang()), "start": start}
    if not _csrf_ok():
        return _expired("demand.html", **context)
    return _submit(raw, "demand.html", **context)


# -- following a report ---------------------------------------------------------------------
@bp.get("/r/<code>")
def tracking_page(code: str) -> Response:
    wanted = report_fields.normal_code(code[:40])
    view = None
    if wanted is not None:
        with state(current_app).db.session() as session:
            view = report_service.public_report(session, wanted)
    if view is None:
        abort(
            404,
            tr(
                "没有这个跟踪码的报告，请核对 8 位跟踪码。",
                "No report has this tracking code; check its 8 characters.",
            ),
        )
    lang = current_lang()
    response = make_response(
        render_template(
            "report_status.html",
            report=view,
            kind_name=report_fields.term_name(report_fields.KIND_TERMS, view.kind, lang),
            status_name=report_fields.term_name(report_fields.STATUS_TERMS, view.status, lang),
            status_names={t.code: t.name(lang) for t in report_fields.STATUS_TERMS},
            needs=[catalog.AMENITY_BY_CODE[c].name(lang) for c in view.needs],
            tz=state(current_app).settings.tz,
            **_page_context(lang),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
