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
from urllib.parse import quote

from stationmap.geo.datum import gcj02_to_bd09, wgs84_to_gcj02


@dataclass(frozen=True)
class NavTarget:
    lat: float  # WGS-84
    lon: float
    name: str
    # The same point in GCJ-02 when the caller has it already (the nearest index
    # converts all stations at once); otherwise it is converted here.
    gcj: tuple[float, float] | None = None


def _fmt(value: float) -> str:
    return f"{value:.6f}"


@lru_cache(maxsize=16)
def _caller(app_name: str, tencent_key: str) -> tuple[str, str, str]:
    """How the links name us to each app, quoted: the same for every station."""
    return (
        quote(app_name, safe=""),
        quote(f"org.stationmap.{app_name}", safe=""),
        quote(tencent_key or app_name, safe=""),
    )


def navigation_links(
    target: NavTarget, app_name: str, tencent_key: str = ""
) -> dict[str, dict[str, str]]:
    """URLs for each navigation app: ``{"amap": {"web", "android", "ios"}, "baidu":
    {"app", "web"}, "tencent": {"app", "web"}}``. Built with f-strings from values
    quoted once: this runs for every station in every nearest answer."""
    g_lat, g_lon = target.gcj or wgs84_to_gcj02(target.lat, target.lon)
    b_lat, b_lon = gcj02_to_bd09(g_lat, g_lon)
    g_lat_s, g_lon_s, b_lat_s, b_lon_s = _fmt(g_lat), _fmt(g_lon), _fmt(b_lat), _fmt(b_lon)
    name = quote(target.name or "驿站", safe="")
    app, src, referer = _caller(app_name, tencent_key)
    amap_app = f"sourceApplication={app}&dlat={g_lat_s}&dlon={g_lon_s}&dname={name}&dev=0&t=3"
    baidu_app = (
        f"destination=name:{name}|latlng:{b_lat_s},{b_lon_s}&mode=riding"
        f"&coord_type=bd09ll&src={src}"
    )
    tencent = f"type=bike&to={name}&tocoord={g_lat_s},{g_lon_s}&coord_type=2&referer={referer}"
    return {
        "amap": {
            "web": f"https://uri.amap.com/navigation?to={g_lon_s},{g_lat_s},{name}"
            f"&mode=ride&src={app}&coordinate=gaode&callnative=1",
            "android": f"amapuri://route/plan/?{amap_app}",
            "ios": f"iosamap://path?{amap_app}",
        },
        "baidu": {
            "app": f"baidumap://map/direction?{baidu_app}",
            "web": f"https://api.map.baidu.com/marker?location={b_lat_s},{b_lon_s}"
            f"&title={name}&content={name}&output=html&coord_type=bd09ll&src={src}",
        },
        "tencent": {
            "app": f"qqmap://map/routeplan?{tencent}",
            "web": f"https://apis.map.qq.com/uri/v1/routeplan?{tencent}",
        },
    }
