"""Values as county offices write them (issue 13): degrees in every written form, phones
reduced to one stored form, host types and amenities from the office's own words, and
refusals that name the field and say how to fix it, in English and Chinese.

Every expected value below is worked out by hand from the input, not by the code."""

from __future__ import annotations

import re

import pytest

from stationmap import catalog
from stationmap.station_fields import FieldError, InvalidStation, parse_station

GOOD = {"name": "人民路社区驿站", "lat": "44.305", "lon": "86.214"}
CJK = re.compile(r"[\u4e00-\u9fff]")

# 86°13′01.2″ = 86 + 13/60 + 1.2/3600 = 86 + 0.2166667 + 0.0003333 = 86.217
# 44°18′18″ = 44 + 18/60 + 18/3600 = 44 + 0.3 + 0.005 = 44.305; 44°18.3′ is the same.
LON_DMS = 86.217
LAT_DMS = 44.305


def _errors(raw: dict, *, office_file: bool = False) -> list[FieldError]:
    with pytest.raises(InvalidStation) as info:
        parse_station(raw, office_file=office_file)
    return info.value.errors


def _only_error(raw: dict) -> FieldError:
    errors = _errors(raw)
    assert len(errors) == 1, errors
    return errors[0]


def _bilingual(error: FieldError) -> None:
    """Both messages are there, the Chinese one in Chinese, and text() picks them."""
    assert error.message and not CJK.search(error.field)
    assert CJK.search(error.message_zh), error
    assert error.text("zh") == error.message_zh and error.text("en") == error.message


# -- degrees ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("86°13′01.2″", LON_DMS),
        ("86°13'01.2\"", LON_DMS),
        ("86度13分1.2秒", LON_DMS),
        ("86°13′01.2″E", LON_DMS),
        ("E 86°13′01.2″", LON_DMS),
        ("东经86°13′01.2″", LON_DMS),
        ("86º13’01.2”", LON_DMS),  # ordinal sign and curly quotes, as phones type them
        ("86°13'01.2''", LON_DMS),  # two apostrophes for seconds
        ("８６°１３′０１．２″", LON_DMS),
        ("86 ° 13 ′ 01.2 ″", LON_DMS),
        ("86°13′01.2", LON_DMS),  # the last symbol left off
        ("W86°13′01.2″", -LON_DMS),
        ("西经86度13分1.2秒", -LON_DMS),
        ("８６．２１７", 86.217),
        ("\u300086.217 ", 86.217),
        ("86.217°", 86.217),
        ("-86.217", -86.217),
    ],
)
def test_longitude_in_every_written_form(written, expected):
    station = parse_station({**GOOD, "lon": written})
    assert station.lon == pytest.approx(expected, abs=1e-7)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("44°18′18″N", LAT_DMS),
        ("N44°18′18″", LAT_DMS),
        ("北纬44度18分18秒", LAT_DMS),
        ("N 44°18.3′", LAT_DMS),
        ("44°18′18″", LAT_DMS),
        ("S44°18′18″", -LAT_DMS),
        ("南纬44°18′18″", -LAT_DMS),
        ("４４．３１", 44.31),
        ("-0°30′", -0.5),
        (44, 44.0),
        (44.305, 44.305),
    ],
)
def test_latitude_in_every_written_form(written, expected):
    station = parse_station({**GOOD, "lat": written})
    assert station.lat == pytest.approx(expected, abs=1e-7)


@pytest.mark.parametrize(
    ("field", "written"),
    [
        ("lat", "4_4.3"),  # float() would read 44.3
        ("lat", "٤٤.٣"),  # Arabic-Indic digits: float() would read 44.3
        ("lon", "८६"),  # Devanagari digits
        ("lat", "1" * 400),
        ("lat", 10**400),  # float() of it raises OverflowError
        ("lon", -(10**400)),
        ("lat", [44.3]),
        ("lon", {"value": 86.2}),
        ("lat", "44.3 N 5"),
        ("lat", "44,305"),
        ("lat", "1e1"),
        ("lon", "86 13 01.2"),  # no symbols: is it 86°13′01.2″?
        ("lon", "86°60′"),
        ("lon", "86°13′60″"),
        ("lon", "86.5°13′"),
        ("lat", "-44°S"),
        ("lat", "nan"),
        ("lon", "inf"),
        ("lat", float("nan")),
        ("lat", "95"),
        ("lon", "181°"),
        ("lat", True),
        ("lat", "4" + " " * 100 + "4.3"),
        ("lon", "8" * 100_000),
    ],
)
def test_unreadable_degrees_are_refused_on_their_field(field, written):
    error = _only_error({**GOOD, field: written})
    assert error.field == field
    _bilingual(error)


