"""A station's fields survive every shape they travel in (services/station_record): a
stored station -> raw values (export, API update, editor form) -> parse_station ->
column values -> a station again, and a revision's snapshot -> input -> columns. The
expected values are written out here, field by field."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station, StationAmenity, StationWorkerGroup
from stationmap.services import editing
from stationmap.services.revisions import Actor
from stationmap.services.station_record import (
    INPUT_COLUMNS,
    StationCard,
    input_columns,
    input_from_snapshot,
    snapshot,
    station_card,
    station_raw,
)
from stationmap.station_fields import parse_station

VERIFIED = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)

#: The column values of the station below, as the database holds them.
COLUMNS: dict[str, Any] = {
    "name": "新城区环卫驿站",
    "address": "呼和浩特市新城区中山东路 8 号",
    "lat": 40.8419123,
    "lon": 111.6873456,
    "entered_datum": "wgs84",
    "host_type": "union",
    "opening_hours": "Mo-Fr 08:00-20:00",
    "opening_hours_text": None,
    "phone": "0471-6961234",
    "contact": "王女士",
    "services": ["免费饮水", "手机充电"],
    "status": "suspended",
}


def _station(**changes: Any) -> Station:
    """A station as loaded, without a database: amenities and worker groups given in
    an order other than code order."""
    return Station(
        **(COLUMNS | changes),
        id=7,
        code="150102-0007",
        district_code="150102",
        is_demo=False,
        verified_at=VERIFIED,
        deleted_at=None,
        version=3,
        amenity_rows=[StationAmenity(amenity="wifi"), StationAmenity(amenity="toilet")],
        worker_group_rows=[
            StationWorkerGroup(group="food_delivery"),
            StationWorkerGroup(group="courier"),
        ],
    )


def test_station_raw_is_what_a_person_writes() -> None:
    assert station_raw(_station()) == {
        "name": "新城区环卫驿站",
        "address": "呼和浩特市新城区中山东路 8 号",
        "lat": 40.8419123,
        "lon": 111.6873456,
        "datum": "wgs84",
        "host_type": "union",
        "amenities": ["toilet", "wifi"],
        "worker_groups": ["courier", "food_delivery"],
        "opening_hours": "Mo-Fr 08:00-20:00",
        "phone": "0471-6961234",
        "contact": "王女士",
        "services": ["免费饮水", "手机充电"],
        "status": "suspended",
    }


def test_every_field_round_trips_station_raw_columns_station() -> None:
    data = parse_station(station_raw(_station()))
    columns = input_columns(data)
    assert set(columns) == set(INPUT_COLUMNS)
    assert columns == COLUMNS
    assert data.amenities == ("toilet", "wifi")
    assert data.worker_groups == ("food_delivery", "courier")  # the catalog's order
    again = Station(
        **columns,
        amenity_rows=[StationAmenity(amenity=a) for a in data.amenities],
        worker_group_rows=[StationWorkerGroup(group=g) for g in data.worker_groups],
    )
    for name, value in COLUMNS.items():
        assert getattr(again, name) == value, name
    assert again.amenities == ["toilet", "wifi"]
    assert again.worker_groups == ["courier", "food_delivery"]


def test_hours_kept_as_written_travel_as_the_hours_and_come_back_as_written() -> None:
    words = "夏季8:00-21:00，冬季9:00-19:00"
    station = _station(opening_hours=None, opening_hours_text=words)
    raw = station_raw(station)
    assert raw["opening_hours"] == words
    columns = input_columns(parse_station(raw))
    assert (columns["opening_hours"], columns["opening_hours_text"]) == (None, words)


def test_snapshot_brings_back_the_same_columns() -> None:
    snap = snapshot(_station())
    assert snap["verified_at"] == "2026-11-03T09:30:00+00:00"
    assert snap["code"] == "150102-0007"
    assert snap["district_code"] == "150102"
    assert snap["amenities"] == ["toilet", "wifi"]
    data = input_from_snapshot(snap)
    assert input_columns(data) == COLUMNS
    assert (data.amenities, data.worker_groups) == (
        ("toilet", "wifi"),
        ("courier", "food_delivery"),
    )


def test_a_snapshot_from_before_a_field_existed_reads_with_the_defaults() -> None:
    data = input_from_snapshot({"name": "旧驿站", "lat": "40.5", "lon": 111.5})
    assert input_columns(data) == {
        "name": "旧驿站",
        "address": "",
        "lat": 40.5,
        "lon": 111.5,
        "entered_datum": "wgs84",
        "host_type": "other",
        "opening_hours": None,
        "opening_hours_text": None,
        "phone": "",
        "contact": "",
        "services": [],
        "status": "active",
    }


def test_a_card_holds_the_stations_values_and_cannot_be_changed() -> None:
    card = station_card(_station())
    assert card == StationCard(
        id=7,
        code="150102-0007",
        name="新城区环卫驿站",
        address="呼和浩特市新城区中山东路 8 号",
        lat=40.8419123,
        lon=111.6873456,
        entered_datum="wgs84",
        district_code="150102",
        host_type="union",
        amenities=("toilet", "wifi"),
        worker_groups=("courier", "food_delivery"),
        opening_hours="Mo-Fr 08:00-20:00",
        opening_hours_text=None,
        phone="0471-6961234",
        contact="王女士",
        services=("免费饮水", "手机充电"),
        status="suspended",
        is_demo=False,
        verified_at=VERIFIED,
        deleted_at=None,
        version=3,
    )
    assert station_raw(card) == station_raw(_station())
    with pytest.raises(FrozenInstanceError):
        setattr(card, "name", "别的")  # mypy refuses the plain assignment


def test_every_demo_station_reads_back_to_its_own_columns(app: Flask) -> None:
    """What the export, the API's PATCH and the editor start from changes nothing when
    read back, for every stored demo station (both databases)."""
    with state(app).db.session() as session:
        stations = list(session.scalars(select(Station).where(Station.deleted_at.is_(None))))
        assert len(stations) > 50
        for station in stations:
            data = parse_station(station_raw(station))
            expected = {name: getattr(station, name) for name in INPUT_COLUMNS}
            assert input_columns(data) == expected, station.code
            assert sorted(data.amenities) == sorted(station.amenities), station.code
            assert sorted(data.worker_groups) == sorted(station.worker_groups), station.code


def test_created_station_stores_the_input_and_the_admin_list_shows_cards(
    empty_app: Flask,
) -> None:
    raw = station_raw(_station())
    with state(empty_app).db.write_session() as session:
        created = editing.create_station(session, parse_station(raw), None, Actor(None, "测试"))
        station_id = created.id
    with state(empty_app).db.session() as session:
        stored = session.get(Station, station_id)
        assert stored is not None
        for name, value in COLUMNS.items():
            assert getattr(stored, name) == value, name
        assert stored.amenities == ["toilet", "wifi"]
        cards = editing.scoped_stations(session, None, text="环卫驿站")
    assert [type(c) for c in cards] == [StationCard]
    assert (cards[0].id, cards[0].name, cards[0].status) == (
        station_id,
        "新城区环卫驿站",
        "suspended",
    )
    assert cards[0].code.startswith("150102-")
