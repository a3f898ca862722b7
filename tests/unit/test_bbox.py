"""One bounding box type: the API and GeoJSON order in, Leaflet's corners out."""

from __future__ import annotations

from stationmap.geo.bbox import BBox

# Manas county, roughly: longitude 85.6..86.7 E, latitude 43.3..45.6 N.
MANAS_LONLAT = (85.6, 43.3, 86.7, 45.6)


def test_lonlat_input_lands_in_named_fields():
    box = BBox.from_lonlat(MANAS_LONLAT)
    assert (box.min_lon, box.min_lat, box.max_lon, box.max_lat) == MANAS_LONLAT


def test_round_trip_through_the_geojson_order():
    assert BBox.from_lonlat(MANAS_LONLAT).lonlat() == MANAS_LONLAT


def test_corners_are_south_west_then_north_east_lat_first():
    assert BBox.from_lonlat(MANAS_LONLAT).corners() == ((43.3, 85.6), (45.6, 86.7))
