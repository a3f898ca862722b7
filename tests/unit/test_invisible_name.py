"""A station's name made only of invisible characters (zero-width spaces and joiners,
the word joiner, a byte-order mark, a soft hyphen, direction marks) shows as nothing on
the map and in every list: it is refused as a missing name, naming the field and the
fix, as an empty one is. A visible name holding them (an emoji joined by U+200D) is
kept as typed."""

from __future__ import annotations

import pytest

from stationmap.station_fields import InvalidStation, parse_station

GOOD = {"name": "人民路社区驿站", "lat": "44.305", "lon": "86.214"}


@pytest.mark.parametrize(
    "name",
    [
        "\u200b",  # ZERO WIDTH SPACE
        "\u200b\u200c\u200d",  # and the zero-width non-joiner and joiner
        "\u2060",  # WORD JOINER
        "\ufeff",  # ZERO WIDTH NO-BREAK SPACE (a byte-order mark)
        "\u00ad",  # SOFT HYPHEN
        "\u200e\u200f",  # LEFT-TO-RIGHT and RIGHT-TO-LEFT MARK
        " \u3000\u200b ",  # with ordinary and ideographic spaces around
    ],
)
def test_a_name_of_invisible_characters_only_is_refused_as_missing(name):
    with pytest.raises(InvalidStation) as info:
        parse_station({**GOOD, "name": name})
    [error] = info.value.errors
    assert error.field == "name"
    assert error.message_zh == "名称必填：请填写驿站名称"


@pytest.mark.parametrize("name", ["驿站\u200b", "\ufeff人民路驿站", "驿站👩\u200d🔧"])
def test_a_visible_name_with_invisible_characters_is_kept(name):
    assert parse_station({**GOOD, "name": name}).name == name
