"""Public pages: the courier's map (``/``), the station page (``/s/<code>``), the API
document and its reference page (workers' reports: :mod:`stationmap.web.reports`).

Map pages carry inline folium scripts, so they get their own Content-Security-Policy
with a per-response nonce (the app-wide header is only a default; see
:class:`stationmap.web.SecurityHeaders`) and, when base tiles are configured, the tile
host in ``img-src``.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from functools import cache
from typing import Any, cast

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)

from stationmap import catalog
from stationmap.app_state import state
from stationmap.render.map_spec import MapParts, MapSpec, StationMarker, Tiles, local_assets
from stationmap.services import pages as page_service
from stationmap.services import stations as station_service
from stationmap.web.basemap import current_tiles, map_page_policy
from stationmap.web.i18n import current_lang, lang_switch
from stationmap.web.openapi import build_spec
from stationmap.web.params import is_district_code

bp = Blueprint("public", __name__)

# Filter chips offered on the map page, most asked-for first.
FILTER_AMENITIES = (
    "water",
    "toilet",
    "phone_charging",
    "ebike_charging",
    "microwave",
    "air_conditioning",
    "heating",
    "first_aid",
    "meals",
)
# The district picker's selects, top level first (see page_service.district_picker).
PICKER_LEVELS = ("province", "city", "county")
_CODE = re.compile(r"[0-9A-Za-z-]{1,20}")
# ``?near=lat,lon&by=gps``: where the list was sorted from, carried from the map page to
# a station page and back, so its back link returns to the same list.
# ASCII digits only: ``\d`` would also match full-width (４４.３) and other scripts'
# digits, which float() reads, so a mangled link would still give a point.
_NEAR = re.compile(r"(-?[0-9]{1,2}(?:\.[0-9]{1,7})?),(-?[0-9]{1,3}(?:\.[0-9]{1,7})?)", re.ASCII)
ORIGIN_KINDS = ("gps", "tap", "centre", "district")
# Decimals of a point written into an address (app.js's URL_DECIMALS): 3 is about 100 m,
# enough to sort a list, too few to tell where a rider stands from a link passed on.
URL_DECIMALS = 3
# The nearest list's length and how the page asks for the location: the inline boot
# script (templates/_courier_boot.js) and app.js ask alike, so app.js can take over
# what the boot script started.
NEAREST_K = 10
GEO_OPTIONS = {"enableHighAccuracy": True, "timeout": 15000, "maximumAge": 60000}

# Strings for the page script, one language per page.
SCRIPT_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "locating": "正在获取你的位置…",
        "located": "已按你的当前位置排序。",
        "located_rough": (
            "你的位置不准（误差约 {km} 公里），距离仅供参考。长按地图上你所在的地方，可从那里查找。"
        ),
        "denied": "你没有允许本页使用位置，所以无法按当前位置查找。",
        "unavailable": "暂时无法获得你的位置（信号弱或定位服务关闭）。",
        "timeout": "获取位置超时。",
        "unsupported": "此浏览器不支持定位。",
        "insecure": "页面不是通过 HTTPS 打开的，浏览器不允许定位。",
        "fallback": "请点地图上的位置，或在下方选择区县。",
        "picked": "按你在地图上点的位置排序。点地图可换个位置。",
        "picked_long": "按你在地图上选的位置排序。长按地图可换个位置。",
        "centre": "列表随地图移动，按地图中心排序。",
        "back_near": "按你刚才的位置排序。",
        "district": "显示所选区县的驿站，按区县中心排序。点地图可从该处查找。",
        "zoom_in": "放大地图以显示驿站。",
        "too_many": "此范围内驿站太多，只显示了一部分；请放大地图。",
        "none_found": "附近没有符合条件的驿站。试试减少筛选条件。",
        "load_failed": "加载失败，请检查网络后重试。",
        "server_failed": "服务器暂时出错，请稍后再试。",
        "request_refused": "无法按这些条件查找（{m}）。请减少或更换筛选条件。",
        "far_title": "{km} 公里内没有驿站",
        "far_note": "{km} 公里内没有驿站。下面是最近的几个，都很远；也可以在下方选择区县。",
        "far": "很远",
        "pick_district": "选择区县",
        "more_amenities": "+{n}",
        "choose_origin": "还没有位置：点地图或选择区县后，这里会列出最近的驿站。",
        "ebike": "电动车约",
        "walk": "步行约",
        "min": "分钟",
        "hour": "小时",
        "open": "营业中",
        "closed": "未营业",
        "unknown": "开放时间未知",
        "open_until": "营业中，{t} 关门",
        "opens_at": "未营业，{t} 开门",
        "closing_soon": "即将关门（{t}）",
        "opening_soon": "即将开门（{t}）",
        "always_open": "24小时开放",
        "closed_now": "已关闭",
        "tomorrow": "明天 {t}",
        "weekdays": "周日,周一,周二,周三,周四,周五,周六",
        "title_gps": "离你最近的驿站",
        "title_tap": "离所选位置最近的驿站",
        "title_district": "离区县中心最近的驿站",
        "title_centre": "离地图中心最近的驿站",
        "title_near": "离你刚才的位置最近的驿站",
        "title_none": "最近的驿站",
        "back": "回到我的位置",
        "choose": "— 请选择 —",
        "loading": "加载中…",
        "districts_failed": "区县列表加载失败，请稍后再试。",
        "navigate": "导航",
        "wx_hint": "若没有打开导航 App：点右上角 ··· 选「在浏览器打开」；地址可在「详情」里复制",
        "call": "电话",
        "report": "报告问题",
        "details": "详情",
        "demo": "演示数据",
        "unverified": "未核实",
        "you": "你的位置",
        "picked_point": "查找位置",
        "amap": "高德地图",
        "baidu": "百度地图",
        "tencent": "腾讯地图",
        "count": "显示 {n} 个驿站",
        "offline": "离线数据，更新于 {t}",
    },
    "en": {
        "locating": "Finding your location…",
        "located": "Sorted by distance from where you are.",
        "located_rough": "Your location is rough (off by up to about {km} km): distances are "
        "approximate. Long-press the map where you are to search from there.",
        "denied": "You did not allow this page to use your location, so it cannot sort by it.",
        "unavailable": "Your location is not available right now (weak signal or location off).",
        "timeout": "Finding your location took too long.",
        "unsupported": "This browser cannot share a location.",
        "insecure": "This page was not opened over HTTPS, so the browser will not share a "
        "location.",
        "fallback": "Tap a place on the map, or pick a district below.",
        "picked": "Sorted by distance from the place you tapped. Tap the map to move it.",
        "picked_long": "Sorted by distance from the place you picked. Long-press the map "
        "to move it.",
        "centre": "The list follows the map: sorted from its centre.",
        "back_near": "Sorted from where you were.",
        "district": "Stations of the chosen district, sorted from its centre. Tap the map "
        "to search from there.",
        "zoom_in": "Zoom in to see stations.",
        "too_many": "Too many stations here; only some are shown. Zoom in.",
        "none_found": "No station matches nearby. Try fewer filters.",
        "load_failed": "Loading failed. Check the network and try again.",
        "server_failed": "The server had a problem. Try again later.",
        "request_refused": "These filters cannot be searched ({m}). Change or remove some filters.",
        "far_title": "No station within {km} km",
        "far_note": "No station within {km} km. The nearest ones below are far away; you "
        "can also pick a district below.",
        "far": "far",
        "pick_district": "Pick a district",
        "more_amenities": "+{n}",
        "choose_origin": "No location yet: tap the map or pick a district to list the "
        "nearest stations.",
        "ebike": "e-bike ~",
        "walk": "walk ~",
        "min": "min",
        "hour": "h",
        "open": "Open now",
        "closed": "Closed now",
        "unknown": "Hours unknown",
        "open_until": "Open now, closes {t}",
        "opens_at": "Closed, opens {t}",
        "closing_soon": "Closing soon ({t})",
        "opening_soon": "Opening soon ({t})",
        "always_open": "Open 24 hours",
        "closed_now": "Closed",
        "tomorrow": "tomorrow {t}",
        "weekdays": "Sun,Mon,Tue,Wed,Thu,Fri,Sat",
        "title_gps": "Nearest to you",
        "title_tap": "Nearest to the point you picked",
        "title_district": "Nearest to the district centre",
        "title_centre": "Nearest to the map centre",
        "title_near": "Nearest to where you were",
        "title_none": "Nearest stations",
        "back": "Back to my location",
        "choose": "— choose —",
        "loading": "Loading…",
        "districts_failed": "The district list did not load. Try again later.",
        "navigate": "Navigate",
        "wx_hint": (
            "If no navigation app opens: tap ··· at the top right and choose “Open in Browser”;"
            " the address can be copied under Details"
        ),
        "call": "Call",
        "report": "Report a problem",
        "details": "Details",
        "demo": "Demo data",
        "unverified": "not verified",
        "you": "You are here",
        "picked_point": "Search point",
        "amap": "AMap",
        "baidu": "Baidu Maps",
        "tencent": "Tencent Maps",
        "count": "{n} stations shown",
        "offline": "Offline data, updated {t}",
    },
}


class _PartsCache:
    """The courier page's rendered map by (district, districts' data version, tiles,
    attribution prefix): folium compiles a dozen templates for each map, about half
    of the page's CPU, and the map differs only with these. At most ``size`` kept,
    the oldest dropped first; thread-safe enough for gthread workers (a lost race
    renders twice)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._kept: dict[tuple[Any, ...], MapParts] = {}

    def get(self, key: tuple[Any, ...]) -> MapParts | None:
        return self._kept.get(key)

    def put(self, key: tuple[Any, ...], parts: MapParts) -> None:
        while len(self._kept) >= self.size:
            self._kept.pop(next(iter(self._kept)), None)
        self._kept[key] = parts


