"""Reading planning layers from files: grids (网格 polygons with code and name), demand
points (with a weight) and candidate sites (with a label).

Accepted: CSV (points only: 经度/纬度 or lon/lat columns), GeoJSON, GeoPackage and
zipped Shapefile. A file's own CRS is honoured (CGCS2000, a projected CRS...) and the
result brought to WGS-84; ``datum`` says whether its degrees were GCJ-02 or BD-09
(AMap, Baidu), which no CRS can say, and are converted with the iterative inverse of
:mod:`stationmap.geo.datum`. Errors name the feature (row) and the field, in Chinese and
English. geopandas (pyogrio) is imported only when a GIS file is read.
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import shapely

from stationmap.geo.coverage import DemandPoint, GridCell
from stationmap.geo.datum import Datum, to_wgs84
from stationmap.geo.siting import Candidate
from stationmap.tabular.columns import TableError
from stationmap.tabular.gis_bounded import run_bounded
from stationmap.tabular.gis_read import unpack_shapefile
from stationmap.tabular.sheets import MAX_READ_SECONDS

LayerKind = Literal["grid", "demand", "candidate"]
KINDS: tuple[LayerKind, ...] = ("grid", "demand", "candidate")
MAX_BYTES = 50 * 1024 * 1024
MAX_FEATURES = 100_000
READ_SECONDS = MAX_READ_SECONDS  # a GIS layer's reading, in its own process

_KIND_ZH = {"grid": "网格", "demand": "需求点", "candidate": "候选点"}
# Accepted column names, compared case-insensitively.
CODE_FIELDS = ("code", "grid_code", "编码", "网格编码", "网格代码", "代码")
NAME_FIELDS = ("name", "grid_name", "label", "名称", "网格名称", "名字", "标签")
WEIGHT_FIELDS = ("weight", "权重", "需求", "数量", "count")
LON_FIELDS = ("lon", "lng", "longitude", "x", "经度")
LAT_FIELDS = ("lat", "latitude", "y", "纬度")


class LayerError(ValueError):
    """A file that cannot be used; ``message_zh`` names the feature and field."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh


Layer = list[GridCell] | list[DemandPoint] | list[Candidate]


def _find(columns: Sequence[str], wanted: Sequence[str]) -> str | None:
    lowered = {str(c).strip().lower(): str(c) for c in columns}
    for name in wanted:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _weight(value: Any, where_en: str, where_zh: str, field: str) -> float:
    text = _text(value)
    if text == "":
        return 1.0
    try:
        weight = float(text) if text.isascii() else math.nan
    except ValueError:
        weight = math.nan
    if not (math.isfinite(weight) and weight >= 0):
        raise LayerError(
            f"{where_en}, field {field}: weight {text!r} is not a number >= 0",
            f"{where_zh}字段“{field}”：权重“{text}”不是不小于 0 的数",
        )
    return weight


def read_layer(filename: str, data: bytes, kind: LayerKind, datum: Datum = "wgs84") -> Layer:
    """The features of one uploaded file as grids, demand points or candidates (WGS-84)."""
    if kind not in KINDS:
        raise LayerError(f"unknown layer kind {kind!r}", f"未知的图层类型“{kind}”")
    if len(data) > MAX_BYTES:
        raise LayerError(
            f"{filename}: larger than {MAX_BYTES // 2**20} MB",
            f"{filename}：文件超过 {MAX_BYTES // 2**20} MB",
        )
    suffix = Path(filename).suffix.lower()
    if suffix in (".csv", ".txt"):
        if kind == "grid":
            raise LayerError(
                "grids need polygons: GeoPackage, zipped Shapefile or GeoJSON",
                "网格须为面要素：请上传 GeoPackage、Shapefile（zip 压缩）或 GeoJSON 文件",
            )
        return _points_from_csv(data, kind, datum)
    if suffix in (".geojson", ".json", ".gpkg", ".zip"):
        return _from_gis(filename, suffix, data, kind, datum)
    raise LayerError(
        f"{filename}: unsupported file type {suffix or '(none)'}",
        f"{filename}：不支持的文件类型“{suffix or '无扩展名'}”，"
        "请上传 CSV、GeoJSON、GeoPackage 或 zip 压缩的 Shapefile",
    )


