"""Stations from GIS files: a GeoPackage or a zipped Shapefile read into the same
:class:`~stationmap.tabular.layout.Table` as a spreadsheet, so that the same checks
(:func:`stationmap.station_fields.parse_station`, all or nothing) judge it. Pure; geopandas
and pyogrio are imported when such a file comes.

Each point layer is read like a sheet: the layer's name is the sheet, a feature's
position in the layer (from 1) its row, and the attribute a value came from its column,
so every message names the layer, feature and attribute. Attributes are matched by the
field codes, the Shapefile names of :data:`~stationmap.tabular.gis_write.SHAPEFILE_NAMES`
and the Chinese headers spreadsheets use; others are skipped with a note.

Datum: a feature's ``datum`` attribute, else WGS-84 for a layer in WGS-84 or CGCS2000
(EPSG:4326, 4490), else (another CRS) the points are projected to WGS-84 first. A layer
without a CRS (a Shapefile without ``.prj``) and without ``datum`` does not say: the
import asks, as for a spreadsheet without a 坐标系 column.
"""

from __future__ import annotations

import io
import math
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from stationmap.station_fields import FIELDS, FieldError
from stationmap.tabular.columns import KEPT_COLUMNS, READ_ONLY_COLUMNS, TableError
from stationmap.tabular.gis_bounded import run_bounded
from stationmap.tabular.gis_write import SHAPEFILE_NAMES
from stationmap.tabular.guards import MAX_UNCOMPRESSED_BYTES, bomb_ratio, detect_format
from stationmap.tabular.layout import Table, TableRow, header_target
from stationmap.tabular.reading import read_rows
from stationmap.tabular.sheets import MAX_DATA_ROWS, MAX_READ_SECONDS

GisKind = Literal["gpkg", "shp"]
GPKG_MAGIC = b"SQLite format 3\x00"
MAX_SHAPEFILE_MEMBERS = 100
#: CRSs whose coordinates are WGS-84 longitude and latitude (CGCS2000 to centimetres).
WGS84_EPSG = (4326, 4490)
_SHAPEFILE_TARGETS = {short.casefold(): name for name, short in SHAPEFILE_NAMES.items()}
_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def gis_kind(data: bytes) -> GisKind | None:
    """``gpkg`` for a GeoPackage (an SQLite file), ``shp`` for a zip holding a ``.shp``,
    else ``None``."""
    if data.startswith(GPKG_MAGIC):
        return "gpkg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return None
        if any(_is_shp(name) for name in names):
            return "shp"
    return None


