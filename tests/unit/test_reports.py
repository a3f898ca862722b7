"""Reading a worker's report, tracking codes, fingerprints and the per-client limits'
arithmetic (stationmap/report_fields.py, pure)."""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stationmap.config import ConfigError, load_settings
from stationmap.geo.datum import wgs84_to_bd09, wgs84_to_gcj02
from stationmap.report_fields import (
    CODE_ALPHABET,
    InvalidReport,
    ReportInput,
    client_hash,
    fingerprint,
    new_tracking_code,
    normal_code,
    parse_report,
    retry_after,
)

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)


def _fields(exc: pytest.ExceptionInfo[InvalidReport]) -> list[str]:
    return [e.field for e in exc.value.errors]


def test_a_closed_report_needs_nothing_more_and_keeps_the_text_trimmed():
    data = parse_report({"kind": "closed", "text": "  下午三点就关门了 \n"})
    assert data == ReportInput("closed", text="下午三点就关门了")


@pytest.mark.parametrize("kind", [None, "", "CLOSED", "demand", "delete", 3])
def test_an_unknown_kind_is_refused_naming_the_field(kind):
    with pytest.raises(InvalidReport) as exc:
        parse_report({"kind": kind})
    assert _fields(exc) == ["kind"]
    assert exc.value.errors[0].message_zh.startswith("类型")


def test_an_amenity_report_needs_one_known_amenity_code():
    assert parse_report({"kind": "amenity", "amenity": "toilet"}).needs == ("toilet",)
    for bad in (None, "", "厕所", "nope", ["water", "toilet"]):
        with pytest.raises(InvalidReport) as exc:
            parse_report({"kind": "amenity", "amenity": bad})
        assert _fields(exc) == ["amenity"], bad


def test_other_needs_text_and_text_is_at_most_1000_characters():
    with pytest.raises(InvalidReport) as exc:
        parse_report({"kind": "other", "text": "   "})
    assert _fields(exc) == ["text"]
    assert parse_report({"kind": "other", "text": "字" * 1000}).text == "字" * 1000
    with pytest.raises(InvalidReport) as exc:
        parse_report({"kind": "other", "text": "字" * 1001})
    assert _fields(exc) == ["text"]
    assert "1000" in exc.value.errors[0].message and "1000" in exc.value.errors[0].message_zh


@pytest.mark.parametrize("text", ["a\x00b", "\ud800", 12, ["a"]])
def test_text_that_no_database_can_hold_is_refused(text):
    with pytest.raises(InvalidReport) as exc:
        parse_report({"kind": "other", "text": text})
    assert "text" in _fields(exc)


def test_phone_is_optional_and_read_like_a_station_phone():
    assert parse_report({"kind": "closed"}).phone == ""
    assert parse_report({"kind": "closed", "phone": "139 1234 5678"}).phone == "13912345678"
    assert parse_report({"kind": "closed", "phone": "（0994）6612345"}).phone == "0994-6612345"
    for bad in ("abc", "12", "13912345678 / 13812345678", 13912345678):
        with pytest.raises(InvalidReport) as exc:
            parse_report({"kind": "closed", "phone": bad})
        assert _fields(exc) == ["phone"], bad


def test_a_location_report_converts_gcj02_and_bd09_to_wgs84():
    lat, lon = 44.3050, 86.2170  # 玛纳斯县, WGS-84
    g_lat, g_lon = wgs84_to_gcj02(lat, lon)
    b_lat, b_lon = wgs84_to_bd09(lat, lon)
    assert math.dist((lat, lon), (g_lat, g_lon)) > 0.002  # the datums really differ here
    for raw, datum in (((lat, lon), "wgs84"), ((g_lat, g_lon), "gcj02"), ((b_lat, b_lon), "bd09")):
        data = parse_report({"kind": "location", "lat": raw[0], "lon": raw[1], "datum": datum})
        assert data.lat == pytest.approx(lat, abs=1e-7) and data.lon == pytest.approx(lon, abs=1e-7)


def test_a_location_from_a_form_is_read_from_plain_decimals_only():
    data = parse_report({"kind": "location", "lat": "44.305", "lon": "86.217", "datum": ""})
    assert (data.lat, data.lon) == (44.305, 86.217)
    for lat in ("4_4.3", "٤٤", "nan", "inf", "1e999", True, "91"):
        with pytest.raises(InvalidReport) as exc:
            parse_report({"kind": "location", "lat": lat, "lon": "86.2"})
        assert _fields(exc) == ["lat"], lat


