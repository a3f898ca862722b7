"""One point converted from GCJ-02 or BD-09 to WGS-84 (an import converts its rows one at a
time) takes a path of plain floats, not numpy on 0-d arrays (about 130 µs a point, most of
a GCJ-02 row's check): the same answers as the published formulas (tests/datum_reference.py)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from stationmap.geo import datum
from stationmap.geo.datum import bd09_to_wgs84, gcj02_to_wgs84, to_wgs84
from tests.datum_reference import bd09_from_gcj02, gcj02_from_wgs84


@pytest.fixture
def no_arrays(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("one point went through numpy arrays")

    # Every module of the package that turns points into arrays.
    for found in pkgutil.iter_modules(datum.__path__):
        module = importlib.import_module(f"{datum.__name__}.{found.name}")
        if hasattr(module, "_as_arrays"):
            monkeypatch.setattr(module, "_as_arrays", refuse)


# WGS-84 (lat, lon): Manas, Hohhot, Kunming, Mohe, Sanya.
PLACES = [(44.305, 86.217), (40.8424, 111.749), (25.0406, 102.7129), (52.9722, 122.5386)]
PLACES.append((18.2528, 109.512))


@pytest.mark.parametrize(("lat", "lon"), PLACES)
def test_one_gcj02_point_is_inverted_without_arrays(no_arrays: None, lat: float, lon: float):
    g_lat, g_lon = gcj02_from_wgs84(lat, lon)
    got = gcj02_to_wgs84(g_lat, g_lon)
    assert abs(got[0] - lat) < 1e-8 and abs(got[1] - lon) < 1e-8
    assert type(got[0]) is float and type(got[1]) is float
    assert to_wgs84(g_lat, g_lon, "gcj02") == got


@pytest.mark.parametrize(("lat", "lon"), PLACES)
def test_one_bd09_point_is_inverted_without_arrays(no_arrays: None, lat: float, lon: float):
    b_lat, b_lon = bd09_from_gcj02(*gcj02_from_wgs84(lat, lon))
    got = bd09_to_wgs84(b_lat, b_lon)
    assert abs(got[0] - lat) < 1e-8 and abs(got[1] - lon) < 1e-8
    assert to_wgs84(b_lat, b_lon, "bd09") == got


def test_one_point_outside_china_is_left_where_it_is_unless_shifted_everywhere(no_arrays: None):
    seoul = (37.5665, 126.978)
    assert gcj02_to_wgs84(*seoul) == seoul
    shifted = gcj02_to_wgs84(*seoul, everywhere=True)
    again = gcj02_from_wgs84(*shifted)
    assert abs(again[0] - seoul[0]) < 1e-8 and abs(again[1] - seoul[1]) < 1e-8
    assert abs(shifted[0] - seoul[0]) > 1e-4  # the offset was applied
