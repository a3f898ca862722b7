"""Address look-up for the station editor: a suggested point for an address, from
Tianditu's or AMap's geocoder with the deployer's key (``STATIONMAP_GEOCODER``; none by
default).

A suggestion is only ever shown: the editor moves its marker there and the
administrator confirms by saving (or moves it first). Nothing here writes to the
database, and the point is returned in WGS-84 whatever the service answers in (AMap
answers GCJ-02, converted with :func:`stationmap.geo.datum.to_wgs84`'s iterative
inverse; Tianditu answers CGCS2000, which is WGS-84 to centimetres).

Callers get a :class:`Geocoder` from :func:`make_geocoder` once, at start-up, and never
ask which service it is. Every failure is a :class:`GeocodingError` carrying a message
in Chinese and English.
"""

from __future__ import annotations

import json
import math
import urllib.parse
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from stationmap.config import Settings
from stationmap.geo.datum import Datum, in_china, to_wgs84
from stationmap.services import editing, placement

AMAP_URL = "https://restapi.amap.com/v3/geocode/geo"
TIANDITU_URL = "http://api.tianditu.gov.cn/geocoder"
#: An answer larger than this is not a geocoder's answer.
MAX_ANSWER_BYTES = 256 * 1024
MAX_ADDRESS_CHARS = 200

SERVICE_ZH = {"amap": "高德地理编码", "tianditu": "天地图地理编码"}
SERVICE_EN = {"amap": "AMap geocoder", "tianditu": "Tianditu geocoder"}


@dataclass(frozen=True)
class Suggestion:
    """Where the service places an address: ``lat``, ``lon`` in WGS-84 (degrees),
    the service's own reading of the address and how precise it says it is."""

    lat: float
    lon: float
    service: str
    matched: str = ""
    level: str = ""


class GeocodingError(Exception):
    """The look-up gave no point: ``kind`` is ``not_found``, ``timeout`` or
    ``unavailable`` (the service refused, failed or answered nonsense)."""

    def __init__(self, kind: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.kind = kind
        self.message_zh = zh
        self.message_en = en


class Geocoder(Protocol):
    @property
    def service(self) -> str:
        """The service's name (``amap``, ``tianditu``)."""
        ...

    def locate(self, address: str) -> Suggestion:
        """The suggested point for ``address``; raises :class:`GeocodingError`."""
        ...


def _fetch_json(url: str, timeout_s: float, service: str) -> Any:
    """GET ``url`` and read its JSON body, every failure as a GeocodingError."""
    import urllib.error  # here: only an editor's look-up needs them
    import urllib.request

    zh, en = SERVICE_ZH[service], SERVICE_EN[service]
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
            body = response.read(MAX_ANSWER_BYTES + 1)
    except TimeoutError as exc:
        raise _timeout(zh, en, timeout_s) from exc
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the connection open
        raise GeocodingError(
            "unavailable",
            f"{zh}服务出错（HTTP {exc.code}），请稍后再试，或直接在地图上放置。",
            f"The {en} failed (HTTP {exc.code}); try again later or place the point on the map.",
        ) from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise _timeout(zh, en, timeout_s) from exc
        raise GeocodingError(
            "unavailable",
            f"无法连接{zh}服务，请稍后再试，或直接在地图上放置。",
            f"The {en} cannot be reached; try again later or place the point on the map.",
        ) from exc
    except OSError as exc:
        raise GeocodingError(
            "unavailable",
            f"无法连接{zh}服务，请稍后再试，或直接在地图上放置。",
            f"The {en} cannot be reached; try again later or place the point on the map.",
        ) from exc
    if len(body) > MAX_ANSWER_BYTES:
        raise _nonsense(zh, en)
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _nonsense(zh, en) from exc


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _timeout(zh: str, en: str, timeout_s: float) -> GeocodingError:
    return GeocodingError(
        "timeout",
        f"{zh}服务 {timeout_s:g} 秒内没有答复，请稍后再试，或直接在地图上放置。",
        f"The {en} did not answer within {timeout_s:g} s; try again later "
        "or place the point on the map.",
    )


def _nonsense(zh: str, en: str) -> GeocodingError:
    return GeocodingError(
        "unavailable",
        f"{zh}服务的答复无法识别，请直接在地图上放置。",
        f"The {en}'s answer could not be read; place the point on the map.",
    )


def _not_found(service: str, address: str) -> GeocodingError:
    return GeocodingError(
        "not_found",
        f"{SERVICE_ZH[service]}没有找到“{address}”，请把地址写完整（省、市、区县、街道、门牌），"
        "或直接在地图上放置。",
        f"The {SERVICE_EN[service]} found no place for “{address}”; write the full address "
        "(province, city, county, street, number) or place the point on the map.",
    )


def _refused(service: str, reason: str) -> GeocodingError:
    reason = reason[:80]
    return GeocodingError(
        "unavailable",
        f"{SERVICE_ZH[service]}服务拒绝了请求（{reason}），请系统管理员检查密钥"
        "（STATIONMAP_GEOCODER_KEY）。",
        f"The {SERVICE_EN[service]} refused the request ({reason}); the system administrator "
        "should check the key (STATIONMAP_GEOCODER_KEY).",
    )


def _point(service: str, address: str, lat: Any, lon: Any, datum: Datum) -> tuple[float, float]:
    """The service's (lat, lon) in ``datum`` as WGS-84, refusing what is not a point in
    China (a service answers a country's or a province's centre for a vague address, but
    never a point outside China)."""
    try:
        lat_f, lon_f = float(str(lat).strip()), float(str(lon).strip())
    except ValueError:
        raise _nonsense(SERVICE_ZH[service], SERVICE_EN[service]) from None
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)) or not in_china(lat_f, lon_f):
        raise _not_found(service, address)
    w_lat, w_lon = to_wgs84(lat_f, lon_f, datum)
    return float(w_lat), float(w_lon)


