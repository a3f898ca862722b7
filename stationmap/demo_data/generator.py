"""Drawing the demo stations: opening hours, amenity chances and service lines by host
type, and :func:`generate_demo`, which places and names the stations of each launch
county in :mod:`stationmap.demo_data.counties`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from stationmap.catalog import AMENITIES, HOST_TYPES, WORKER_GROUPS
from stationmap.demo_data.counties import (
    _BANKS,
    _HOST_WEIGHTS,
    _MOBILE,
    _PHARMACIES,
    _ROLES,
    _SUPERMARKETS,
    _SURNAMES,
    _TOWN_STREETS,
    _UNIONS,
    COUNTIES,
    LAUNCH_CODES,
    _County,
)
from stationmap.geo.districts import DistrictLocator, DistrictShape

DEFAULT_SEED = 20241231
_EARTH_RADIUS_M = 6_371_008.8

_HOURS: dict[str, tuple[str, ...]] = {
    "community": (
        "Mo-Fr 09:00-18:00; Sa,Su 10:00-16:00",
        "Mo-Su 08:00-20:00",
        "Mo-Fr 08:30-18:00; Sa,Su 09:00-17:00",
        "Mo-Fr 09:00-17:00; PH off",
    ),
    "union": ("24/7", "Mo-Su 07:00-22:00", "Mo-Su 08:00-20:00"),
    "pharmacy": ("Mo-Su 08:00-22:00", "24/7", "Mo-Su 07:30-21:30"),
    "supermarket": ("Mo-Su 08:00-22:00", "Mo-Su 07:00-22:00"),
    "post_express": ("Mo-Fr 08:30-18:00; Sa,Su 09:00-17:00", "Mo-Su 08:00-19:00"),
    "bank": ("Mo-Fr 09:00-17:00; Sa,Su 10:00-16:00", "Mo-Fr 09:00-17:00; PH off"),
    "business_district": ("Mo-Su 10:00-22:00", "Mo-Su 09:00-21:00"),
    "other": ("24/7", "Mo-Su 06:00-22:00"),
}
# Xinjiang keeps Beijing time on the clock but works about two hours later.
_HOURS_XINJIANG: dict[str, tuple[str, ...]] = {
    "community": ("Mo-Fr 10:00-19:30; Sa,Su 11:00-18:00", "Mo-Su 09:30-21:30"),
    "post_express": ("Mo-Su 10:00-20:00",),
    "bank": ("Mo-Fr 10:00-18:00; PH off", "Mo-Fr 10:00-18:00; Sa,Su 11:00-17:00"),
    "business_district": ("Mo-Su 11:00-23:00",),
    "other": ("24/7", "Mo-Su 08:00-23:30"),
}

# Probability of each optional amenity, and per-host-type overrides.
_AMENITY_P: dict[str, float] = {
    "microwave": 0.75,
    "fridge": 0.35,
    "ebike_charging": 0.2,
    "air_conditioning": 0.55,
    "toilet": 0.6,
    "first_aid": 0.55,
    "aed": 0.06,
    "wifi": 0.55,
    "reading": 0.4,
    "rain_gear": 0.35,
    "repair": 0.3,
    "lockers": 0.15,
    "meals": 0.12,
    "legal_help": 0.15,
    "childcare": 0.04,
}
_AMENITY_BY_HOST: dict[str, dict[str, float]] = {
    "community": {"toilet": 0.85, "reading": 0.7, "meals": 0.2, "childcare": 0.1},
    "union": {"ebike_charging": 0.35, "legal_help": 0.45, "microwave": 0.85},
    "pharmacy": {"first_aid": 1.0, "toilet": 0.3, "microwave": 0.4},
    "supermarket": {"toilet": 0.3, "microwave": 0.6, "fridge": 0.5},
    "post_express": {"repair": 0.6, "lockers": 0.35, "ebike_charging": 0.4},
    "bank": {"air_conditioning": 1.0, "wifi": 1.0, "aed": 0.2, "toilet": 0.7},
    "business_district": {"air_conditioning": 0.9, "aed": 0.25, "wifi": 0.8},
}
_SERVICE_LINES: dict[str, str] = {
    "seating": "休息座椅歇脚",
    "water": "免费提供冷热饮用水",
    "microwave": "微波炉加热饭菜",
    "fridge": "冰箱临时存放餐食",
    "phone_charging": "手机应急充电",
    "ebike_charging": "电动车应急充电",
    "air_conditioning": "夏季纳凉避暑",
    "heating": "冬季取暖歇脚",
    "toilet": "免费如厕",
    "first_aid": "常用药品和急救药箱",
    "aed": "配备AED除颤仪",
    "wifi": "免费无线网络",
    "reading": "书报阅览",
    "rain_gear": "雨天借用雨具",
    "repair": "打气筒和简易维修工具",
    "lockers": "物品临时寄存",
    "meals": "爱心餐、优惠餐",
    "legal_help": "劳动权益和法律政策咨询",
    "childcare": "假期爱心托管",
}


def _pick(rng: np.random.Generator, items: Sequence[Any]) -> Any:
    return items[int(rng.integers(len(items)))]


def _weighted(rng: np.random.Generator, pairs: Sequence[tuple[Any, float]]) -> Any:
    weights = np.array([w for _, w in pairs], dtype=np.float64)
    return pairs[int(rng.choice(len(pairs), p=weights / weights.sum()))][0]


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    """Move a WGS-84 point by small north/east offsets in metres (local tangent plane)."""
    dlat = math.degrees(north_m / _EARTH_RADIUS_M)
    dlon = math.degrees(east_m / (_EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat + dlat, lon + dlon


def _ground_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Approximate ground distance in metres between two nearby WGS-84 points."""
    north = math.radians(b[0] - a[0]) * _EARTH_RADIUS_M
    east = math.radians(b[1] - a[1]) * _EARTH_RADIUS_M * math.cos(math.radians(a[0]))
    return math.hypot(north, east)


