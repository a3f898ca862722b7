"""parse_station at its limits and in its exact words (tests/mutation.md): each limit on
both sides, each separator, and every message an administrator or an API client reads,
written out here as the expected text."""

from __future__ import annotations

import re
from typing import Any

import pytest

from stationmap.station_fields import (
    FieldError,
    InvalidStation,
    _one_of,
    parse_station,
    split_list,
)

BASE: dict[str, Any] = {"name": "青城驿站", "lat": 40.8, "lon": 111.7}

# Each field's Chinese name written out here, as an administrator reads it in a message.
ZH_NAMES = {
    "code": "编码",
    "name": "名称",
    "address": "地址",
    "datum": "坐标系",
    "host_type": "承建类型",
    "amenities": "服务设施",
    "worker_groups": "服务人群",
    "opening_hours": "开放时间",
    "phone": "电话",
    "contact": "联系人",
    "services": "服务项目",
    "status": "状态",
}


def _errors(**fields: Any) -> list[tuple[str, str, str]]:
    with pytest.raises(InvalidStation) as caught:
        parse_station({**BASE, **fields})
    return [(e.field, e.message, e.message_zh) for e in caught.value.errors]


@pytest.mark.parametrize(("field", "limit"), [("name", 200), ("address", 300), ("contact", 100)])
def test_text_limits_hold_at_the_limit_and_refuse_one_more(field: str, limit: int) -> None:
    assert getattr(parse_station({**BASE, field: "驿" * limit}), field) == "驿" * limit
    zh = ZH_NAMES[field]
    assert _errors(**{field: "驿" * (limit + 1)}) == [
        (
            field,
            f"is longer than {limit} characters: shorten it",
            f"{zh}超过 {limit} 个字符：请缩短到 {limit} 个字符以内",
        )
    ]


def test_a_name_is_required_and_a_badly_typed_name_is_refused_once() -> None:
    required = ("name", "is required: give the station's name", "名称必填：请填写驿站名称")
    assert _errors(name="  ") == [required]
    assert _errors(name=None) == [required]
    # A list is refused for its type, not a second time as missing.
    assert [field for field, _en, _zh in _errors(name=["青城"])] == ["name"]
    assert required not in _errors(name=["青城"])


def test_service_lines_limits() -> None:
    thirty = [f"服务{i}" for i in range(30)]
    assert parse_station({**BASE, "services": thirty}).services == tuple(thirty)
    assert _errors(services=[*thirty, "再一行"]) == [
        (
            "services",
            "has more than 30 lines: merge or drop some",
            "服务项目超过 30 行：请合并或删减",
        )
    ]
    assert parse_station({**BASE, "services": ["x" * 200]}).services == ("x" * 200,)
    assert _errors(services=["x" * 201]) == [
        (
            "services",
            "has a line longer than 200 characters: split it",
            "服务项目有一行超过 200 个字符：请拆成几行",
        )
    ]


def test_a_tab_inside_a_service_line_is_kept_other_control_characters_refused() -> None:
    assert parse_station({**BASE, "services": ["热水\t免费"]}).services == ("热水\t免费",)
    assert _errors(services=["热水\x01"]) == [
        (
            "services",
            "contains control characters: remove them",
            "服务项目含有控制字符：请删除后重新填写",
        )
    ]


def test_service_text_is_split_by_semicolons_on_one_line_and_by_lines_otherwise() -> None:
    assert parse_station({**BASE, "services": "热水; 充电；休息"}).services == (
        "热水",
        "充电",
        "休息",
    )
    assert parse_station({**BASE, "services": "热水;充电\n 休息 \n\n"}).services == (
        "热水;充电",
        "休息",
    )
    assert parse_station({**BASE, "services": ""}).services == ()