def test_degree_messages_say_how_to_write_the_value():
    latitude = _only_error({**GOOD, "lat": "95"})
    assert "纬度应为 -90 到 90 之间的度数，例如 44.305" in latitude.message_zh
    assert "between -90 and 90" in latitude.message
    digits = _only_error({**GOOD, "lat": "٤٤"})
    assert "0-9" in digits.message and "0-9" in digits.message_zh and "٤" in digits.message
    underscore = _only_error({**GOOD, "lat": "4_4.3"})
    assert "4_4.3" in underscore.message and "4_4.3" in underscore.message_zh


def test_a_hemisphere_letter_on_the_wrong_axis_points_at_swapped_columns():
    error = _only_error({**GOOD, "lon": "44.305N"})
    assert error.field == "lon"
    assert "swapped" in error.message and "填反" in error.message_zh


# -- text fields -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ["人民路", "驿站"]),
        ("name", {"zh": "人民路驿站"}),
        ("address", ["人民路1号"]),
        ("contact", {"name": "王"}),
        ("opening_hours", ["24/7"]),
        ("host_type", ["bank"]),
        ("status", {"s": "active"}),
        ("datum", ["wgs84"]),
        ("phone", ["13912345678"]),
        ("phone", {"tel": "13912345678"}),
        ("services", {"a": "饮水"}),
        ("services", [["饮水"]]),
        ("amenities", {"water": True}),
        ("amenities", [["water"]]),
        ("worker_groups", [None]),
        ("name", True),
    ],
)
def test_lists_and_objects_are_refused_for_text_fields(field, value):
    error = _only_error({**GOOD, field: value})
    assert error.field == field
    _bilingual(error)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "x\ud800y"),
        ("address", "人民路\udfff1号"),
        ("contact", "王\ud83d"),
        ("services", ["饮水", "充\ud800电"]),
        ("services", "饮水\udc00"),
        ("amenities", ["water", "\ud800"]),
        ("opening_hours", "24/7\ud800"),
        ("phone", "139\ud8001234"),
    ],
)
def test_a_lone_surrogate_is_a_field_error(field, value):
    error = _only_error({**GOOD, field: value})
    assert error.field == field
    assert "surrogate" in error.message and "无效字符" in error.message_zh
    # The message can be encoded (the API and the pages send it).
    error.message.encode("utf-8")
    error.message_zh.encode("utf-8")


def test_a_paired_surrogate_character_is_fine():
    assert parse_station({**GOOD, "name": "驿站😀"}).name == "驿站😀"


def test_an_unknown_field_with_a_surrogate_in_its_name_can_be_reported():
    (error,) = _errors({**GOOD, "colo\ud800r": "red"})
    assert error.field == "colo\\ud800r"
    error.field.encode("utf-8")


# -- every message in both languages ---------------------------------------------------
def test_every_error_has_english_and_chinese():
    errors = _errors(
        {
            "code": "12-3",
            "name": "",
            "address": "址" * 301,
            "lat": "north",
            "lon": "inf",
            "datum": "utm",
            "host_type": "gold mine",
            "amenities": "water;gold",
            "worker_groups": "astronauts",
            "phone": "call me",
            "contact": "王\x07",
            "services": ["a"] * 31,
            "status": "gone",
            "colour": "red",
        }
    )
    fields = sorted(e.field for e in errors)
    assert fields == sorted(
        [
            "code",
            "name",
            "address",
            "lat",
            "lon",
            "datum",
            "host_type",
            "amenities",
            "worker_groups",
            "phone",
            "contact",
            "services",
            "status",
            "colour",
        ]
    )
    for error in errors:
        _bilingual(error)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"name": "x" * 201}, "name"),
        ({"contact": "x" * 101}, "contact"),
        ({"services": ["好" * 201]}, "services"),
        ({"services": ["a\x01"]}, "services"),
        ({"phone": " / ".join(f"1391234567{i}" for i in range(6))}, "phone"),
        ({"phone": "1 " * 50_000}, "phone"),
        ({"lat": -90, "lon": -90, "datum": "bd09"}, "lat"),
    ],
)
def test_single_errors_are_bilingual(raw, field):
    (error,) = _errors({**GOOD, **raw})
    assert error.field == field
    _bilingual(error)