def _is_shp(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.suffix.lower() == ".shp" and "__MACOSX" not in path.parts


def read_station_file(
    data: bytes, filename: str | None = None, *, max_seconds: float = MAX_READ_SECONDS
) -> Table:
    """The station rows of any file an import takes: GeoPackage and zipped Shapefile
    here, CSV, XLSX and GeoJSON by :func:`~stationmap.tabular.reading.read_rows`.

    Raises
    ------
    TableError
        For a file that cannot be read, naming the layer (and feature) where it can.
    """
    kind = gis_kind(data)
    if kind is None:
        return read_rows(data, detect_format(data, filename), max_seconds=max_seconds)
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "gpkg":
            path, encoding = Path(tmp) / "upload.gpkg", None
            path.write_bytes(data)
        else:
            path, encoding = unpack_shapefile(data, Path(tmp))
        # GDAL runs the SQL a GeoPackage holds, which may never end: in a process of
        # its own, ended at the limit (see gis_bounded).
        return run_bounded(_read_layers, path, encoding, max_seconds=max_seconds)


def unpack_shapefile(data: bytes, folder: Path) -> tuple[Path, str | None]:
    """The one Shapefile in the zip ``data``, unpacked into ``folder`` (by base name:
    nothing else of the zip is written), and its encoding when it has no ``.cpg``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_SHAPEFILE_MEMBERS or (
            sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES
        ):
            raise TableError(
                "The zip file is too large or has too many files for a Shapefile.",
                message_zh=f"压缩包过大或文件过多（最多 {MAX_SHAPEFILE_MEMBERS} 个文件）："
                "请只打包一个 Shapefile 的 .shp、.shx、.dbf、.prj、.cpg 文件",
            )
        for info in infos:
            if (ratio := bomb_ratio(info)) is not None:
                raise TableError(
                    f"{info.filename} is compressed {ratio:.0f} times; it is rejected.",
                    message_zh=f"压缩包中的 {info.filename} 压缩了 {ratio:.0f} 倍，不安全，已拒绝",
                )
        shps = [i for i in infos if _is_shp(i.filename)]
        if len(shps) != 1:
            names = "、".join(i.filename for i in shps)
            raise TableError(
                f"The zip holds {len(shps)} Shapefiles ({names}); put one in each zip.",
                message_zh=f"压缩包中有 {len(shps)} 个 Shapefile（{names}）：每个压缩包只放一个",
            )
        stem = PurePosixPath(shps[0].filename.replace("\\", "/"))
        parts: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            path = PurePosixPath(info.filename.replace("\\", "/"))
            same = path.parent == stem.parent and path.stem == stem.stem
            if same and path.suffix.lower() in _PARTS:
                parts[path.suffix.lower()] = info
        if ".dbf" not in parts or ".shx" not in parts:
            missing = "、".join(s for s in (".shx", ".dbf") if s not in parts)
            raise TableError(
                f"The Shapefile {stem.name} has no {missing} beside it in the zip.",
                message_zh=f"压缩包中 Shapefile {stem.name} 缺少 {missing} 文件：请一起打包",
            )
        layer = stem.stem if stem.stem.isprintable() and "/" not in stem.stem else "layer"
        for suffix, info in parts.items():
            (folder / f"{layer}{suffix}").write_bytes(archive.read(info))
    encoding = None
    if ".cpg" not in parts:
        encoding = _dbf_encoding((folder / f"{layer}.dbf").read_bytes())
    return folder / f"{layer}.shp", encoding


def _dbf_encoding(dbf: bytes) -> str:
    """UTF-8 when a DBF's records decode as UTF-8, else GB18030 (what Chinese GIS
    software writes without a ``.cpg``)."""
    header = int.from_bytes(dbf[8:10], "little") if len(dbf) >= 10 else 0
    try:
        dbf[header:].decode("utf-8")
    except UnicodeDecodeError:
        return "GB18030"
    return "UTF-8"


def _read_layers(path: Path, encoding: str | None) -> Table:
    import pyogrio

    try:
        layers = pyogrio.list_layers(path)
    except (pyogrio.errors.DataSourceError, UnicodeError) as exc:
        raise TableError(
            f"The file cannot be read as a GIS file: {exc}",
            message_zh="文件无法作为 GeoPackage 或 Shapefile 读取：请在 QGIS 中另存后上传",
        ) from None
    points = [str(name) for name, kind in layers if kind in ("Point", "MultiPoint", "Unknown")]
    if not points:
        raise TableError(
            "The file has no point layer: stations are points.",
            message_zh="文件中没有点图层：驿站应是点要素",
        )
    table = Table()
    total = 0
    for layer in points:
        try:
            info = pyogrio.read_info(path, layer=layer, encoding=encoding)
            total += max(int(info["features"]), 0)
            frame = None if total > MAX_DATA_ROWS else _read_frame(path, layer, encoding)
        except (pyogrio.errors.DataLayerError, pyogrio.errors.DataSourceError, UnicodeError):
            # A Chinese field name cut at 10 bytes inside a character is one cause.
            raise TableError(
                f"Layer {layer} cannot be read: an attribute name or value is not valid "
                f"{encoding or 'text'}; save the layer again (as GeoPackage) and upload it.",
                message_zh=f"图层“{layer}”无法读取：字段名或属性值的文字编码有误"
                "（如中文字段名超过 10 字节被截断）：请在 QGIS 中另存为 GeoPackage 后上传",
                sheet=layer,
            ) from None
        if total > MAX_DATA_ROWS:
            raise TableError(
                f"Layer {layer}: more than {MAX_DATA_ROWS:,} features; split the file.",
                message_zh=f"图层“{layer}”：要素超过 {MAX_DATA_ROWS:,} 个，请拆分后上传",
                sheet=layer,
            )
        _read_layer(frame, layer, table)
    if len(points) < len(layers):
        skipped = "、".join(str(name) for name, _ in layers if str(name) not in points)
        table.notes.append(
            FieldError(
                "file",
                f"layers that are not points were skipped: {skipped}",
                message_zh=f"以下图层不是点图层，已跳过：{skipped}",
            )
        )
    return table


def _read_frame(path: Path, layer: str, encoding: str | None) -> Any:
    import pyogrio

    return pyogrio.read_dataframe(path, layer=layer, encoding=encoding)


def _targets(columns: list[str], layer: str) -> tuple[dict[str, str], list[str]]:
    """Each attribute's field, and the attributes skipped."""
    targets: dict[str, str] = {}
    skipped = []
    for column in columns:
        target = _SHAPEFILE_TARGETS.get(column.casefold()) or header_target(column)
        if target in FIELDS or target in KEPT_COLUMNS:
            if (other := next((c for c, t in targets.items() if t == target), None)) is not None:
                raise TableError(
                    f"Layer {layer}: attributes {other} and {column} both give {target}; keep one.",
                    message_zh=f"图层“{layer}”：字段 {other} 和 {column} 都表示 {target}，"
                    "请只保留一个",
                    sheet=layer,
                    column=column,
                )
            targets[column] = str(target)
        elif target not in READ_ONLY_COLUMNS:
            skipped.append(column)
    return targets, skipped


