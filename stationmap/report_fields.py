"""A worker's report as sent, read and checked: its kinds and statuses in words, the
tracking code, the keyed hash that stands for the reporter's client, the fingerprint
of identical reports and the per-client limits' arithmetic. Pure: no Flask, no
database (stationmap.services.reports stores reports).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from stationmap import catalog
from stationmap.field_values import ValueProblem, has_lone_surrogate
from stationmap.field_values.phones import read_phone
from stationmap.geo.datum import NoWgs84Point, parse_datum, to_wgs84
from stationmap.station_fields import FieldError

STATION_KINDS = ("closed", "amenity", "location", "other")
MAX_TEXT = 1000
MAX_PHONE = 40
# No 0/O, 1/I/L: a code read aloud or copied from a screen by hand stays one code.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
CODE_RE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
HONEYPOT = "website"
_DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# Control characters but line breaks and tabs, and the invisible text-direction controls
# (embeddings, overrides, isolates) that would show the text reversed to the district.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_SPACE_RE = re.compile(r"\s+")
# What shows nothing on its own: controls, format characters (zero-width space and
# joiners, the byte-order mark, soft hyphen), spaces and separators, combining marks,
# and the few letters and symbols drawn blank (Hangul fillers, the Braille blank).
_UNSEEN_CATEGORIES = frozenset(("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"))
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# A pin's position counts in a fingerprint to about 100 m.
_PIN_DECIMALS = 3

KIND_TERMS: tuple[catalog.Term, ...] = (
    catalog.Term("closed", "已关门或没按时开放", "Closed / not open as listed"),
    catalog.Term("amenity", "设施缺失或损坏", "Amenity missing or broken"),
    catalog.Term("location", "位置不对", "Wrong location"),
    catalog.Term("other", "其他问题或建议", "Other problem or suggestion"),
    catalog.Term("demand", "这里需要驿站", "A station is needed here"),
)
STATUS_TERMS: tuple[catalog.Term, ...] = (
    catalog.Term("new", "已收到，等待处理", "Received, waiting to be handled"),
    catalog.Term("assigned", "已交给工作人员", "Assigned to a staff member"),
    catalog.Term("in_progress", "正在处理", "Being handled"),
    catalog.Term("resolved", "已解决", "Resolved"),
    catalog.Term("rejected", "未采纳", "Not taken up"),
)

FIELD_NAMES_EN = {
    "kind": "Problem",
    "amenity": "Amenity",
    "needs": "Missing amenities",
    "text": "Details",
    "phone": "Phone",
}
FIELD_NAMES_ZH = {
    "kind": "类型",
    "amenity": "设施",
    "needs": "缺少的设施",
    "lat": "纬度",
    "lon": "经度",
    "datum": "坐标系",
    "text": "说明",
    "phone": "电话",
}


class InvalidReport(ValueError):
    """The report cannot be taken; ``errors`` name each field (English and Chinese)."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class ReportInput:
    """A checked report. ``lat``/``lon`` are WGS-84 degrees (converted from ``datum``)."""

    kind: str
    needs: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    text: str = ""
    phone: str = ""
    lang: str = "zh"


def term_name(terms: tuple[catalog.Term, ...], code: str, lang: str) -> str:
    """The name of ``code`` in ``terms`` in ``lang``; the code itself if unknown."""
    return next((t.name(lang) for t in terms if t.code == code), code)


# -- reading ------------------------------------------------------------------------------
def _error(field: str, en: str, zh: str) -> FieldError:
    return FieldError(field, en, message_zh=f"{FIELD_NAMES_ZH.get(field, field)}：{zh}")


def _text(raw: object, field: str, limit: int, errors: list[FieldError]) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        errors.append(_error(field, "must be text", "应为文字"))
        return ""
    if has_lone_surrogate(raw) or "\x00" in raw:
        errors.append(
            _error(field, "contains an invalid character", "含有无效字符，请删除后重新输入")
        )
        return ""
    # A form sends each line break of a textarea as CR LF, which its maxlength counted
    # as one character: counted as two here, 1000 characters typed were "1010".
    raw = raw.replace("\r\n", "\n")
    text = _CONTROL_RE.sub("", unicodedata.normalize("NFC", raw)).strip()
    if max(len(text), len(raw)) > limit:
        errors.append(
            _error(
                field,
                f"is longer than {limit} characters ({len(raw)})",
                f"不能超过 {limit} 个字（现在 {len(raw)} 个）",
            )
        )
        return ""
    return text if shows_something(text) else ""


def shows_something(text: str) -> bool:
    """True when ``text`` has a character a reader can see: text of zero-width spaces,
    joiners or Hangul fillers alone says nothing, however long it is."""
    return any(
        ch not in _BLANK_CHARACTERS and unicodedata.category(ch) not in _UNSEEN_CATEGORIES
        for ch in text
    )