def _map_parts_cache() -> _PartsCache:
    """This app's cache (one per app: tests run several apps in one process)."""
    kept = current_app.extensions.get("stationmap.map_parts")
    if kept is None:
        kept = current_app.extensions.setdefault("stationmap.map_parts", _PartsCache())
    return cast(_PartsCache, kept)


@cache
def _spec() -> dict[str, Any]:
    return build_spec()


# -- language, tiles, content security ---------------------------------------------------
def _nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return str(g.csp_nonce)


def _map_page(html: str, tiles: Tiles) -> Response:
    """The response for a page with an inline map script: CSP with this response's
    nonce, tile hosts allowed as images."""
    response = make_response(html)
    response.headers["Content-Security-Policy"] = map_page_policy(tiles, _nonce())
    response.headers["Cache-Control"] = "no-cache"
    return response


def _assets() -> Any:
    return local_assets(url=lambda name: url_for("static", filename=name))


def _page_map(spec: MapSpec) -> MapParts:
    """The rendered map for a page. folium (and the pandas it imports) is imported by
    the first map page a process serves, not by every worker and command at start."""
    from stationmap.render.map import page_map

    return page_map(spec, _assets())


def _page_context(lang: str) -> dict[str, Any]:
    return {"lang": lang, "zh": lang == "zh", "csp_nonce": _nonce(), **lang_switch()}


