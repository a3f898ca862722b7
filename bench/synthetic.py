"""Deterministic synthetic stations and courier positions for the benchmarks.

Stations cluster around about 300 Chinese city centres (the 42 listed below, at their
real WGS-84 positions, and prefecture-like centres scattered around them), each with a
normal scatter of a few kilometres that grows with the city's weight, plus a uniform
rural background over eastern China. Amenities, host types, worker groups and opening
hours follow rough real-world frequencies (water 90 %, toilet 60 %, AED 5 %).

Used by ``bench/nearest.py`` and ``bench/api.py``; not part of the package or the tests.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from stationmap import catalog
from stationmap.geo.nearest import IndexedStation

# (name, lat, lon), WGS-84 degrees, roughly by size.
MAJOR_CITIES: tuple[tuple[str, float, float], ...] = (
    ("上海", 31.230, 121.474),
    ("北京", 39.904, 116.407),
    ("深圳", 22.543, 114.058),
    ("广州", 23.129, 113.264),
    ("重庆", 29.563, 106.551),
    ("成都", 30.573, 104.066),
    ("天津", 39.343, 117.362),
    ("武汉", 30.593, 114.305),
    ("杭州", 30.274, 120.155),
    ("西安", 34.341, 108.940),
    ("南京", 32.060, 118.797),
    ("郑州", 34.747, 113.625),
    ("苏州", 31.299, 120.585),
    ("长沙", 28.228, 112.939),
    ("东莞", 23.021, 113.752),
    ("佛山", 23.022, 113.121),
    ("沈阳", 41.806, 123.432),
    ("青岛", 36.067, 120.383),
    ("济南", 36.651, 117.120),
    ("合肥", 31.821, 117.227),
    ("哈尔滨", 45.803, 126.535),
    ("昆明", 24.880, 102.833),
    ("大连", 38.914, 121.615),
    ("福州", 26.074, 119.296),
    ("厦门", 24.480, 118.089),
    ("南宁", 22.817, 108.366),
    ("石家庄", 38.042, 114.515),
    ("长春", 43.817, 125.324),
    ("南昌", 28.682, 115.858),
    ("贵阳", 26.647, 106.630),
    ("太原", 37.870, 112.549),
    ("乌鲁木齐", 43.825, 87.617),
    ("兰州", 36.061, 103.834),
    ("呼和浩特", 40.842, 111.749),
    ("海口", 20.044, 110.199),
    ("银川", 38.487, 106.231),
    ("西宁", 36.617, 101.778),
    ("拉萨", 29.652, 91.172),
    ("鄂尔多斯", 39.608, 109.781),
    ("昌吉", 44.011, 87.308),
    ("临汾", 36.088, 111.519),
    ("双鸭山", 46.647, 131.159),
)

# Share of stations offering each amenity; codes missing here are never offered.
AMENITY_FREQUENCY: dict[str, float] = {
    "water": 0.90,
    "seating": 0.85,
    "phone_charging": 0.80,
    "toilet": 0.60,
    "first_aid": 0.60,
    "air_conditioning": 0.55,
    "microwave": 0.50,
    "wifi": 0.50,
    "heating": 0.30,
    "reading": 0.30,
    "rain_gear": 0.20,
    "fridge": 0.15,
    "repair": 0.15,
    "lockers": 0.10,
    "meals": 0.10,
    "legal_help": 0.08,
    "ebike_charging": 0.05,
    "aed": 0.05,
    "childcare": 0.02,
}
HOST_TYPE_FREQUENCY: dict[str, float] = {
    "community": 0.35,
    "union": 0.20,
    "pharmacy": 0.10,
    "supermarket": 0.10,
    "post_express": 0.08,
    "bank": 0.07,
    "business_district": 0.05,
    "other": 0.05,
}
WORKER_GROUP_FREQUENCY: dict[str, float] = {
    "food_delivery": 0.70,
    "courier": 0.65,
    "ride_hailing": 0.30,
    "taxi": 0.25,
    "truck": 0.10,
    "outdoor": 0.50,
}
OPENING_HOURS: tuple[tuple[str | None, float], ...] = (
    ("24/7", 0.10),
    ("Mo-Su 08:00-20:00", 0.40),
    ("Mo-Fr 09:00-18:00; Sa,Su 10:00-16:00", 0.25),
    ("Mo-Sa 07:00-21:00", 0.15),
    (None, 0.10),
)

CITY_COUNT = 300
RURAL_SHARE = 0.08
# Uniform rural background: eastern China, where most stations are.
RURAL_BOX = (21.0, 46.0, 100.0, 123.0)  # min_lat, max_lat, min_lon, max_lon
CHINA_BOX = (18.5, 50.0, 75.0, 134.0)
KM_PER_DEG_LAT = 111.32


@dataclass(frozen=True)
class Cities:
    """City centres (degrees), their share of stations and their scatter (km)."""

    lats: npt.NDArray[np.float64]
    lons: npt.NDArray[np.float64]
    weights: npt.NDArray[np.float64]
    sigma_km: npt.NDArray[np.float64]


def cities(count: int = CITY_COUNT, seed: int = 20240601) -> Cities:
    """The major cities plus prefecture-like centres around them, Zipf-weighted."""
    rng = np.random.default_rng(seed)
    lats = [c[1] for c in MAJOR_CITIES]
    lons = [c[2] for c in MAJOR_CITIES]
    min_lat, max_lat, min_lon, max_lon = CHINA_BOX
    while len(lats) < count:
        parent = int(rng.integers(len(MAJOR_CITIES)))
        lat = MAJOR_CITIES[parent][1] + rng.normal(0.0, 1.5)
        lon = MAJOR_CITIES[parent][2] + rng.normal(0.0, 1.8)
        if min_lat <= lat <= max_lat and min_lon <= lon <= max_lon:
            lats.append(float(lat))
            lons.append(float(lon))
    rank = np.arange(1, len(lats) + 1, dtype=np.float64)
    weights = 1.0 / rank**0.8
    weights /= weights.sum()
    # Scatter: about 12 km for the largest city, 2.5 km for the smallest.
    sigma_km = 2.5 + 9.5 * (weights / weights.max()) ** 0.5
    return Cities(np.array(lats), np.array(lons), weights, sigma_km)


def _scatter(
    rng: np.random.Generator, towns: Cities, n: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """``n`` points around cities chosen by weight, normal scatter of each city's sigma."""
    which = rng.choice(len(towns.weights), size=n, p=towns.weights)
    sigma = towns.sigma_km[which]
    lats = towns.lats[which] + rng.normal(0.0, 1.0, n) * sigma / KM_PER_DEG_LAT
    cos_lat = np.cos(np.radians(towns.lats[which]))
    lons = towns.lons[which] + rng.normal(0.0, 1.0, n) * sigma / (KM_PER_DEG_LAT * cos_lat)
    return lats, lons


