"""The vocabularies: host types, amenities and worker groups, with Chinese and English
names.

Codes are stable identifiers used in the database, the API, imports and exports; never
rename one. Names are what people read. Lookup by code, by Chinese or by English name
(case-insensitive) goes through :func:`amenity_code` and friends, so spreadsheets that
write 饮用水 or "Drinking water" instead of ``water`` import cleanly.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal


@dataclass(frozen=True, slots=True)
class Term:
    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "zh": self.zh, "en": self.en}


HOST_TYPES: tuple[Term, ...] = (
    Term(
        "community",
        "社区/党群服务中心",
        "Community or party-service centre",
        ("社区", "党群服务中心", "社区服务中心", "党群服务站"),
    ),
    Term("union", "工会驿站", "Union station", ("工会", "工会服务站")),
    Term("pharmacy", "连锁药店", "Chain pharmacy", ("药店", "药房", "大药房")),
    Term("supermarket", "超市", "Supermarket", ("商超", "便利店")),
    Term(
        "post_express", "邮政/快递网点", "Post or express hub", ("邮政", "快递", "快递网点", "邮局")
    ),
    Term("bank", "银行网点", "Bank branch", ("银行",)),
    Term(
        "business_district",
        "商圈服务中心",
        "Shopping-district service centre",
        ("商圈", "商业街区服务中心"),
    ),
    Term("other", "其他", "Other", ()),
)

AMENITIES: tuple[Term, ...] = (
    Term("seating", "休息座椅", "Seating", ("座椅", "休息区", "桌椅")),
    Term(
        "water",
        "饮用水（冷热）",
        "Drinking water, hot and cold",
        ("饮用水", "热水", "饮水", "开水", "drinking water"),
    ),
    Term("microwave", "微波炉", "Microwave", ("加热", "热饭")),
    Term("fridge", "冰箱", "Fridge", ("冰柜",)),
    Term("phone_charging", "手机充电", "Phone charging", ("充电", "充电宝")),
    Term(
        "ebike_charging",
        "电动车充换电",
        "E-bike charging or battery swap",
        ("电动车充电", "换电", "电瓶车充电"),
    ),
    Term("air_conditioning", "空调", "Air conditioning", ("冷气", "纳凉")),
    Term("heating", "暖气", "Heating", ("取暖", "供暖")),
    Term("toilet", "卫生间", "Toilet", ("厕所", "洗手间", "如厕")),
    Term("first_aid", "急救药箱", "First-aid kit", ("药箱", "医药箱", "急救包")),
    Term("aed", "AED除颤仪", "AED", ("除颤仪", "AED")),
    Term("wifi", "无线网络", "Wi-Fi", ("WiFi", "wifi", "无线上网")),
    Term("reading", "图书阅读", "Books and reading", ("阅读", "书报", "图书")),
    Term("rain_gear", "雨具", "Rain gear", ("雨伞", "雨衣")),
    Term("repair", "维修工具/打气筒", "Repair tools and pump", ("打气", "打气筒", "维修工具")),
    Term("lockers", "储物柜", "Lockers", ("寄存", "储物")),
    Term("meals", "爱心餐/优惠餐", "Discounted meals", ("爱心餐", "优惠餐", "餐食")),
    Term(
        "legal_help", "法律政策咨询", "Legal and policy help", ("法律咨询", "政策咨询", "法律援助")
    ),
    Term("childcare", "儿童托管", "Childcare", ("托管", "爱心托管")),
)

WORKER_GROUPS: tuple[Term, ...] = (
    Term("food_delivery", "外卖骑手", "Food delivery", ("外卖", "骑手", "外卖员")),
    Term("courier", "快递员", "Parcel courier", ("快递小哥", "快递")),
    Term("ride_hailing", "网约车司机", "Ride-hailing driver", ("网约车",)),
    Term("taxi", "出租车司机", "Taxi driver", ("出租车", "的哥")),
    Term("truck", "货车司机", "Truck driver", ("货车", "卡车司机")),
    Term("outdoor", "其他户外劳动者", "Other outdoor workers", ("环卫工人", "户外劳动者", "其他")),
)

StationStatus = Literal["active", "suspended", "closed"]
STATUSES: tuple[Term, ...] = (
    Term("active", "正常开放", "Active", ("正常", "开放", "运营")),
    Term("suspended", "暂停服务", "Suspended", ("暂停",)),
    Term("closed", "已关闭", "Closed", ("关闭", "停用")),
)

DistrictLevel = Literal["province", "city", "county"]
DISTRICT_LEVELS: tuple[Term, ...] = (
    Term("province", "省级", "Province", ("省",)),
    Term("city", "地级", "City", ("市",)),
    Term("county", "县级", "County", ("区县", "县", "区")),
)


def _index(terms: tuple[Term, ...]) -> MappingProxyType[str, str]:
    table: dict[str, str] = {}
    for term in terms:
        for key in (term.code, term.zh, term.en, *term.aliases):
            table.setdefault(key.strip().lower(), term.code)
    return MappingProxyType(table)


_LOOKUP = {
    "host_type": _index(HOST_TYPES),
    "amenity": _index(AMENITIES),
    "worker_group": _index(WORKER_GROUPS),
    "status": _index(STATUSES),
}

HOST_TYPE_CODES = frozenset(t.code for t in HOST_TYPES)
AMENITY_CODES: tuple[str, ...] = tuple(t.code for t in AMENITIES)
WORKER_GROUP_CODES = frozenset(t.code for t in WORKER_GROUPS)
STATUS_CODES = frozenset(t.code for t in STATUSES)

BY_CODE: MappingProxyType[str, Term] = MappingProxyType(
    {t.code: t for t in (*AMENITIES, *WORKER_GROUPS)}
)
HOST_TYPE_BY_CODE: MappingProxyType[str, Term] = MappingProxyType({t.code: t for t in HOST_TYPES})
AMENITY_BY_CODE: MappingProxyType[str, Term] = MappingProxyType({t.code: t for t in AMENITIES})


def lookup(kind: str, value: str) -> str | None:
    """The code for ``value`` in vocabulary ``kind`` (host_type, amenity, worker_group,
    status), accepting codes, Chinese and English names; ``None`` if unknown."""
    return _LOOKUP[kind].get(value.strip().lower())
