"""Staff confirmation and freshness, through the app on each database: temporary
closures and amenity outages take effect at once in nearest answers, filters, the
listing and the station page and expire by themselves (judged at ``at``); three
distinct clients reporting "closed" within 24 h mark a station reported closed (two do
not) and rank it after the others until a confirmation; stations not verified within
the configured days are stale; staff links rotate and revoke at once; staff actions
are in the station's history."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from stationmap.app_state import state
from stationmap.models import Report, Station, StationAmenity, StationRevision
from stationmap.services import staff as staff_service
from stationmap.services.stations import bump_data_version
from tests.conftest import (
    POSTGRES_URL,
    _copy_sqlite,
    _drop_postgres,
    _make_app,
    _postgres_database,
)
from tests.integration.admin_support import (
    SAIHAN,
    XINCHENG,
    button_form,
    csrf_of,
    login,
    make_user,
    station_in,
)

NOW = datetime.now(UTC).replace(microsecond=0)
STAFF_URL = re.compile(r"/staff/([A-Za-z0-9_-]{20,})")


def _prepare(app: Flask, district: str = XINCHENG) -> Station:
    """A demo station open around the clock, with water, never verified."""
    station = station_in(app, district)
    with state(app).db.write_session() as session:
        session.execute(
            update(Station).where(Station.id == station.id).values(opening_hours="24/7")
        )
        if "water" not in station.amenities:
            session.add(StationAmenity(station_id=station.id, amenity="water"))
        bump_data_version(session)
    return station


def _nearest(client: FlaskClient, station: Station, at: datetime, **extra: Any) -> list[dict]:
    query = {"lat": station.lat, "lon": station.lon, "k": 3, "at": at.isoformat(), **extra}
    response = client.get("/api/v1/stations/nearest", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [f["properties"] for f in response.get_json()["features"]]


def test_temporary_closure_closes_the_station_until_it_expires(app: Flask) -> None:
    station = _prepare(app)
    client = app.test_client()
    until = NOW + timedelta(days=2)
    with state(app).db.write_session() as session:
        staff_service.close_until(session, session.get(Station, station.id), until, NOW)

    during = NOW + timedelta(days=1)
    first = _nearest(client, station, during)[0]
    assert first["id"] == station.id
    assert first["open_now"] is False
    assert first["temporarily_closed_until"] == until.isoformat(timespec="seconds")
    assert first["notice_zh"] and "暂停开放" in first["notice_zh"]
    assert "temporarily closed" in first["notice_en"]
    assert station.id not in [p["id"] for p in _nearest(client, station, during, open_now="true")]

    after = until + timedelta(hours=1)
    first = _nearest(client, station, after)[0]
    assert first["id"] == station.id
    assert first["open_now"] is True
    assert first["temporarily_closed_until"] is None
    assert _nearest(client, station, after, open_now="true")[0]["id"] == station.id

    # The station page and the detail API say so now (the closure holds today).
    detail = client.get(f"/api/v1/stations/{station.id}").get_json()["properties"]
    assert detail["temporarily_closed_until"] == until.isoformat(timespec="seconds")
    assert detail["open_now"] is False
    page = client.get(f"/s/{station.code}?lang=en").get_data(as_text=True)
    assert "temporarily closed until" in page


def test_amenity_outage_fails_the_filter_until_it_expires(app: Flask) -> None:
    station = _prepare(app)
    client = app.test_client()
    until = NOW + timedelta(days=3)
    with state(app).db.write_session() as session:
        staff_service.amenity_unavailable(
            session, session.get(Station, station.id), "water", until, NOW
        )
    during = NOW + timedelta(hours=1)
    plain = _nearest(client, station, during)[0]
    assert plain["id"] == station.id
    assert plain["unavailable_amenities"] == ["water"]
    filtered = _nearest(client, station, during, amenity="water")
    assert station.id not in [p["id"] for p in filtered]
    assert all("water" in p["amenities"] for p in filtered)

    after = until + timedelta(minutes=1)
    assert _nearest(client, station, after, amenity="water")[0]["id"] == station.id
    assert _nearest(client, station, after)[0]["unavailable_amenities"] == []

    # The listing's amenity filter judges the outage now.
    box = f"{station.lon - 0.001},{station.lat - 0.001},{station.lon + 0.001},{station.lat + 0.001}"
    listed = client.get("/api/v1/stations", query_string={"bbox": box, "amenity": "water"})
    assert station.id not in [f["id"] for f in listed.get_json()["features"]]
    listed = client.get("/api/v1/stations", query_string={"bbox": box})
    props = next(f["properties"] for f in listed.get_json()["features"] if f["id"] == station.id)
    assert props["unavailable_amenities"] == ["water"]


def _report(app: Flask, station_id: int, client_hash: str, at: datetime) -> None:
    with state(app).db.write_session() as session:
        number = session.scalar(select(Report.id).order_by(Report.id.desc())) or 0
        session.add(
            Report(
                tracking_code=f"T{number + 1:08d}{client_hash[:4]}",
                kind="closed",
                station_id=station_id,
                client_hash=client_hash,
                created_at=at,
                updated_at=at,
            )
        )


def _note(app: Flask, station_id: int, now: datetime) -> bool:
    with state(app).db.write_session() as session:
        return staff_service.note_closed_report(session, station_id, now)


def test_three_distinct_reporters_mark_reported_closed_until_staff_confirm(app: Flask) -> None:
    station = _prepare(app)
    client = app.test_client()
    # A report older than 24 hours does not count.
    _report(app, station.id, "old", NOW - timedelta(hours=25))
    _report(app, station.id, "a", NOW - timedelta(hours=2))
    _report(app, station.id, "b", NOW - timedelta(hours=1))
    _report(app, station.id, "a", NOW - timedelta(minutes=30))  # the same client again
    assert _note(app, station.id, NOW) is False
    assert _nearest(client, station, NOW)[0]["id"] == station.id
    assert _nearest(client, station, NOW)[0]["reported_closed"] is False

    _report(app, station.id, "c", NOW - timedelta(minutes=5))
    assert _note(app, station.id, NOW) is True
    ranked = _nearest(client, station, NOW)
    # Nearest at distance 0, yet after the other stations; those keep distance order.
    assert ranked[-1]["id"] == station.id and ranked[-1]["reported_closed"] is True
    others = [p["distance_m"] for p in ranked[:-1]]
    assert others == sorted(others) and all(d > 0 for d in others)

    token = _rotate(app, station.id)
    staff = app.test_client()
    response = _staff_post(staff, token, "open", {})
    assert response.status_code == 303
    ranked = _nearest(client, station, NOW + timedelta(minutes=1))
    assert ranked[0]["id"] == station.id and ranked[0]["reported_closed"] is False
    assert ranked[0]["stale"] is False
    # The reports before the confirmation no longer count.
    assert _note(app, station.id, datetime.now(UTC) + timedelta(minutes=1)) is False


def test_stale_follows_the_configured_days(app: Flask, tmp_path: Any) -> None:
    station = _prepare(app)
    with state(app).db.write_session() as session:
        session.execute(
            update(Station)
            .where(Station.id == station.id)
            .values(verified_at=NOW - timedelta(days=10))
        )
        bump_data_version(session)
    first = _nearest(app.test_client(), station, NOW)
    assert first[0]["id"] == station.id and first[0]["stale"] is False
    # Another station of the answer, never verified, is stale.
    assert all(p["stale"] for p in first[1:])

    strict = _make_app(
        state(app).settings.database_url, tmp_path / "strict", STATIONMAP_STALE_DAYS="5"
    )
    try:
        again = _nearest(strict.test_client(), station, NOW)
        assert again[0]["id"] == station.id and again[0]["stale"] is True
        assert "not verified recently" in again[0]["notice_en"]
        detail = strict.test_client().get(f"/api/v1/stations/{station.id}").get_json()
        assert detail["properties"]["stale"] is True
    finally:
        state(strict).db.dispose()


def _rotate(app: Flask, station_id: int) -> str:
    with state(app).db.write_session() as session:
        station = session.get(Station, station_id)
        return staff_service.rotate_link(session, station, None, "test", datetime.now(UTC))


def _staff_post(client: FlaskClient, token: str, action: str, form: dict[str, str]) -> Any:
    page = client.get(f"/staff/{token}")
    assert page.status_code == 200
    csrf = csrf_of(page.get_data(as_text=True))
    return client.post(f"/staff/{token}/{action}", data={**form, "csrf_token": csrf})


def test_rotating_the_staff_link_from_admin_kills_the_old_one_at_once(app: Flask) -> None:
    station = station_in(app, XINCHENG)
    make_user(app, "boss", "district_admin", (XINCHENG,))
    make_user(app, "other", "district_admin", (SAIHAN,))
    admin = app.test_client()
    login(admin, "boss")
    page = admin.get(f"/admin/stations/{station.id}/staff-link")
    assert page.status_code == 200
    csrf = csrf_of(page.get_data(as_text=True))

    slip = admin.post(f"/admin/stations/{station.id}/staff-link", data={"csrf_token": csrf})
    html = slip.get_data(as_text=True)
    assert slip.status_code == 200 and "仅限驿站工作人员" in html
    assert 'src="data:image/svg+xml' in html
    first = STAFF_URL.search(html)
    assert first
    staff = app.test_client()
    assert staff.get(f"/staff/{first[1]}").status_code == 200

    html = admin.post(
        f"/admin/stations/{station.id}/staff-link", data={"csrf_token": csrf}
    ).get_data(as_text=True)
    second = STAFF_URL.search(html)
    assert second and second[1] != first[1]
    assert staff.get(f"/staff/{first[1]}").status_code == 404
    assert staff.get(f"/staff/{second[1]}").status_code == 200

    # Without the CSRF token the admin write is refused.
    assert admin.post(f"/admin/stations/{station.id}/staff-link").status_code == 400
    admin.post(f"/admin/stations/{station.id}/staff-link/revoke", data={"csrf_token": csrf})
    assert staff.get(f"/staff/{second[1]}").status_code == 404

    # Another district's administrator cannot see or make this station's link.
    outsider = app.test_client()
    login(outsider, "other")
    assert outsider.get(f"/admin/stations/{station.id}/staff-link").status_code == 404


def test_staff_actions_are_checked_and_recorded_in_history(app: Flask) -> None:
    station = _prepare(app)
    token = _rotate(app, station.id)
    staff = app.test_client()
    page = staff.get(f"/staff/{token}")
    csrf = csrf_of(page.get_data(as_text=True))
    # No CSRF token: refused, nothing recorded.
    assert staff.post(f"/staff/{token}/open").status_code == 400
    # A date in the past names the field, in both languages.
    bad = staff.post(
        f"/staff/{token}/closed",
        data={"csrf_token": csrf, "until_date": "2000-01-01", "until_time": "08:00"},
    )
    assert bad.status_code == 400
    assert 'data-field="until_date"' in bad.get_data(as_text=True)
    bad = staff.post(
        f"/staff/{token}/amenity?lang=en",
        data={"csrf_token": csrf, "amenity": "no_such", "until_date": "2099-01-01"},
    )
    assert bad.status_code == 400 and 'data-field="amenity"' in bad.get_data(as_text=True)

    tomorrow = (datetime.now(state(app).settings.tz) + timedelta(days=1)).date().isoformat()
    for action, form in (
        ("closed", {"until_date": tomorrow, "until_time": "09:30"}),
        ("amenity", {"amenity": "water", "until_date": tomorrow}),
        ("open", {}),
    ):
        response = staff.post(f"/staff/{token}/{action}", data={**form, "csrf_token": csrf})
        assert response.status_code == 303, response.get_data(as_text=True)
    with state(app).db.session() as session:
        revisions = list(
            session.scalars(
                select(StationRevision)
                .where(StationRevision.station_id == station.id)
                .order_by(StationRevision.number)
            )
        )
        stored = session.get(Station, station.id)
        assert stored is not None
        assert stored.closed_until is None and stored.verified_at is not None
    staff_rows = [r for r in revisions if r.actor == staff_service.STAFF_ACTOR.name]
    assert [r.action for r in staff_rows] == ["staff_closed", "staff_outage", "staff_open"]
    assert staff_rows[0].user_id is None
    assert "closed_until" in staff_rows[0].changes and "verified_at" in staff_rows[0].changes
    assert "unavailable:water" in staff_rows[1].changes
    assert staff_rows[2].changes["closed_until"][1] is None


@pytest.fixture(scope="module")
def twin_clients(sqlite_templates, postgres_templates, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The in-process index (SQLite) and PostGIS on the same data, with the same
    closures, outages, reported and verified stations near 新城区's first station."""
    if not POSTGRES_URL:
        pytest.skip("set STATIONMAP_TEST_POSTGRES_URL to compare with PostGIS")
    folder = tmp_path_factory.mktemp("status-parity")
    path = folder / "stationmap.sqlite3"
    _copy_sqlite(sqlite_templates[True], path)
    lite = _make_app(f"sqlite:///{path}", folder)
    url = _postgres_database(postgres_templates[True])
    pg = _make_app(url, folder / "pg")
    assert state(pg).nearest.uses_database() and not state(lite).nearest.uses_database()
    centre = station_in(lite, XINCHENG)
    ids = [p["id"] for p in _nearest(lite.test_client(), centre, NOW, k=12)]
    for app in (lite, pg):
        with state(app).db.write_session() as session:
            near = [session.get(Station, sid) for sid in ids]
            for i, station in enumerate(near):
                if "water" not in station.amenities:
                    session.add(StationAmenity(station_id=station.id, amenity="water"))
                session.flush()
                if i % 3 == 0:
                    staff_service.close_until(session, station, NOW + timedelta(hours=i + 1), NOW)
                if i % 4 == 1:
                    staff_service.amenity_unavailable(
                        session, station, "water", NOW + timedelta(hours=i + 1), NOW
                    )
                if i % 5 == 2:
                    station.verified_at = NOW - timedelta(days=200)
                    station.reported_closed_at = NOW
            bump_data_version(session)
    yield lite.test_client(), pg.test_client(), centre
    state(lite).db.dispose()
    state(pg).db.dispose()
    _drop_postgres(url)