@dataclass(frozen=True)
class SyntheticStations:
    """``n`` stations as columns; ids are 1..n in order."""

    lats: npt.NDArray[np.float64]
    lons: npt.NDArray[np.float64]
    amenities: list[tuple[str, ...]]
    host_types: list[str]
    worker_groups: list[tuple[str, ...]]
    opening_hours: list[str | None]

    def __len__(self) -> int:
        return int(self.lats.size)

    def indexed(self) -> list[IndexedStation]:
        """What :class:`~stationmap.geo.nearest.NearestIndex` takes."""
        return [
            IndexedStation(i + 1, lat, lon, amen, host, groups, hours)
            for i, (lat, lon, amen, host, groups, hours) in enumerate(
                zip(
                    self.lats.tolist(),
                    self.lons.tolist(),
                    self.amenities,
                    self.host_types,
                    self.worker_groups,
                    self.opening_hours,
                    strict=True,
                )
            )
        ]

    def raw_rows(self) -> Iterator[dict[str, Any]]:
        """Rows as an import file would give them (for ``parse_station``); codes are
        left empty so the service assigns them."""
        for i in range(len(self)):
            yield {
                "name": f"测试驿站 {i + 1}",
                "address": f"合成地址 {i + 1} 号",
                "lat": round(float(self.lats[i]), 7),
                "lon": round(float(self.lons[i]), 7),
                "datum": "wgs84",
                "host_type": self.host_types[i],
                "amenities": ";".join(self.amenities[i]),
                "worker_groups": ";".join(self.worker_groups[i]),
                "opening_hours": self.opening_hours[i] or "",
                "phone": f"0871-{6000000 + i % 1000000:07d}",
                "status": "active",
            }


def _code_sets(
    rng: np.random.Generator, n: int, frequency: dict[str, float], order: tuple[str, ...]
) -> list[tuple[str, ...]]:
    """Independent draws per code, as tuples in catalog order (as ``parse_station``
    returns them); built through bit masks so a million rows take well under a second."""
    codes = [c for c in order if c in frequency]
    masks = np.zeros(n, dtype=np.int64)
    for bit, code in enumerate(codes):
        masks |= (rng.random(n) < frequency[code]).astype(np.int64) << bit
    unique, inverse = np.unique(masks, return_inverse=True)
    sets = [
        tuple(code for bit, code in enumerate(codes) if (mask >> bit) & 1)
        for mask in unique.tolist()
    ]
    return [sets[j] for j in inverse.ravel().tolist()]


def _pick(rng: np.random.Generator, n: int, choices: dict[Any, float]) -> list[Any]:
    values = list(choices)
    p = np.array([choices[v] for v in values], dtype=np.float64)
    picked = rng.choice(len(values), size=n, p=p / p.sum())
    return [values[j] for j in picked.tolist()]


def generate(n: int, seed: int = 7) -> SyntheticStations:
    """``n`` stations, the same for the same ``n`` and ``seed``."""
    rng = np.random.default_rng(seed)
    rural = round(n * RURAL_SHARE)
    city_lats, city_lons = _scatter(rng, cities(), n - rural)
    min_lat, max_lat, min_lon, max_lon = RURAL_BOX
    # Uniform on the sphere within the box: uniform in sin(lat).
    sin_lat = rng.uniform(math.sin(math.radians(min_lat)), math.sin(math.radians(max_lat)), rural)
    rural_lats = np.degrees(np.arcsin(sin_lat))
    rural_lons = rng.uniform(min_lon, max_lon, rural)
    lats = np.concatenate((city_lats, rural_lats))
    lons = np.concatenate((city_lons, rural_lons))
    order = rng.permutation(n)  # mix city and rural rows, as a real import would
    lats, lons = np.clip(lats[order], -89.0, 89.0), lons[order]
    worker_order = tuple(t.code for t in catalog.WORKER_GROUPS)
    return SyntheticStations(
        lats=lats,
        lons=lons,
        amenities=_code_sets(rng, n, AMENITY_FREQUENCY, catalog.AMENITY_CODES),
        host_types=_pick(rng, n, HOST_TYPE_FREQUENCY),
        worker_groups=_code_sets(rng, n, WORKER_GROUP_FREQUENCY, worker_order),
        opening_hours=_pick(rng, n, dict(OPENING_HOURS)),
    )


def courier_positions(
    count: int, seed: int = 11
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Query points: couriers near (not at) city centres, a few km of scatter."""
    rng = np.random.default_rng(seed)
    return _scatter(rng, cities(), count)
