"""The admin pages: dashboard, station editor with history, import and export, API
tokens. Every view needs a login session; every write needs the CSRF token and a role
that may write; every station is looked up within the user's districts, so another
district's station answers 404 exactly as a missing one does.

This package holds the Blueprint ``bp``, its guards and its template context; the views
live in its modules: ``dashboard`` (dashboard and lists), ``editor`` (the station editor
with history), ``station_state`` (delete, undelete, verify), ``lookups`` (the editor's
JSON helpers), ``transfer`` (import and export), ``tokens`` (API tokens), ``printing``
(district maps and posters), ``reports`` (the queue of workers' reports) and ``notify``
(a district's webhook for them). Helpers they share are in ``common``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for

from stationmap import catalog, station_fields
from stationmap.app_state import state
from stationmap.services.placement import DATUM_EN, DATUM_ZH
from stationmap.web.admin.common import _db, _me
from stationmap.web.auth import UNSAFE, check_csrf, current, load_principal
from stationmap.web.errors import error_page
from stationmap.web.i18n import current_lang, tr

bp = Blueprint("admin", __name__, url_prefix="/admin")

# One label per status everywhere, from the catalogue.
STATUS_ZH = {t.code: t.zh for t in catalog.STATUSES}
STATUS_EN = {t.code: t.en for t in catalog.STATUSES}
ACTION_ZH = {
    "baseline": "初始状态",
    "create": "新建",
    "update": "修改",
    "restore": "恢复",
    "delete": "删除",
    "undelete": "撤销删除",
    "verify": "核实",
    "import": "导入",
    "staff_open": "工作人员确认开放",
    "staff_closed": "工作人员暂停开放",
    "staff_outage": "工作人员报设施暂不可用",
}
ACTION_EN = {
    "baseline": "Initial state",
    "create": "Created",
    "update": "Changed",
    "restore": "Restored",
    "delete": "Deleted",
    "undelete": "Undeleted",
    "verify": "Verified",
    "import": "Imported",
}
ROLE_ZH = {"superadmin": "超级管理员", "district_admin": "区县管理员", "viewer": "只读"}
ROLE_EN = {"superadmin": "superadmin", "district_admin": "district admin", "viewer": "read-only"}
FIELD_ZH = {
    **station_fields.FIELD_ZH,
    "version": "版本",
    "entered_datum": "录入坐标系",
    "district_code": "区县",
    "opening_hours_text": "开放时间（原文）",
    "verified_at": "核实时间",
    "closed_until": "暂停开放至",
    "reported_closed_at": "被报告关闭",
    "deleted_at": "删除时间",
    "file": "文件",
}
FIELD_EN = {
    **station_fields.FIELD_EN,
    "version": "Version",
    "entered_datum": "Entered coordinate system",
    "district_code": "District",
    "opening_hours_text": "Opening hours (as written)",
    "verified_at": "Verified",
    "deleted_at": "Deleted",
    "file": "File",
}


@bp.before_request
def _guard() -> Any:
    if request.endpoint == "admin.upload_import":
        request.max_content_length = state(current_app).settings.import_max_bytes
    load_principal()
    if current() is None:
        if request.method in UNSAFE:  # a form sent after the session ended
            return _session_ended()
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    check_csrf()
    if request.method in UNSAFE and not _me().scope.can_write:
        abort(403, tr("您的账户只能查看，不能修改。", "This account is read-only."))
    return None


#: The station forms whose page "log in again" comes back to: admin_draft.js restores
#: what was typed in the tab (admin pages are no-store: the browser's Back reloads
#: them, and after the session ended that was the login page).
_FORM_PAGES = {
    "admin.update_station": "admin.station_edit",
    "admin.create_station": "admin.new_station",
}


def _session_ended() -> Response:
    """The 401 page for a form sent after the session ended (logged out in another tab,
    idle too long), in the interface's language, with one link: log in again and come
    back to the form."""
    page = _FORM_PAGES.get(request.endpoint or "")
    if page is not None:
        back = url_for(page, **(request.view_args or {}))
        message = tr(
            "登录已过期或已退出，这次提交没有保存。请点“重新登录”：登录后回到此表单，"
            "在本标签页中已填写的内容会自动恢复，请核对后再提交。",
            "Your session has ended, so this was not saved. Log in again: you come back "
            "to the form with what you typed in this tab restored; check it and send it "
            "again.",
        )
    else:
        back = url_for("admin.dashboard")
        message = tr(
            "登录已过期或已退出，这次操作没有完成。请重新登录后再操作一次。",
            "Your session has ended, so this was not done. Log in again and do it again.",
        )
    login_url = url_for("auth.login", next=back)
    return error_page(401, tr("需要重新登录", "Log in again"), message, login_url=login_url)


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _context() -> dict[str, Any]:
    from flask import g

    return {
        "principal": current(),
        "csrf_token": g.get("csrf") or "",
        "catalog": catalog,
        "STATUS_ZH": STATUS_ZH,
        "ACTION_ZH": ACTION_ZH,
        "FIELD_ZH": FIELD_ZH,
        "field_name": field_name,
        "status_name": status_name,
        "action_name": action_name,
        "role_name": role_name,
        "term_name": term_name,
        "datum_label": datum_label,
        "actor_name": actor_name,
        "show": _show,
        "local_time": local_time,
        "district_name": district_name,
    }


_WORDS: dict[str, dict[str, dict[str, str]]] = {
    "zh": {
        "host_type": {t.code: t.zh for t in catalog.HOST_TYPES},
        "amenities": {t.code: t.zh for t in catalog.AMENITIES},
        "worker_groups": {t.code: t.zh for t in catalog.WORKER_GROUPS},
        "status": STATUS_ZH,
        "entered_datum": dict(DATUM_ZH),
    },
    "en": {
        "host_type": {t.code: t.en for t in catalog.HOST_TYPES},
        "amenities": {t.code: t.en for t in catalog.AMENITIES},
        "worker_groups": {t.code: t.en for t in catalog.WORKER_GROUPS},
        "status": STATUS_EN,
        "entered_datum": dict(DATUM_EN),
    },
}


def field_name(name: str) -> str:
    """A station field's name in the interface language."""
    names = FIELD_EN if current_lang() == "en" else FIELD_ZH
    return names.get(name, name)