def _points_from_csv(data: bytes, kind: LayerKind, datum: Datum) -> Layer:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise LayerError(
                "the CSV is neither UTF-8 nor GB18030", "CSV 文件既不是 UTF-8 也不是 GB18030 编码"
            ) from None
    rows = list(csv.DictReader(io.StringIO(text)))
    header = list(rows[0].keys()) if rows else []
    lon_f, lat_f = _find(header, LON_FIELDS), _find(header, LAT_FIELDS)
    if lon_f is None or lat_f is None:
        raise LayerError(
            "the CSV needs lon and lat columns (经度, 纬度)",
            "CSV 须有“经度”和“纬度”两列（或 lon、lat）",
        )
    if len(rows) > MAX_FEATURES:
        raise LayerError(
            f"more than {MAX_FEATURES} rows", f"行数超过 {MAX_FEATURES}，请拆分后再导入"
        )
    lats, lons = [], []
    for n, row in enumerate(rows, start=2):
        values = []
        for field in (lat_f, lon_f):
            raw = _text(row.get(field))
            try:
                value = float(raw) if raw.isascii() and raw else math.nan
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise LayerError(
                    f"row {n}, column {field}: {raw!r} is not a number",
                    f"第 {n} 行“{field}”列：“{raw}”不是数字",
                )
            values.append(value)
        if not (-90 <= values[0] <= 90 and -180 <= values[1] <= 180):
            raise LayerError(
                f"row {n}: ({values[0]}, {values[1]}) is not a latitude, longitude",
                f"第 {n} 行：纬度 {values[0]}、经度 {values[1]} 超出范围（经纬度是否填反？）",
            )
        lats.append(values[0])
        lons.append(values[1])
    return _points(rows, header, np.array(lats), np.array(lons), kind, datum, "row", 2)


def _points(
    records: Sequence[Any],
    columns: Sequence[str],
    lats: Any,
    lons: Any,
    kind: LayerKind,
    datum: Datum,
    unit: str,
    first: int,
) -> Layer:
    if len(lats) and datum != "wgs84":
        lats, lons = to_wgs84(lats, lons, datum)
    unit_zh = "行" if unit == "row" else "个要素"
    if kind == "demand":
        w_f = _find(columns, WEIGHT_FIELDS)
        out_d = []
        for n, (rec, lat, lon) in enumerate(zip(records, lats, lons, strict=True), start=first):
            w = 1.0
            if w_f is not None:
                w = _weight(rec.get(w_f), f"{unit} {n}", f"第 {n} {unit_zh}", w_f)
            out_d.append(DemandPoint(float(lat), float(lon), w))
        return out_d
    n_f = _find(columns, NAME_FIELDS)
    return [
        Candidate(float(lat), float(lon), _text(rec.get(n_f)) if n_f else "")
        for rec, lat, lon in zip(records, lats, lons, strict=True)
    ]


def _read_frame(target: str, options: dict[str, str]) -> Any:
    """The file's features as a GeoDataFrame (run in the bounded child process)."""
    import geopandas as gpd

    return gpd.read_file(target, engine="pyogrio", max_features=MAX_FEATURES + 1, **options)


