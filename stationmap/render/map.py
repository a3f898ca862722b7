"""folium maps for the public pages: pure builders, no Flask, no database.

A page map is a folium :class:`folium.Map` with, optionally, a base tile layer chosen by
configuration, a district boundary, an (initially empty) marker cluster that the page
script fills from the API as the map moves, and a station marker. The builders return
plain strings for a template (:class:`MapParts`) or a whole standalone document.

* **Local assets only.** folium's defaults load Leaflet, jQuery, Bootstrap and Font
  Awesome from public CDNs; every element's ``default_js``/``default_css`` is replaced
  here with the app's own copies (see :class:`Assets`) or dropped when not needed.
* **Datums.** Stations and boundaries are stored in WGS-84. AMap tiles are GCJ-02, so
  on an AMap base map every drawn coordinate is converted with
  :func:`~stationmap.geo.datum.wgs84_to_gcj02` (``MapParts.datum`` tells the page
  script to do the same for what it adds).
* **Escaping.** folium puts tooltip text into a JavaScript template literal that is then
  parsed as HTML, and branca renders that script a second time as a Jinja template;
  :func:`js_template_text` escapes for all three contexts. The page script
  must still never contain ``</script`` or ``<!--``: :func:`map_parts` refuses it.
* **Weight.** folium comes from :mod:`stationmap.render.map_library`, which imports it
  without pandas (about 35 MB that every gunicorn worker would carry).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import jinja2
import numpy as np
import shapely
from branca.element import Element, Figure, MacroElement
from shapely.geometry import shape

from stationmap.geo.datum import wgs84_to_gcj02
from stationmap.render.map_library import MarkerCluster, folium
from stationmap.render.map_spec import (
    TILE_KINDS,
    Assets,
    MapParts,
    MapSpec,
    StationMarker,
    TileKind,
    TileLayerSpec,
    Tiles,
    local_assets,
    tiles_from_config,
)

__all__ = [
    "TILE_KINDS",
    "Assets",
    "MapParts",
    "MapSpec",
    "StationMarker",
    "TileKind",
    "TileLayerSpec",
    "Tiles",
    "build_map",
    "display_boundary",
    "js_template_text",
    "local_assets",
    "map_parts",
    "page_map",
    "standalone_html",
    "tiles_from_config",
]

# Boundaries are simplified to about 30 m and rounded to about 1 m: a county outline
# stays a few kilobytes and still reads correctly at street zoom. A larger district (a
# city, a province) is simplified to 1/BOUNDARY_DETAIL of its extent instead, about what
# a phone screen shows when it is fitted to the screen, so its size stays bounded too.
BOUNDARY_TOLERANCE_DEG = 0.0003
BOUNDARY_DETAIL = 1500
COORD_DECIMALS = 5

BOUNDARY_STYLE: dict[str, Any] = {
    "color": "#b3261e",
    "weight": 2,
    "opacity": 0.9,
    "fill": True,
    "fillColor": "#b3261e",
    "fillOpacity": 0.04,
    "interactive": False,
}


# What a character means to a JavaScript template literal (backslash, backtick, ``$``)
# or to Jinja (braces), as an HTML character reference. branca renders each element's
# script and then renders that output again as a Jinja template, so text with ``{{``
# or ``{%`` in it would be run on the server (a station named ``{{ 7*7 }}`` showed 49,
# and ``{%`` made the page a 500); as references the browser shows them as written.
_NOT_FOR_SCRIPTS = str.maketrans(
    {"\\": "&#92;", "`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;"}
)


def js_template_text(text: str) -> str:
    """``text`` made safe to sit inside a JavaScript template literal whose value is
    then parsed as HTML (folium's tooltips and popups).

    HTML-escapes it, then replaces the characters that mean something to a template
    literal, to the script element or to Jinja (which renders folium's script a second
    time): backslash, backtick, ``$`` and braces become character references, so
    ``${...}``, a lone backtick, ``\\```, ``</script>``, ``{{ ... }}`` and ``{% ... %}``
    all stay text.
    """
    return html.escape(text, quote=True).translate(_NOT_FOR_SCRIPTS)


def _to_display(lat: float, lon: float, datum: str) -> tuple[float, float]:
    if datum == "gcj02":
        g_lat, g_lon = wgs84_to_gcj02(lat, lon)
        return float(g_lat), float(g_lon)
    return lat, lon


def display_boundary(geometry: Mapping[str, Any], datum: str = "wgs84") -> dict[str, Any]:
    """A GeoJSON geometry simplified, rounded and, for GCJ-02 tiles, converted.

    The simplification tolerance is ``BOUNDARY_TOLERANCE_DEG`` degrees, or
    1/``BOUNDARY_DETAIL`` of the geometry's larger extent when that is coarser.
    """
    geom = shape(geometry)
    min_x, min_y, max_x, max_y = geom.bounds
    tolerance = max(BOUNDARY_TOLERANCE_DEG, max(max_x - min_x, max_y - min_y) / BOUNDARY_DETAIL)
    geom = geom.simplify(tolerance, preserve_topology=True)

    def convert(coords: np.ndarray) -> np.ndarray:
        lon, lat = coords[:, 0], coords[:, 1]
        if datum == "gcj02":
            lat, lon = wgs84_to_gcj02(lat, lon)
        return np.round(np.column_stack([lon, lat]), COORD_DECIMALS)

    out: dict[str, Any] = json.loads(shapely.to_geojson(shapely.transform(geom, convert)))
    return out


class _MapFurniture(MacroElement):
    """The attribution prefix (plain text, or none) and a metric-only scale bar."""

    _template = jinja2.Template(
        """{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.attributionControl.setPrefix({{ this.prefix_js }});
L.control.scale({metric: true, imperial: false}).addTo({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, prefix: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca has no annotations
        self._name = "MapFurniture"
        # Leaflet sets the prefix as HTML: escape it (braces too, as the script is
        # rendered twice by Jinja), then JSON-quote it for the script.
        self.prefix_js = json.dumps(js_template_text(prefix)) if prefix else "false"


def _local_only(elements: Iterable[Element], assets: Assets) -> None:
    """Replace every element's CDN dependencies with the local copies (or nothing)."""
    for element in elements:
        if isinstance(element, folium.Map):
            element.default_js = [("leaflet", assets.leaflet_js)]
            element.default_css = [("leaflet_css", assets.leaflet_css)]
        elif isinstance(element, MarkerCluster):
            element.default_js = [("markerclusterjs", assets.markercluster_js)]
            element.default_css = [
                (f"markerclustercss{i}", url) for i, url in enumerate(assets.markercluster_css)
            ]
        elif hasattr(element, "default_js") or hasattr(element, "default_css"):
            plugin: Any = element  # a folium plugin; branca's Element does not declare these
            plugin.default_js = []
            plugin.default_css = []
        _local_only(element._children.values(), assets)


def _leaflet_zoom(spec: MapSpec) -> dict[str, Any]:
    """Leaflet's own zoom bounds, passed through folium.Map's options."""
    return {"minZoom": spec.min_zoom, "maxZoom": spec.max_zoom}


def build_map(spec: MapSpec, assets: Assets) -> folium.Map:
    """A folium map for ``spec`` that loads nothing from outside the app (tiles
    excepted, when configured)."""
    datum = spec.tiles.datum
    center = _to_display(*spec.center, datum)
    fmap = folium.Map(
        location=list(center),
        zoom_start=spec.zoom,
        tiles=None,
        control_scale=False,  # _MapFurniture adds a metric-only one
        prefer_canvas=False,
        zoom_control=spec.interactive,
        dragging=spec.interactive,
        scroll_wheel_zoom=spec.interactive,
        double_click_zoom=spec.interactive,
        touch_zoom=spec.interactive,
        # Leaflet options (folium's min_zoom/max_zoom only reach its default tiles);
        # the marker cluster needs the map's own maxZoom when there are no tiles.
        **_leaflet_zoom(spec),
    )
    _MapFurniture(spec.attribution_prefix).add_to(fmap)
    for layer in spec.tiles.layers:
        folium.TileLayer(
            tiles=layer.url,
            attr=layer.attribution,
            subdomains=layer.subdomains or "abc",
            max_zoom=layer.max_zoom,
            overlay=False,
            control=False,
        ).add_to(fmap)
    if spec.boundary is not None:
        folium.GeoJson(
            display_boundary(spec.boundary, datum),
            name="boundary",
            style_function=lambda _feature: BOUNDARY_STYLE,
            control=False,
        ).add_to(fmap)
    if spec.cluster:
        MarkerCluster(  # type: ignore[no-untyped-call]  # folium's plugins have no annotations
            name="stations",
            control=False,
            options={"showCoverageOnHover": False, "maxClusterRadius": 50},
        ).add_to(fmap)
    if spec.marker is not None:
        m_lat, m_lon = _to_display(spec.marker.lat, spec.marker.lon, datum)
        folium.CircleMarker(
            location=[m_lat, m_lon],
            radius=11,
            color="#ffffff",
            weight=3,
            fill=True,
            fill_color="#b3261e",
            fill_opacity=1.0,
            tooltip=folium.Tooltip(
                js_template_text(spec.marker.label),
                permanent=True,
                # Below the marker: above it, a long name reaches the zoom buttons.
                direction="bottom",
                offset=(0, 12),
                class_name="sm-label",
            ),
        ).add_to(fmap)
    if spec.bounds is not None:
        (s_lat, s_lon), (n_lat, n_lon) = (
            _to_display(lat, lon, datum) for lat, lon in spec.bounds.corners()
        )
        fmap.fit_bounds([[s_lat, s_lon], [n_lat, n_lon]])
    _local_only([fmap], assets)
    return fmap


_FORBIDDEN_IN_SCRIPT = re.compile(r"</script|<!--", re.IGNORECASE)


def page_map(spec: MapSpec, assets: Assets) -> MapParts:
    """Build the map for ``spec`` and render it into pieces for a page template."""
    return map_parts(build_map(spec, assets), assets, spec.tiles.datum)


def map_parts(fmap: folium.Map, assets: Assets, datum: str = "wgs84") -> MapParts:
    """Render ``fmap`` into pieces a page template places itself (no CDN links, no
    folium page-wide styles). ``datum`` is the datum of its base tiles."""
    figure = fmap.get_root()
    assert isinstance(figure, Figure)
    figure.render()
    script = figure.script.render()
    if _FORBIDDEN_IN_SCRIPT.search(script):
        raise ValueError("the map script contains '</script' or '<!--'; refusing to inline it")
    cluster = next(
        (c for c in fmap._children.values() if isinstance(c, MarkerCluster)),
        None,
    )
    has_cluster = cluster is not None
    return MapParts(
        html=f'<div class="folium-map" id="{fmap.get_name()}"></div>',
        script=script,
        map_name=fmap.get_name(),
        cluster_name=cluster.get_name() if cluster is not None else None,
        datum=datum,
        scripts=assets.scripts(cluster=has_cluster),
        styles=assets.styles(cluster=has_cluster),
    )


def standalone_html(fmap: folium.Map) -> str:
    """The whole folium document (local assets only), for files and for tests."""
    return fmap.get_root().render()