@pytest.mark.parametrize("key", ["name", "address", "phone", "contact", "code", "opening_hours"])
def test_control_characters_are_refused_in_every_text_field(key: str) -> None:
    zh = ZH_NAMES[key]
    errors = _errors(**{key: "a\nb"})
    assert (
        key,
        "contains control characters: remove line breaks and tabs",
        f"{zh}含有控制字符（如换行、制表符）：请删除后重新填写",
    ) in errors


def test_the_phone_limit() -> None:
    assert _errors(phone="13812345678,13812345679,13812345670,13812345671,13812345672") == [
        (
            "phone",
            "is longer than 60 characters: keep at most three numbers",
            "电话超过 60 个字符：最多保留三个号码",
        )
    ]


def test_status_words_and_the_message_listing_them() -> None:
    assert parse_station(BASE).status == "active"
    assert parse_station({**BASE, "status": "closed"}).status == "closed"
    assert parse_station({**BASE, "status": "暂停服务"}).status == "suspended"
    assert _errors(status="坏了") == [
        (
            "status",
            "must be active, suspended or closed",
            "状态应为 正常开放（active）、暂停服务（suspended）或 已关闭（closed）",
        )
    ]


def test_an_unknown_datum_names_the_three_known_ones() -> None:
    assert _errors(datum="nad") == [
        (
            "datum",
            "unknown datum 'nad'; expected one of wgs84, gcj02, bd09",
            "坐标系“nad”无法识别：请填写 wgs84（GPS、天地图）、gcj02（高德、腾讯）或 bd09（百度）",
        )
    ]


def test_unknown_amenities_and_worker_groups_say_where_the_codes_are() -> None:
    ((field, message, zh),) = _errors(amenities="water;飞机;火箭")
    assert field == "amenities"
    assert message == "unknown code(s): 飞机, 火箭; use codes or names from /api/v1/amenities"
    assert zh.startswith(
        "服务设施中有无法识别的项目：飞机、火箭；请改用以下名称之一：休息座椅、饮用水"
    )
    ((field, message, zh),) = _errors(worker_groups="快递员、太空人")
    assert field == "worker_groups"
    assert message == "unknown code(s): 太空人; use codes or names from /api/v1/worker-groups"
    assert zh == (
        "服务人群中有无法识别的项目：太空人；请改用以下名称之一：外卖骑手、快递员、"
        "网约车司机、出租车司机、货车司机、其他户外劳动者"
    )


def test_codes_are_kept_once_in_the_catalog_order() -> None:
    station = parse_station(
        {
            **BASE,
            "amenities": "toilet, water，饮用水 | seating",
            "worker_groups": ["taxi", "courier", "快递员"],
        }
    )
    assert station.amenities == ("seating", "water", "toilet")
    assert station.worker_groups == ("courier", "taxi")


def test_an_unknown_field_is_named_with_the_list_of_fields() -> None:
    assert _errors(colour="红") == [
        (
            "colour",
            "is not a station field; the fields are code, name, address, lat, lon, datum, "
            "host_type, amenities, worker_groups, opening_hours, phone, contact, services, status",
            "“colour”不是驿站字段：请删去，或改用以下字段之一：编码、名称、地址、纬度、经度、"
            "坐标系、承建类型、服务设施、服务人群、开放时间、电话、联系人、服务项目、状态",
        )
    ]


@pytest.mark.parametrize(
    ("value", "items"),
    [
        (None, []),
        ("", []),
        ("a;b；c,d，e、f|g\nh", ["a", "b", "c", "d", "e", "f", "g", "h"]),
        ("a;; ;b", ["a", "b"]),
        (["a ", " ", 3, 2.0], ["a", "3", "2"]),
        (("x",), ["x"]),
    ],
)
def test_split_list(value: Any, items: list[str]) -> None:
    assert split_list(value) == items


def test_numbers_read_from_a_spreadsheet_lose_their_dot_zero_only_when_whole() -> None:
    assert parse_station({**BASE, "address": 12.0}).address == "12"
    assert parse_station({**BASE, "address": 12.5}).address == "12.5"
    assert parse_station({**BASE, "name": "  站  "}).name == "站"