def _from_gis(filename: str, suffix: str, data: bytes, kind: LayerKind, datum: Datum) -> Layer:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"layer{suffix}"
        path.write_bytes(data)
        target = str(path)
        options: dict[str, str] = {}
        if suffix == ".zip":
            # The station import's unpacking, with its guards (member count, declared
            # size, each member's compression ratio): only the Shapefile's own parts are
            # written, and its encoding read from the .cpg or guessed (UTF-8, else GBK).
            try:
                shp, encoding = unpack_shapefile(data, Path(tmp))
            except zipfile.BadZipFile:
                raise LayerError(
                    f"{filename} is not a zip file", f"{filename} 不是 zip 文件"
                ) from None
            except TableError as exc:
                raise LayerError(f"{filename}: {exc}", f"{filename}：{exc.message_zh}") from None
            target = str(shp)
            if encoding is not None:
                options["encoding"] = encoding
        try:
            # GDAL runs the SQL a GeoPackage holds, which may never end: in a process
            # of its own, ended at the limit (see tabular.gis_bounded).
            frame = run_bounded(_read_frame, target, options, max_seconds=READ_SECONDS)
        except TableError as exc:
            raise LayerError(f"{filename}: {exc}", f"{filename}：{exc.message_zh}") from None
        except Exception as exc:  # pyogrio raises many types for a damaged file
            raise LayerError(
                f"{filename} cannot be read: {exc}",
                f"无法读取 {filename}：文件损坏或格式不符（{exc}）",
            ) from None
    if len(frame) > MAX_FEATURES:
        raise LayerError(f"more than {MAX_FEATURES} features", f"要素超过 {MAX_FEATURES} 个")
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        if datum != "wgs84" and not frame.crs.is_geographic:
            raise LayerError(
                f"a projected file ({frame.crs.name}) cannot be GCJ-02 or BD-09",
                f"投影坐标系（{frame.crs.name}）的文件不可能是高德或百度坐标，请选择 WGS-84",
            )
        frame = frame.to_crs(4326)
    columns = [c for c in frame.columns if c != frame.geometry.name]
    geoms = frame.geometry.to_numpy()
    records = frame[columns].to_dict("records")
    _kind_zh = _KIND_ZH[kind]
    for n, geom in enumerate(geoms, start=1):
        want = ("Polygon", "MultiPolygon") if kind == "grid" else ("Point",)
        if geom is None or geom.is_empty or geom.geom_type not in want:
            got = "空" if geom is None or geom.is_empty else geom.geom_type
            raise LayerError(
                f"feature {n}: a {kind} must be a {' or '.join(want)}, got {got}",
                f"第 {n} 个要素：{_kind_zh}须为{'面' if kind == 'grid' else '点'}要素，实为 {got}",
            )
    if kind != "grid":
        lons = np.array([g.x for g in geoms], dtype=np.float64)
        lats = np.array([g.y for g in geoms], dtype=np.float64)
        return _points(records, columns, lats, lons, kind, datum, "feature", 1)
    code_f, name_f = _find(columns, CODE_FIELDS), _find(columns, NAME_FIELDS)
    if code_f is None:
        raise LayerError(
            "grids need a code field (code, 编码, 网格编码)",
            "网格文件缺少编码字段（code、编码 或 网格编码）",
        )
    cells: list[GridCell] = []
    seen: set[str] = set()
    for n, (rec, geom) in enumerate(zip(records, geoms, strict=True), start=1):
        code = _text(rec.get(code_f))
        if not code:
            raise LayerError(
                f"feature {n}, field {code_f}: empty code", f"第 {n} 个要素“{code_f}”字段：编码为空"
            )
        if code in seen:
            raise LayerError(
                f"feature {n}, field {code_f}: code {code} repeats",
                f"第 {n} 个要素“{code_f}”字段：编码“{code}”重复",
            )
        seen.add(code)
        if datum != "wgs84":
            geom = shapely.transform(geom, _datum_xy(datum))
        if not geom.is_valid:
            raise LayerError(
                f"feature {n} ({code}): the polygon crosses itself",
                f"第 {n} 个要素（{code}）：多边形自相交，请在 GIS 软件中修复几何后再导入",
            )
        name = _text(rec.get(name_f)) if name_f else ""
        cells.append(GridCell(code, name, geom))
    return cells


def _datum_xy(datum: Datum) -> Any:
    def convert(xy: Any) -> Any:
        lat, lon = to_wgs84(xy[:, 1], xy[:, 0], datum)
        return np.column_stack((lon, lat))

    return convert
