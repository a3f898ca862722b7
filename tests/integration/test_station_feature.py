"""A station feature is refused unless its coordinates are finite: the listing's
serializer (orjson) would write NaN as null where JSON has no NaN."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from flask import Flask

from stationmap.services import listing
from stationmap.web.api.common import station_feature


def _summary(lat: float, lon: float) -> listing.StationSummary:
    return listing.StationSummary(
        7, "S-7", "驿站", "某路1号", "110101", "pharmacy", "Mo-Su 08:00-20:00", "",
        "active", False, lat, lon, ["water"], [],
    )  # fmt: skip


@pytest.mark.parametrize(("lat", "lon"), [(math.nan, 116.4), (39.9, math.inf), (39.9, -math.inf)])
def test_a_position_that_is_not_finite_is_refused(app: Flask, lat: float, lon: float) -> None:
    with app.test_request_context("/"), pytest.raises(ValueError, match="no finite position"):
        station_feature(_summary(lat, lon), datetime(2026, 12, 6, 4, tzinfo=UTC), full=False)


def test_a_finite_position_is_written_lon_first(app: Flask) -> None:
    with app.test_request_context("/"):
        feature = station_feature(
            _summary(39.9, 116.4), datetime(2026, 12, 6, 4, tzinfo=UTC), full=False
        )
    assert feature["geometry"] == {"type": "Point", "coordinates": [116.4, 39.9]}
