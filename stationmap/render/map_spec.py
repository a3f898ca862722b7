"""What a page map shows, as plain data: base tiles, the app's own copies of the map
libraries, what to draw (:class:`MapSpec`) and the rendered pieces a template places
(:class:`MapParts`). No folium here: the web views and settings use these without
importing folium (and the pandas it brings); :mod:`stationmap.render.map` builds the
map from them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from stationmap.geo.bbox import BBox

TileKind = Literal["none", "osm", "tianditu", "amap"]
TILE_KINDS: tuple[TileKind, ...] = ("none", "osm", "tianditu", "amap")


@dataclass(frozen=True)
class TileLayerSpec:
    url: str
    attribution: str
    subdomains: str = "abc"
    max_zoom: int = 18


@dataclass(frozen=True)
class Tiles:
    """A base map: its layers and the datum its pixels are drawn in."""

    kind: TileKind = "none"
    layers: tuple[TileLayerSpec, ...] = ()
    datum: Literal["wgs84", "gcj02"] = "wgs84"


def tiles_from_config(name: str | None, tianditu_key: str = "") -> Tiles:
    """The base map for ``STATIONMAP_TILES`` (``none``, ``osm``, ``tianditu``, ``amap``).

    Raises ``ValueError`` naming the setting to fix for an unknown name or a Tianditu
    base map without ``STATIONMAP_TIANDITU_KEY``.
    """
    kind = (name or "none").strip().lower() or "none"
    if kind == "none":
        return Tiles()
    if kind == "osm":
        return Tiles(
            "osm",
            (
                TileLayerSpec(
                    "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                    "&copy; OpenStreetMap contributors",
                    subdomains="",
                    max_zoom=19,
                ),
            ),
        )
    if kind == "tianditu":
        key = tianditu_key.strip()
        if not key or not re.fullmatch(r"[0-9A-Za-z]+", key):
            raise ValueError(
                "STATIONMAP_TILES=tianditu needs STATIONMAP_TIANDITU_KEY (a Tianditu key, "
                "letters and digits)"
            )
        base = "https://t{s}.tianditu.gov.cn/DataServer?T=%s&x={x}&y={y}&l={z}&tk=" + key
        attribution = "&copy; 天地图 Tianditu"
        return Tiles(
            "tianditu",
            (
                TileLayerSpec(base % "vec_w", attribution, "01234567"),
                TileLayerSpec(base % "cva_w", attribution, "01234567"),
            ),
        )
    if kind == "amap":
        return Tiles(
            "amap",
            (
                TileLayerSpec(
                    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
                    "&style=8&x={x}&y={y}&z={z}",
                    "&copy; 高德地图 AutoNavi",
                    "1234",
                ),
            ),
            datum="gcj02",
        )
    raise ValueError(f"STATIONMAP_TILES must be one of {', '.join(TILE_KINDS)}, not {name!r}")


@dataclass(frozen=True)
class Assets:
    """URLs of the app's own copies of the map libraries."""

    leaflet_js: str
    leaflet_css: str
    markercluster_js: str
    markercluster_css: tuple[str, ...]

    def scripts(self, *, cluster: bool) -> tuple[str, ...]:
        return (self.leaflet_js, self.markercluster_js) if cluster else (self.leaflet_js,)

    def styles(self, *, cluster: bool) -> tuple[str, ...]:
        return (self.leaflet_css, *self.markercluster_css) if cluster else (self.leaflet_css,)


def local_assets(static_url: str = "/static/", url: Callable[[str], str] | None = None) -> Assets:
    """The vendored files under ``stationmap/static/vendor`` at ``static_url``, or at
    ``url(name)`` for each file's name under ``static/`` when ``url`` is given (the app
    passes its content-hashed static URLs)."""
    base = static_url.rstrip("/") + "/"
    at = url or (lambda name: base + name)
    return Assets(
        leaflet_js=at("vendor/leaflet-1.9.4/leaflet.js"),
        leaflet_css=at("vendor/leaflet-1.9.4/leaflet.css"),
        markercluster_js=at("vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js"),
        markercluster_css=(
            at("vendor/leaflet.markercluster-1.5.3/MarkerCluster.css"),
            at("vendor/leaflet.markercluster-1.5.3/MarkerCluster.Default.css"),
        ),
    )


@dataclass(frozen=True)
class StationMarker:
    """One station drawn by the server (the station page); WGS-84."""

    lat: float
    lon: float
    label: str  # plain text, escaped here


@dataclass(frozen=True)
class MapSpec:
    """What to draw. Coordinates are WGS-84 degrees; ``bounds`` wins over
    ``center``/``zoom``."""

    center: tuple[float, float] = (35.0, 105.0)
    zoom: int = 4
    bounds: BBox | None = None
    boundary: Mapping[str, Any] | None = None  # a GeoJSON geometry
    cluster: bool = True
    marker: StationMarker | None = None
    tiles: Tiles = field(default_factory=Tiles)
    min_zoom: int = 3
    max_zoom: int = 18
    interactive: bool = True
    # Plain text before the attributions; empty: none (Leaflet's default prefix is a
    # flag and a link out of the app). The base map's own attribution is always shown.
    attribution_prefix: str = ""


@dataclass(frozen=True)
class MapParts:
    """A rendered map for a template: ``html`` goes in the body, ``script`` (bare
    JavaScript, to be placed in a ``<script>`` with the response's nonce) after the
    ``scripts``; ``styles`` go in the head."""

    html: str
    script: str
    map_name: str
    cluster_name: str | None
    datum: str
    scripts: tuple[str, ...]
    styles: tuple[str, ...]

    def deferred(self, builder: str) -> str:
        """``script`` as the body of ``window.<builder>``, a function the page calls once
        it has loaded ``scripts`` itself (later than the first paint of what matters
        more). The map and its cluster stay reachable as ``window[map_name]`` and
        ``window[cluster_name]``, as they are when ``script`` runs at the top level."""
        if not builder.isidentifier():
            raise ValueError(f"not a JavaScript name: {builder!r}")
        names = [self.map_name, *([self.cluster_name] if self.cluster_name else [])]
        exported = "".join(f"window.{name} = {name};\n" for name in names)
        return f"window.{builder} = function () {{\n{self.script}\n{exported}}};\n"
