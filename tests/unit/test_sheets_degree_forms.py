"""Degrees as county files write them beyond decimals and 度分秒 symbols: 度:分:秒 with
colons (86:13:30, as a CSV shows a cell Excel took for a time), whole millionths of a
degree (86217000, 86,217,000) and a decimal comma (86,217). Each is read as the degrees
meant, or refused saying what it is; none is taken for a projected coordinate."""

from __future__ import annotations

import pytest

from stationmap.field_values import ValueProblem
from stationmap.field_values.degrees import parse_degrees
from stationmap.field_values.pair_forms import misread_pair


@pytest.mark.parametrize(
    ("text", "axis", "degrees"),
    [
        ("86:13:30", "lon", 86 + 13 / 60 + 30 / 3600),
        ("116:23:17.5", "lon", 116 + 23 / 60 + 17.5 / 3600),
        ("44:18:39.6", "lat", 44 + 18 / 60 + 39.6 / 3600),
        ("４４：１８：３９．６", "lat", 44 + 18 / 60 + 39.6 / 3600),
        ("E86:13:30", "lon", 86 + 13 / 60 + 30 / 3600),
        ("86:13.5", "lon", 86 + 13.5 / 60),
    ],
)
def test_degrees_minutes_seconds_with_colons_are_read(text, axis, degrees):
    assert parse_degrees(text, axis) == pytest.approx(degrees, abs=1e-9)


@pytest.mark.parametrize("text", ["5:24:00", "22:15:30"])
def test_colons_under_24_degrees_may_be_a_time_shown_and_are_refused(text):
    # 86.225 typed into a time-formatted cell shows as 5:24:00 in a CSV export.
    with pytest.raises(ValueProblem):
        parse_degrees(text, "lat", from_sheet=True)


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (44305000, 86217000, ("44.305000", "86.217000")),
        ("44305000", "86217000", ("44.305000", "86.217000")),
        ("44,305,000", "86,217,000", ("44.305000", "86.217000")),
        (40851234.0, 111690123, ("40.851234", "111.690123")),
        ("44,305123", "86,217456", ("44.305123", "86.217456")),
        ("44,305", "86.217", ("44.305", "86.217")),
        # a plain decimal beside a decimal comma, in either cell: the pair is still read
        ("44.305", "86,217", ("44.305", "86.217")),
        ("44.305123", "86,217456", ("44.305123", "86.217456")),
        ("４４，３０５１２", "８６，２１７４５", ("44.30512", "86.21745")),
    ],
)
def test_millionths_and_decimal_commas_are_read_as_the_degrees_meant(lat, lon, expected):
    found = misread_pair(lat, lon)
    assert found is not None
    assert (found[0], found[1]) == expected
    assert "请核对位置" in found[2].message_zh


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (44.305, 86.217),  # plain degrees: nothing to change
        ("44.305", "86.217"),
        ("-44.305", "86.217"),
        ("44.305", " 86.217 "),
        (4908765, 29512345),  # Gauss-Krüger X and Y (zone 29): refused as plane metres
        (4908765.43, 512345.12),
        (44305000, 8621700),  # two scales: no reading is sure
        ("116,39", None),  # a pair pasted into one cell, the other empty
        (None, "86,217"),
        ("44,305", "86,217,000"),
    ],
)
def test_what_is_not_surely_millionths_or_a_decimal_comma_is_left_alone(lat, lon):
    assert misread_pair(lat, lon) is None
