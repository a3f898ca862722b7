"""WGS-84 -> GCJ-02 -> BD-09 pinned to 1e-10 degrees at places across China.

The expected values come from this file's own plain implementation of the published
formulas (the GCJ-02 offset on the Krasovsky ellipsoid, a = 6378245, e² =
0.00669342162296594323, centred on 105°E 35°N; BD-09 with x_pi = π·3000/180), written
from the formulas and not from ``stationmap/geo/datum/``. The plain implementation is
itself checked against values published in other projects' tests (coordtransform and
gcoord). Pinned to 1e-10° (see PIN): moving the formula by a millimetre fails here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import Geod

from stationmap.geo.datum import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

GEOD = Geod(ellps="WGS84")
PI = math.pi
KRASOVSKY_A = 6378245.0
KRASOVSKY_EE = 0.00669342162296594323
X_PI = PI * 3000.0 / 180.0
# 1e-7° (about 1 cm) is the least the pins must hold; they hold to 1e-10° (0.01 mm),
# which still leaves room for floating-point reordering (about 1e-14° here) and also
# catches a wrong ellipsoid constant: WGS-84's e² in place of Krasovsky's moves points
# by about 2e-9°, far inside 1e-7°.
PIN = 1e-10


# -- the published formulas, in (lon, lat) order as they are usually written -----------
def _shift_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * PI) + 20.0 * math.sin(2.0 * x * PI)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * PI) + 40.0 * math.sin(y / 3.0 * PI)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * PI) + 320.0 * math.sin(y * PI / 30.0)) * 2.0 / 3.0
    return ret


def _shift_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * PI) + 20.0 * math.sin(2.0 * x * PI)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * PI) + 40.0 * math.sin(x / 3.0 * PI)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * PI) + 300.0 * math.sin(x / 30.0 * PI)) * 2.0 / 3.0
    return ret


def plain_wgs_to_gcj(lon: float, lat: float) -> tuple[float, float]:
    d_lat = _shift_lat(lon - 105.0, lat - 35.0)
    d_lon = _shift_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * PI
    magic = 1.0 - KRASOVSKY_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * PI)
    d_lon = (d_lon * 180.0) / (KRASOVSKY_A / sqrt_magic * math.cos(rad_lat) * PI)
    return lon + d_lon, lat + d_lat


def plain_gcj_to_bd(lon: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def plain_bd_to_gcj(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * X_PI)
    return z * math.cos(theta), z * math.sin(theta)


# -- the plain formulas agree with values other projects publish in their tests ---------
# (lon, lat in; lon, lat out), from wandergis/coordtransform's README and the tests of its
# ports (hutool CoordinateUtilTest, coordtransform-rs), and hujiulong/gcoord's GCJ02 spec.
PUBLISHED_WGS_TO_GCJ = [((116.404, 39.915), (116.41024449916938, 39.91640428150164))]
PUBLISHED_GCJ_TO_BD = [
    ((116.404, 39.915), (116.41036949371029, 39.92133699351021)),
    ((123.0, 45.0), (123.00636499, 45.00636899)),  # gcoord, to 8 places
]
PUBLISHED_BD_TO_GCJ = [((116.404, 39.915), (116.39762729119315, 39.90865673957631))]


@pytest.mark.parametrize(("given", "expected"), PUBLISHED_WGS_TO_GCJ)
def test_plain_gcj_formula_matches_published_values(given, expected) -> None:
    assert plain_wgs_to_gcj(*given) == pytest.approx(expected, abs=1e-8)


@pytest.mark.parametrize(("given", "expected"), PUBLISHED_GCJ_TO_BD)
def test_plain_bd_formula_matches_published_values(given, expected) -> None:
    assert plain_gcj_to_bd(*given) == pytest.approx(expected, abs=1e-8)


@pytest.mark.parametrize(("given", "expected"), PUBLISHED_BD_TO_GCJ)
def test_plain_bd_inverse_matches_published_values(given, expected) -> None:
    assert plain_bd_to_gcj(*given) == pytest.approx(expected, abs=1e-8)


# -- places across China (WGS-84 lat, lon) ---------------------------------------------
PLACES = {
    "Beijing Tiananmen": (39.9087, 116.3975),
    "Shanghai Bund": (31.2400, 121.4900),
    "Urumqi, Xinjiang": (43.8256, 87.6168),
    "Kashgar, Xinjiang": (39.4704, 75.9898),
    "Manas, Xinjiang": (44.3050, 86.2170),
    "Hohhot, Inner Mongolia": (40.8424, 111.7490),
    "Hailar, Hulunbuir, Inner Mongolia": (49.2116, 119.7658),
    "Kunming, Yunnan": (25.0406, 102.7129),
    "Harbin, Heilongjiang": (45.8038, 126.5350),
    "Mohe, Heilongjiang": (52.9722, 122.5386),
    "Lhasa, Tibet": (29.6525, 91.1721),
    "Shiquanhe, Ngari, Tibet": (32.5033, 80.0979),
    "Sanya, Hainan": (18.2528, 109.5120),
    "Haikou, Hainan": (20.0440, 110.1999),
    "Jixian, Shuangyashan, Heilongjiang": (46.7283, 131.1404),
}


@pytest.mark.parametrize("place", PLACES)
def test_wgs84_to_gcj02_pinned(place: str) -> None:
    lat, lon = PLACES[place]
    e_lon, e_lat = plain_wgs_to_gcj(lon, lat)
    got_lat, got_lon = wgs84_to_gcj02(lat, lon)
    assert abs(got_lat - e_lat) <= PIN and abs(got_lon - e_lon) <= PIN, (got_lat, got_lon)
    # The shift is real (hundreds of metres), so the test is not comparing a no-op.
    assert GEOD.inv(lon, lat, e_lon, e_lat)[2] > 50


@pytest.mark.parametrize("place", PLACES)
def test_gcj02_to_bd09_pinned(place: str) -> None:
    lat, lon = PLACES[place]
    g_lon, g_lat = plain_wgs_to_gcj(lon, lat)
    e_lon, e_lat = plain_gcj_to_bd(g_lon, g_lat)
    got_lat, got_lon = gcj02_to_bd09(g_lat, g_lon)
    assert abs(got_lat - e_lat) <= PIN and abs(got_lon - e_lon) <= PIN
    got_lat, got_lon = wgs84_to_bd09(lat, lon)
    assert abs(got_lat - e_lat) <= PIN and abs(got_lon - e_lon) <= PIN


@pytest.mark.parametrize("place", PLACES)
def test_bd09_to_gcj02_inverts_the_published_forward_formula(place: str) -> None:
    """The published one-step inverse errs by up to about 1e-6° (10 cm); ours inverts the
    forward formula exactly, so it lands within 1e-6° of the published inverse and
    maps back through the plain forward formula to 1e-9°."""
    lat, lon = PLACES[place]  # the place's numbers read as BD-09
    got_lat, got_lon = bd09_to_gcj02(lat, lon)
    e_lon, e_lat = plain_bd_to_gcj(lon, lat)
    assert abs(got_lat - e_lat) <= 2e-6 and abs(got_lon - e_lon) <= 2e-6
    again_lon, again_lat = plain_gcj_to_bd(got_lon, got_lat)
    assert abs(again_lat - lat) <= 1e-9 and abs(again_lon - lon) <= 1e-9


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.mark.parametrize("place", PLACES)
def test_gcj02_back_to_wgs84_within_a_millimetre(place: str) -> None:
    lat, lon = PLACES[place]
    g_lon, g_lat = plain_wgs_to_gcj(lon, lat)
    back_lat, back_lon = gcj02_to_wgs84(g_lat, g_lon)
    assert _metres(lat, lon, back_lat, back_lon) <= 0.001


@pytest.mark.parametrize("place", PLACES)
def test_bd09_back_to_wgs84_within_a_millimetre(place: str) -> None:
    lat, lon = PLACES[place]
    b_lon, b_lat = plain_gcj_to_bd(*plain_wgs_to_gcj(lon, lat))
    back_lat, back_lon = bd09_to_wgs84(b_lat, b_lon)
    assert _metres(lat, lon, back_lat, back_lon) <= 0.001
    g_lat, g_lon = bd09_to_gcj02(b_lat, b_lon)
    e_lon, e_lat = plain_wgs_to_gcj(lon, lat)
    assert _metres(e_lat, e_lon, g_lat, g_lon) <= 0.001


def test_many_points_at_once_are_pinned_too() -> None:
    """Arrays take a vectorized path of their own: pinned the same way, all places at
    once."""
    lats = np.array([lat for lat, _ in PLACES.values()])
    lons = np.array([lon for _, lon in PLACES.values()])
    gcj_lat, gcj_lon = wgs84_to_gcj02(lats, lons)
    bd_lat, bd_lon = gcj02_to_bd09(gcj_lat, gcj_lon)
    for j, (lat, lon) in enumerate(PLACES.values()):
        g_lon, g_lat = plain_wgs_to_gcj(lon, lat)
        b_lon, b_lat = plain_gcj_to_bd(g_lon, g_lat)
        assert abs(gcj_lat[j] - g_lat) <= PIN and abs(gcj_lon[j] - g_lon) <= PIN
        assert abs(bd_lat[j] - b_lat) <= PIN and abs(bd_lon[j] - b_lon) <= PIN
    back_lat, back_lon = bd09_to_wgs84(bd_lat, bd_lon)
    _, _, dist = GEOD.inv(lons, lats, back_lon, back_lat)
    assert float(np.max(dist)) <= 0.001
    back_lat, back_lon = gcj02_to_wgs84(gcj_lat, gcj_lon)
    _, _, dist = GEOD.inv(lons, lats, back_lon, back_lat)
    assert float(np.max(dist)) <= 0.001
