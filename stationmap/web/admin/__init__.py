"""The admin pages: dashboard, station editor with history, import and export, API
tokens. Every view needs a login session; every write needs the CSRF token and a role
that may write; every station is looked up within the user's districts, so another
district's station answers 404 exactly as a missing one does.

This package holds the Blueprint ``bp``, its guards and its template context; the views
live in its modules: ``dashboard`` (dashboard and lists), ``editor`` (the station editor
with history), ``lookups`` (the editor's JSON helpers), ``transfer`` (import and export),
``tokens`` (API tokens) and ``printing`` (district maps and posters). Helpers they share
are in ``common``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for

from stationmap import catalog, state, station_fields
from stationmap.web.admin.common import _me
from stationmap.web.auth import UNSAFE, check_csrf, current, load_principal

bp = Blueprint("admin", __name__, url_prefix="/admin")

STATUS_ZH = {"active": "运营中", "suspended": "暂停", "closed": "已关闭"}
ACTION_ZH = {
    "baseline": "初始状态",
    "create": "新建",
    "update": "修改",
    "restore": "恢复",
    "delete": "删除",
    "undelete": "撤销删除",
    "verify": "核实",
    "import": "导入",
}
FIELD_ZH = {
    **station_fields.FIELD_ZH,
    "entered_datum": "录入坐标系",
    "district_code": "区县",
    "opening_hours_text": "开放时间（原文）",
    "verified_at": "核实时间",
    "deleted_at": "删除时间",
    "file": "文件",
}


@bp.before_request
def _guard() -> Any:
    if request.endpoint == "admin.upload_import":
        request.max_content_length = state(current_app).settings.import_max_bytes
    load_principal()
    if current() is None:
        if request.method in UNSAFE:
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    check_csrf()
    if request.method in UNSAFE and not _me().scope.can_write:
        abort(403, "您的账户只能查看，不能修改。This account is read-only.")
    return None


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
        "show": _show,
    }


def _show(value: Any) -> str:
    """A value as people read it in a diff or a conflict page."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


# The views register their routes on ``bp`` when imported, so they come after it.
from stationmap.web.admin import (  # noqa: E402, F401
    dashboard,
    editor,
    lookups,
    printing,
    tokens,
    transfer,
)
