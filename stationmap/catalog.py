"""The vocabularies: host types, amenities and worker groups, with Chinese and English
names.

Codes are stable identifiers used in the database, the API, imports and exports; never
rename one. Names are what people read. Lookup by code, by Chinese or by English name
(case-insensitive) goes through :func:`amenity_code` and friends, so spreadsheets that
write 饮用水 or "Drinking water" instead of ``water`` import cleanly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal


@dataclass(frozen=True, slots=True)
class Term:
    """One entry of a vocabulary. ``aliases`` are other whole names for it; ``words`` are
    further words that name it inside a sentence (an amenity in a 服务内容 line)."""

    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "zh": self.zh, "en": self.en}


# Where stations are hosted: the host kinds named in the national union's 工会驿站 and
# provinces' 暖新驿站 / 户外劳动者服务站点 building guidance (党群服务中心, 社区/街道,
# 商超, 药店, 银行网点, 加油站, 快递网点, 环卫站, 医疗卫生, 图书馆/文化, 政务服务中心,
# 企业, 商圈/楼宇, 交通场站 ...). Offices write the kind in their own words: the aliases
# are those words, matched whole (see :func:`lookup`) or inside a longer name (see
# :func:`guess`).
HOST_TYPES: tuple[Term, ...] = (
    Term(
        "community",
        "社区/党群服务中心",
        "Community or party-service centre",
        (
            "社区",
            "党群服务中心",
            "社区服务中心",
            "党群服务站",
            "社区服务站",
            "街道",
            "街道办",
            "便民服务站",
            "村委会",
            "村部",
        ),
    ),
    Term("union", "工会驿站", "Union station", ("工会", "工会服务站", "总工会", "职工之家")),
    Term("pharmacy", "连锁药店", "Chain pharmacy", ("药店", "药房", "大药房")),
    Term("supermarket", "超市", "Supermarket", ("商超", "便利店", "商场", "超市")),
    Term(
        "post_express",
        "邮政/快递网点",
        "Post or express hub",
        ("邮政", "快递", "快递网点", "邮局", "快递驿站", "菜鸟驿站", "邮政网点"),
    ),
    Term("bank", "银行网点", "Bank branch", ("银行", "农商银行", "信用社", "农村信用社")),
    Term(
        "business_district",
        "商圈/楼宇服务中心",
        "Shopping-district or office-building service centre",
        ("商圈", "商业街区服务中心", "商圈服务中心", "楼宇", "商务楼宇", "写字楼"),
    ),
    Term(
        "gas_station",
        "加油站",
        "Petrol station",
        ("加油站", "加气站", "中石油", "中石化", "中国石油", "中国石化", "能源站"),
    ),
    Term(
        "sanitation",
        "环卫站",
        "Sanitation depot",
        ("环卫站", "环卫工作站", "环卫所", "环卫工人休息点", "环卫驿站", "环卫"),
    ),
    Term(
        "health",
        "医疗卫生机构",
        "Health centre or clinic",
        (
            "医疗卫生",
            "社区卫生服务站",
            "社区卫生服务中心",
            "卫生服务站",
            "卫生院",
            "卫生室",
            "医院",
            "诊所",
        ),
    ),
    Term(
        "library",
        "图书馆/文化站",
        "Library or cultural centre",
        (
            "图书馆",
            "文化站",
            "综合文化站",
            "文化馆",
            "城市书房",
            "农家书屋",
            "新时代文明实践站",
            "新时代文明实践所",
        ),
    ),
    Term(
        "government_service",
        "政务服务中心",
        "Government service centre",
        ("政务服务中心", "行政服务中心", "政务大厅", "市民中心", "便民服务中心"),
    ),
    Term("enterprise", "企业", "Company premises", ("企业", "公司", "园区", "产业园", "工业园")),
    Term(
        "transport_hub",
        "交通场站",
        "Transport hub",
        (
            "交通场站",
            "公交场站",
            "公交站",
            "客运站",
            "汽车站",
            "火车站",
            "地铁站",
            "停车场",
            "服务区",
        ),
    ),
    Term(
        "telecom_shop",
        "通信营业厅",
        "Telecom shop",
        ("营业厅", "移动营业厅", "联通营业厅", "电信营业厅", "通信营业厅"),
    ),
    Term("police", "警务站", "Police post", ("警务站", "警务室", "派出所", "交警岗亭", "岗亭")),
    Term("park", "公园/广场", "Park or square", ("公园", "广场", "游园")),
    Term("catering", "餐饮门店", "Restaurant", ("餐饮", "餐厅", "饭店", "餐馆", "快餐店")),
    Term("other", "其他", "Other", ()),
)

AMENITIES: tuple[Term, ...] = (
    Term(
        "seating",
        "休息座椅",
        "Seating",
        ("座椅", "休息区", "桌椅"),
        ("休息", "歇脚", "休憩", "小憩"),
    ),
    Term(
        "water",
        "饮用水（冷热）",
        "Drinking water, hot and cold",
        ("饮用水", "热水", "饮水", "开水", "drinking water"),
        ("喝水", "茶水", "冷热水", "直饮水", "饮水机"),
    ),
    Term("microwave", "微波炉", "Microwave", ("加热", "热饭"), ("热餐",)),
    Term("fridge", "冰箱", "Fridge", ("冰柜",), ("冷藏",)),
    Term("phone_charging", "手机充电", "Phone charging", ("充电", "充电宝")),
    Term(
        "ebike_charging",
        "电动车充换电",
        "E-bike charging or battery swap",
        ("电动车充电", "换电", "电瓶车充电"),
        ("电单车充电", "充换电", "换电柜"),
    ),
    Term("air_conditioning", "空调", "Air conditioning", ("冷气", "纳凉"), ("乘凉", "避暑")),
    Term("heating", "暖气", "Heating", ("取暖", "供暖"), ("避寒", "御寒")),
    Term("toilet", "卫生间", "Toilet", ("厕所", "洗手间", "如厕"), ("公厕",)),
    Term(
        "first_aid",
        "急救药箱",
        "First-aid kit",
        ("药箱", "医药箱", "急救包"),
        ("应急药箱", "急救", "常用药", "药品"),
    ),
    Term("aed", "AED除颤仪", "AED", ("除颤仪", "AED"), ("除颤",)),
    Term("wifi", "无线网络", "Wi-Fi", ("WiFi", "wifi", "无线上网"), ("无线网", "上网", "wi-fi")),
    Term(
        "reading",
        "图书阅读",
        "Books and reading",
        ("阅读", "书报", "图书"),
        ("阅览", "书籍", "报刊"),
    ),
    Term("rain_gear", "雨具", "Rain gear", ("雨伞", "雨衣")),
    Term(
        "repair",
        "维修工具/打气筒",
        "Repair tools and pump",
        ("打气", "打气筒", "维修工具"),
        ("维修", "修车", "补胎"),
    ),
    Term("lockers", "储物柜", "Lockers", ("寄存", "储物"), ("存包",)),
    Term(
        "meals", "爱心餐/优惠餐", "Discounted meals", ("爱心餐", "优惠餐", "餐食"), ("用餐", "就餐")
    ),
    Term(
        "legal_help",
        "法律政策咨询",
        "Legal and policy help",
        ("法律咨询", "政策咨询", "法律援助"),
        ("法律", "维权"),
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
    # The words offices' lists use in their 状态/运营状态 column, too.
    Term(
        "active",
        "正常开放",
        "Active",
        (
            "正常",
            "开放",
            "运营",
            "运营中",
            "正常运营",
            "在用",
            "使用中",
            "营业中",
            "开放中",
            "启用",
        ),
    ),
    Term(
        "suspended",
        "暂停服务",
        "Suspended",
        ("暂停", "暂停使用", "暂停开放", "暂停运营", "维修中", "装修中"),
    ),
    Term(
        "closed",
        "已关闭",
        "Closed",
        ("关闭", "停用", "已停用", "关停", "已关停", "撤销", "已撤销", "停止运营"),
    ),
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
STATUS_BY_CODE: MappingProxyType[str, Term] = MappingProxyType({t.code: t for t in STATUSES})
HOST_TYPE_BY_CODE: MappingProxyType[str, Term] = MappingProxyType({t.code: t for t in HOST_TYPES})
AMENITY_BY_CODE: MappingProxyType[str, Term] = MappingProxyType({t.code: t for t in AMENITIES})


class WordTable:
    """Words that name a vocabulary's terms inside a longer text (a 服务内容 line, a host's
    full name): every name, alias and word of two characters or more."""

    def __init__(self, terms: tuple[Term, ...]) -> None:
        self.codes: dict[str, str] = {
            word.lower(): term.code
            for term in terms
            if term.code != "other"
            for word in (term.zh, *term.aliases, *term.words)
            if len(word) >= 2
        }
        # Alternatives longest first: at each place the longest word is the one taken.
        longest_first = sorted(self.codes, key=lambda word: (-len(word), word))
        self._re = re.compile("|".join(map(re.escape, longest_first)), re.IGNORECASE)

    def find(self, text: str) -> list[tuple[str, str]]:
        """The (word, code) pairs found in ``text``, left to right; a word inside a longer
        word found at the same place (充电 in 电动车充电) does not count again."""
        return [(m[0].lower(), self.codes[m[0].lower()]) for m in self._re.finditer(text)]


AMENITY_WORDS = WordTable(AMENITIES)
HOST_TYPE_WORDS = WordTable(HOST_TYPES)


def guess_host_type(text: str) -> str | None:
    """The host type whose words (and no other type's) occur in ``text``, such as
    ``gas_station`` for 中国石化某某加油站; ``None`` if none or several do."""
    codes = {code for _, code in HOST_TYPE_WORDS.find(text)}
    return codes.pop() if len(codes) == 1 else None


def lookup(kind: str, value: str) -> str | None:
    """The code for ``value`` in vocabulary ``kind`` (host_type, amenity, worker_group,
    status), accepting codes, Chinese and English names; ``None`` if unknown."""
    return _LOOKUP[kind].get(value.strip().lower())