# -- phones ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("（0994）6612345", "0994-6612345"),
        ("(0994) 6612345", "0994-6612345"),
        ("0994－6612345", "0994-6612345"),
        ("0994—6612345", "0994-6612345"),
        ("０９９４－６６１２３４５", "0994-6612345"),
        ("0994 6612345", "0994-6612345"),
        ("09946612345", "0994-6612345"),
        ("010-62345678", "010-62345678"),
        ("021 6234 5678", "021-62345678"),
        ("0755-26345678", "0755-26345678"),
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("+86 994 6612345", "0994-6612345"),
        ("0994-6612345 / 13912345678", "0994-6612345 / 13912345678"),
        ("0994-6612345、13912345678", "0994-6612345 / 13912345678"),
        ("0994-6612345；13912345678", "0994-6612345 / 13912345678"),
        ("0994-6612345，13912345678", "0994-6612345 / 13912345678"),
        ("0994-6612345 13912345678", "0994-6612345 / 13912345678"),
        ("13912345678、13912345678", "13912345678"),
        ("0994-6612345转8001", "0994-6612345转8001"),
        ("400-123-4567", "400-123-4567"),
        ("12345", "12345"),
        ("110", "110"),
        (13812345678.0, "13812345678"),
        (13812345678, "13812345678"),
        ("", ""),
        (None, ""),
    ],
)
def test_phones_are_stored_in_one_form(written, stored):
    station = parse_station({**GOOD, "phone": written})
    assert station.phone == stored
    assert station.notes == ()


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        (9946612345, "0994-6612345"),  # 0994 + 7 digits, as Excel keeps it
        (9946612345.0, "0994-6612345"),
        ("9946612345", "0994-6612345"),
        (1062345678, "010-62345678"),  # Beijing: 010 + 8 digits
        (2162345678, "021-62345678"),  # Shanghai: 021 + 8 digits
        (75526345678, "0755-26345678"),  # Shenzhen: 0755 + 8 digits
    ],
)
def test_a_landline_that_lost_its_leading_zero_gets_it_back_with_a_note(written, stored):
    station = parse_station({**GOOD, "phone": written})
    assert station.phone == stored
    (note,) = station.notes
    assert note.field == "phone"
    assert stored in note.message and stored in note.message_zh and "0" in note.message_zh
    _bilingual(note)


@pytest.mark.parametrize(
    "written",
    [
        "call me",
        "1391234567",  # 10 digits starting with 1: a mobile missing a digit, not a landline
        "139123456789",  # 12 digits
        "1234",
        "0994-661",
        "12345678901234",
        "٠٩٩٤٦٦١٢٣٤٥",  # Arabic-Indic digits
        "0994-6612345转分机",
        "(张师傅)",
    ],
)
def test_what_is_not_a_phone_number_is_refused(written):
    error = _only_error({**GOOD, "phone": written})
    assert error.field == "phone"
    assert "手机号为 1 开头的 11 位数字" in error.message_zh
    _bilingual(error)


def test_a_name_in_the_phone_cell_moves_to_an_empty_contact():
    station = parse_station({**GOOD, "phone": "13912345678（张师傅）"})
    assert (station.phone, station.contact) == ("13912345678", "张师傅")
    (note,) = station.notes
    assert note.field == "contact" and "张师傅" in note.message_zh
    _bilingual(note)


def test_a_name_in_the_phone_cell_never_overwrites_the_contact():
    station = parse_station({**GOOD, "phone": "13912345678(张师傅)", "contact": "李四"})
    assert (station.phone, station.contact) == ("13912345678", "李四")
    (note,) = station.notes
    assert note.field == "contact" and "张师傅" in note.message_zh and "李四" in note.message_zh
    same = parse_station({**GOOD, "phone": "13912345678(张师傅)", "contact": "张师傅"})
    assert same.contact == "张师傅" and same.notes == ()


# -- host types ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("党群服务中心", "community"),
        ("社区", "community"),
        ("街道", "community"),
        ("工会", "union"),
        ("商超", "supermarket"),
        ("药店", "pharmacy"),
        ("银行网点", "bank"),
        ("银行", "bank"),
        ("加油站", "gas_station"),
        ("快递网点", "post_express"),
        ("环卫站", "sanitation"),
        ("医疗卫生", "health"),
        ("社区卫生服务站", "health"),
        ("图书馆", "library"),
        ("文化站", "library"),
        ("政务服务中心", "government_service"),
        ("企业", "enterprise"),
        ("商圈", "business_district"),
        ("楼宇", "business_district"),
        ("交通场站", "transport_hub"),
        ("Petrol station", "gas_station"),
        ("gas_station", "gas_station"),
    ],
)
def test_host_types_offices_use_are_in_the_vocabulary(written, code):
    for office_file in (False, True):
        station = parse_station({**GOOD, "host_type": written}, office_file=office_file)
        assert station.host_type == code
        assert station.notes == () and station.services == ()


