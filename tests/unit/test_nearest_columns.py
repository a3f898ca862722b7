"""An index built from columns keeps the temporary closures, the time zone of the opening
hours and the worker groups it is given; the 63-code limit says what it is; the plain
scan (brute_force) counts a station at exactly the radius as within it, as nearest does.

Expected answers are written out here: which station is closed, what 09:00 in Shanghai
is in UTC, the groups each station was built with."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from stationmap.geo.nearest import Filters, IndexedStation, NearestIndex, _Vocabulary

TZ = ZoneInfo("Asia/Shanghai")
GROUPS = ("express", "food_delivery", "ride_hailing")
# 01:00 UTC is 09:00 in Shanghai: open by "Mo-Su 08:00-20:00" there, closed in UTC.
MORNING = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


def _stations() -> list[IndexedStation]:
    return [
        IndexedStation(
            id=100 + i,
            lat=39.90 + 0.001 * i,
            lon=116.40,
            worker_groups=tuple(g for j, g in enumerate(GROUPS) if (i >> j) & 1),
            opening_hours="Mo-Su 08:00-20:00",
        )
        for i in range(8)
    ]


def test_closures_and_time_zone_given_to_from_columns_are_used() -> None:
    built = NearestIndex(_stations(), TZ)
    closed_until = datetime(2026, 12, 7, 6, 0, tzinfo=UTC).timestamp()
    index = NearestIndex.from_columns(built.columns, {0: closed_until}, {}, TZ)
    open_now = [h.id for h in index.nearest(39.90, 116.40, 3, Filters(open_at=MORNING))]
    assert open_now == [101, 102, 103]  # 100 is closed until 14:00 Shanghai time
    # In UTC the same hours are closed at 01:00: the index must use the zone it is given.
    in_utc = NearestIndex.from_columns(built.columns, {}, {}, ZoneInfo("UTC"))
    assert in_utc.nearest(39.90, 116.40, 3, Filters(open_at=MORNING)) == []


def test_worker_groups_decode_to_the_codes_each_station_was_built_with() -> None:
    stations = _stations()
    index = NearestIndex.from_columns(NearestIndex(stations, TZ).columns, {}, {}, TZ)
    for position, station in enumerate(stations):
        assert index.worker_groups_of(position) == tuple(sorted(station.worker_groups))
    assert index.worker_groups_of(7) == GROUPS


def test_the_63_code_limit_says_what_it_is() -> None:
    vocabulary = _Vocabulary({f"c{i}": i for i in range(63)})
    with pytest.raises(ValueError, match=r"^at most 63 distinct amenity or worker-group codes$"):
        vocabulary.bit("one_more")


def test_a_station_at_exactly_the_radius_is_within_it_in_both_searches() -> None:
    index = NearestIndex(_stations(), TZ)
    farthest = index.brute_force(39.90, 116.40, 8)[-1]
    edge = Filters(radius_m=farthest.distance_m)
    assert farthest.id in [h.id for h in index.brute_force(39.90, 116.40, 8, edge)]
    assert farthest.id in [h.id for h in index.nearest(39.90, 116.40, 8, edge)]
