"""Helpers for the admin tests: make accounts, log in, read CSRF tokens from pages."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station, StationRevision
from stationmap.services import users as user_service
from stationmap.web.admin.editor import _form_from_station as form_from_station

PASSWORD = "correct horse battery"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
# 呼和浩特市 (150100) has four districts; 新城区 150102 and 赛罕区 150105 are two of them.
HOHHOT = "150100"
XINCHENG = "150102"
SAIHAN = "150105"
KUNMING_XISHAN = "530112"


def bare_station(code: str, name: str, lat: float, lon: float, **columns: Any) -> Station:
    """A station row written directly, without the editing service (no revision, no
    change row): in 新城区 unless ``columns`` say otherwise, created and updated now."""
    now = datetime.now(UTC)
    fields: dict[str, Any] = {"district_code": XINCHENG, "created_at": now, "updated_at": now}
    return Station(code=code, name=name, lat=lat, lon=lon, **(fields | columns))


def make_user(app: Flask, username: str, role: str, districts: tuple[str, ...] = ()) -> None:
    with state(app).db.write_session() as session:
        user_service.create_user(session, username, PASSWORD, role, districts)


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    page = client.get("/admin/login")
    token = csrf_of(page.get_data(as_text=True))
    return client.post(
        "/admin/login", data={"username": username, "password": password, "csrf_token": token}
    )


def page_csrf(client: FlaskClient, path: str = "/admin/") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return csrf_of(response.get_data(as_text=True))


def station_in(app: Flask, district: str) -> Station:
    with state(app).db.session() as session:
        station = session.scalars(
            select(Station)
            .where(Station.district_code == district, Station.deleted_at.is_(None))
            .order_by(Station.id)
        ).first()
    assert station is not None, f"no demo station in {district}"
    return station


def form_of(station: Station, **changes: Any) -> dict[str, Any]:
    # The editor fills its form with the same function, so the test cannot drift from it.
    data: dict[str, Any] = {**form_from_station(station), "version": str(station.version)}
    data.update(changes)
    return data


def free_point(app: Flask, district: str) -> tuple[float, float]:
    """A point inside ``district`` with no station within 200 m."""
    from stationmap.geo.distance import geodesic_m
    from stationmap.services import districts as district_service

    with state(app).db.session() as session:
        stations = list(session.scalars(select(Station)))
        seeds = [s for s in stations if s.district_code == district]
        for seed in seeds:
            for step in range(1, 30):
                for d_lat, d_lon in ((1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, -1)):
                    lat = round(seed.lat + d_lat * 0.001 * step, 7)
                    lon = round(seed.lon + d_lon * 0.001 * step, 7)
                    if district_service.locate_many(session, [lat], [lon])[0] != district:
                        continue
                    if all(geodesic_m(lat, lon, s.lat, s.lon) > 200 for s in stations):
                        return lat, lon
    raise AssertionError(f"no free point in {district}")


def new_form(lat: float, lon: float, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "测试驿站",
        "address": "测试路1号",
        "lat": f"{lat:.7f}",
        "lon": f"{lon:.7f}",
        "datum": "wgs84",
        "host_type": "union",
        "amenities": ["water", "toilet"],
        "worker_groups": ["courier"],
        "opening_hours": "Mo-Su 08:00-20:00",
        "phone": "0471-1234567",
        "contact": "张三",
        "services": "免费饮水\n手机充电",
        "status": "active",
    }
    data.update(changes)
    return data


STATE_FORM_RE = r'<form method="post" action="[^"]*/{action}">(.*?)</form>'
HIDDEN_INPUT_RE = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def button_form(client: FlaskClient, station_id: int, action: str) -> dict[str, str]:
    """What the station page's delete, undelete or verify button sends (its CSRF token
    and the version the page shows), as a browser sends it."""
    return form_in(client.get(f"/admin/stations/{station_id}").get_data(as_text=True), action)


def form_in(html: str, action: str) -> dict[str, str]:
    """The hidden inputs of the form on ``html`` posting to ``…/<action>``."""
    match = re.search(STATE_FORM_RE.format(action=action), html, re.S)
    assert match, f"no {action} form on the page"
    return dict(HIDDEN_INPUT_RE.findall(match.group(1)))


def district_admins(app: Flask, *names: str) -> list[tuple[FlaskClient, str]]:
    """Logged-in administrators of 新城区 named ``names``, each with a CSRF token."""
    out = []
    for name in names:
        make_user(app, name, "district_admin", (XINCHENG,))
        client = app.test_client()
        login(client, name)
        out.append((client, page_csrf(client)))
    return out


def stored_with_actions(app: Flask, station_id: int) -> tuple[Station | None, list[str]]:
    """The station as stored and the actions of its revisions, oldest first."""
    with state(app).db.session() as session:
        actions = session.scalars(
            select(StationRevision.action)
            .where(StationRevision.station_id == station_id)
            .order_by(StationRevision.number)
        )
        return session.get(Station, station_id), list(actions)


def upload(client: FlaskClient, token: str, data: bytes, filename: str, **fields: str) -> Any:
    """Post ``data`` as ``filename`` to the admin import page, with form ``fields``
    (``datum=...``): the preview, or the page asking what the file leaves open."""
    return client.post(
        "/admin/import",
        data={"csrf_token": token, **fields, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
