"""The station editor's 纬度/经度 as an administrator types or pastes them: a picker's
pair pasted into one field, the two fields swapped, a point outside their districts
(and where it would lie read in another order or datum)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stationmap.field_values import ValueProblem
from stationmap.field_values.degrees import parse_degrees, split_pair
from stationmap.geo.datum import DATUMS, Datum
from stationmap.services import placement
from stationmap.station_fields import FieldError
from stationmap.web.admin.common import _db, _me
from stationmap.web.i18n import tr


def split_pasted(form: dict[str, Any], *, note: bool = True) -> str | None:
    """A picker's pair pasted into 纬度 or 经度 (``116.397428,39.90923``) is split into
    both fields of ``form``, in place. The other field may be empty, hold the same
    paste, or hold one value (the old one of a station being moved: the pair pasted
    over one field replaces both). Returns the note saying how it was read (``""`` when
    ``note`` is false), or ``None`` if nothing was split."""
    lat_text, lon_text = str(form.get("lat") or "").strip(), str(form.get("lon") or "").strip()
    for pasted, other, other_zh, other_en in (
        (lat_text, lon_text, "经度", "longitude"),
        (lon_text, lat_text, "纬度", "latitude"),
    ):
        pair = split_pair(pasted) if pasted else None
        if pair is None or (other not in ("", pasted) and split_pair(other) is not None):
            continue
        form["lat"], form["lon"] = pair
        if not note:
            return ""
        replaced = other not in ("", pasted, pair[0], pair[1])
        return tr(
            f"已把粘贴的“{pasted}”拆成纬度 {pair[0]}、经度 {pair[1]}"
            + (f"（原来的{other_zh} {other} 已被替换）" if replaced else "")
            + "：请在地图上核对位置，并确认“坐标系”是取坐标的那种地图。",
            f"The pasted '{pasted}' was split into latitude {pair[0]} and longitude {pair[1]}"
            + (f" (the {other_en} {other} it replaces was dropped)" if replaced else "")
            + ": check the point on the map, and that the coordinate system is the map the "
            "coordinates came from.",
        )
    return None


def _datum(form: dict[str, Any]) -> Datum:
    value = str(form.get("datum") or "wgs84")
    return value if value in DATUMS else "wgs84"


def _entered(form: dict[str, Any], lat_axis: str, lon_axis: str) -> tuple[float, float] | None:
    try:
        return (
            parse_degrees(form.get(lat_axis) or "", "lat"),
            parse_degrees(form.get(lon_axis) or "", "lon"),
        )
    except ValueProblem:
        return None


def _readings(lat: float, lon: float, datum: Datum) -> list[tuple[str, str]]:
    with _db().session() as session:
        return placement.other_readings(session, lat, lon, datum, _me().scope.codes)


def swapped_errors(form: dict[str, Any], errors: Sequence[FieldError]) -> list[FieldError]:
    """``errors`` of a refused form, with the 纬度 range error of two swapped fields (纬度
    111.7, 经度 40.8) replaced by one that says so, and where the point lies swapped."""
    if _entered(form, "lat", "lon") is not None or not any(e.field == "lat" for e in errors):
        return list(errors)
    swapped = _entered(form, "lon", "lat")
    if swapped is None:
        return list(errors)
    found = dict(_readings(swapped[1], swapped[0], _datum(form)))
    names = _names()
    lat_text, lon_text = str(form.get("lat")).strip(), str(form.get("lon")).strip()
    where_zh = f"，对调后该点在{names.zh(found['swapped'])}" if "swapped" in found else ""
    where_en = (
        f"; swapped, the point lies in {names.en(found['swapped'])}" if "swapped" in found else ""
    )
    error = FieldError(
        "lat",
        f"latitude and longitude look swapped: latitude {lat_text} is over 90, longitude "
        f"{lon_text} is a latitude{where_en}. Swap the two fields and save again.",
        message_zh=f"纬度和经度可能填反了：纬度 {lat_text} 超过 90，经度 {lon_text} 像是纬度"
        f"{where_zh}。请把纬度、经度两格对调后再保存。",
    )
    return [error, *(e for e in errors if e.field not in ("lat", "lon"))]


def _names() -> placement.Names:
    with _db().session() as session:
        return placement.Names.load(session)


def out_of_scope_message(district: str | None, form: dict[str, Any]) -> str:
    """Names the district by name and level ("该位置在玛纳斯县（县级，652324）…"), and
    where the typed point would lie in the user's districts read swapped or in another
    datum, if it would."""
    names = _names()
    entered = _entered(form, "lat", "lon")
    datum = _datum(form)
    hint = _readings(*entered, datum)[:1] if entered is not None else []
    if district:
        where_zh = f"在{names.zh(district)}，不在您负责的区县内"
        where_en = f"in {names.en(district)}, not in your districts"
    else:
        where_zh = "不在任何已知区县内（可能在海上或境外）"
        where_en = "outside every known district (at sea or abroad?)"
    zh = (
        f"按{placement.DATUM_ZH[datum]}坐标，该位置{where_zh}，不能保存。"
        "请核对经纬度和坐标系，或在地图上把点移到您负责的区县内。"
    )
    en = (
        f"This point lies {where_en}, so it cannot be saved. Check the latitude, "
        "longitude and coordinate system, or move the point on the map into one of "
        "your districts."
    )
    for kind, found in hint:
        if kind == "swapped":
            zh += f"把纬度、经度对调后，该点在{names.zh(found)}：请检查两格是否填反。"
            en += f" With latitude and longitude swapped it lies in {names.en(found)}."
        else:
            zh += f"若坐标取自{placement.DATUM_ZH[kind]}地图，该点在{names.zh(found)}："
            zh += "请检查“坐标系”是否选对。"
            en += f" Read as {placement.DATUM_EN[kind]} coordinates it lies in "
            en += f"{names.en(found)}: check which map they came from."
    return tr(zh, en)


def coarse_point(form: dict[str, Any]) -> tuple[FieldError | None, str | None]:
    """Coordinates typed with few decimals: an error when both are whole degrees (the
    station could be 50 km away), else a note for 2 decimals or fewer (about 0.5 km),
    to show after the save; ``(None, None)`` for finer ones."""
    lat, lon = str(form.get("lat") or "").strip(), str(form.get("lon") or "").strip()
    coarse = placement.coarse_places(lat, lon)
    if coarse is None:
        return None, None
    fewest, most, metres = coarse
    far_zh = f"{metres / 1000:.1f} 公里" if metres >= 1000 else f"{metres:.0f} 米"
    far_en = f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"
    if most == 0:
        return FieldError(
            "lat",
            f"latitude {lat} and longitude {lon} are whole degrees: the station could be "
            f"{far_en} away. Click its place on the map, or take the coordinates from a "
            "map's coordinate picker (5 or more decimals).",
            message_zh=f"纬度 {lat}、经度 {lon} 是整数度，驿站位置可能偏差约 {far_zh}："
            "请在地图上点击驿站的位置，或用地图的坐标拾取器取坐标（至少 5 位小数）。",
        ), None
    return None, tr(
        f"请核对纬度、经度：{lat}、{lon} 只有 {fewest} 位小数，驿站位置可能偏差约 {far_zh}。"
        "请在地图上核对标记，必要时点击地图上的准确位置后再保存。",
        f"Please check latitude and longitude: {lat}, {lon} have only {fewest} decimal(s), "
        f"so the station may be up to about {far_en} away. Check the marker on the map and, "
        "if needed, click the exact place and save again.",
    )