def test_coordinates_are_stored_to_seven_decimals() -> None:
    station = parse_station({**BASE, "lat": 40.123456789, "lon": 111.987654321})
    assert (station.lat, station.lon) == (40.1234568, 111.9876543)
    assert station.entered_datum == "wgs84"


def test_field_error_text_and_dict() -> None:
    both = FieldError("name", "too long", message_zh="太长", row=3, sheet="表1", column="B")
    assert both.text() == "太长" and both.text("zh-CN") == "太长" and both.text("en") == "too long"
    assert both.as_dict() == {
        "field": "name",
        "message": "too long",
        "message_zh": "太长",
        "row": 3,
        "sheet": "表1",
        "column": "B",
    }
    english = FieldError("name", "too long")
    assert english.text("zh") == "too long"
    assert english.as_dict() == {"field": "name", "message": "too long"}
    assert FieldError("lat", "x", row=0).as_dict() == {"field": "lat", "message": "x", "row": 0}


def test_invalid_station_lists_every_error_in_its_message() -> None:
    with pytest.raises(InvalidStation) as caught:
        parse_station({**BASE, "name": "", "status": "?"})
    assert str(caught.value) == (
        "name: is required: give the station's name; status: must be active, suspended or closed"
    )


def test_an_office_file_takes_amenities_from_services_only_when_none_are_given() -> None:
    office = parse_station(
        {**BASE, "amenities": "", "services": "饮用水；卫生间"}, office_file=True
    )
    assert office.amenities == ("water", "toilet")
    assert [n.field for n in office.notes] == ["amenities"]
    given = parse_station(
        {**BASE, "amenities": "seating", "services": "饮用水；卫生间"}, office_file=True
    )
    assert given.amenities == ("seating",)
    # A file without an amenities column gives none either: the services are read.
    absent = parse_station({**BASE, "services": "饮用水；卫生间"}, office_file=True)
    assert absent.amenities == ("water", "toilet")
    api = parse_station({**BASE, "amenities": "", "services": "饮用水；卫生间"})
    assert api.amenities == () and api.notes == ()


@pytest.mark.parametrize("field", sorted(ZH_NAMES))
def test_a_badly_typed_value_is_refused_naming_its_field(field: str) -> None:
    zh = ZH_NAMES[field]
    if field in ("amenities", "worker_groups", "services"):
        expected = (
            field,
            "must be text or a list of texts, not an object ({...})",
            f"{zh}应为文字或文字列表，不能是对象（{{…}}）：请改为文字，多项用“；”分开",
        )
    else:
        expected = (
            field,
            "must be text, not an object ({...})",
            f"{zh}应为文字，不能是对象（{{…}}）：请改为一段文字",
        )
    assert _errors(**{field: {"value": 1}}) == [expected]


def test_a_code_in_the_wrong_form_gets_the_whole_message() -> None:
    assert _errors(code="65232-0001") == [
        (
            "code",
            "must be a 6-digit district code, '-', and a 4- to 6-digit serial, in ASCII "
            "digits 0-9 (e.g. 652324-0001); leave it empty for a new station",
            "编号须为 6 位区县代码、“-”和 4 至 6 位序号，只用半角数字 0-9"
            "（如 652324-0001）；新驿站请留空",
        )
    ]


def test_a_point_that_leaves_the_globe_gets_the_whole_message() -> None:
    assert _errors(lat=-90, lon=-90, datum="bd09") == [
        (
            "lat",
            "(-90, -90) in bd09 is outside the range of WGS-84 coordinates",
            "该点按坐标系 bd09 换算后不在地球上（纬度须在 -90 到 90 之间）：请检查经纬度和坐标系",
        )
    ]


