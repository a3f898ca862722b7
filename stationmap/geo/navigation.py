"""Hand-off links to AMap, Baidu and Tencent navigation, each in the datum it needs.

* AMap (uri.amap.com, amapuri://, iosamap://) takes GCJ-02 only; ``dev=0`` tells the
  app the coordinates are already GCJ-02.
* Baidu takes its own BD-09 (``coord_type=bd09ll``); sending BD-09 avoids depending on
  Baidu's own conversion.
* Tencent takes GCJ-02 (``coord_type=2``).

The travel mode is riding (couriers ride e-bikes). Names are URL-encoded; nothing here
is HTML: the page that shows a link escapes it for its context.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, urlencode

from stationmap.geo.datum import wgs84_to_bd09, wgs84_to_gcj02


@dataclass(frozen=True)
class NavTarget:
    lat: float  # WGS-84
    lon: float
    name: str


def _fmt(value: float) -> str:
    return f"{value:.6f}"


def navigation_links(
    target: NavTarget, app_name: str, tencent_key: str = ""
) -> dict[str, dict[str, str]]:
    """URLs for each navigation app: ``{"amap": {"web", "android", "ios"}, "baidu":
    {"app", "web"}, "tencent": {"app", "web"}}``."""
    g_lat, g_lon = wgs84_to_gcj02(target.lat, target.lon)
    b_lat, b_lon = wgs84_to_bd09(target.lat, target.lon)
    name = target.name or "驿站"
    amap_web = "https://uri.amap.com/navigation?" + urlencode(
        {
            "to": f"{_fmt(g_lon)},{_fmt(g_lat)},{name}",
            "mode": "ride",
            "src": app_name,
            "coordinate": "gaode",
            "callnative": "1",
        },
        quote_via=quote,
        safe=",",
    )
    amap_params = urlencode(
        {
            "sourceApplication": app_name,
            "dlat": _fmt(g_lat),
            "dlon": _fmt(g_lon),
            "dname": name,
            "dev": "0",
            "t": "3",
        },
        quote_via=quote,
    )
    baidu_destination = f"name:{name}|latlng:{_fmt(b_lat)},{_fmt(b_lon)}"
    baidu_params = {
        "destination": baidu_destination,
        "mode": "riding",
        "coord_type": "bd09ll",
        "src": f"org.stationmap.{app_name}",
    }
    baidu_web = "https://api.map.baidu.com/marker?" + urlencode(
        {
            "location": f"{_fmt(b_lat)},{_fmt(b_lon)}",
            "title": name,
            "content": name,
            "output": "html",
            "coord_type": "bd09ll",
            "src": f"org.stationmap.{app_name}",
        },
        quote_via=quote,
        safe=",",
    )
    tencent_params = {
        "type": "bike",
        "to": name,
        "tocoord": f"{_fmt(g_lat)},{_fmt(g_lon)}",
        "coord_type": "2",
        "referer": tencent_key or app_name,
    }
    return {
        "amap": {
            "web": amap_web,
            "android": "amapuri://route/plan/?" + amap_params,
            "ios": "iosamap://path?" + amap_params,
        },
        "baidu": {
            "app": "baidumap://map/direction?"
            + urlencode(baidu_params, quote_via=quote, safe=",:|"),
            "web": baidu_web,
        },
        "tencent": {
            "app": "qqmap://map/routeplan?" + urlencode(tencent_params, quote_via=quote, safe=","),
            "web": "https://apis.map.qq.com/uri/v1/routeplan?"
            + urlencode(tencent_params, quote_via=quote, safe=","),
        },
    }


@lru_cache(maxsize=65536)
def cached_links(
    lat: float, lon: float, name: str, app_name: str, tencent_key: str = ""
) -> dict[str, dict[str, str]]:
    """:func:`navigation_links` memoised: a station's links change only with its
    position or name. Callers must not modify the result."""
    return navigation_links(NavTarget(lat, lon, name), app_name, tencent_key)
