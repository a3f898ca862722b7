"""The public listing reads plain rows; they show exactly what the ORM objects of the
same page show, for every kind of query, on both backends."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import update

from stationmap.app_state import state
from stationmap.geo.bbox import BBox
from stationmap.models import Station
from stationmap.services import listing

SUMMARY_FIELDS = listing.StationSummary._fields


def _queries(stations: list[Station]) -> list[listing.StationQuery]:
    first = stations[0]
    box = BBox.from_lonlat((first.lon - 0.5, first.lat - 0.5, first.lon + 0.5, first.lat + 0.5))
    some_amenity = next(s.amenities[0] for s in stations if s.amenities)
    return [
        listing.StationQuery(),
        listing.StationQuery(limit=3),
        listing.StationQuery(limit=3, after_id=stations[2].id),
        listing.StationQuery(bbox=box),
        # Across the antimeridian: two boxes, neither in China.
        listing.StationQuery(bbox=BBox(min_lat=-90.0, min_lon=170.0, max_lat=90.0, max_lon=-170.0)),
        listing.StationQuery(district_codes=frozenset({first.district_code or ""})),
        listing.StationQuery(amenities=(some_amenity,)),
        listing.StationQuery(text=first.name[:2]),
        listing.StationQuery(include_inactive=False, limit=1000),
        listing.StationQuery(text="no such station at all"),
    ]


def test_summaries_show_what_the_stations_show(app):
    database = state(app).db
    with database.write_session() as session:
        # One suspended station, so include_inactive makes a difference.
        session.execute(update(Station).where(Station.id == 2).values(status="suspended"))
    with database.session() as session:
        stations, _ = listing.list_stations(session, listing.StationQuery(limit=1000))
        assert len(stations) > 10
        sizes = []
        for query in _queries(stations):
            # As the API asks: the PostGIS box index where there is one.
            query = replace(query, postgis=database.is_postgres)
            expected, expected_last = listing.list_stations(session, query)
            summaries, last = listing.list_summaries(session, query)
            assert last == expected_last, query
            assert [s.id for s in summaries] == [s.id for s in expected], query
            for summary, station in zip(summaries, expected, strict=True):
                assert summary == tuple(getattr(station, f) for f in SUMMARY_FIELDS)
                assert summary.amenities == station.amenities
            sizes.append(len(summaries))
    # Not vacuous: every query found something but the two that must find nothing.
    assert [size > 0 for size in sizes] == [True] * 4 + [False] + [True] * 4 + [False], sizes
    active = [s for s in stations if s.status == "active"]
    assert sizes[-2] == len(active) < len(stations)  # suspended and closed left out


def test_the_map_page_of_stations_is_strict_json_with_chinese_as_written(app):
    """The listing is serialized by orjson: the same document the standard library
    reads strictly (no NaN, no Infinity), Chinese not escaped, every station's stored
    coordinates and name."""
    import json

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in the answer")

    database = state(app).db
    with database.session() as session:
        stored = {
            s.id: (s.lon, s.lat, s.name)
            for s in listing.list_stations(session, listing.StationQuery(limit=1000))[0]
        }
    response = app.test_client().get("/api/v1/stations?bbox=-180,-90,180,90&limit=500")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    body = response.get_data()
    document = json.loads(body.decode("utf-8"), parse_constant=refuse)
    assert document["type"] == "FeatureCollection"
    seen = {
        f["id"]: (*f["geometry"]["coordinates"], f["properties"]["name"])
        for f in document["features"]
    }
    assert seen and all(seen[i] == stored[i] for i in seen)
    first_name = document["features"][0]["properties"]["name"]
    assert any(ord(c) > 127 for c in first_name) and first_name.encode() in body