def _layer_datum(frame: Any, layer: str, table: Table) -> tuple[Any, str | None]:
    """The frame in WGS-84 longitude/latitude where its CRS says another, and the datum
    its CRS gives (``None``: it has none)."""
    crs = frame.crs
    if crs is None:
        return frame, None
    if crs.to_epsg() in WGS84_EPSG:
        return frame, "wgs84"
    table.notes.append(
        FieldError(
            "file",
            f"layer {layer} is in {crs.name}: its points were converted to WGS-84",
            message_zh=f"图层“{layer}”的坐标系是 {crs.name}：已转换为 WGS-84 经纬度",
            sheet=layer,
        )
    )
    return frame.to_crs(4326), "wgs84"


def _plain(value: object) -> object:
    """A cell as the checks take it: ``None`` for missing, text stripped, numbers."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        return value.strip() or None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _read_layer(frame: Any, layer: str, table: Table) -> None:
    columns = [str(c) for c in frame.columns if c != frame.geometry.name]
    targets, skipped = _targets(columns, layer)
    if skipped:
        table.notes.append(
            FieldError(
                "file",
                f"layer {layer}: attributes not read: {', '.join(skipped)}",
                message_zh=f"图层“{layer}”：以下字段不是驿站字段，未读取：{'、'.join(skipped)}",
                sheet=layer,
            )
        )
    frame, default_datum = _layer_datum(frame, layer, table)
    names = {field: column for column, field in targets.items()}
    cells = {column: frame[column].tolist() for column in targets}  # iterrows costs 3x
    for index, geometry in enumerate(frame.geometry.tolist()):
        number = index + 1
        values: dict[str, object] = {
            field: _plain(cells[column][index]) for column, field in targets.items()
        }
        if geometry is not None and not geometry.is_empty:
            if geometry.geom_type == "MultiPoint" and len(geometry.geoms) == 1:
                geometry = geometry.geoms[0]
            if geometry.geom_type != "Point":
                raise TableError(
                    f"Layer {layer}, feature {number}: a {geometry.geom_type}, not a point.",
                    number,
                    message_zh=f"图层“{layer}”第 {number} 个要素是 {geometry.geom_type}，"
                    "不是点：驿站应是一个点",
                    sheet=layer,
                )
            values["lon"], values["lat"] = float(geometry.x), float(geometry.y)
        if values.get("datum") is None and default_datum is not None:
            values["datum"] = default_datum
        if all(v is None for k, v in values.items() if k != "datum"):
            continue  # an empty feature
        table.rows.append(TableRow(number, values, sheet=layer, columns=names))
