"""The import preview's small map: the district outline and the point, drawn where they
are relative to each other, with the title escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from shapely.geometry import Polygon

from stationmap.render.spot_svg import spot_svg

SQUARE = Polygon([(86.0, 44.0), (86.4, 44.0), (86.4, 44.4), (86.0, 44.4)])


def _dot(svg: str) -> tuple[float, float]:
    circle = ET.fromstring(svg).find("{http://www.w3.org/2000/svg}circle")
    assert circle is not None
    return float(circle.get("cx")), float(circle.get("cy"))


def _outline_box(svg: str) -> tuple[float, float, float, float]:
    path = ET.fromstring(svg).find("{http://www.w3.org/2000/svg}path")
    assert path is not None
    numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", path.get("d"))]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def test_a_point_inside_the_district_is_drawn_inside_its_outline():
    svg = spot_svg(SQUARE, 44.2, 86.2)
    x, y = _dot(svg)
    left, top, right, bottom = _outline_box(svg)
    assert left < x < right and top < y < bottom
    assert abs(x - (left + right) / 2) < 1 and abs(y - (top + bottom) / 2) < 1


def test_a_point_north_east_of_the_district_is_drawn_up_and_right_of_it():
    svg = spot_svg(SQUARE, 44.6, 86.6)
    x, y = _dot(svg)
    _left, top, right, _bottom = _outline_box(svg)
    assert x > right and y < top  # SVG y grows downwards
    assert 0 <= x <= 120 and 0 <= y <= 120


def test_the_title_is_escaped_and_no_boundary_still_draws_the_point():
    svg = spot_svg(None, 44.2, 86.2, title='<script>"x"</script>')
    assert "<script>" not in svg and "&lt;script&gt;&quot;x&quot;" in svg
    assert _dot(svg) == (60.0, 60.0)
