"""Helpers for the report tests: a district's reply written straight into the report's
history (as the administrators' queue will), so the tracking page can be tested alone."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select
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
