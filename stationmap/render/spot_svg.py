"""A small static map for an import preview: a district's outline and one point, as an
inline SVG drawn from the boundary itself (no tiles, nothing fetched).

Pure: no Flask, no database. Coordinates are WGS-84 degrees; the drawing uses a plain
equirectangular projection scaled by cos(latitude) at the centre, which is true to a
fraction of a percent over one county.
"""

from __future__ import annotations

import math
from html import escape

import shapely
from shapely.geometry import MultiPolygon, Polygon


def _rings(geom: shapely.Geometry) -> list[list[tuple[float, float]]]:
    polygons: list[Polygon] = []
    if isinstance(geom, Polygon):
        polygons = [geom]
    elif isinstance(geom, MultiPolygon):
        polygons = list(geom.geoms)
    rings: list[list[tuple[float, float]]] = []
    for polygon in polygons:
        simple = polygon.simplify(0.002, preserve_topology=True)
        if not isinstance(simple, Polygon) or simple.is_empty:
            simple = polygon
        rings.append([(float(x), float(y)) for x, y in simple.exterior.coords])
        rings.extend([(float(x), float(y)) for x, y in r.coords] for r in simple.interiors)
    return rings


def spot_svg(
    boundary: shapely.Geometry | None,
    lat: float,
    lon: float,
    *,
    title: str = "",
    size_px: int = 120,
) -> str:
    """An SVG of ``boundary`` (lon/lat, may be ``None``) with the point (``lat``,
    ``lon``) as a red dot; the view covers both, with a margin. ``title`` (escaped) is
    the drawing's accessible name."""
    xs, ys = [lon], [lat]
    rings = _rings(boundary) if boundary is not None else []
    for ring in rings:
        xs.extend(x for x, _y in ring)
        ys.extend(y for _x, y in ring)
    k = math.cos(math.radians((min(ys) + max(ys)) / 2.0))
    width_deg = max((max(xs) - min(xs)) * k, max(ys) - min(ys), 0.01) * 1.1
    cx, cy = (min(xs) + max(xs)) / 2.0, (min(ys) + max(ys)) / 2.0
    scale = size_px / width_deg

    def px(x: float, y: float) -> str:
        return f"{size_px / 2 + (x - cx) * k * scale:.1f},{size_px / 2 - (y - cy) * scale:.1f}"

    path = " ".join("M" + " L".join(px(x, y) for x, y in ring) + " Z" for ring in rings)
    dot = px(lon, lat).split(",")
    label = escape(title, quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spot" width="{size_px}" '
        f'height="{size_px}" viewBox="0 0 {size_px} {size_px}" role="img" '
        f'aria-label="{label}"><title>{label}</title>'
        f'<rect width="{size_px}" height="{size_px}" fill="#f6f6f2"/>'
        + (
            f'<path d="{path}" fill="#e3ecf7" stroke="#3465a4" stroke-width="1" '
            'fill-rule="evenodd"/>'
            if path
            else ""
        )
        + f'<circle cx="{dot[0]}" cy="{dot[1]}" r="4" fill="#c00" stroke="#fff" '
        'stroke-width="1.5"/></svg>'
    )
