"""Invisible text-direction controls (Unicode's embeddings, overrides and isolates) in
what people write: a station's text refuses them, naming the field; a worker's report
loses them. After RIGHT-TO-LEFT OVERRIDE (U+202E) a browser shows "123 路" as "路 321",
so the address a courier reads is not the one stored. The plain marks (LRM, RLM) and
right-to-left writing such as Uyghur are kept."""

from __future__ import annotations

import pytest

from stationmap.report_fields import parse_report
from stationmap.station_fields import InvalidStation, parse_station

GOOD = {"name": "人民路社区驿站", "lat": "44.305", "lon": "86.214"}
# LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI: the Unicode Bidirectional Algorithm's
# explicit formatting characters (UAX #9, table 4), other than the marks.
DIRECTION_CONTROLS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


@pytest.mark.parametrize("control", DIRECTION_CONTROLS)
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "{}ABC 驿站"),
        ("address", "{}地址 123 路"),
        ("contact", "王{}芳"),
        ("services", "饮水；{}充电"),
    ],
)
def test_a_direction_control_in_station_text_is_refused_on_its_field(field, value, control):
    with pytest.raises(InvalidStation) as info:
        parse_station({**GOOD, field: value.format(control)})
    errors = {e.field: e for e in info.value.errors}
    assert set(errors) == {field}
    assert "direction" in errors[field].message or "control" in errors[field].message


@pytest.mark.parametrize(
    "name",
    ["\u200f驿站", "驿站\u200e", "ئۈرۈمچى يول بېكىتى", "عمال 驿站"],
)
def test_marks_and_right_to_left_writing_are_kept(name):
    assert parse_station({**GOOD, "name": name, "address": name}).name == name


@pytest.mark.parametrize("control", DIRECTION_CONTROLS)
def test_a_report_loses_direction_controls_and_keeps_the_rest(control):
    report = parse_report({"kind": "other", "text": f"门牌{control} 123 号\u200f有误"})
    assert report.text == "门牌 123 号\u200f有误"