def status_name(code: str) -> str:
    return (STATUS_EN if current_lang() == "en" else STATUS_ZH).get(code, code)


def action_name(code: str) -> str:
    return (ACTION_EN if current_lang() == "en" else ACTION_ZH).get(code, code)


def role_name(code: str) -> str:
    return (ROLE_EN if current_lang() == "en" else ROLE_ZH).get(code, code)


def term_name(term: catalog.Term) -> str:
    """A catalogue term (amenity, host type, worker group, status) in the interface
    language."""
    return term.name(current_lang())


def actor_name(revision: Any) -> str:
    """Who made a revision; the baseline's stored placeholder in the interface language."""
    if revision.action == "baseline" and revision.user_id is None:
        return tr("（历史记录开始前）", "(before history began)")
    return str(revision.actor)


def datum_label(code: str) -> str:
    return (DATUM_EN if current_lang() == "en" else DATUM_ZH).get(code, code)


def _show(value: Any, field: str | None = None) -> str:
    """A value as people read it in a diff or a conflict page: codes of ``field`` as
    their words in the interface language, a district by its name, a time in the
    configured zone."""
    if value is None or value == "":
        return "—"
    if field == "district_code":
        return district_name(str(value))
    lang = current_lang()
    words = _WORDS[lang].get(field or "", {})
    if isinstance(value, list | tuple):
        joiner = ", " if lang == "en" else "、"
        return joiner.join(words.get(str(v), str(v)) for v in value) or "—"
    if isinstance(value, datetime):
        return local_time(value)
    return words.get(str(value), str(value))


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """``value`` (UTC; naive values are UTC, as SQLite returns them) in the configured
    zone, with the zone named: "2026-12-04 22:30（北京时间）", in English "2026-12-04
    22:30 (Beijing time)"."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    tz = state(current_app).settings.tz
    local = value.astimezone(tz)
    en = current_lang() == "en"
    if tz.key == "Asia/Shanghai":
        zone = "Beijing time" if en else "北京时间"
    else:
        offset = local.utcoffset() or timedelta()
        minutes = int(offset.total_seconds() // 60)
        hours, rest = divmod(abs(minutes), 60)
        sign = "+" if minutes >= 0 else "-"
        zone = f"{tz.key}{', ' if en else '，'}UTC{sign}{hours:02d}:{rest:02d}"
    return f"{local.strftime(fmt)} ({zone})" if en else f"{local.strftime(fmt)}（{zone}）"


def district_name(code: str | None) -> str:
    """A district by its name (the code where none is stored), once per request."""
    from flask import g

    if not code:
        return tr("无区县", "No district")
    names = g.get("district_names")
    if names is None:
        from stationmap.services import districts as district_service

        with _db().session() as session:
            names = {d.code: d.name for d in district_service.all_districts(session)}
        g.district_names = names
    return str(names.get(code, code))


# The views register their routes on ``bp`` when imported, so they come after it.
from stationmap.web.admin import (  # noqa: E402, F401
    coverage,
    dashboard,
    editor,
    geocode,
    gis_export,
    lookups,
    notify,
    printing,
    reports,
    staff_links,
    station_state,
    tokens,
    transfer,
)
