"""What a nearest answer is made of, apart from how it is found: a station's row as a
nearest answer shows it (:class:`StationRow`) and one answer (:class:`NearestResult`).

Both backends (the in-process index in :mod:`stationmap.services.nearest`, PostGIS in
:mod:`stationmap.services.postgis`) build these, and the web layer renders them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from stationmap.geo.datum import gcj02_to_bd09, wgs84_to_gcj02
from stationmap.geo.freshness import NO_MARKS, Marks
from stationmap.geo.hours import HoursState

# From this many points numpy's set-up cost is repaid (a nearest answer has a handful).
VECTOR_MIN = 64


class StationRow(NamedTuple):
    """What a nearest answer shows of a station (kept in memory per process)."""

    id: int
    code: str
    name: str
    address: str
    district_code: str | None
    host_type: str
    amenities: tuple[str, ...]
    worker_groups: tuple[str, ...]
    opening_hours: str | None
    phone: str
    is_demo: bool
    lat: float
    lon: float
    gcj_lat: float  # GCJ-02, for the AMap and Tencent links (converted once, at load)
    gcj_lon: float
    bd_lat: float  # BD-09, for the Baidu links
    bd_lon: float


def station_rows(records: Sequence[tuple[Any, ...]]) -> list[StationRow]:
    """Rows from records holding every :class:`StationRow` field up to ``lon``; the
    GCJ-02 and BD-09 positions are computed for all of them at once (a border test per
    point is the costly part of the conversion, and is vectorized for many rows)."""
    if len(records) < VECTOR_MIN:
        rows = []
        for record in records:
            gcj = wgs84_to_gcj02(record[-2], record[-1])
            rows.append(StationRow._make((*record, *gcj, *gcj02_to_bd09(*gcj))))
        return rows
    lats = np.fromiter((r[-2] for r in records), dtype=np.float64, count=len(records))
    lons = np.fromiter((r[-1] for r in records), dtype=np.float64, count=len(records))
    gcj_lats, gcj_lons = wgs84_to_gcj02(lats, lons)
    bd_lats, bd_lons = gcj02_to_bd09(gcj_lats, gcj_lons)
    return [
        StationRow._make((*record, *positions))
        for record, *positions in zip(
            records,
            gcj_lats.tolist(),
            gcj_lons.tolist(),
            bd_lats.tolist(),
            bd_lons.tolist(),
            strict=True,
        )
    ]


@dataclass(frozen=True, slots=True)
class NearestResult:
    station: StationRow
    distance_m: float
    hours: HoursState  # at the moment asked about (closed while temporarily closed)
    marks: Marks = NO_MARKS  # temporary states and freshness at that moment


def is_reported(result: NearestResult) -> bool:
    return result.marks.reported_closed