@dataclass(frozen=True)
class AmapGeocoder:
    """AMap's web-service geocoder: ``GET {url}?address=&key=&output=JSON`` answers
    ``{"status": "1", "geocodes": [{"location": "lon,lat", ...}]}`` in GCJ-02."""

    key: str
    url: str = AMAP_URL
    timeout_s: float = 5.0
    service: str = "amap"

    def locate(self, address: str) -> Suggestion:
        query = urllib.parse.urlencode({"address": address, "key": self.key, "output": "JSON"})
        body = _fetch_json(f"{self.url}?{query}", self.timeout_s, self.service)
        if not isinstance(body, dict):
            raise _nonsense(SERVICE_ZH[self.service], SERVICE_EN[self.service])
        if str(body.get("status")) != "1":
            raise _refused(self.service, str(body.get("info") or body.get("infocode") or ""))
        found = body.get("geocodes")
        if not isinstance(found, list) or not found or not isinstance(found[0], dict):
            raise _not_found(self.service, address)
        first = found[0]
        location = str(first.get("location") or "")
        if location.count(",") != 1:
            raise _not_found(self.service, address)
        lon, lat = location.split(",")
        w_lat, w_lon = _point(self.service, address, lat, lon, "gcj02")
        return Suggestion(
            w_lat,
            w_lon,
            self.service,
            matched=str(first.get("formatted_address") or "")[:200],
            level=str(first.get("level") or "")[:20],
        )


@dataclass(frozen=True)
class TiandituGeocoder:
    """Tianditu's geocoder: ``GET {url}?ds={"keyWord": address}&tk=`` answers
    ``{"status": "0", "location": {"lon": ..., "lat": ..., "level": ...}}`` in CGCS2000
    (WGS-84 to centimetres)."""

    key: str
    url: str = TIANDITU_URL
    timeout_s: float = 5.0
    service: str = "tianditu"

    def locate(self, address: str) -> Suggestion:
        ds = json.dumps({"keyWord": address}, ensure_ascii=False)
        query = urllib.parse.urlencode({"ds": ds, "tk": self.key})
        body = _fetch_json(f"{self.url}?{query}", self.timeout_s, self.service)
        if not isinstance(body, dict):
            raise _nonsense(SERVICE_ZH[self.service], SERVICE_EN[self.service])
        status, message = str(body.get("status", "")), str(body.get("msg") or "")
        location = body.get("location")
        if not isinstance(location, dict) or "lon" not in location or "lat" not in location:
            # "0" with no location, or "无结果": the address is unknown; anything else
            # ("1", "404" with a message) is the service refusing.
            if status in ("0", "101") or "无结果" in message:
                raise _not_found(self.service, address)
            raise _refused(self.service, message or status)
        w_lat, w_lon = _point(
            self.service, address, location.get("lat"), location.get("lon"), "wgs84"
        )
        return Suggestion(
            w_lat,
            w_lon,
            self.service,
            matched=str(location.get("keyWord") or "")[:200],
            level=str(location.get("level") or "")[:20],
        )


def make_geocoder(settings: Settings) -> Geocoder | None:
    """The configured geocoder, or ``None`` (``STATIONMAP_GEOCODER=none``)."""
    if settings.geocoder == "amap":
        return AmapGeocoder(
            settings.geocoder_key, settings.geocoder_url or AMAP_URL, settings.geocoder_timeout_s
        )
    if settings.geocoder == "tianditu":
        return TiandituGeocoder(
            settings.geocoder_key,
            settings.geocoder_url or TIANDITU_URL,
            settings.geocoder_timeout_s,
        )
    return None


def clean_address(text: str) -> str:
    """The address as sent: spaces collapsed, at most MAX_ADDRESS_CHARS characters."""
    return " ".join(text.split())[:MAX_ADDRESS_CHARS]


@dataclass(frozen=True)
class Whereabouts:
    """Which stored district a suggestion falls in (``None``: none), named for people,
    and whether the user may place a station there."""

    district_code: str | None
    name_zh: str
    name_en: str
    in_scope: bool


def whereabouts(
    session: Session, suggestion: Suggestion, codes: frozenset[str] | None
) -> Whereabouts:
    """Where ``suggestion`` lies, for the editor to say before anyone saves it."""
    code = editing.locate(session, suggestion.lat, suggestion.lon)
    names = placement.Names.load(session)
    return Whereabouts(code, names.zh(code), names.en(code), editing.in_scope(codes, code))
