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
