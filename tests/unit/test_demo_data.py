"""Demo stations: deterministic, inside their counties, valid vocabulary and hours."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import opening_hours
import pytest
from pyproj import Geod

from stationmap.catalog import AMENITY_CODES, HOST_TYPE_CODES, WORKER_GROUP_CODES
from stationmap.demo_data import COUNTIES, LAUNCH_CODES, generate_demo
from stationmap.geo.districts import DistrictLocator, shipped_districts
from stationmap.station_fields import FIELDS

KEYS = set(FIELDS)  # every row is a complete import row


@pytest.fixture(scope="module")
def shapes():
    return list(shipped_districts())


@pytest.fixture(scope="module")
def stations(shapes):
    return generate_demo(shapes)


def test_same_seed_same_stations_other_seed_other_stations(shapes, stations):
    assert generate_demo(shapes) == stations
    assert generate_demo(shapes[::-1]) == stations  # input order does not matter
    assert generate_demo(shapes, seed=7) != stations


def test_each_county_is_drawn_on_its_own(shapes, stations):
    only = [s for s in shapes if s.code in ("652324", "650000")]
    subset = generate_demo(only)
    assert subset == [s for s in stations if s["code"].startswith("652324-")]


def test_ten_to_forty_per_launch_county_more_in_cities(stations):
    counts = Counter(s["code"][:6] for s in stations)
    assert set(counts) == set(LAUNCH_CODES)
    assert all(10 <= n <= 40 for n in counts.values())
    urban = [counts[c] for c in LAUNCH_CODES if COUNTIES[c].urban]
    rural = [counts[c] for c in LAUNCH_CODES if not COUNTIES[c].urban]
    assert min(urban) > max(rural)


def test_every_station_lies_in_its_county(shapes, stations):
    locator = DistrictLocator(shapes)
    found = locator.locate_many([s["lat"] for s in stations], [s["lon"] for s in stations])
    assert found == [s["code"][:6] for s in stations]


def test_seats_and_towns_lie_in_their_county(shapes):
    locator = DistrictLocator(shapes)
    for code, county in COUNTIES.items():
        assert locator.locate(*county.seat) == code
        for town, lat, lon in county.towns:
            assert locator.locate(lat, lon) == code, town


def test_stations_cluster_around_the_seat(stations):
    geod = Geod(ellps="WGS84")
    dist_m = np.array(
        [
            geod.inv(
                COUNTIES[s["code"][:6]].seat[1], COUNTIES[s["code"][:6]].seat[0], s["lon"], s["lat"]
            )[2]
            for s in stations
        ]
    )
    assert np.median(dist_m) < 3000
    assert np.mean(dist_m < 4000) > 0.7
    assert np.any(dist_m > 5000)  # a few in outlying towns


def test_codes_are_unique_and_serial_per_county(stations):
    codes = [s["code"] for s in stations]
    assert len(set(codes)) == len(codes)
    for county in LAUNCH_CODES:
        mine = [c for c in codes if c.startswith(county + "-")]
        assert mine == [f"{county}-{i:04d}" for i in range(1, len(mine) + 1)]


def test_names_are_unique_within_a_county(stations):
    for county in LAUNCH_CODES:
        names = [s["name"] for s in stations if s["code"].startswith(county)]
        assert len(set(names)) == len(names)


def test_station_fields(stations):
    phone = re.compile(r"^(0\d{2,3}-\d{7,8}|1\d{10})$")
    for s in stations:
        assert set(s) == KEYS
        assert s["datum"] == "wgs84"
        assert round(s["lat"], 6) == s["lat"] and round(s["lon"], 6) == s["lon"]
        assert s["address"].startswith(COUNTIES[s["code"][:6]].prefix)
        assert re.search(r"\d+号$", s["address"])
        assert phone.match(s["phone"]), s["phone"]
        assert 2 <= len(s["contact"]) <= 3
        assert 2 <= len(s["services"]) <= 6
        assert all(re.search(r"[\u4e00-\u9fff]", line) for line in s["services"])
        assert s["status"] in ("active", "suspended")
    assert Counter(s["status"] for s in stations)["active"] > 0.8 * len(stations)


def test_vocabulary_codes_are_valid(stations):
    for s in stations:
        assert s["host_type"] in HOST_TYPE_CODES
        assert {"seating", "water", "phone_charging"} <= set(s["amenities"])
        assert set(s["amenities"]) <= set(AMENITY_CODES)
        assert len(set(s["amenities"])) == len(s["amenities"])
        assert s["worker_groups"] and set(s["worker_groups"]) <= WORKER_GROUP_CODES
        if s["host_type"] == "pharmacy":
            assert "first_aid" in s["amenities"]
        if s["host_type"] == "bank":
            assert {"air_conditioning", "wifi"} <= set(s["amenities"])
    hosts = Counter(s["host_type"] for s in stations)
    assert [h for h, _ in hosts.most_common(2)] == ["community", "union"]


def test_opening_hours_parse_and_some_are_unknown(stations):
    hours = [s["opening_hours"] for s in stations]
    assert None in hours
    for text in {h for h in hours if h is not None}:
        opening_hours.OpeningHours(text)


def test_heating_is_common_in_the_north_and_rare_in_kunming(stations):
    def share(prefix: str) -> float:
        mine = [s for s in stations if s["code"].startswith(prefix)]
        return sum("heating" in s["amenities"] for s in mine) / len(mine)

    assert share("1501") > 0.8
    assert share("530112") < 0.3
