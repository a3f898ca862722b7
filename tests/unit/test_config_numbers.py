"""Numeric settings: a value out of range or not a number stops start-up with one line
naming the variable; the defaults are the documented ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from stationmap.config import ConfigError, load_settings

BASE = {"SECRET_KEY": "k" * 40}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("STATIONMAP_SESSION_IDLE_MINUTES", "0"),
        ("STATIONMAP_SESSION_IDLE_MINUTES", "inf"),
        ("STATIONMAP_SESSION_IDLE_MINUTES", "两小时"),
        ("STATIONMAP_REACH_KM", "0"),
        ("STATIONMAP_REACH_KM", "200.5"),
        ("STATIONMAP_STALE_DAYS", "nan"),
        ("STATIONMAP_STALE_DAYS", "-1"),
        ("STATIONMAP_REPORTED_CLOSED_MIN", "0"),
        ("STATIONMAP_REPORTED_CLOSED_MIN", "2.5"),
        ("STATIONMAP_GEOCODER_TIMEOUT_S", "0"),
        ("STATIONMAP_GEOCODER_TIMEOUT_S", "61"),
    ],
)
def test_a_bad_number_names_its_setting(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"^{name} must "):
        load_settings({**BASE, name: value}, Path("/nonexistent"))


def test_the_bounds_themselves_are_taken_and_defaults_hold() -> None:
    settings = load_settings(
        {
            **BASE,
            "STATIONMAP_REACH_KM": "200",
            "STATIONMAP_REPORTED_CLOSED_MIN": "1",
            "STATIONMAP_GEOCODER_TIMEOUT_S": "60",
        },
        Path("/nonexistent"),
    )
    assert settings.reach_m == 200_000.0
    assert settings.reported_closed_min == 1 and isinstance(settings.reported_closed_min, int)
    assert settings.geocoder_timeout_s == 60.0
    defaults = load_settings(BASE, Path("/nonexistent"))
    assert (defaults.reach_m, defaults.stale_days, defaults.reported_closed_min) == (
        20_000.0,
        180.0,
        3,
    )
    assert (defaults.session_idle_minutes, defaults.geocoder_timeout_s) == (120.0, 5.0)


@pytest.mark.parametrize(
    ("settings", "chinese"),
    [
        ({"STATIONMAP_ENV": "prod"}, "STATIONMAP_ENV 应为 production、development、testing 之一"),
        ({"SECRET_KEY": ""}, "没有设置 SECRET_KEY：请设为一串足够长的随机字符"),
        ({"STATIONMAP_TIMEZONE": "Beijing"}, "STATIONMAP_TIMEZONE='Beijing' 不是 IANA 时区名"),
        ({"STATIONMAP_INDEX_CHECK_S": "一秒"}, "STATIONMAP_INDEX_CHECK_S 应为秒数"),
        ({"STATIONMAP_PROXY_HOPS": "1.5"}, "STATIONMAP_PROXY_HOPS 应为整数"),
        ({"STATIONMAP_IMPORT_MAX_BYTES": "5MB"}, "STATIONMAP_IMPORT_MAX_BYTES 应为字节数"),
        ({"STATIONMAP_IMPORT_JOB_BYTES": "x"}, "STATIONMAP_IMPORT_JOB_BYTES 应为字节数"),
        ({"STATIONMAP_SESSION_IDLE_MINUTES": "0"}, "STATIONMAP_SESSION_IDLE_MINUTES 应为大于 0"),
        ({"STATIONMAP_REACH_KM": "300"}, "STATIONMAP_REACH_KM 应为大于 0、不超过 200 的公里数"),
        ({"STATIONMAP_STALE_DAYS": "-1"}, "STATIONMAP_STALE_DAYS 应为大于 0 的天数"),
        ({"STATIONMAP_REPORTED_CLOSED_MIN": "2.5"}, "STATIONMAP_REPORTED_CLOSED_MIN 应为不小于 1"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL 应以 redis://、rediss:// 或 unix:// 开头"),
        ({"STATIONMAP_TILES": "google"}, "STATIONMAP_TILES 应为 none、osm、tianditu、amap 之一"),
        ({"STATIONMAP_TILES": "tianditu"}, "需要设置 STATIONMAP_TIANDITU_KEY"),
        ({"STATIONMAP_GEOCODER": "baidu"}, "STATIONMAP_GEOCODER 应为 none、tianditu、amap 之一"),
        ({"STATIONMAP_GEOCODER": "amap"}, "需要设置 STATIONMAP_GEOCODER_KEY"),
        (
            {"STATIONMAP_GEOCODER_URL": "ftp://x"},
            "STATIONMAP_GEOCODER_URL 应以 http:// 或 https://",
        ),
        ({"STATIONMAP_GEOCODER_TIMEOUT_S": "99"}, "STATIONMAP_GEOCODER_TIMEOUT_S 应为 0 到 60"),
        (
            {"STATIONMAP_REPORT_RATE_DAY": "lots"},
            "STATIONMAP_REPORT_RATE_DAY 应写成 '6 per 10 minutes'",
        ),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else None,
)
def test_a_bad_setting_is_told_in_chinese_too(settings: dict[str, str], chinese: str) -> None:
    """A terminal that reads Chinese gets the same stop in Chinese, naming the
    variable; the English (``str``) stays as it was."""
    with pytest.raises(ConfigError) as caught:
        load_settings({**BASE, **settings}, Path("/nonexistent"))
    assert caught.value.text("zh").startswith(chinese) or chinese in caught.value.text("zh")
    assert caught.value.text("en") == str(caught.value)
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in str(caught.value).replace("一秒", ""))
