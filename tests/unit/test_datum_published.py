"""WGS-84 -> GCJ-02 -> BD-09 against coordinates other projects publish, not computed here.

- ``CITIES``: 15 city centres across China (Xinjiang, Inner Mongolia, Yunnan,
  Heilongjiang, Tibet, Hainan, Shanghai), each with its WGS-84, GCJ-02 and
  BD-09 coordinates as published to 7 decimals in hujiulong/gcoord's test fixture
  ``test/fixtures/china-cities.json`` (MIT). Their BD-09 agrees with their GCJ-02 to the
  last published digit, so GCJ-02 <-> BD-09 is pinned to 1e-7°. Their WGS-84 column is an
  approximate inverse of the GCJ-02 one (it sits about 5e-6° from the exact inverse), so
  WGS-84 <-> GCJ-02 is checked against it only to 1e-5° (about 1 m; moving the formula by
  10 m, 1e-4°, fails).
- ``WGS_TO_GCJ``: WGS-84 -> GCJ-02 published with full double precision in the tests of
  googollee/eviltransform's ports (Shanghai, Shenzhen, Beijing) and wandergis/
  coordtransform (Beijing): pinned to 1e-7°.

The exact pins at 1e-10° everywhere in China are in ``test_datum_pinned.py``.
"""

from __future__ import annotations

import pytest

from stationmap.geo.datum import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

# name: ((lon, lat) WGS-84, (lon, lat) GCJ-02, (lon, lat) BD-09), as published.
CITIES = {
    "Aksu, Xinjiang": (
        (80.2584377, 41.1677969),
        (80.2606106, 41.1687815),
        (80.2670534, 41.1749125),
    ),
    "Korla, Xinjiang": (
        (86.1426351, 41.7626056),
        (86.1452998, 41.7641184),
        (86.1517136, 41.7703058),
    ),
    "Altay, Xinjiang": (
        (88.1378895, 47.8436168),
        (88.1412573, 47.8449292),
        (88.1478836, 47.8506561),
    ),
    "Alxa Left Banner, Inner Mongolia": (
        (105.7246953, 38.8513598),
        (105.7289635, 38.8519252),
        (105.7353409, 38.8582012),
    ),
    "Xilinhot, Inner Mongolia": (
        (116.0414035, 43.9312805),
        (116.0482308, 43.9334573),
        (116.0546232, 43.9397782),
    ),
    "Chuxiong, Yunnan": (
        (101.5265949, 25.048566),
        (101.5280737, 25.0455363),
        (101.5344863, 25.0518094),
    ),
    "Lushui, Nujiang, Yunnan": (
        (98.8562052, 25.8208733),
        (98.8566024, 25.8175602),
        (98.8630915, 25.8236647),
    ),
    "Jixi, Heilongjiang": (
        (130.9619049, 45.292929),
        (130.9693362, 45.2950784),
        (130.9759563, 45.3007468),
    ),
    "Hegang, Heilongjiang": (
        (130.2901208, 47.3474834),
        (130.2979644, 47.3499192),
        (130.3043975, 47.3560741),
    ),
    "Qitaihe, Heilongjiang": (
        (130.9954759, 45.7695273),
        (131.0031494, 45.7717334),
        (131.0097055, 45.7775982),
    ),
    "Tahe, Da Hinggan Ling, Heilongjiang": (
        (124.7038236, 52.3338635),
        (124.7115324, 52.3352664),
        (124.7180582, 52.3412419),
    ),
    "Gar, Ngari, Tibet": (
        (80.1035868, 32.5035908),
        (80.1058092, 32.5011144),
        (80.1123867, 32.5068788),
    ),
    "Lhasa, Tibet": (
        (91.1706414, 29.655277),
        (91.1721167, 29.6524954),
        (91.1786184, 29.6585294),
    ),
    "Sanya, Hainan": (
        (109.507813, 18.2545417),
        (109.5119135, 18.2528524),
        (109.5184703, 18.2585878),
    ),
    "Shanghai": (
        (121.4691633, 31.2323443),
        (121.4737061, 31.2304194),
        (121.4802435, 31.2363541),
    ),
}
# (lat, lon) WGS-84 -> (lat, lon) GCJ-02, published to full precision.
WGS_TO_GCJ = {
    "Shanghai (eviltransform)": ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    "Shenzhen (eviltransform)": ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
    "Beijing (eviltransform)": ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
    "Beijing (coordtransform)": ((39.915, 116.404), (39.91640428150164, 116.41024449916938)),
}
# 7 published decimals round by up to 5e-8°, on input and output.
PUBLISHED_DIGITS = 1e-7
APPROXIMATE_INVERSE = 1e-5


def _near(got: tuple[float, float], lat: float, lon: float, tol: float) -> bool:
    return abs(got[0] - lat) <= tol and abs(got[1] - lon) <= tol


@pytest.mark.parametrize("city", CITIES)
def test_gcj02_to_bd09_is_the_published_bd09(city: str) -> None:
    _, (g_lon, g_lat), (b_lon, b_lat) = CITIES[city]
    got = gcj02_to_bd09(g_lat, g_lon)
    assert _near(got, b_lat, b_lon, PUBLISHED_DIGITS), got


@pytest.mark.parametrize("city", CITIES)
def test_bd09_to_gcj02_is_the_published_gcj02(city: str) -> None:
    _, (g_lon, g_lat), (b_lon, b_lat) = CITIES[city]
    got = bd09_to_gcj02(b_lat, b_lon)
    assert _near(got, g_lat, g_lon, PUBLISHED_DIGITS), got


@pytest.mark.parametrize("city", CITIES)
def test_wgs84_and_gcj02_agree_with_the_published_pair(city: str) -> None:
    (w_lon, w_lat), (g_lon, g_lat), (b_lon, b_lat) = CITIES[city]
    assert _near(wgs84_to_gcj02(w_lat, w_lon), g_lat, g_lon, APPROXIMATE_INVERSE)
    assert _near(gcj02_to_wgs84(g_lat, g_lon), w_lat, w_lon, APPROXIMATE_INVERSE)
    assert _near(wgs84_to_bd09(w_lat, w_lon), b_lat, b_lon, APPROXIMATE_INVERSE)
    assert _near(bd09_to_wgs84(b_lat, b_lon), w_lat, w_lon, APPROXIMATE_INVERSE)


@pytest.mark.parametrize("case", WGS_TO_GCJ)
def test_wgs84_to_gcj02_is_the_published_value(case: str) -> None:
    (w_lat, w_lon), (g_lat, g_lon) = WGS_TO_GCJ[case]
    got = wgs84_to_gcj02(w_lat, w_lon)
    assert _near(got, g_lat, g_lon, PUBLISHED_DIGITS), got
    back = gcj02_to_wgs84(g_lat, g_lon)
    assert _near(back, w_lat, w_lon, PUBLISHED_DIGITS), back
