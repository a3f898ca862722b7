"""Settings from the environment. Pure: no Flask, no database.

=============================  =====================================================
``DATABASE_URL``               SQLAlchemy URL; default ``sqlite:///<instance>/stationmap.sqlite3``.
                               ``postgresql+psycopg://...`` selects PostgreSQL/PostGIS.
``SECRET_KEY``                 required unless ``STATIONMAP_ENV`` is ``development``
                               or ``testing``.
``STATIONMAP_ENV``             ``production`` (default), ``development`` or ``testing``.
``STATIONMAP_TIMEZONE``        IANA zone in which opening hours are read; default
                               ``Asia/Shanghai``.
``STATIONMAP_PUBLIC_URL``      the public base URL, for links printed on posters.
``STATIONMAP_APP_NAME``        the ``src``/``sourceApplication`` sent to navigation apps.
``STATIONMAP_TENCENT_KEY``     Tencent Maps ``referer`` key for its URI API (optional).
``STATIONMAP_INDEX_CHECK_S``   how often a process checks for edits by others; default 0.5.
``REDIS_URL``                  shared rate-limit state between processes (``redis://...``);
                               default: each process counts in memory.
``STATIONMAP_API_RATE_LIMIT``  per-client limit on the API; default ``600 per minute``
                               (generous: couriers share carrier-grade NAT addresses);
                               ``off`` for none (benchmarks).
``STATIONMAP_PROXY_HOPS``      reverse proxies in front (for the client address); default 0.
``STATIONMAP_LOGIN_RATE_LIMIT`` login attempts per client address; default ``10 per minute``.
``STATIONMAP_IMPORT_MAX_BYTES`` largest admin upload (larger: 413); default 5 MiB.
``STATIONMAP_IMPORT_JOB_BYTES`` uploads larger than this are checked and imported in the
    background, with a progress page; default 256 KiB.
``STATIONMAP_SESSION_IDLE_MINUTES`` an unused admin session ends; default 120.
``STATIONMAP_TILES``           base map: ``none`` (default; works offline), ``osm``,
                               ``tianditu`` (needs ``STATIONMAP_TIANDITU_KEY``) or ``amap``
                               (GCJ-02: markers are converted to sit on it).
``STATIONMAP_BASEMAP_SOURCE``  printed maps: the base map's source, as its publisher
                               requires it stated (for example 自然资源部 标准地图服务).
``STATIONMAP_BASEMAP_APPROVAL`` printed maps: the base map's review number (审图号).
``STATIONMAP_REACH_KM``        the courier's page: beyond this distance a station is "far"
                               (no station nearby, no walking time); default 20.
``STATIONMAP_STALE_DAYS``      a station not verified for this many days is marked stale
                               (``stale: true``); default 180.
``STATIONMAP_REPORTED_CLOSED_MIN`` distinct clients reporting "closed" within 24 h that mark
                               a station reported closed; default 3.
``STATIONMAP_MAP_PREFIX``      plain text before the map's attributions (Leaflet's prefix);
                               default empty: no prefix, no link out of the app.
``STATIONMAP_GEOCODER``        address look-up offered in the station editor: ``none``
                               (default), ``tianditu`` or ``amap`` (the deployer's key in
                               ``STATIONMAP_GEOCODER_KEY``). Its answer is a suggestion
                               the administrator confirms by saving; never stored alone.
``STATIONMAP_GEOCODER_URL``    the geocoder's endpoint, to override the public one (a
                               proxy on a closed network; a local fake in tests).
``STATIONMAP_GEOCODER_TIMEOUT_S`` how long to wait for the geocoder; default 5.
``STATIONMAP_REPORT_RATE_SHORT`` workers' reports per client in a short window; default
    ``6 per 10 minutes``; ``off`` for none. Counted in the report table.
``STATIONMAP_REPORT_RATE_DAY`` workers' reports per client per day; default ``30 per day``.
``STATIONMAP_NOTIFY_LOCAL``   ``1``: districts' report webhooks may point at this machine
    or a private network (a closed network's own relay); default ``0``: public
    addresses only.
=============================  =====================================================
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says what to set. ``str(error)`` is
    the English; :meth:`text` gives the Chinese too (``message_zh``), for a terminal
    that reads Chinese."""

    def __init__(self, message: str, message_zh: str = "") -> None:
        super().__init__(message)
        self.message_zh = message_zh

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` (``zh``, ``zh_CN``, ... or ``en``)."""
        return self.message_zh if lang.startswith("zh") and self.message_zh else str(self)


ENVIRONMENTS = ("production", "development", "testing")
TILE_CHOICES = ("none", "osm", "tianditu", "amap")
GEOCODER_CHOICES = ("none", "tianditu", "amap")


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    env: str = "production"
    timezone: str = "Asia/Shanghai"
    public_url: str = "http://127.0.0.1:5000"
    app_name: str = "stationmap"
    tencent_key: str = ""
    index_check_s: float = 0.5
    redis_url: str = ""
    api_rate_limit: str = "600 per minute"
    # A district's coverage costs 60-200 ms of a core for each new radius, time or amenity
    # set (about 1 ms for a nearest query): its own, lower limit per client address.
    coverage_rate_limit: str = "30 per minute"
    proxy_hops: int = 0
    tiles: str = "none"
    tianditu_key: str = ""
    login_rate_limit: str = "10 per minute"
    import_max_bytes: int = 5 * 1024 * 1024
    import_job_bytes: int = 256 * 1024
    session_idle_minutes: float = 120.0
    basemap_source: str = ""
    basemap_approval: str = ""
    reach_m: float = 20_000.0
    map_prefix: str = ""
    geocoder: str = "none"
    geocoder_key: str = ""
    geocoder_url: str = ""
    geocoder_timeout_s: float = 5.0
    # (how many, window in seconds) per client; see services/reports.py
    report_rates: tuple[tuple[int, int], ...] = ((6, 600), (30, 86400))
    stale_days: float = 180.0
    reported_closed_min: int = 3
    notify_local: bool = False

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_settings(environ: Mapping[str, str], instance_path: Path) -> Settings:
    """Read and check the settings. Raises :class:`ConfigError` with a message naming the
    variable to fix."""
    env = environ.get("STATIONMAP_ENV", "production").strip().lower()
    if env not in ENVIRONMENTS:
        raise ConfigError(
            f"STATIONMAP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}",
            f"STATIONMAP_ENV 应为 {'、'.join(ENVIRONMENTS)} 之一，而不是 {env!r}",
        )
    secret = environ.get("SECRET_KEY", "")
    if not secret:
        if env == "production":
            raise ConfigError(
                "SECRET_KEY is not set. Set it to a long random string, for example "
                "`export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')`, "
                "or set STATIONMAP_ENV=development on a developer machine.",
                "没有设置 SECRET_KEY：请设为一串足够长的随机字符，例如 "
                "`export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')`；"
                "在开发用的电脑上也可设置 STATIONMAP_ENV=development。",
            )
        secret = "dev-only-not-secret"  # noqa: S105 - development and tests only
    timezone = environ.get("STATIONMAP_TIMEZONE", "Asia/Shanghai")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"STATIONMAP_TIMEZONE={timezone!r} is not an IANA time zone",
            f"STATIONMAP_TIMEZONE={timezone!r} 不是 IANA 时区名，请写如 Asia/Shanghai",
        ) from exc
    url = environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'stationmap.sqlite3'}"
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        check_s = float(environ.get("STATIONMAP_INDEX_CHECK_S", "0.5"))
    except ValueError as exc:
        raise ConfigError(
            "STATIONMAP_INDEX_CHECK_S must be a number of seconds",
            "STATIONMAP_INDEX_CHECK_S 应为秒数",
        ) from exc
    try:
        proxy_hops = int(environ.get("STATIONMAP_PROXY_HOPS", "0"))
    except ValueError as exc:
        raise ConfigError(
            "STATIONMAP_PROXY_HOPS must be a whole number", "STATIONMAP_PROXY_HOPS 应为整数"
        ) from exc
    try:
        import_max_bytes = int(environ.get("STATIONMAP_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
    except ValueError as exc:
        raise ConfigError(
            "STATIONMAP_IMPORT_MAX_BYTES must be a whole number of bytes",
            "STATIONMAP_IMPORT_MAX_BYTES 应为字节数（整数）",
        ) from exc
    try:
        import_job_bytes = int(environ.get("STATIONMAP_IMPORT_JOB_BYTES", str(256 * 1024)))
    except ValueError as exc:
        raise ConfigError(
            "STATIONMAP_IMPORT_JOB_BYTES must be a whole number of bytes",
            "STATIONMAP_IMPORT_JOB_BYTES 应为字节数（整数）",
        ) from exc
    idle_minutes = _number(
        environ,
        "STATIONMAP_SESSION_IDLE_MINUTES",
        "120",
        0,
        1e9,
        ("be a positive number of minutes", "应为大于 0 的分钟数"),
    )
    reach_km = _number(
        environ,
        "STATIONMAP_REACH_KM",
        "20",
        0,
        200,
        ("be a distance in km above 0, at most 200", "应为大于 0、不超过 200 的公里数"),
    )
    stale_days = _number(
        environ,
        "STATIONMAP_STALE_DAYS",
        "180",
        0,
        36_500,
        ("be a number of days above 0", "应为大于 0 的天数"),
    )
    reported_min = _number(
        environ,
        "STATIONMAP_REPORTED_CLOSED_MIN",
        "3",
        1,
        1000,
        ("be a whole number from 1", "应为不小于 1 的整数"),
        low_open=False,
    )
    if reported_min != int(reported_min):
        raise ConfigError(
            "STATIONMAP_REPORTED_CLOSED_MIN must be a whole number from 1",
            "STATIONMAP_REPORTED_CLOSED_MIN 应为不小于 1 的整数",
        )
    redis_url = environ.get("REDIS_URL", "")
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(
            "REDIS_URL must start with redis://, rediss:// or unix://",
            "REDIS_URL 应以 redis://、rediss:// 或 unix:// 开头",
        )
    tiles = environ.get("STATIONMAP_TILES", "none").strip().lower() or "none"
    if tiles not in TILE_CHOICES:
        raise ConfigError(
            f"STATIONMAP_TILES must be one of {', '.join(TILE_CHOICES)}",
            f"STATIONMAP_TILES 应为 {'、'.join(TILE_CHOICES)} 之一",
        )
    tianditu_key = environ.get("STATIONMAP_TIANDITU_KEY", "").strip()
    if tiles == "tianditu" and not tianditu_key.isalnum():
        raise ConfigError(
            "STATIONMAP_TILES=tianditu needs STATIONMAP_TIANDITU_KEY (letters, digits)",
            "STATIONMAP_TILES=tianditu 需要设置 STATIONMAP_TIANDITU_KEY（天地图密钥，字母和数字）",
        )
    geocoder, geocoder_key, geocoder_url, geocoder_timeout_s = _geocoder(environ)
    return Settings(
        database_url=url,
        secret_key=secret,
        env=env,
        timezone=timezone,
        public_url=environ.get("STATIONMAP_PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/"),
        app_name=environ.get("STATIONMAP_APP_NAME", "stationmap"),
        tencent_key=environ.get("STATIONMAP_TENCENT_KEY", ""),
        index_check_s=check_s,
        redis_url=redis_url,
        api_rate_limit=environ.get("STATIONMAP_API_RATE_LIMIT", "600 per minute"),
        coverage_rate_limit=environ.get("STATIONMAP_COVERAGE_RATE_LIMIT", "30 per minute"),
        proxy_hops=proxy_hops,
        tiles=tiles,
        tianditu_key=tianditu_key,
        login_rate_limit=environ.get("STATIONMAP_LOGIN_RATE_LIMIT", "10 per minute"),
        import_max_bytes=import_max_bytes,
        import_job_bytes=import_job_bytes,
        session_idle_minutes=idle_minutes,
        basemap_source=environ.get("STATIONMAP_BASEMAP_SOURCE", "").strip(),
        basemap_approval=environ.get("STATIONMAP_BASEMAP_APPROVAL", "").strip(),
        reach_m=reach_km * 1000.0,
        map_prefix=environ.get("STATIONMAP_MAP_PREFIX", "").strip(),
        geocoder=geocoder,
        geocoder_key=geocoder_key,
        geocoder_url=geocoder_url,
        geocoder_timeout_s=geocoder_timeout_s,
        report_rates=tuple(
            rate
            for name, default in (("SHORT", "6 per 10 minutes"), ("DAY", "30 per day"))
            if (rate := _rate(f"STATIONMAP_REPORT_RATE_{name}", environ, default)) is not None
        ),
        stale_days=stale_days,
        reported_closed_min=int(reported_min),
        notify_local=_switch(environ, "STATIONMAP_NOTIFY_LOCAL"),
    )


def _switch(environ: Mapping[str, str], name: str) -> bool:
    """An on/off setting: ``1``/``true``/``yes`` or ``0``/``false``/``no``/empty."""
    text = environ.get(name, "").strip().lower()
    if text in ("1", "true", "yes"):
        return True
    if text in ("", "0", "false", "no"):
        return False
    raise ConfigError(
        f"{name} must be 1 or 0, not {text!r}", f"{name} 应为 1 或 0，而不是 {text!r}"
    )


def _geocoder(environ: Mapping[str, str]) -> tuple[str, str, str, float]:
    """``STATIONMAP_GEOCODER*``: the service, its key, its endpoint and the timeout."""
    name = environ.get("STATIONMAP_GEOCODER", "none").strip().lower() or "none"
    if name not in GEOCODER_CHOICES:
        raise ConfigError(
            f"STATIONMAP_GEOCODER must be one of {', '.join(GEOCODER_CHOICES)}",
            f"STATIONMAP_GEOCODER 应为 {'、'.join(GEOCODER_CHOICES)} 之一",
        )
    key = environ.get("STATIONMAP_GEOCODER_KEY", "").strip()
    if name != "none" and not (key.isascii() and key.isalnum()):
        raise ConfigError(
            f"STATIONMAP_GEOCODER={name} needs STATIONMAP_GEOCODER_KEY (letters, digits)",
            f"STATIONMAP_GEOCODER={name} 需要设置 STATIONMAP_GEOCODER_KEY（字母和数字）",
        )
    url = environ.get("STATIONMAP_GEOCODER_URL", "").strip()
    if url and not url.startswith(("http://", "https://")):
        raise ConfigError(
            "STATIONMAP_GEOCODER_URL must start with http:// or https://",
            "STATIONMAP_GEOCODER_URL 应以 http:// 或 https:// 开头",
        )
    timeout_s = _number(
        environ,
        "STATIONMAP_GEOCODER_TIMEOUT_S",
        "5",
        0,
        60,
        ("be a number of seconds, 0 to 60", "应为 0 到 60 之间的秒数"),
    )
    return name, key, url, timeout_s


def _number(
    environ: Mapping[str, str],
    name: str,
    default: str,
    low: float,
    high: float,
    must: tuple[str, str],
    *,
    low_open: bool = True,
) -> float:
    """The setting ``name`` read as a number within ``low`` (excluded unless
    ``low_open`` is false) and ``high``; otherwise a :class:`ConfigError` saying
    ``name must …`` (``must``: English, Chinese)."""
    try:
        value = float(environ.get(name, default))
    except ValueError:
        value = math.nan
    above = value > low if low_open else value >= low
    if not (above and value <= high):
        raise ConfigError(f"{name} must {must[0]}", f"{name} {must[1]}")
    return value


_RATE_RE = re.compile(r"\s*([0-9]{1,6})\s*(?:per|/)\s*([0-9]{0,6})\s*(second|minute|hour|day)s?\s*")
_UNIT_S = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def _rate(name: str, environ: Mapping[str, str], default: str) -> tuple[int, int] | None:
    """``6 per 10 minutes`` -> (6, 600); ``off`` -> None."""
    text = environ.get(name, default).strip().lower()
    if text in ("", "off", "none"):
        return None
    match = _RATE_RE.fullmatch(text)
    if match is None or int(match[1]) < 1 or match[2] == "0":
        raise ConfigError(
            f"{name} must be like '6 per 10 minutes' or 'off', not {text!r}",
            f"{name} 应写成 '6 per 10 minutes' 的形式或 'off'，而不是 {text!r}",
        )
    return int(match[1]), int(match[2] or 1) * _UNIT_S[match[3]]


def environ_with_overrides(overrides: Mapping[str, object] | None) -> dict[str, str]:
    """``os.environ`` with a test config's upper-case string keys laid over it."""
    merged = dict(os.environ)
    for key, value in (overrides or {}).items():
        if key.isupper() and isinstance(value, str):
            merged[key] = value
    return merged
