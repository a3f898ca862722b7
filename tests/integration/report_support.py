"""Helpers for the report tests: a district's reply written straight into the report's
history (as the administrators' queue will), so the tracking page can be tested alone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stationmap.app_state import state
from stationmap.models import Report, ReportEvent


def make_reply(
    session: Session, report: Report, reply: str, to_status: str, note: str = ""
) -> ReportEvent:
    """Move ``report`` to ``to_status`` with ``reply`` (and an internal ``note``), as an
    administrator named "测试管理员" would."""
    now = datetime.now(UTC)
    event = ReportEvent(
        report_id=report.id,
        created_at=now,
        actor="测试管理员",
        from_status=report.status,
        to_status=to_status,
        reply=reply,
        note=note,
    )
    session.add(event)
    report.status = to_status
    report.updated_at = now
    if report.first_reply_at is None and reply:
        report.first_reply_at = now
    session.flush()
    return event


def reply_to(app: Flask, tracking_code: str, reply: str, to_status: str, note: str = "") -> None:
    """:func:`make_reply` in its own transaction, for the report with ``tracking_code``."""
    with state(app).db.write_session() as session:
        report = session.scalars(select(Report).where(Report.tracking_code == tracking_code)).one()
        make_reply(session, report, reply, to_status, note)


def report_row(app: Flask, tracking_code: str) -> Report:
    with state(app).db.session() as session:
        return session.scalars(select(Report).where(Report.tracking_code == tracking_code)).one()


# -- report forms sent by the test client ----------------------------------------------------
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
KEY_RE = re.compile(r'name="request_key" value="([^"]*)"')
CODE_RE = re.compile(r'id="tracking-code">([^<]+)<')
# The receipt of a form sent again, edited, after it was received (report_done.html).
EDIT_ADDED = {
    "zh": "这份报告第一次发送时已经收到；你之后修改的内容已作为补充加到同一份报告里"
    "（查询码不变），管理员会看到。不会产生第二份报告。",
    "en": "This report had already been received when you first sent it; the changes you "
    "made afterwards were added to the same report (same tracking code) for the "
    "administrator to see. No second report was made.",
}


def form_fields(client: FlaskClient, path: str) -> dict[str, str]:
    """The CSRF token and the one-time key of the report form at ``path``."""
    html = client.get(path).get_data(as_text=True)
    key = KEY_RE.search(html)
    assert key is not None, "the form carries no one-time key"
    token = CSRF_RE.search(html)
    assert token is not None, "the form carries no CSRF token"
    return {"csrf_token": token.group(1), "request_key": key.group(1)}


def demand_fields(client: FlaskClient) -> dict[str, Any]:
    """A "station needed here" form filled in: a pin in 玛纳斯县, water missing."""
    return {
        **form_fields(client, "/demand"),
        "lat": "44.305",
        "lon": "86.217",
        "datum": "wgs84",
        "needs": ["water"],
    }


def receipt_code(response: Any) -> str:
    match = CODE_RE.search(response.get_data(as_text=True))
    assert match is not None, "no tracking code on the page"
    return match.group(1)


def report_count(app: Flask) -> int:
    with state(app).db.session() as session:
        return session.scalar(select(func.count()).select_from(Report)) or 0