def _place(
    rng: np.random.Generator,
    county: _County,
    code: str,
    locator: DistrictLocator,
    centre: tuple[float, float],
    sigma_m: float,
    taken: list[tuple[float, float]],
) -> tuple[float, float] | None:
    """A point near ``centre`` inside county ``code``, at least 40 m from ``taken``."""
    for _ in range(200):
        north, east = rng.normal(0.0, sigma_m, size=2)
        if math.hypot(north, east) > 2.5 * sigma_m:
            continue
        lat, lon = _offset(centre[0], centre[1], float(north), float(east))
        lat, lon = round(lat, 6), round(lon, 6)
        if locator.locate(lat, lon) != code:
            continue
        if all(_ground_m((lat, lon), other) >= 40.0 for other in taken):
            return lat, lon
    return None


def _name(
    rng: np.random.Generator, county: _County, host: str, street: str, town: str | None
) -> str:
    """A station name for ``host`` on ``street`` (in the county seat) or in ``town``."""
    area = town or street
    options: tuple[str, ...]
    if host == "community":
        if town:
            options = (f"{town}党群服务中心暖新驿站", f"{town}新就业群体服务站")
        else:
            place = _pick(rng, county.communities)
            options = (
                f"{place}社区党群服务中心暖新驿站",
                f"{place}社区新就业群体服务站",
                f"{place}社区户外劳动者服务站",
            )
    elif host == "union":
        options = (
            f"{area}工会驿站",
            f"{county.short}{_pick(rng, _UNIONS)}工会爱心驿站",
            f"{county.short}总工会{area}户外劳动者港湾",
        )
    elif host == "pharmacy":
        options = (f"{_pick(rng, _PHARMACIES)}（{area}店）户外劳动者服务站",)
    elif host == "supermarket":
        options = (f"{_pick(rng, _SUPERMARKETS)}（{area}店）爱心驿站",)
    elif host == "post_express":
        options = (
            f"中国邮政{county.short}{area}支局爱心驿站",
            f"中国邮政{county.short}支局爱心驿站",
            f"顺丰速运{area}营业部小哥驿站",
            f"京东物流{area}站骑手驿站",
        )
    elif host == "bank":
        bank = _pick(rng, _BANKS)
        options = (
            f"{bank}{county.city_short}分行营业部劳动者港湾",
            f"{bank}{area}支行劳动者港湾",
            f"{bank}{county.short}支行劳动者港湾",
        )
    elif host == "business_district":
        options = (f"{_pick(rng, county.malls)}商圈服务中心暖新驿站",)
    else:
        options = (
            f"中国石化{area}加油站司机之家",
            f"{county.short}汽车客运站司机之家",
            f"{area}公园管理处爱心驿站",
        )
    return str(_pick(rng, options))


def _phone(rng: np.random.Generator, county: _County) -> str:
    if rng.random() < 0.7:
        rest = county.local_digits - 2
        digits = "".join(str(int(d)) for d in rng.integers(0, 10, size=rest))
        return f"{county.area_code}-{_pick(rng, county.local_prefixes)}{digits}"
    return str(_pick(rng, _MOBILE)) + "".join(str(int(d)) for d in rng.integers(0, 10, size=8))


def _amenities(rng: np.random.Generator, county: _County, host: str) -> list[str]:
    chances = dict(_AMENITY_P)
    if county.heating < 0.5:  # a mild climate (Kunming): little need to cool either
        chances["air_conditioning"] *= 0.6
    chances.update(_AMENITY_BY_HOST.get(host, {}))
    chances["heating"] = county.heating
    chances["seating"] = chances["water"] = chances["phone_charging"] = 1.0
    draws = rng.random(len(AMENITIES))
    return [t.code for t, u in zip(AMENITIES, draws, strict=True) if u < chances[t.code]]