def _coordinate(
    raw: object, field: str, low: float, high: float, errors: list[FieldError]
) -> float | None:
    if raw is None or raw == "":
        errors.append(_error(field, "is required for this kind of report", "这类报告必须填写"))
        return None
    value: float | None = None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw)
    elif isinstance(raw, str) and _DECIMAL_RE.fullmatch(raw.strip()):
        value = float(raw.strip())
    if value is None or not math.isfinite(value):
        errors.append(_error(field, "must be a decimal number", "应为十进制数字"))
        return None
    if not low <= value <= high:
        errors.append(
            _error(field, f"must be between {low:g} and {high:g}", f"应在 {low:g} 到 {high:g} 之间")
        )
        return None
    return value


def _amenity_codes(raw: object, field: str, errors: list[FieldError]) -> tuple[str, ...]:
    if raw is None or raw == "":
        return ()
    items: list[object] = list(raw) if isinstance(raw, list | tuple) else [raw]
    codes = [item for item in items if isinstance(item, str)]
    if len(codes) != len(items):
        errors.append(_error(field, "must be amenity codes", "应为设施代码"))
        return ()
    unknown = [item for item in codes if item not in catalog.AMENITY_BY_CODE]
    if unknown:
        shown = ", ".join(u[:30] for u in unknown[:5])
        errors.append(
            _error(field, f"unknown amenity code(s): {shown}", f"未知的设施代码：{shown}")
        )
        return ()
    return tuple(dict.fromkeys(codes))


def _phone(raw: object, errors: list[FieldError]) -> str:
    if raw is None or raw == "":
        return ""
    if not isinstance(raw, str) or "\x00" in raw or has_lone_surrogate(raw) or len(raw) > 60:
        errors.append(_error("phone", "must be a phone number", "应为电话号码"))
        return ""
    try:
        reading = read_phone(raw)
    except ValueProblem as exc:
        errors.append(FieldError("phone", exc.message, message_zh=exc.message_zh))
        return ""
    if len(reading.phone) > MAX_PHONE or " / " in reading.phone:
        errors.append(_error("phone", "give one phone number", "只填一个电话号码"))
        return ""
    return reading.phone


def parse_report(
    raw: Mapping[str, object], *, demand: bool = False, lang: str = "zh"
) -> ReportInput:
    """Read a report as sent (JSON values or form strings). ``demand`` reads a "station
    needed here" pin (kind ``demand``); otherwise ``kind`` is one of
    :data:`STATION_KINDS`. Raises :class:`InvalidReport` naming every bad field."""
    errors: list[FieldError] = []
    kind = "demand" if demand else raw.get("kind")
    if not demand and kind not in STATION_KINDS:
        errors.append(
            _error(
                "kind",
                f"must be one of {', '.join(STATION_KINDS)}",
                "请选择问题类型（已关门、设施缺失或损坏、位置不对、其他）",
            )
        )
        raise InvalidReport(errors)
    assert isinstance(kind, str)
    text = _text(raw.get("text"), "text", MAX_TEXT, errors)
    phone = _phone(raw.get("phone"), errors)
    needs: tuple[str, ...] = ()
    if kind == "amenity":
        needs = _amenity_codes(raw.get("amenity"), "amenity", errors)
        if len(needs) != 1 and not any(e.field == "amenity" for e in errors):
            errors.append(
                _error(
                    "amenity", "choose the one amenity missing or broken", "请选择缺失或损坏的设施"
                )
            )
    elif kind == "demand":
        needs = _amenity_codes(raw.get("needs"), "needs", errors)
    elif kind == "other" and not text and not any(e.field == "text" for e in errors):
        errors.append(_error("text", "say what is wrong", "请写明问题或建议"))
    lat = lon = None
    if kind in ("location", "demand"):
        lat = _coordinate(raw.get("lat"), "lat", -90, 90, errors)
        lon = _coordinate(raw.get("lon"), "lon", -180, 180, errors)
        datum_raw = raw.get("datum") or "wgs84"
        try:
            datum = parse_datum(datum_raw) if isinstance(datum_raw, str) else None
        except ValueError:
            datum = None
        if datum is None:
            errors.append(
                _error("datum", "must be one of wgs84, gcj02, bd09", "应为 wgs84、gcj02 或 bd09")
            )
        elif lat is not None and lon is not None:
            try:
                lat, lon = to_wgs84(lat, lon, datum)
            except NoWgs84Point:
                errors.append(_error("lat", "is outside the range of coordinates", "超出坐标范围"))
    if errors:
        raise InvalidReport(errors)
    return ReportInput(kind, needs, lat, lon, text, phone, "en" if lang == "en" else "zh")


