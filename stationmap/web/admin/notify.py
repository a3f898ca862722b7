"""A district's webhook for report notifications: its administrator (or a superadmin)
sets the group robot's URL, its format and after how many hours an unanswered report
is announced again."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for

from stationmap.app_state import state
from stationmap.models import NOTIFY_FORMATS
from stationmap.services import report_notify
from stationmap.services.report_queue import QueueError
from stationmap.web.admin import bp
from stationmap.web.admin.common import _db, _me
from stationmap.web.i18n import current_lang, tr

FORMAT_WORDS = {
    "wecom": ("企业微信群机器人", "WeCom group robot"),
    "dingtalk": ("钉钉群机器人", "DingTalk group robot"),
    "json": ("其他（JSON）", "Other (JSON)"),
}
FIELD_WORDS = {
    "url": ("网址", "URL"),
    "format": ("格式", "Format"),
    "unanswered_hours": ("未回复提醒（小时）", "Unanswered reminder (hours)"),
    "district": ("区县", "District"),
}


def _page(errors: dict[str, str] | None = None, status: int = 200) -> Any:
    with _db().session() as session:
        rows = report_notify.settings_in_scope(session, _me().scope.codes)
    return render_template(
        "admin/notify.html",
        rows=rows,
        errors=errors or {},
        formats=[(code, tr(*FORMAT_WORDS[code])) for code in NOTIFY_FORMATS],
    ), status


@bp.get("/reports/notify")
def notify_settings() -> Any:
    return _page()


@bp.post("/reports/notify/<code>")
def save_notify_setting(code: str) -> Any:
    try:
        with _db().write_session() as session:
            report_notify.save_setting(
                session,
                code[:6],
                request.form.get("url", "")[:1000],
                request.form.get("format", "")[:20],
                request.form.get("unanswered_hours", "")[:10],
                _me(),
                local_ok=state(current_app).settings.notify_local,
            )
    except QueueError as exc:
        label = tr(*FIELD_WORDS.get(exc.field or "district", FIELD_WORDS["district"]))
        return _page({code[:6]: label + tr("：", ": ") + exc.text(current_lang())}, exc.status)
    flash(tr("通知设置已保存", "Notification settings saved"))
    return redirect(url_for("admin.notify_settings"), 303)