def _terms(terms: tuple[catalog.Term, ...], lang: str, only: tuple[str, ...] = ()) -> list[Any]:
    chosen = [t for t in terms if not only or t.code in only]
    if only:
        chosen.sort(key=lambda t: only.index(t.code))
    return [{"code": t.code, "name": t.name(lang)} for t in chosen]


# -- pages -------------------------------------------------------------------------------
def _chosen_district(session: Any) -> str | None:
    """The district asked for: ``?district=CODE`` (links, the picker with a script) or
    the picker's ``province``/``city``/``county`` selects (without a script). Aborts
    with 404 for a malformed or unknown ``district``."""
    code = request.args.get("district", "")
    if code:
        if not is_district_code(code):
            abort(404)
        return code
    wanted = [request.args.get(name, "") for name in PICKER_LEVELS]
    if not all(not v or is_district_code(v) for v in wanted):
        abort(404)
    return page_service.resolve_district(session, wanted)


def _near() -> dict[str, Any] | None:
    """``?near=lat,lon&by=KIND`` when well formed and in range; otherwise None (a
    broken link still opens the page, which then locates the courier)."""
    match = _NEAR.fullmatch(request.args.get("near", ""))
    if match is None:
        return None
    lat, lon = float(match[1]), float(match[2])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    by = request.args.get("by", "")
    return {"lat": lat, "lon": lon, "by": by if by in ORIGIN_KINDS else "tap"}


