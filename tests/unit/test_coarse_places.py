"""Which 纬度/经度 pairs place a station only roughly (placement.coarse_places): two
decimals or fewer in either cell. Rows of plain text with three or more decimals in both
take a quick path; a coarse cell beside a fine one, in either order and in every form a
file gives it, is still found. Expected values: half the last decimal's step in metres
(111,320 m a degree)."""

from __future__ import annotations

import pytest

from stationmap.services.placement import coarse_places


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        ("40.12", "111.123456", (2, 6, 556.6)),
        ("40.123456", "111.12", (2, 6, 556.6)),
        ("40.1234", "111.1", (1, 4, 5566.0)),
        ("40.123", "111", (0, 3, 55660.0)),
        ("40", "111", (0, 0, 55660.0)),
        (40.12, "111.123456", (2, 6, 556.6)),
        ("40.123456", 111.5, (1, 6, 5566.0)),
        ("４０.１２", "111.123456", (2, 6, 556.6)),
        (" 40.12 ", "111.123456", (2, 6, 556.6)),
    ],
)
def test_a_coarse_cell_beside_a_fine_one_is_found(lat, lon, expected):
    found = coarse_places(lat, lon)
    assert found is not None
    assert found[:2] == expected[:2]
    assert found[2] == pytest.approx(expected[2])


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        ("40.123", "111.123"),
        ("-40.123456", "111.123456"),
        (" 40.123 ", "111.123456"),
        (40.123, 111.123456),
        ("40°07′", "111.12"),  # 度分秒: not plain decimals, another check's concern
    ],
)
def test_fine_or_other_values_are_not_coarse(lat, lon):
    assert coarse_places(lat, lon) is None
