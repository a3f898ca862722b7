"""A rough position (a phone indoors, located by the cell tower: ±5 km) is said to be
rough, at 360x640. Before, the page said "已按你的当前位置排序。" as for a GPS fix, drew
no accuracy circle (only under 5 km), and listed "780 m, 电动车约 4 分钟" as if the rider
stood there; a rider up to 5 km off took it at its word. Now the status line warns,
gives the error in km and says how to sort from where the rider really is (a long
press: a plain tap is ignored once a position is known); the circle shows the area."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import LiveServer
from test_map_page import _wait_ready

pytestmark = pytest.mark.browser

MANAS = {"latitude": 44.3050, "longitude": 86.2170}
ACCURACY_COLOUR = "#1a5fb4"  # the accuracy circle's stroke (app.js)

WORDS = {
    "zh": {"located": "已按你的当前位置排序。", "rough": ("误差约 5 公里", "长按地图")},
    "en": {
        "located": "Sorted by distance from where you are.",
        "rough": ("about 5 km", "Long-press"),
    },
}


def _status(page: Any) -> tuple[str, bool, int]:
    return page.evaluate(
        """colour => { const s = document.getElementById('status');
             return [s.textContent, s.classList.contains('warn'),
                     document.querySelectorAll(`.leaflet-overlay-pane path[stroke="${colour}"]`)
                       .length]; }""",
        ACCURACY_COLOUR,
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("accuracy_m", [5000, 30])
def test_a_rough_position_is_said_to_be_rough_and_a_gps_fix_is_not(
    live_server: LiveServer, phone: Any, lang: str, accuracy_m: int
) -> None:
    page = phone(geolocation={**MANAS, "accuracy": accuracy_m}).new_page()
    page.goto(f"{live_server.url}/?lang={lang}")
    _wait_ready(page)
    text, warn, circles = _status(page)
    if accuracy_m > 1000:
        assert warn and all(part in text for part in WORDS[lang]["rough"]), text
    else:
        assert (text, warn) == (WORDS[lang]["located"], False)
    assert circles == 1, "the area the rider may be in is drawn"
    # The list is there either way, sorted from the point the phone gave.
    assert page.locator("#list > li").count() == 10