def test_a_location_needs_both_coordinates_and_a_known_datum():
    with pytest.raises(InvalidReport) as exc:
        parse_report({"kind": "location", "datum": "mars"})
    assert _fields(exc) == ["lat", "lon", "datum"]


def test_a_demand_pin_reads_its_needs_and_ignores_a_kind_sent_along():
    data = parse_report(
        {"kind": "closed", "lat": 25.03, "lon": 102.63, "needs": ["water", "toilet", "water"]},
        demand=True,
    )
    assert (data.kind, data.needs) == ("demand", ("water", "toilet"))
    with pytest.raises(InvalidReport) as exc:
        parse_report({"lat": 25.03, "lon": 102.63, "needs": ["water", "wine"]}, demand=True)
    assert _fields(exc) == ["needs"]


def test_tracking_codes_use_the_unambiguous_alphabet_and_always_hold_a_letter():
    assert not set("0O1IL") & set(CODE_ALPHABET)
    codes = [new_tracking_code() for _ in range(2000)]
    for code in codes:
        assert len(code) == 8 and set(code) <= set(CODE_ALPHABET)
        assert any(ch.isalpha() for ch in code)
    assert len(set(codes)) == len(codes)


def test_a_typed_code_is_read_in_any_case_with_spaces_or_a_dash():
    assert normal_code("abcd-2345") == "ABCD2345"
    assert normal_code(" abcd 2345 ") == "ABCD2345"
    for bad in ("ABCD234O", "ABCD2341", "ABCD234", "ABCD23456", "", "ABCD23<5"):
        assert normal_code(bad) is None, bad


def test_the_client_hash_is_hmac_sha256_of_the_address_never_the_address():
    expected = hmac.new(b"k", b"report-client:10.0.0.7", hashlib.sha256).hexdigest()
    assert client_hash("k", "10.0.0.7") == expected
    assert client_hash("other key", "10.0.0.7") != expected
    assert "10.0.0.7" not in expected


def test_identical_reports_share_a_fingerprint_whatever_the_case_and_spacing():
    one = ReportInput("amenity", ("water",), text="没有  热水")
    assert fingerprint(one, 5) == fingerprint(
        ReportInput("amenity", ("water",), text="没有 热水 "), 5
    )
    assert fingerprint(ReportInput("other", text="Door LOCKED"), 5) == fingerprint(
        ReportInput("other", text="door locked"), 5
    )
    assert fingerprint(one, 5) != fingerprint(one, 6)
    assert fingerprint(one, 5) != fingerprint(
        ReportInput("amenity", ("toilet",), text="没有 热水"), 5
    )
    assert fingerprint(ReportInput("closed"), 5) != fingerprint(ReportInput("other"), 5)


def test_a_demand_pin_fingerprint_counts_its_place_to_about_100_m():
    here = ReportInput("demand", ("water",), 25.03001, 102.63001)
    near = ReportInput("demand", ("water",), 25.03004, 102.63004)
    far = ReportInput("demand", ("water",), 25.04, 102.63)
    assert fingerprint(here, None) == fingerprint(near, None)
    assert fingerprint(here, None) != fingerprint(far, None)


def test_retry_after_counts_each_window_from_its_oldest_counted_report():
    rates = [(6, 600), (30, 86400)]
    five = [NOW - timedelta(seconds=60 * i) for i in range(1, 6)]
    assert retry_after(five, rates, NOW) == 0
    six = [*five, NOW - timedelta(seconds=400)]
    # the oldest of the six (400 s ago) leaves the 600 s window in 200 s
    assert retry_after(six, rates, NOW) == 200
    day = [NOW - timedelta(hours=1 + i * 0.5) for i in range(30)]
    # the 30th newest, 15.5 h ago, leaves the day in 8.5 h
    assert retry_after(day, rates, NOW) == int(8.5 * 3600)
    assert retry_after(day, [], NOW) == 0


def test_report_rates_are_configurable_and_can_be_switched_off(tmp_path: Path):
    env = {"STATIONMAP_ENV": "testing"}
    assert load_settings(env, tmp_path).report_rates == ((6, 600), (30, 86400))
    custom = {
        **env,
        "STATIONMAP_REPORT_RATE_SHORT": "3 per minute",
        "STATIONMAP_REPORT_RATE_DAY": "off",
    }
    assert load_settings(custom, tmp_path).report_rates == ((3, 60),)
    with pytest.raises(ConfigError, match="STATIONMAP_REPORT_RATE_DAY"):
        load_settings({**env, "STATIONMAP_REPORT_RATE_DAY": "lots"}, tmp_path)