def _worker_groups(rng: np.random.Generator, county: _County, code: str) -> list[str]:
    truck = 0.5 if code == "150621" else 0.08 if county.urban else 0.35
    chances = {
        "food_delivery": 0.95,
        "courier": 0.85,
        "ride_hailing": 0.35 if county.urban else 0.15,
        "taxi": 0.3,
        "truck": truck,
        "outdoor": 0.6,
    }
    draws = rng.random(len(WORKER_GROUPS))
    groups = [t.code for t, u in zip(WORKER_GROUPS, draws, strict=True) if u < chances[t.code]]
    return groups or ["food_delivery"]


def _county_stations(
    code: str, shape: DistrictShape, locator: DistrictLocator, seed: int
) -> list[dict[str, Any]]:
    county = COUNTIES[code]
    rng = np.random.default_rng([seed, int(code)])
    seat = county.seat
    if locator.locate(*seat) != code:  # a seat that misses the polygon: use a point inside
        inner = shape.geometry.representative_point()
        seat = (inner.y, inner.x)
    towns = [t for t in county.towns if locator.locate(t[1], t[2]) == code]
    outlying_share = 0.1 if county.urban else 0.25
    hours_table = _HOURS_XINJIANG if code.startswith("65") else _HOURS
    known_hosts = {t.code for t in HOST_TYPES}
    host_weights = [(h, w) for h, w in _HOST_WEIGHTS if h in known_hosts]
    stations: list[dict[str, Any]] = []
    taken: list[tuple[float, float]] = []
    names: set[str] = set()
    while len(stations) < county.count:
        town = _pick(rng, towns) if towns and rng.random() < outlying_share else None
        centre, sigma = ((town[1], town[2]), 450.0) if town else (seat, 1300.0)
        point = _place(rng, county, code, locator, centre, sigma, taken)
        if point is None:
            point = _place(rng, county, code, locator, seat, 1300.0, taken)
            town = None
        if point is None:
            raise RuntimeError(f"cannot place a demo station inside {code}")
        host = _weighted(rng, host_weights)
        if host == "business_district" and town is not None:
            host = "community"
        town_name = town[0] if town else None
        for _ in range(60):
            street = _pick(rng, _TOWN_STREETS if town_name else county.streets)
            name = _name(rng, county, host, street, town_name)
            if name not in names:
                break
        else:
            name = f"{name}（{len(stations) + 1}号点）"
        names.add(name)
        taken.append(point)
        amenities = _amenities(rng, county, host)
        services = [_SERVICE_LINES[a] for a in amenities if a in _SERVICE_LINES]
        keep = int(rng.integers(2, 7))
        chosen = sorted(rng.permutation(len(services))[:keep].tolist())
        stations.append(
            {
                "code": f"{code}-{len(stations) + 1:04d}",
                "name": name,
                "address": f"{county.prefix}{town_name or ''}{street}{int(rng.integers(1, 300))}号",
                "lat": point[0],
                "lon": point[1],
                "datum": "wgs84",
                "host_type": host,
                "amenities": amenities,
                "worker_groups": _worker_groups(rng, county, code),
                "opening_hours": None
                if rng.random() < 0.06
                else _pick(rng, hours_table.get(host, _HOURS[host])),
                "phone": _phone(rng, county),
                "contact": _pick(rng, _SURNAMES) + _weighted(rng, _ROLES),
                "services": [services[i] for i in chosen],
                "status": "suspended" if rng.random() < 0.06 else "active",
            }
        )
    return stations


def generate_demo(
    shapes: Sequence[DistrictShape], seed: int = DEFAULT_SEED
) -> list[dict[str, Any]]:
    """Deterministic demo stations for the launch counties present in ``shapes``.

    Parameters
    ----------
    shapes : sequence of DistrictShape
        District boundaries in WGS-84 (for example :func:`~stationmap.geo.districts.
        read_geodata`); stations are drawn for each launch county among them and placed
        where a :class:`~stationmap.geo.districts.DistrictLocator` over ``shapes``
        answers that county.
    seed : int
        The same seed gives the same stations.

    Returns
    -------
    list of dict
        Ordered by county code, then serial. Keys: ``code`` (``"652324-0001"``),
        ``name``, ``address``, ``lat``, ``lon`` (WGS-84 degrees, 6 decimals), ``datum``
        (``"wgs84"``), ``host_type``, ``amenities``, ``worker_groups`` (catalog codes),
        ``opening_hours`` (OSM syntax or ``None``), ``phone``, ``contact``, ``services``
        (2-6 Chinese lines) and ``status`` (``"active"`` or ``"suspended"``).
    """
    locator = DistrictLocator(shapes)
    by_code = {s.code: s for s in shapes if s.level == "county"}
    stations: list[dict[str, Any]] = []
    for code in LAUNCH_CODES:
        if code in by_code:
            stations.extend(_county_stations(code, by_code[code], locator, seed))
    return stations
