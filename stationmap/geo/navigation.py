"""Hand-off links to AMap, Baidu and Tencent navigation, each in the datum it needs.

* AMap (uri.amap.com, amapuri://, iosamap://) takes GCJ-02 only; ``dev=0`` tells the
  app the coordinates are already GCJ-02.
* Baidu takes its own BD-09 (``coord_type=bd09ll``); sending BD-09 avoids depending on
  Baidu's own conversion.
* Tencent takes GCJ-02 (``coord_type=2``).

The travel mode is riding (couriers ride e-bikes). Names are URL-encoded; nothing here
is HTML: the page that shows a link escapes it for its context.

Every nearest answer carries these links for each station, so they are written from
templates compiled once per caller (app name and Tencent key): a station costs one
quoting of its name, four formatted numbers and one template fill, and
:func:`navigation_links_json` fills a template of the JSON text itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from stationmap.geo.datum import gcj02_to_bd09, wgs84_to_gcj02

DEFAULT_NAME = "驿站"

# (app, kind, URL). %(name)s, %(g_lat)s, %(g_lon)s (GCJ-02), %(b_lat)s, %(b_lon)s
# (BD-09) are the station's; %(app)s, %(src)s, %(referer)s name the caller.
_AMAP_APP = "sourceApplication=%(app)s&dlat=%(g_lat)s&dlon=%(g_lon)s&dname=%(name)s&dev=0&t=3"
_BAIDU_APP = (
    "destination=name:%(name)s|latlng:%(b_lat)s,%(b_lon)s&mode=riding&coord_type=bd09ll&src=%(src)s"
)
_TENCENT = "type=bike&to=%(name)s&tocoord=%(g_lat)s,%(g_lon)s&coord_type=2&referer=%(referer)s"
_URLS = (
    (
        "amap",
        "web",
        "https://uri.amap.com/navigation?to=%(g_lon)s,%(g_lat)s,%(name)s"
        "&mode=ride&src=%(app)s&coordinate=gaode&callnative=1",
    ),
    ("amap", "android", "amapuri://route/plan/?" + _AMAP_APP),
    ("amap", "ios", "iosamap://path?" + _AMAP_APP),
    ("baidu", "app", "baidumap://map/direction?" + _BAIDU_APP),
    (
        "baidu",
        "web",
        "https://api.map.baidu.com/marker?location=%(b_lat)s,%(b_lon)s"
        "&title=%(name)s&content=%(name)s&output=html&coord_type=bd09ll&src=%(src)s",
    ),
    ("tencent", "app", "qqmap://map/routeplan?" + _TENCENT),
    ("tencent", "web", "https://apis.map.qq.com/uri/v1/routeplan?" + _TENCENT),
)

# Bytes that stay as they are when quoting with safe="" (RFC 3986 unreserved).
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")
_QUOTED_BYTE = tuple(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in range(256))


def quote_component(text: str) -> str:
    """``urllib.parse.quote(text, safe="")``, about twice as fast: one table look-up per
    UTF-8 byte."""
    return "".join([_QUOTED_BYTE[b] for b in text.encode()])


@dataclass(frozen=True)
class NavTarget:
    lat: float  # WGS-84
    lon: float
    name: str
    # The same point in GCJ-02 and BD-09 when the caller has them already (the nearest
    # index converts all stations at once); otherwise they are converted here.
    gcj: tuple[float, float] | None = None
    bd: tuple[float, float] | None = None


@dataclass(frozen=True)
class _Templates:
    """The link templates with the caller's part filled in."""

    urls: tuple[tuple[str, str, str], ...]
    json: str  # the JSON object's members (no braces), as a %-template


@lru_cache(maxsize=16)
def _templates(app_name: str, tencent_key: str) -> _Templates:
    caller = {
        # The quoted values contain "%": doubled, they survive the second fill.
        "app": quote(app_name, safe="").replace("%", "%%"),
        "src": quote(f"org.stationmap.{app_name}", safe="").replace("%", "%%"),
        "referer": quote(tencent_key or app_name, safe="").replace("%", "%%"),
    }
    station = {key: f"%({key})s" for key in ("name", "g_lat", "g_lon", "b_lat", "b_lon")}
    urls = tuple((app, kind, url % {**caller, **station}) for app, kind, url in _URLS)
    nested: dict[str, dict[str, str]] = {}
    for app, kind, url in urls:
        nested.setdefault(app, {})[kind] = url
    # Safe as JSON after the fill: every value put in is ASCII digits, signs, dots,
    # unreserved characters and %XX, none of which JSON escapes.
    text = json.dumps(nested, separators=(",", ":"), ensure_ascii=True)
    return _Templates(urls, text[1:-1])


def _values(target: NavTarget) -> dict[str, str]:
    g_lat, g_lon = target.gcj or wgs84_to_gcj02(target.lat, target.lon)
    b_lat, b_lon = target.bd or gcj02_to_bd09(g_lat, g_lon)
    return {
        "name": quote_component(target.name or DEFAULT_NAME),
        "g_lat": f"{g_lat:.6f}",
        "g_lon": f"{g_lon:.6f}",
        "b_lat": f"{b_lat:.6f}",
        "b_lon": f"{b_lon:.6f}",
    }


def navigation_links(
    target: NavTarget, app_name: str, tencent_key: str = ""
) -> dict[str, dict[str, str]]:
    """URLs for each navigation app: ``{"amap": {"web", "android", "ios"}, "baidu":
    {"app", "web"}, "tencent": {"app", "web"}}``."""
    values = _values(target)
    links: dict[str, dict[str, str]] = {}
    for app, kind, url in _templates(app_name, tencent_key).urls:
        links.setdefault(app, {})[kind] = url % values
    return links


def navigation_links_json(target: NavTarget, app_name: str, tencent_key: str = "") -> str:
    """The members of :func:`navigation_links` as JSON text, without the enclosing
    braces (``"amap":{...},"baidu":{...},"tencent":{...}``): what the nearest answer
    splices into each station's links."""
    return _templates(app_name, tencent_key).json % _values(target)