def _chosen_filters() -> dict[str, Any]:
    """The chips asked for in the address, ``?amenity=water,toilet&open_now=1&
    worker_group=courier`` (what app.js writes there as they change): a reload, a link
    passed on or the way back from a station page keeps them. Read leniently, as a page
    is: a code that is not a chip here is left out, so an old or mangled link still
    opens the page, with the chips it can show."""
    asked = {code.strip() for value in request.args.getlist("amenity") for code in value.split(",")}
    group = request.args.get("worker_group", "")
    return {
        "amenity": [code for code in FILTER_AMENITIES if code in asked],
        "open_now": request.args.get("open_now", "") in ("1", "true"),
        "worker_group": group if group in catalog.WORKER_GROUP_CODES else "",
    }


def _filter_args(chosen: dict[str, Any]) -> dict[str, Any]:
    """``chosen`` as query parameters, in the order and form app.js writes them."""
    args = {"amenity": ",".join(chosen["amenity"]), "open_now": "1" if chosen["open_now"] else ""}
    args["worker_group"] = chosen["worker_group"]
    return {name: value for name, value in args.items() if value}


def _amenity_order() -> list[str]:
    """Amenity codes in the order a courier reads them: the filter chips' order, then
    the rest in the catalogue's order (not alphabetically by English code)."""
    rest = [t.code for t in catalog.AMENITIES if t.code not in FILTER_AMENITIES]
    return [*FILTER_AMENITIES, *rest]


