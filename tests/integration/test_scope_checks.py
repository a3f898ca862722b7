"""The district scope checks: what a user's role and districts let them see and change
(services/users.Scope and scope_of) and the rows of an import that touch a station
outside the importer's districts (services/admin._scope_errors). Expected scopes come
from a plain walk of the district table; expected errors are written out here."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import District, Station
from stationmap.services import admin, editing, transfer
from stationmap.services import users as user_service
from stationmap.services.revisions import Actor
from stationmap.services.users import Scope
from stationmap.station_fields import StationInput
from tests.integration.admin_support import HOHHOT, SAIHAN, XINCHENG, free_point, make_user


@pytest.mark.parametrize(
    ("codes", "district", "covered"),
    [
        (None, None, True),
        (None, XINCHENG, True),
        (frozenset({XINCHENG}), XINCHENG, True),
        (frozenset({XINCHENG}), SAIHAN, False),
        (frozenset({XINCHENG}), None, False),
        (frozenset(), XINCHENG, False),
    ],
)
def test_a_scope_covers_its_districts_only(
    codes: frozenset[str] | None, district: str | None, covered: bool
) -> None:
    assert Scope(codes, True).covers(district) is covered
    assert Scope(codes, False).covers(district) is covered


def _below(app: Flask, code: str) -> frozenset[str]:
    """``code`` and every district under it, by a plain walk of the parent links."""
    with state(app).db.session() as session:
        parents = dict(session.execute(select(District.code, District.parent_code)).all())
    out = set()
    for district in parents:
        walk: str | None = district
        while walk is not None:
            if walk == code:
                out.add(district)
                break
            walk = parents.get(walk)
    return frozenset(out)


@pytest.mark.parametrize(
    ("role", "districts", "writable"),
    [
        ("superadmin", (), True),
        ("viewer", (), False),
        ("viewer", (HOHHOT,), False),
        ("district_admin", (XINCHENG,), True),
        ("district_admin", (HOHHOT,), True),
        ("district_admin", (XINCHENG, SAIHAN), True),
    ],
)
def test_scope_of_each_role(
    app: Flask, role: str, districts: tuple[str, ...], writable: bool
) -> None:
    make_user(app, "someone", role, districts)
    if role == "superadmin" or not districts:
        expected = None  # everything
    else:
        expected = frozenset().union(*(_below(app, code) for code in districts))
        assert XINCHENG in expected and len(expected) >= len(districts)
    with state(app).db.session() as session:
        user = user_service.get_user(session, "someone")
        assert user is not None
        scope = user_service.scope_of(session, user)
        principal = user_service.principal(session, user)
    assert scope == Scope(expected, writable)
    assert principal.scope == scope and principal.username == "someone"
    if districts == (HOHHOT,):
        assert {HOHHOT, XINCHENG, SAIHAN} <= (scope.codes or set())


# -- an import's rows against the importer's districts ------------------------------------
def _csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "name", "address", "lat", "lon", "datum"])
    writer.writerows([[*row, "wgs84"] for row in rows])
    return out.getvalue().encode("utf-8")


def _stray(app: Flask) -> Station:
    """A station standing in Xincheng whose stored district is Saihan (as after a
    boundary change): its point is in an editor of Xincheng's scope, the station not."""
    lat, lon = free_point(app, XINCHENG)
    with state(app).db.write_session() as session:
        station = editing.create_station(
            session, StationInput(name="边界驿站", lat=lat, lon=lon), None, Actor(None, "t")
        )
        station.district_code = SAIHAN
    return station


def _errors(app: Flask, data: bytes, codes: frozenset[str] | None) -> list[dict[str, object]]:
    checked = transfer.check_file(data, "stations.csv")
    assert checked.errors == []
    with state(app).db.session() as session:
        report = admin.preview_import(session, checked, codes, with_rows=False)
    return [e.as_dict() for e in report.errors]


def test_a_row_with_the_code_of_a_station_outside_the_scope_is_an_error(app: Flask) -> None:
    stray = _stray(app)
    mine = free_point(app, XINCHENG)
    data = _csv(
        [
            ["", "我的驿站", "", *mine],
            [stray.code, "改别人的", "", stray.lat, stray.lon],
        ]
    )
    assert _errors(app, data, frozenset({XINCHENG})) == [
        # The station the import would update, named once (errors without a row first)...
        {
            "field": "code",
            "message": f"{stray.code}: matches a station outside your districts",
            "message_zh": f"{stray.code}: 匹配到您负责区县以外的驿站",
        },
        # ... and the row that names it, with its row number and column.
        {
            "field": "code",
            "message": f"{stray.code} belongs to a station outside your districts; remove "
            "the row or leave its code empty for a new station",
            "message_zh": f"编号 {stray.code} 属于您负责区县以外的驿站；"
            "请删除该行，或把编号留空作为新驿站",
            "row": 3,
            "column": "A",
        },
    ]
    # The same file is fine for an editor of both districts, and for a superadmin.
    assert _errors(app, data, frozenset({XINCHENG, SAIHAN})) == []
    assert _errors(app, data, None) == []


def test_a_row_with_the_code_of_a_station_in_the_scope_is_no_scope_error(app: Flask) -> None:
    lat, lon = free_point(app, XINCHENG)
    with state(app).db.write_session() as session:
        code = editing.create_station(
            session, StationInput(name="我的", lat=lat, lon=lon), None, Actor(None, "t")
        ).code
    assert _errors(app, _csv([[code, "我的驿站", "", lat, lon]]), frozenset({XINCHENG})) == []


def test_a_file_with_a_bad_row_gets_its_own_errors_only(app: Flask) -> None:
    """Scope is checked once the rows are right: a refused row is named for what is
    wrong with it, and the file's other rows are not checked against the scope yet."""
    stray = _stray(app)
    data = _csv(
        [["", "坏行", "", "abc", 111.7], [stray.code, "改别人的", "", stray.lat, stray.lon]]
    )
    checked = transfer.check_file(data, "stations.csv")
    assert [(e.field, e.row) for e in checked.errors] == [("lat", 2)]
    with state(app).db.session() as session:
        report = admin.preview_import(session, checked, frozenset({XINCHENG}), with_rows=False)
    assert [(e.field, e.row) for e in report.errors] == [("lat", 2)]