@pytest.mark.parametrize("hours_later", [0, 2, 7, 13])
@pytest.mark.parametrize(
    "extra", [{}, {"amenity": "water"}, {"open_now": "true"}, {"k": 20}], ids=str
)
def test_backends_agree_on_states(twin_clients, hours_later, extra) -> None:  # type: ignore[no-untyped-def]
    lite, pg, centre = twin_clients
    at = NOW + timedelta(hours=hours_later, minutes=30)
    a = _nearest(lite, centre, at, **{"k": 8, **extra})
    b = _nearest(pg, centre, at, **{"k": 8, **extra})
    assert [p["id"] for p in a] == [p["id"] for p in b]
    for pa, pb in zip(a, b, strict=True):
        assert abs(pa["distance_m"] - pb["distance_m"]) <= 0.5
        assert pa == {**pb, "distance_m": pa["distance_m"]}
    if not extra:
        assert any(p["temporarily_closed_until"] for p in a) or hours_later > 0
        assert any(p["reported_closed"] for p in a)


def test_an_administrator_confirmation_resets_reported_closed(app: Flask) -> None:
    station = _prepare(app)
    for who in ("x", "y", "z"):
        _report(app, station.id, who, NOW - timedelta(minutes=10))
    assert _note(app, station.id, NOW) is True
    client = app.test_client()
    assert _nearest(client, station, NOW)[-1]["id"] == station.id
    make_user(app, "chief", "district_admin", (XINCHENG,))
    admin = app.test_client()
    login(admin, "chief")
    clicked = button_form(admin, station.id, "verify")
    response = admin.post(f"/admin/stations/{station.id}/verify", data=clicked)
    assert response.status_code == 303
    first = _nearest(client, station, datetime.now(UTC) + timedelta(minutes=1))[0]
    assert first["id"] == station.id and first["reported_closed"] is False


def test_the_staff_page_is_rate_limited_per_address(app: Flask) -> None:
    from stationmap.web.staff import LIMIT

    station = station_in(app, XINCHENG)
    token = _rotate(app, station.id)
    staff = app.test_client()
    answers = [staff.get(f"/staff/{token}").status_code for _ in range(LIMIT)]
    assert answers == [200] * LIMIT
    refused = staff.get(f"/staff/{token}")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    # Guessing tokens counts the same way.
    assert staff.get("/staff/not-a-token").status_code == 429