@bp.get("/")
def index() -> Response:
    """The courier's map page. What it embeds is bounded whatever the dataset holds: the
    map, the filters, the top level of the district picker and, for a chosen district,
    its boundary and the picker's chain; stations, hours and deeper picker levels come
    from the API on demand."""
    lang = current_lang()
    tiles = current_tiles()
    prefix = state(current_app).settings.map_prefix
    district = None
    with state(current_app).db.session() as session:
        district_code = _chosen_district(session)
        version = page_service.districts_version(session)
        key = (district_code, version, tiles, prefix)
        parts = _map_parts_cache().get(key)
        if district_code:
            district = page_service.district_view(
                session, district_code, with_boundary=parts is None
            )
            if district is None:
                abort(404)
        picker = page_service.district_picker(session, district_code)
    if parts is None:
        spec = MapSpec(
            center=(35.0, 105.0),
            zoom=4,
            bounds=district.bounds if district else None,
            boundary=district.boundary if district else None,
            cluster=True,
            tiles=tiles,
            attribution_prefix=prefix,
        )
        parts = _page_map(spec)
        _map_parts_cache().put(key, parts)
    near = _near()
    chosen = _chosen_filters()
    nearest_url = url_for("api.nearest_stations")
    config = {
        "lang": lang,
        "map": parts.map_name,
        "cluster": parts.cluster_name,
        "datum": parts.datum,
        # Loaded by app.js once the list is drawn; then it calls window.smBuildMap.
        "map_assets": {"scripts": parts.scripts, "styles": parts.styles},
        "nearest_k": NEAREST_K,
        "geo_options": GEO_OPTIONS,
        "district": (
            {
                "code": district.code,
                "name": district.short_name,
                # [min_lat, min_lon, max_lat, max_lon]: app.js reads the two corners
                "bounds": [*district.bounds.corners()[0], *district.bounds.corners()[1]]
                if district.bounds
                else None,
            }
            if district
            else None
        ),
        "index": url_for("public.index"),
        "near": near,
        "reach_m": state(current_app).settings.reach_m,
        "amenity_order": _amenity_order(),
        "api": {
            "nearest": nearest_url,
            "stations": url_for("api.list_stations"),
            "district": url_for("api.district_detail", code="000000").removesuffix("000000"),
            "districts": url_for("api.district_list"),
        },
        "page": url_for("public.station_page", code="CODE").removesuffix("CODE"),
        "sw": url_for("service_worker"),
        "health": url_for("public.health"),
        "amenities": {t.code: t.name(lang) for t in catalog.AMENITIES},
        "text": SCRIPT_TEXT[lang],
    }
    boot = {
        # Where app.js would ask for the location at once: no district, no ``near``.
        "locate": district is None and near is None,
        "nearest": nearest_url,
        # The chips ticked in the address, as app.js asks for them (open_now=true), so
        # that the boot script's question is the one app.js would ask.
        "filters": [
            [name, "true" if name == "open_now" else value]
            for name, value in _filter_args(chosen).items()
        ],
        "k": NEAREST_K,
        "options": GEO_OPTIONS,
    }
    html = render_template(
        "index.html",
        map=parts,
        config=config,
        boot=boot,
        district=district,
        picker=[
            (name, picker[i] if i < len(picker) else page_service.PickerLevel([], ""))
            for i, name in enumerate(PICKER_LEVELS)
        ],
        amenities=_terms(catalog.AMENITIES, lang, FILTER_AMENITIES),
        groups=_terms(catalog.WORKER_GROUPS, lang),
        chosen=chosen,
        **_page_context(lang),
    )
    return _map_page(html, tiles)


@bp.get("/s/<code>")
def station_page(code: str) -> Response:
    if not _CODE.fullmatch(code):
        abort(404)
    lang = current_lang()
    settings = state(current_app).settings
    tiles = current_tiles()
    with state(current_app).db.session() as session:
        station = page_service.station_by_code(
            session,
            code,
            datetime.now(UTC),
            settings.tz,
            lang,
            settings.app_name,
            settings.tencent_key,
            stale_days=settings.stale_days,
        )
    if station is None:
        abort(404)
    spec = MapSpec(
        center=(station.lat, station.lon),
        zoom=15,
        boundary=station.district.boundary if station.district else None,
        cluster=False,
        marker=StationMarker(station.lat, station.lon, station.name),
        tiles=tiles,
        attribution_prefix=settings.map_prefix,
    )
    parts = _page_map(spec)
    near = _near()
    back: dict[str, Any] = {}
    if near is not None:
        # 3 decimals (about 100 m), as app.js writes it: an address is passed on, and
        # the list's page takes the exact point back from the tab's own storage.
        back = {"near": f"{near['lat']:.{URL_DECIMALS}f},{near['lon']:.{URL_DECIMALS}f}"}
        back["by"] = near["by"]
    elif station.district:
        back = {"district": station.district.code}
    # The list's chips, kept on the way back.
    back_url = url_for("public.index", **back, **_filter_args(_chosen_filters()))
    html = render_template(
        "station.html",
        station=station,
        map=parts,
        back_url=back_url,
        **_page_context(lang),
    )
    return _map_page(html, tiles)


# -- the API document and health ---------------------------------------------------------
@bp.get("/api/openapi.json")
def openapi_document() -> Response:
    return jsonify(_spec())


@bp.get("/api/docs")
def api_docs() -> str:
    return render_template("api_docs.html", spec=_spec())


@bp.get("/healthz")
def health() -> Response:
    with state(current_app).db.session() as session:
        total = station_service.count(session)
    return jsonify({"status": "ok", "stations": total})
