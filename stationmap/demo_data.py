"""Deterministic demo stations for the launch counties.

:func:`generate_demo` draws 10 to 40 believable rest stations per launch county: inside
the county boundary, clustered around the county seat or urban core (mostly within 1-3
km) with a few in outlying towns, with Chinese names, addresses, phones, opening hours
in OSM ``opening_hours`` syntax and vocabulary codes from :mod:`stationmap.catalog`.
Coordinates are WGS-84 degrees. The same seed always gives the same stations: every
county draws from its own ``numpy.random.default_rng([seed, code])`` stream, and nothing
depends on dict or set iteration order.

The places, streets and phone prefixes are plausible, not surveyed: this is demo data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from stationmap.catalog import AMENITIES, HOST_TYPES, WORKER_GROUPS
from stationmap.geo.districts import DistrictLocator, DistrictShape

DEFAULT_SEED = 20241231
_EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class _County:
    prefix: str  # address prefix: province + city + county
    short: str  # the county name as used in station names
    city_short: str  # the city name as used in bank branch names
    count: int  # stations to draw
    urban: bool  # an urban district (denser, more offices and malls) or a rural county
    seat: tuple[float, float]  # WGS-84 (lat, lon) of the seat or urban core
    towns: tuple[tuple[str, float, float], ...]  # outlying towns: name, lat, lon
    streets: tuple[str, ...]
    communities: tuple[str, ...]
    malls: tuple[str, ...]
    area_code: str
    local_prefixes: tuple[str, ...]
    local_digits: int
    heating: float  # probability of heating (central heating in the north)


_XJ = "新疆维吾尔自治区昌吉回族自治州"
_HH = "内蒙古自治区呼和浩特市"
COUNTIES: dict[str, _County] = {
    "652324": _County(
        _XJ + "玛纳斯县",
        "玛纳斯县",
        "昌吉",
        13,
        False,
        (44.305, 86.214),
        (("凉州户镇", 44.43, 86.30), ("兰州湾镇", 44.33, 86.36), ("六户地镇", 44.42, 86.18)),
        ("人民路", "建设路", "文化路", "迎宾路", "新华路", "凤凰路", "团结路", "和谐路"),
        ("西苑", "东城", "新城", "凤凰", "文化路", "团结路"),
        ("人民路步行街",),
        "0994",
        ("65", "66", "69"),
        7,
        0.9,
    ),
    "652323": _County(
        _XJ + "呼图壁县",
        "呼图壁县",
        "昌吉",
        12,
        False,
        (44.191, 86.898),
        (("大丰镇", 44.33, 86.93), ("五工台镇", 44.22, 86.79), ("二十里店镇", 44.13, 86.93)),
        ("天山路", "东风路", "园林路", "锦绣路", "和平路", "繁荣路", "康庄路", "幸福路"),
        ("幸福路", "园林路", "东风路", "锦绣", "天山", "康庄"),
        ("东风路商业街",),
        "0994",
        ("45", "46", "48"),
        7,
        0.9,
    ),
    "652301": _County(
        _XJ + "昌吉市",
        "昌吉市",
        "昌吉",
        22,
        True,
        (44.011, 87.304),
        (("六工镇", 44.07, 87.27), ("三工镇", 44.03, 87.23), ("大西渠镇", 44.20, 87.20)),
        (
            "延安北路",
            "建国西路",
            "北京南路",
            "长宁路",
            "宁边西路",
            "世纪大道",
            "屯河路",
            "乌伊东路",
            "绿洲南路",
            "延安南路",
        ),
        ("宁边路", "延安北路", "建国西路", "绿洲路", "长宁路", "北京南路", "中山路"),
        ("汇嘉时代广场", "万达广场"),
        "0994",
        ("23", "22", "25", "26"),
        7,
        0.9,
    ),
    "150102": _County(
        _HH + "新城区",
        "新城区",
        "呼和浩特",
        34,
        True,
        (40.858, 111.666),
        (("保合少镇", 40.88, 111.78),),
        (
            "新华大街",
            "中山东路",
            "东风路",
            "兴安北路",
            "北垣东街",
            "海拉尔东路",
            "成吉思汗大街",
            "车站东街",
            "艾博路",
            "呼伦贝尔北路",
        ),
        ("东风路", "海拉尔东路", "成吉思汗大街", "东街", "北垣", "兴安北路", "锡林北路"),
        ("海亮广场", "维多利国际广场"),
        "0471",
        ("69", "62", "65", "66"),
        7,
        0.95,
    ),
    "150103": _County(
        _HH + "回民区",
        "回民区",
        "呼和浩特",
        27,
        True,
        (40.808, 111.623),
        (("攸攸板镇", 40.81, 111.55),),
        (
            "中山西路",
            "通道北街",
            "钢铁路",
            "海拉尔西路",
            "光明路",
            "公园西路",
            "新华西街",
            "县府街",
            "环河街",
        ),
        ("光明路", "钢铁路", "通道北街", "环河街", "中山西路", "海拉尔西路"),
        ("通道街商圈",),
        "0471",
        ("69", "59", "63"),
        7,
        0.95,
    ),
    "150104": _County(
        _HH + "玉泉区",
        "玉泉区",
        "呼和浩特",
        25,
        True,
        (40.752, 111.674),
        (("小黑河镇", 40.73, 111.66),),
        (
            "大南街",
            "石羊桥路",
            "鄂尔多斯大街",
            "南二环路",
            "大召前街",
            "昭君路",
            "五塔寺东街",
            "西菜园路",
        ),
        ("石羊桥", "大召", "长和廊", "西菜园", "兴隆巷", "昭君路"),
        ("大召步行街",),
        "0471",
        ("59", "53", "56"),
        7,
        0.95,
    ),
    "150105": _County(
        _HH + "赛罕区",
        "赛罕区",
        "呼和浩特",
        38,
        True,
        (40.792, 111.702),
        (("金河镇", 40.70, 111.80), ("榆林镇", 40.78, 111.95)),
        (
            "大学东街",
            "昭乌达路",
            "新华东街",
            "敕勒川大街",
            "腾飞路",
            "乌兰察布东街",
            "呼伦贝尔南路",
            "南二环路",
            "丰州路",
            "巴彦淖尔南路",
        ),
        ("大学东路", "昭乌达路", "敕勒川", "腾飞路", "丰州路", "乌兰察布东街", "中专路"),
        ("万达广场", "维多利摩尔城"),
        "0471",
        ("33", "49", "52", "46"),
        7,
        0.95,
    ),
    "150621": _County(
        "内蒙古自治区鄂尔多斯市达拉特旗",
        "达拉特旗",
        "鄂尔多斯",
        15,
        False,
        (40.404, 110.040),
        (("王爱召镇", 40.38, 110.28), ("吉格斯太镇", 40.35, 109.72), ("昭君镇", 40.40, 109.88)),
        ("平原大街", "达拉特路", "迎宾路", "工业街", "文化路", "响沙大道", "罕台路"),
        ("平原", "锡尼", "工业街", "新民", "文化路", "迎宾"),
        ("树林召商业街",),
        "0477",
        ("52", "53", "55"),
        7,
        0.95,
    ),
    "530112": _County(
        "云南省昆明市西山区",
        "西山区",
        "昆明",
        36,
        True,
        (25.037, 102.668),
        (("海口街道", 24.79, 102.57), ("团结街道", 25.03, 102.55), ("碧鸡街道", 24.98, 102.64)),
        (
            "滇池路",
            "人民西路",
            "西昌路",
            "前兴路",
            "日新中路",
            "福海路",
            "广福路",
            "西园路",
            "马街北路",
            "兴苑路",
        ),
        ("福海", "前卫", "马街", "金碧", "西苑", "棕树营", "永昌"),
        ("万达广场", "前兴路商圈"),
        "0871",
        ("64", "68", "63", "65"),
        8,
        0.05,
    ),
    "230521": _County(
        "黑龙江省双鸭山市集贤县",
        "集贤县",
        "双鸭山",
        11,
        False,
        (46.728, 131.140),
        (("升昌镇", 46.79, 131.07), ("太平镇", 46.80, 131.30)),
        ("中央大街", "建设路", "兴业路", "东兴路", "福利街", "文化路", "新华街"),
        ("中心", "兴业", "东兴", "建设", "福民", "文化"),
        ("中央大街商业街",),
        "0469",
        ("46", "47"),
        7,
        0.98,
    ),
    "141033": _County(
        "山西省临汾市蒲县",
        "蒲县",
        "临汾",
        10,
        False,
        (36.412, 111.096),
        (("克城镇", 36.50, 111.25),),
        ("东岳路", "文化路", "蒲城大街", "柏山路", "昕水路", "新城路"),
        ("东岳", "柏山", "昕水", "新城", "城关"),
        ("蒲城商业街",),
        "0357",
        ("55", "56"),
        7,
        0.9,
    ),
}
LAUNCH_CODES: tuple[str, ...] = tuple(sorted(COUNTIES))

_HOST_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("community", 0.30),
    ("union", 0.24),
    ("pharmacy", 0.10),
    ("supermarket", 0.08),
    ("post_express", 0.09),
    ("bank", 0.09),
    ("business_district", 0.06),
    ("other", 0.04),
)
_PHARMACIES = ("益丰大药房", "老百姓大药房", "大参林", "国大药房", "一心堂")
_SUPERMARKETS = ("华联超市", "永辉超市", "美特好超市", "维多利超市", "友好超市", "惠民超市")
_BANKS = ("工商银行", "建设银行", "农业银行", "中国银行", "邮储银行", "交通银行")
_UNIONS = ("环卫中心", "供电公司", "公交公司", "自来水公司", "城市管理局", "交通运输局")
_TOWN_STREETS = ("主街", "中心街", "振兴路", "团结路", "幸福街", "新农路")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林郑梁谢宋唐韩冯于董萧程曹袁邓许"
_ROLES = (("女士", 0.34), ("先生", 0.30), ("主任", 0.14), ("站长", 0.14), ("书记", 0.08))
_MOBILE = (
    "135",
    "136",
    "138",
    "139",
    "150",
    "151",
    "158",
    "159",
    "130",
    "131",
    "132",
    "155",
    "156",
    "186",
    "133",
    "153",
    "177",
    "180",
    "181",
    "189",
    "199",
)

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
    return _pick(rng, _MOBILE) + "".join(str(int(d)) for d in rng.integers(0, 10, size=8))


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
