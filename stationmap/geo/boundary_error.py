"""Why a district boundary cannot be used, in English and in Chinese. Pure: no Flask.

:class:`BoundaryError` is what :mod:`stationmap.geo.districts` raises (and re-exports);
it carries the kind of problem and its values, not a sentence, so that the command line
and any page can word it in their reader's language (like the import's
:class:`~stationmap.station_fields.FieldError`, whose ``text(lang)`` it mirrors).
"""

from __future__ import annotations

from typing import Any

#: What a :class:`BoundaryError` says, by kind, in English and in Chinese: templates
#: filled from the error's ``values`` (:meth:`str.format` fields).
_BOUNDARY_TEXT: dict[str, tuple[str, str]] = {
    "not_geometry": (
        "boundary must be a shapely geometry, got {got}",
        "边界不是几何图形（收到 {got}）：请提供面状边界（Polygon 或 MultiPolygon）",
    ),
    "empty": (
        "boundary is empty",
        "边界为空：请提供该行政区的面状边界",
    ),
    "not_polygonal": (
        "boundary must be a Polygon or MultiPolygon, got {got}",
        "边界应为面（Polygon 或 MultiPolygon），收到的是 {got}：请提供面状边界，而不是线或点",
    ),
    "not_finite": (
        "boundary has a coordinate that is not a finite number",
        "边界有坐标不是有限数字（空值或无穷大）：请在 GIS 软件中修正或删除该顶点",
    ),
    "off_globe": (
        "boundary lies outside longitude -180..180 / latitude -90..90 "
        "(bounds lon {lon_min:g}..{lon_max:g}, lat {lat_min:g}..{lat_max:g}); "
        "is it projected, or are longitude and latitude swapped?",
        "边界超出经度 -180..180、纬度 -90..90 的范围（经度 {lon_min:g}..{lon_max:g}，"
        "纬度 {lat_min:g}..{lat_max:g}）：是投影坐标，还是经度和纬度填反了？"
        "请提供 WGS-84 经纬度（度）",
    ),
    "collapses": (
        "boundary collapses to nothing when repaired ({reason})",
        "边界修复后不剩任何面（{reason}）：各环可能退化成了线或点，请在 GIS 软件中重画边界",
    ),
    "unrepairable": (
        "boundary cannot be repaired ({reason})",
        "边界无法自动修复（{reason}）：请在 GIS 软件中修正边界",
    ),
    "no_code": (
        "a district feature has no code",
        "有一个行政区要素没有编码：请在其 code 属性中填写 6 位行政区划代码",
    ),
    "bad_level": (
        "level must be one of {levels}, got {level!r}",
        "级别应为 province（省级）、city（地级）或 county（县级），而不是 {level!r}："
        "请改正其 level 属性",
    ),
    "unreadable_geometry": (
        "unreadable geometry ({reason})",
        "几何无法读取（{reason}）：请检查该要素的 geometry 是否为有效的 GeoJSON",
    ),
    "not_collection": (
        "{path} is not a GeoJSON FeatureCollection",
        "{path} 不是 GeoJSON FeatureCollection（要素集合）：请提供要素集合文件",
    ),
    "code_twice": (
        "{path}: district code {code} appears twice",
        "{path}：行政区代码 {code} 出现了两次：每个行政区只能有一个要素，请删除重复的一个",
    ),
}


class BoundaryError(ValueError):
    """A boundary that cannot be used: empty, not polygonal, or off the globe.

    Structured, so that each interface words it in its own language: ``kind`` names
    the problem (a key of the module's text table: ``"empty"``, ``"off_globe"``, ...),
    ``values`` fills its message and ``district`` is the code of the district whose
    boundary it is, where known. ``str(error)`` is the English message; :meth:`text`
    gives either language.
    """

    def __init__(
        self,
        kind: str,
        values: dict[str, object] | None = None,
        district: str | None = None,
    ) -> None:
        if kind not in _BOUNDARY_TEXT:
            raise ValueError(f"unknown boundary problem {kind!r}")
        self.kind = kind
        self.values: dict[str, object] = dict(values or {})
        self.district = district
        super().__init__(self.text("en"))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.kind, self.values, self.district))

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` (``zh`` or ``en``), naming the district if known."""
        zh = lang.startswith("zh")
        message = _BOUNDARY_TEXT[self.kind][1 if zh else 0].format(**self.values)
        if self.district is None:
            return message
        return (
            f"行政区 {self.district}：{message}" if zh else f"district {self.district}: {message}"
        )
