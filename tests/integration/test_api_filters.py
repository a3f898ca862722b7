"""Each filter of the nearest API and of the bbox listing changes the answer as a plain
reference says, on every backend (the in-process index on SQLite, PostGIS on
PostgreSQL).

The stations are written straight into the tables; the expected answers are computed
here in plain Python: every requested amenity, any one of the worker groups asked for,
one of the host types asked for, open at the moment asked about (from a small table of
opening-hours strings whose open state at each moment is written out by hand), within
the radius by pyproj's geodesic distance, nearest first, ties by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pytest
from pyproj import Geod

from stationmap.app_state import state
from stationmap.models import Station, StationAmenity, StationWorkerGroup
from stationmap.services import postgis
from stationmap.services.stations import bump_data_version

GEOD = Geod(ellps="WGS84")
CENTRE = (40.8424, 111.7490)  # Hohhot, WGS-84
AMENITIES = ("water", "toilet", "aed", "wifi", "microwave")
HOST_TYPES = ("community", "union", "bank", "pharmacy")
GROUPS = ("courier", "food_delivery", "ride_hailing", "taxi")

# Moments in Beijing time (2026-11-23 is a Monday) and the open state of each hours
# string at each of them, evaluated by hand.
MOMENTS = {
    "mon-0300": "2026-11-23T03:00:00+08:00",
    "mon-0900": "2026-11-23T09:00:00+08:00",
    "mon-1300": "2026-11-23T13:00:00+08:00",
    "sun-1200": "2026-11-29T12:00:00+08:00",
}
OPEN_BY_HAND: dict[str | None, set[str]] = {
    None: set(),
    "24/7": {"mon-0300", "mon-0900", "mon-1300", "sun-1200"},
    "Mo-Fr 08:00-20:00": {"mon-0900", "mon-1300"},
    "Mo-Su 10:00-16:00": {"mon-1300", "sun-1200"},
    "Mo-Su 22:00-06:00": {"mon-0300"},
    "Mo-Fr 08:00-12:00,14:00-18:00": {"mon-0900"},
}
HOURS = tuple(OPEN_BY_HAND)


@dataclass(frozen=True)
class Plain:
    id: int
    lat: float
    lon: float
    amenities: frozenset[str]
    host_type: str
    groups: frozenset[str]
    hours: str | None
    status: str
    deleted: bool


def _plain_stations() -> list[tuple[str, Plain]]:
    rng = np.random.default_rng(15)
    out = []
    for i in range(90):
        status = "active"
        if i % 23 == 5:
            status = "suspended"
        out.append(
            (
                f"T{i:03d}",
                Plain(
                    id=0,
                    lat=float(CENTRE[0] + rng.uniform(-0.06, 0.06)),
                    lon=float(CENTRE[1] + rng.uniform(-0.08, 0.08)),
                    amenities=frozenset(a for a in AMENITIES if rng.random() < 0.45),
                    host_type=str(rng.choice(HOST_TYPES)),
                    groups=frozenset(g for g in GROUPS if rng.random() < 0.35),
                    hours=HOURS[int(rng.integers(0, len(HOURS)))],
                    status=status,
                    deleted=i % 29 == 7,
                ),
            )
        )
    return out


@pytest.fixture
def stations(empty_app) -> list[Plain]:
    """The stations of the test, with the ids the database gave them."""
    now = datetime(2026, 11, 1, tzinfo=UTC)
    made = []
    with state(empty_app).db.write_session() as session:
        for code, plain in _plain_stations():
            row = Station(
                code=f"999999-{code[1:]}",
                name=f"过滤驿站 {code}",
                lat=plain.lat,
                lon=plain.lon,
                host_type=plain.host_type,
                opening_hours=plain.hours,
                status=plain.status,
                created_at=now,
                updated_at=now,
                deleted_at=now if plain.deleted else None,
                amenity_rows=[StationAmenity(amenity=a) for a in sorted(plain.amenities)],
                worker_group_rows=[StationWorkerGroup(group=g) for g in sorted(plain.groups)],
            )
            session.add(row)
            session.flush()
            made.append((row.id, plain))
        bump_data_version(session)
    return [
        Plain(sid, p.lat, p.lon, p.amenities, p.host_type, p.groups, p.hours, p.status, p.deleted)
        for sid, p in made
    ]


def plain_nearest(
    stations: list[Plain],
    lat: float,
    lon: float,
    *,
    k: int = 5,
    amenity: tuple[str, ...] = (),
    host_type: tuple[str, ...] = (),
    worker_group: tuple[str, ...] = (),
    open_at: str | None = None,
    radius_m: float | None = None,
) -> list[tuple[int, float]]:
    ranked = []
    for s in stations:
        if s.deleted or s.status != "active":
            continue
        if not set(amenity) <= s.amenities:
            continue
        if host_type and s.host_type not in host_type:
            continue
        if worker_group and not set(worker_group) & s.groups:
            continue
        if open_at is not None and open_at not in OPEN_BY_HAND[s.hours]:
            continue
        d = GEOD.inv(lon, lat, s.lon, s.lat)[2]
        if radius_m is not None and d > radius_m:
            continue
        ranked.append((d, s.id))
    ranked.sort()
    return [(sid, d) for d, sid in ranked[:k]]


# Each case: the API's query string and the reference's arguments.
CASES = {
    "no filter": ({}, {}),
    "k": ({"k": "12"}, {"k": 12}),
    "one amenity": ({"k": "10", "amenity": "aed"}, {"k": 10, "amenity": ("aed",)}),
    "amenities with commas (all of)": (
        {"k": "10", "amenity": "water,toilet"},
        {"k": 10, "amenity": ("water", "toilet")},
    ),
    "host_type": ({"k": "10", "host_type": "bank"}, {"k": 10, "host_type": ("bank",)}),
    "host_types (one of)": (
        {"k": "10", "host_type": "bank,pharmacy"},
        {"k": 10, "host_type": ("bank", "pharmacy")},
    ),
    "worker_group": (
        {"k": "10", "worker_group": "courier"},
        {"k": 10, "worker_group": ("courier",)},
    ),
    "worker_groups (any of)": (
        {"k": "10", "worker_group": "courier,taxi"},
        {"k": 10, "worker_group": ("courier", "taxi")},
    ),
    "open_now at night": (
        {"k": "10", "open_now": "true", "at": MOMENTS["mon-0300"]},
        {"k": 10, "open_at": "mon-0300"},
    ),
    "open_now on a weekday morning": (
        {"k": "10", "open_now": "true", "at": MOMENTS["mon-0900"]},
        {"k": 10, "open_at": "mon-0900"},
    ),
    "open_now on Sunday noon": (
        {"k": "10", "open_now": "true", "at": MOMENTS["sun-1200"]},
        {"k": 10, "open_at": "sun-1200"},
    ),
    "radius_m": ({"k": "50", "radius_m": "3000"}, {"k": 50, "radius_m": 3000.0}),
    "everything at once": (
        {
            "k": "20",
            "amenity": "water",
            "host_type": "community,union",
            "worker_group": "food_delivery,ride_hailing",
            "open_now": "true",
            "at": MOMENTS["mon-1300"],
            "radius_m": "8000",
        },
        {
            "k": 20,
            "amenity": ("water",),
            "host_type": ("community", "union"),
            "worker_group": ("food_delivery", "ride_hailing"),
            "open_at": "mon-1300",
            "radius_m": 8000.0,
        },
    ),
}


def _nearest(client, lat: float, lon: float, args: dict[str, str]) -> list[tuple[int, float]]:
    response = client.get("/api/v1/stations/nearest", query_string={"lat": lat, "lon": lon, **args})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [(f["id"], f["properties"]["distance_m"]) for f in response.get_json()["features"]]


def test_every_case_filters_something(stations) -> None:
    """Each filtered case answers differently from no filter, so a filter the server
    dropped could not pass unnoticed."""
    lat, lon = CENTRE
    for name, (_args, ref) in CASES.items():
        if name == "no filter":
            continue
        # k is compared with the default of 5, every filter with the same k unfiltered.
        unfiltered = plain_nearest(stations, lat, lon, k=5 if name == "k" else ref.get("k", 5))
        assert plain_nearest(stations, lat, lon, **ref) != unfiltered, name


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("where", ["centre", "edge"])
def test_nearest_filter_changes_the_answer_as_the_reference_says(
    empty_app, stations, case: str, where: str
) -> None:
    lat, lon = CENTRE if where == "centre" else (CENTRE[0] + 0.05, CENTRE[1] - 0.07)
    args, ref = CASES[case]
    got = _nearest(empty_app.test_client(), lat, lon, args)
    expected = plain_nearest(stations, lat, lon, **ref)
    assert [i for i, _ in got] == [i for i, _ in expected]
    for (_, d_got), (_, d_expected) in zip(got, expected, strict=True):
        assert d_got == pytest.approx(d_expected, abs=0.2)  # the API rounds to 0.1 m


def _listing(client, args: dict[str, str]) -> list[int]:
    ids: list[int] = []
    query = dict(args)
    while True:
        response = client.get("/api/v1/stations", query_string=query)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        ids.extend(f["id"] for f in body["features"])
        if not body["next_cursor"]:
            return ids
        query["cursor"] = body["next_cursor"]


def plain_listing(
    stations: list[Plain], bbox: tuple[float, float, float, float], amenity: tuple[str, ...]
) -> list[int]:
    """Every station not deleted (whatever its status) inside the box with every
    amenity, in id order."""
    min_lon, min_lat, max_lon, max_lat = bbox
    return sorted(
        s.id
        for s in stations
        if not s.deleted
        and min_lon <= s.lon <= max_lon
        and min_lat <= s.lat <= max_lat
        and set(amenity) <= s.amenities
    )


LISTING_BOXES = {
    "all": (CENTRE[1] - 0.1, CENTRE[0] - 0.1, CENTRE[1] + 0.1, CENTRE[0] + 0.1),
    "north-west quarter": (CENTRE[1] - 0.1, CENTRE[0], CENTRE[1], CENTRE[0] + 0.1),
    "thin band": (CENTRE[1] - 0.1, CENTRE[0] - 0.01, CENTRE[1] + 0.1, CENTRE[0] + 0.01),
}


@pytest.mark.parametrize("box", LISTING_BOXES)
@pytest.mark.parametrize("amenity", [(), ("aed",), ("water", "wifi")], ids=str)
@pytest.mark.parametrize("limit", ["7", "1000"])
def test_bbox_listing_filters_as_the_reference_says(
    empty_app, stations, box: str, amenity: tuple[str, ...], limit: str
) -> None:
    bbox = LISTING_BOXES[box]
    args = {"bbox": ",".join(str(v) for v in bbox), "limit": limit}
    if amenity:
        args["amenity"] = ",".join(amenity)
    expected = plain_listing(stations, bbox, amenity)
    assert expected, "the case must list something"
    if amenity or box != "all":
        assert expected != plain_listing(stations, LISTING_BOXES["all"], ())
    assert _listing(empty_app.test_client(), args) == expected


def test_listing_limit_is_a_page_size(empty_app, stations) -> None:
    bbox = LISTING_BOXES["all"]
    response = empty_app.test_client().get(
        "/api/v1/stations", query_string={"bbox": ",".join(map(str, bbox)), "limit": "7"}
    )
    ids = [f["id"] for f in response.get_json()["features"]]
    assert ids == plain_listing(stations, bbox, ())[:7]


@pytest.mark.parametrize("near_cap", [72, 20])
def test_a_small_knn_cap_gives_the_same_answers(
    empty_app, stations, near_cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostGIS's KNN scan looks at no more than ``NEAR_CAP`` nearest stations; what they
    cannot prove comes from a statement that applies the filters first. With caps this
    small every case takes one path or both (the in-process index has no cap: there the
    answers must simply not change)."""
    monkeypatch.setattr(postgis, "NEAR_CAP", near_cap)
    client = empty_app.test_client()
    for where in [CENTRE, (CENTRE[0] + 0.05, CENTRE[1] - 0.07)]:
        for case, (args, ref) in CASES.items():
            got = _nearest(client, *where, args)
            expected = plain_nearest(stations, *where, **ref)
            assert [i for i, _ in got] == [i for i, _ in expected], (case, where)


def test_filters_that_pass_only_beyond_the_cap_are_still_found(
    empty_app, stations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Among the 40 nearest active stations fewer than k pass these filters, and more
    pass farther away: the answer must hold those farther ones, not stop at the cap."""
    monkeypatch.setattr(postgis, "NEAR_CAP", 40)
    lat, lon = CENTRE[0] - 0.05, CENTRE[1] + 0.07
    amenity = ("water", "wifi", "microwave")
    active = [s for s in stations if s.status == "active" and not s.deleted]
    nearest_40 = sorted(active, key=lambda s: GEOD.inv(lon, lat, s.lon, s.lat)[2])[:40]
    assert sum(set(amenity) <= s.amenities for s in nearest_40) < 2
    expected = plain_nearest(stations, lat, lon, k=2, amenity=amenity)
    assert len(expected) == 2
    got = _nearest(empty_app.test_client(), lat, lon, {"k": "2", "amenity": ",".join(amenity)})
    assert [i for i, _ in got] == [i for i, _ in expected]
    nothing = _nearest(empty_app.test_client(), lat, lon, {"amenity": "childcare"})
    assert nothing == []