# -- codes, hashes, fingerprints ------------------------------------------------------------
def new_tracking_code() -> str:
    """Eight characters of :data:`CODE_ALPHABET`, at least one of them a letter (so a
    code is never mistaken for a number and never loses a leading digit)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not code.isdigit():
            return code


def normal_code(text: str) -> str | None:
    """A tracking code as typed (any case, spaces or dashes around groups) in its
    stored form, or ``None`` if it cannot be one."""
    code = re.sub(r"[\s-]", "", text).upper()
    return code if CODE_RE.fullmatch(code) else None


def client_hash(secret_key: str, address: str) -> str:
    """The reporter's client as a keyed hash: HMAC-SHA256(secret, address), hex."""
    return hmac.new(
        secret_key.encode(), f"report-client:{address}".encode(), hashlib.sha256
    ).hexdigest()


def normal_text(text: str) -> str:
    """Text as compared for merging: NFKC, case-folded, without format characters
    (a zero-width space slipped in does not make a report new), runs of space as one."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    seen = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    return _SPACE_RE.sub(" ", seen).strip()


def fingerprint(data: ReportInput, station_id: int | None) -> str:
    """Identifies identical reports: kind, station, amenity codes, normalised text and,
    for a pin, its position to about 100 m."""
    parts = [data.kind, str(station_id or ""), ",".join(sorted(data.needs)), normal_text(data.text)]
    if data.lat is not None and data.lon is not None:
        parts.append(f"{data.lat:.{_PIN_DECIMALS}f},{data.lon:.{_PIN_DECIMALS}f}")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def retry_after(times: Sequence[datetime], rates: Sequence[tuple[int, int]], now: datetime) -> int:
    """Seconds until one more report is allowed, given the client's report times (any
    order) and the limits (how many, window in seconds); 0 when allowed now."""
    wait = 0.0
    newest_first = sorted(times, reverse=True)
    for amount, window_s in rates:
        recent = [t for t in newest_first if (now - t).total_seconds() < window_s]
        if len(recent) >= amount:
            oldest_counted = recent[amount - 1]
            wait = max(wait, window_s - (now - oldest_counted).total_seconds())
    return math.ceil(wait) if wait > 0 else 0


def decoy_code() -> str:
    """A code shaped like a real one, for a honeypot answer (nothing is stored)."""
    return new_tracking_code()


# -- a form sent again, edited ---------------------------------------------------------------
def sent_content(data: ReportInput) -> dict[str, object]:
    """What a form send said (kept with its one-time key, as JSON): a later send of
    the same form is compared with it."""
    return {
        "kind": data.kind,
        "needs": sorted(data.needs),
        "lat": None if data.lat is None else round(data.lat, 7),
        "lon": None if data.lon is None else round(data.lon, 7),
        "text": data.text,
        "phone": data.phone,
    }


def _names(codes: object) -> str:
    if not isinstance(codes, list) or not codes:
        return "（无） (none)"
    return "、".join(
        f"{catalog.AMENITY_BY_CODE[c].name('zh')} ({catalog.AMENITY_BY_CODE[c].name('en')})"
        if c in catalog.AMENITY_BY_CODE
        else str(c)
        for c in codes
    )


def edit_note(before: Mapping[str, object], after: Mapping[str, object]) -> str:
    """The reporter's edit of a form already received (``before`` and ``after`` as
    :func:`sent_content` gives them), as a note for the administrator: what each
    changed field says now, in Chinese and English labels. Empty when nothing
    changed."""
    lines: list[str] = []
    if before.get("kind") != after.get("kind"):
        kind = str(after.get("kind"))
        zh = term_name(KIND_TERMS, kind, "zh")
        lines.append(f"类型 Problem: {zh} ({term_name(KIND_TERMS, kind, 'en')})")
    if before.get("needs") != after.get("needs"):
        lines.append(f"设施 Amenities: {_names(after.get('needs'))}")
    if (before.get("lat"), before.get("lon")) != (after.get("lat"), after.get("lon")):
        lat, lon = after.get("lat"), after.get("lon")
        where = "（无） (none)" if lat is None or lon is None else f"{lat}, {lon} (WGS-84)"
        lines.append(f"位置 Position: {where}")
    if before.get("text") != after.get("text"):
        lines.append(f"说明 Details: {after.get('text') or '（已删除） (removed)'}")
    if before.get("phone") != after.get("phone"):
        lines.append(f"电话 Phone: {after.get('phone') or '（已删除） (removed)'}")
    if not lines:
        return ""
    head = (
        "报告人在报告收到后修改了内容并再次发送，改后的内容："
        " / The reporter edited the report after it was received and sent it again; now:"
    )
    return "\n".join([head, *lines])