def test_every_host_type_has_chinese_and_english_names_and_no_word_names_two():
    seen: dict[str, str] = {}
    for term in catalog.HOST_TYPES:
        assert CJK.search(term.zh) and term.en.isascii() and term.en
        for word in {w.lower() for w in (term.code, term.zh, term.en, *term.aliases)}:
            assert seen.setdefault(word, term.code) == term.code, word


def test_a_longer_host_name_is_read_by_its_word_with_a_note():
    station = parse_station({**GOOD, "host_type": "中国石化乌伊路加油站"}, office_file=True)
    assert station.host_type == "gas_station"
    (note,) = station.notes
    assert note.field == "host_type" and "加油站" in note.message_zh
    _bilingual(note)


def test_an_unknown_host_type_from_an_office_is_other_with_its_wording_kept():
    raw = {**GOOD, "host_type": "粮油店", "services": "饮水"}
    station = parse_station(raw, office_file=True)
    assert station.host_type == "other"
    assert station.services == ("饮水", "驿站类型：粮油店")
    host_notes = [n for n in station.notes if n.field == "host_type"]
    assert len(host_notes) == 1 and "粮油店" in host_notes[0].message_zh
    _bilingual(host_notes[0])
    # Importing the same row again (or its export) does not add the line twice.
    again = parse_station({**raw, "services": list(station.services)}, office_file=True)
    assert again.services == station.services


def test_a_host_name_with_words_of_two_types_is_not_guessed():
    station = parse_station({**GOOD, "host_type": "某某银行营业厅"}, office_file=True)
    assert station.host_type == "other"
    assert station.services == ("驿站类型：某某银行营业厅",)


def test_an_unknown_host_type_from_the_api_or_the_editor_is_still_refused():
    (error,) = _errors({**GOOD, "host_type": "粮油店"})
    assert error.field == "host_type" and "粮油店" in error.message_zh
    _bilingual(error)


# -- services become amenities ---------------------------------------------------------
def test_an_offices_service_cell_gives_amenities_and_stays_the_service_list():
    cell = "饮水、充电、休息、微波炉加热、应急药箱、图书阅览、卫生间"
    station = parse_station({**GOOD, "services": cell, "amenities": None}, office_file=True)
    assert set(station.amenities) == {
        "water",
        "phone_charging",
        "seating",
        "microwave",
        "first_aid",
        "reading",
        "toilet",
    }
    assert station.services == (cell,)
    (note,) = station.notes
    assert note.field == "amenities"
    for word in ("饮水", "卫生间", "应急药箱"):
        assert word in note.message_zh
    assert "未识别" not in note.message_zh
    _bilingual(note)


@pytest.mark.parametrize(
    ("services", "amenities"),
    [
        ("热水/饮用水", {"water"}),
        ("厕所、如厕", {"toilet"}),
        ("电动车充电", {"ebike_charging"}),
        ("手机充电、电动车充电", {"phone_charging", "ebike_charging"}),
        ("加热", {"microwave"}),
        ("歇脚", {"seating"}),
        ("急救", {"first_aid"}),
        ("阅读", {"reading"}),
        ("空调纳凉；冬季取暖", {"air_conditioning", "heating"}),
        (["免费饮水", "手机充电, 微波炉加热"], {"water", "phone_charging", "microwave"}),
        ("饮水\n卫生间", {"water", "toilet"}),
    ],
)
def test_service_words_map_to_amenity_codes(services, amenities):
    station = parse_station({**GOOD, "services": services}, office_file=True)
    assert set(station.amenities) == amenities


def test_service_items_not_recognised_are_listed_in_the_note():
    station = parse_station({**GOOD, "services": "饮水、免费打印、夏季防暑用品"}, office_file=True)
    assert station.amenities == ("water",)
    (note,) = station.notes
    assert "未识别：免费打印、夏季防暑用品" in note.message_zh
    assert "免费打印" in note.message


def test_amenities_given_are_kept_as_given():
    raw = {**GOOD, "services": "饮水、卫生间", "amenities": "wifi"}
    assert parse_station(raw, office_file=True).amenities == ("wifi",)


def test_services_become_amenities_only_for_office_files():
    station = parse_station({**GOOD, "services": "饮水、卫生间"})
    assert station.amenities == () and station.notes == ()


def test_the_host_type_line_names_no_amenity():
    station = parse_station({**GOOD, "host_type": "书香茶馆"}, office_file=True)
    assert station.amenities == ()  # 书 in the line is no reading room


def test_no_services_no_note():
    assert parse_station({**GOOD, "amenities": None}, office_file=True).notes == ()
