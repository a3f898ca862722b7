"""The printed map's legend: every host type of the catalogue has its own colour, and no
two colours are so alike that a reader could mistake one kind of host for another."""

from __future__ import annotations

import itertools
import re

from stationmap import catalog
from stationmap.render.furniture import HOST_COLOURS

# Below this CIE76 difference two small dots on paper are hard to tell apart.
MIN_DELTA_E = 20.0


def _lab(hex_colour: str) -> tuple[float, float, float]:
    """sRGB hex -> CIE L*a*b* (D65), the published formulas written out."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92 for c in rgb]
    r, g, b = lin
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_every_host_type_has_a_legend_colour():
    codes = {t.code for t in catalog.HOST_TYPES}
    assert codes - set(HOST_COLOURS) == set()
    assert set(HOST_COLOURS) - codes == set()  # no colour for a type that is gone
    for colour in HOST_COLOURS.values():
        assert re.fullmatch(r"#[0-9a-f]{6}", colour)


def test_no_two_host_types_share_a_colour_or_look_alike():
    close = []
    for (a, ca), (b, cb) in itertools.combinations(HOST_COLOURS.items(), 2):
        delta = sum((p - q) ** 2 for p, q in zip(_lab(ca), _lab(cb), strict=True)) ** 0.5
        if delta < MIN_DELTA_E:
            close.append((a, b, round(delta, 1)))
    assert close == []
