"""Helpers for the report tests: make reports directly with the models (the courier's
forms are not needed to test the district's queue)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask

from stationmap.app_state import state
from stationmap.models import Report, Station


def make_report(
    app: Flask,
    station: Station | None = None,
    *,
    kind: str = "closed",
    district: str | None = None,
    text: str = "驿站没开门",
    phone: str = "",
    hours_ago: float = 1.0,
    now: datetime | None = None,
    **fields: Any,
) -> Report:
    """A new report about ``station`` (its district) or, without one, in ``district``,
    made ``hours_ago`` hours before ``now`` (default: the clock's)."""
    created = (now or datetime.now(UTC)) - timedelta(hours=hours_ago)
    values: dict[str, Any] = {
        "needs": [],
        "phone": phone,
        "repeats": 0,
        "status": "new",
        **fields,
    }
    with state(app).db.write_session() as session:
        report = Report(
            tracking_code="T" + secrets.token_hex(5).upper(),
            kind=kind,
            station_id=station.id if station is not None else None,
            district_code=station.district_code if station is not None else district,
            text=text,
            lang="zh",
            client_hash=secrets.token_hex(8),
            fingerprint=secrets.token_hex(8),
            created_at=created,
            updated_at=created,
            **values,
        )
        session.add(report)
        session.flush()
        session.expunge(report)
    return report


def get_report(app: Flask, report_id: int) -> Report:
    with state(app).db.session() as session:
        report = session.get(Report, report_id)
        assert report is not None
        _ = report.events  # loaded (selectin) before the session closes
        return report


def api_token(app: Flask, username: str, role: str, districts: tuple[str, ...] = ()) -> str:
    """A new user's API token (a viewer cannot make one on the admin pages, which are
    read-only for them, so it is made with the service)."""
    from stationmap.services import tokens as token_service
    from stationmap.services import users as user_service
    from tests.integration.admin_support import make_user

    make_user(app, username, role, districts)
    with state(app).db.write_session() as session:
        user = user_service.get_user(session, username)
        assert user is not None
        return token_service.create_token(session, user.id, "test").secret


def admin_client(
    app: Flask, username: str, role: str, districts: tuple[str, ...] = ()
) -> tuple[Any, str]:
    """A new user, logged in: their test client and CSRF token."""
    from tests.integration.admin_support import login, make_user, page_csrf

    make_user(app, username, role, districts)
    client = app.test_client()
    login(client, username)
    return client, page_csrf(client)