@pytest.mark.parametrize("datum", ["wgs84", "gcj02", "bd09"])
@pytest.mark.parametrize("bad", ["lat", "lon"])
def test_a_coordinate_that_cannot_be_read_is_reported_once_in_any_datum(
    datum: str, bad: str
) -> None:
    # Not a second time as a point off the globe: the other coordinate alone is no point.
    errors = _errors(datum=datum, **{bad: "北边"})
    assert [field for field, _en, _zh in errors] == [bad]
    assert "不在地球上" not in errors[0][2]


def test_a_phone_cell_of_exactly_60_characters_is_kept() -> None:
    cell = "13812345678 / 13812345679 / 13812345670 / 0471-12345678转1234"
    assert len(cell) == 60
    assert parse_station({**BASE, "phone": cell}).phone == cell


@pytest.mark.parametrize(
    ("names", "text"),
    [
        (["active"], "active"),
        (["active", "closed"], "active or closed"),
        (["active", "suspended", "closed"], "active, suspended or closed"),
    ],
)
def test_a_list_of_choices_reads_as_a_sentence(names: list[str], text: str) -> None:
    assert _one_of(names, ", ", " or ") == text


def _office_errors(**fields: Any) -> list[tuple[str, str, str]]:
    with pytest.raises(InvalidStation) as caught:
        parse_station({**BASE, **fields}, office_file=True)
    return [(e.field, e.message, e.message_zh) for e in caught.value.errors]


def test_an_office_host_type_kept_as_a_service_line_is_judged_as_the_host_type() -> None:
    # An office's own wording of the host type is kept as the service line "驿站类型：...";
    # what is wrong with it is reported on the host-type column the office wrote it in,
    # not on the services column, which the office may have left empty.
    wording = "某" * 195  # "驿站类型：" (5 characters) + 195 = the 200 of a service line
    station = parse_station({**BASE, "host_type": wording}, office_file=True)
    assert station.host_type == "other"
    assert station.services == ("驿站类型：" + wording,)
    assert _office_errors(host_type=wording + "某") == [
        (
            "host_type",
            "is longer than 195 characters: shorten it",
            "承建类型超过 195 个字符：请缩短到 195 个字符以内",
        )
    ]
    assert _office_errors(host_type="某某\x01单位") == [
        (
            "host_type",
            "contains control characters: remove them",
            "承建类型含有控制字符：请删除后重新填写",
        )
    ]
    # A tab inside is kept, as in any service line.
    assert parse_station({**BASE, "host_type": "某某\t单位"}, office_file=True).services == (
        "驿站类型：某某\t单位",
    )
    # The services' own problems stay theirs.
    assert _office_errors(host_type="某某单位", services=["热水\x01"]) == [
        (
            "services",
            "contains control characters: remove them",
            "服务项目含有控制字符：请删除后重新填写",
        )
    ]


@pytest.mark.parametrize(
    ("value", "field", "english", "chinese"),
    [
        # What an integrator's JSON can hold, named as JSON names it, in both languages.
        (
            True,
            "name",
            "must be text, not a boolean (true/false)",
            "名称应为文字，不能是真假值（true/false）",
        ),
        ([1, 2], "name", "must be text, not a list", "名称应为文字，不能是列表"),
        (
            ["饮用水", {"x": 1}],
            "amenities",
            "must be text or a list of texts, not a list holding an object ({...})",
            "服务设施应为文字或文字列表，不能是含有对象（{…}）的列表",
        ),
        (
            [["饮用水"]],
            "amenities",
            "must be text or a list of texts, not a list holding a list",
            "服务设施应为文字或文字列表，不能是含有列表的列表",
        ),
    ],
)
def test_a_wrong_type_is_named_in_the_readers_words(
    value: object, field: str, english: str, chinese: str
) -> None:
    ((got_field, message, message_zh),) = _errors(**{field: value})
    assert got_field == field
    assert message == english
    assert message_zh.startswith(chinese + "：请")
    assert not re.search(r"[A-Za-z]{4,}", message_zh.replace("true/false", ""))
