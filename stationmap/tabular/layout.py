"""How an office lays out its station list: finding the header row under title and filler
rows, mapping its columns, carrying merged cells down, splitting a 坐标 cell, skipping
total and note rows: :func:`read_grids` gives a :class:`Table` of :class:`TableRow`.

Every note and error names its sheet, its row as the spreadsheet shows it and its
column letter, in Chinese (``message_zh``) and English (``message``).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from stationmap.geo.datum import Datum, parse_datum
from stationmap.geo.hours_office import clock_of
from stationmap.station_fields import FIELDS, FieldError, split_list
from stationmap.tabular.amenity_columns import (
    AMENITY_PREFIX,
    amenity_column,
    amenity_note,
    mark_error,
    read_mark,
)
from stationmap.tabular.angle_columns import (
    Angle,
    angle_note,
    angle_value,
    one_row_angles,
    sub_row_angles,
)
from stationmap.tabular.cell_kinds import (
    HOURS_END,
    HOURS_START,
    clock_coordinate,
    clock_degrees_text,
    clock_note,
    dated_coordinate,
    dated_hours,
    dated_note,
    failed_formula,
    pair_hours,
    pair_note,
    rows_text,
)
from stationmap.tabular.columns import (
    COORDINATE_ALIASES,
    FIELD_ALIASES,
    HOURS_PAIR_ALIASES,
    KEPT_COLUMNS,
    READ_ONLY_COLUMNS,
    REQUIRED_COLUMNS,
    TableError,
    column_letter,
    header_text,
)
from stationmap.tabular.datum_hint import DatumHint, hints_in
from stationmap.tabular.sheets import Budget, Grid

HEADER_SCAN_ROWS = 30  # the header is among a sheet's first 30 rows with a value
COORDINATES = "coordinates"  # the pseudo-field of a 坐标 "lon,lat" column
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】|〔[^〕]*〕|<[^>]*>")
_TOTAL_ROW = re.compile(
    r"^(合计|总计|小计|共计|累计|注[:：意]|注$|备注[:：]|说明[:：]|填表说明|填报|审核|制表|"
    r"填表人|统计人|单位负责人|分管领导|主管领导|"
    # 以上共5个驿站, 共12家, 数据截至2025年3月1日, a stamp line, a date alone
    r"以上|共\s*[0-9]+\s*[个家处座所]|(?:数据)?截[至止]|.*[(（]盖章[)）]$|"
    r"[0-9]{4}\s*年\s*[0-9]{1,2}\s*月(?:\s*[0-9]{1,2}\s*日)?$)"
)
# A sign-off row under a list (填表人：张三  审核人：李四  填报日期：2025年3月1日): each
# of its cells a label and a colon, wherever the cells fall, 经度 and 纬度 columns too.
_SIGN_OFF_CELL = re.compile(
    r"^(填表人|填报人|审核人|审核|制表人|制表|统计人|负责人|单位负责人|分管领导|主管领导|"
    r"填报单位|填表单位|填报日期|填表日期|制表日期|日期|联系电话|电话)\s*[:：]"
)
_COORDINATE_SPLIT = re.compile(r"[,;/|、]")
_PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
# A hemisphere mark at either end of one coordinate: 北纬39°54′27″, 39°54′27″N.
_LAT_MARK = re.compile(r"^(北纬|南纬|[NS])|[0-9″\"'′°秒分度.\s](北纬|南纬|[NS])$", re.I)
_LON_MARK = re.compile(r"^(东经|西经|[EW])|[0-9″\"'′°秒分度.\s](东经|西经|[EW])$", re.I)


def _marked(text: str, mark: re.Pattern[str]) -> bool:
    return mark.search(text.strip()) is not None


def header_key(header: str) -> str:
    """A header as compared with the aliases: NFKC (full-width to half-width), without
    spaces, line breaks, ``_ -``, asterisks and trailing colons, case-folded."""
    text = unicodedata.normalize("NFKC", header.replace("\ufeff", ""))
    return re.sub(r"[\s_\-*:]+", "", text).casefold()


_ALIASES: dict[str, str] = {
    header_key(name): target
    for target, names in (
        *FIELD_ALIASES.items(),
        *READ_ONLY_COLUMNS.items(),
        (COORDINATES, COORDINATE_ALIASES),
    )
    for name in (target, *names)
}


_HOURS_PAIR: dict[str, str] = {
    header_key(name): target for target, names in HOURS_PAIR_ALIASES.items() for name in names
}


def header_target(header: str) -> str | None:
    """The field (or read-only column, or ``coordinates``) a header names, if any:
    ``"*驿站名称（必填）"`` -> ``name``."""
    key = header_key(header)
    if key in _ALIASES:
        return _ALIASES[key]
    return _ALIASES.get(header_key(_BRACKETS.sub("", unicodedata.normalize("NFKC", header))))


# A coordinate header that names its datum ends in one of these: 高德经度, 百度坐标.
_AXIS_WORDS = (
    ("经纬度坐标", COORDINATES),
    ("经纬度", COORDINATES),
    ("纬经度", COORDINATES),
    ("坐标", COORDINATES),
    ("经度", "lon"),
    ("纬度", "lat"),
)
_DATUM_ZH = {"wgs84": "GPS（WGS-84）", "gcj02": "高德·腾讯（GCJ-02）", "bd09": "百度（BD-09）"}
_DATUM_EN = {"wgs84": "GPS (WGS-84)", "gcj02": "AMap/Tencent (GCJ-02)", "bd09": "Baidu (BD-09)"}
_BRACKETED = re.compile(r"[(\[【〔<]([^)\]】〕>]*)[)\]】〕>]")


def _parsed_datum(text: str) -> Datum | None:
    try:
        return parse_datum(text)
    except ValueError:
        return None


def datum_header(header: str) -> tuple[str, Datum] | None:
    """A coordinate header that says which map the numbers came from: ``高德经度`` ->
    ``("lon", "gcj02")``, ``百度坐标`` -> ``("coordinates", "bd09")``, ``经度（高德）``
    -> ``("lon", "gcj02")``; ``None`` for any other header."""
    target = header_target(header)
    plain = unicodedata.normalize("NFKC", header)
    if target in ("lon", "lat", COORDINATES):
        for inner in _BRACKETED.findall(plain):
            if (datum := _parsed_datum(inner)) is not None:
                return target, datum
        return None
    if target is not None:
        return None
    key = header_key(_BRACKETS.sub("", plain))
    for word, axis in _AXIS_WORDS:
        if key.endswith(word) and key != word:
            datum = _parsed_datum(key[: -len(word)])
            return None if datum is None else (axis, datum)
    return None


@dataclass(frozen=True)
class TableRow:
    """One station row: ``values`` keyed by field, where it came from (``number`` as the
    spreadsheet shows it, ``sheet``, ``columns``: field -> column letter), the reader's
    ``notes`` and ``errors`` about it."""

    number: int
    values: dict[str, object]
    sheet: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[FieldError, ...] = ()
    errors: tuple[FieldError, ...] = ()

    def with_values(self, values: dict[str, object]) -> TableRow:
        """This row with other ``values``: ``dataclasses.replace`` costs more than the
        rest of a plain row's bookkeeping in a 100,000-row import, so the fields are
        passed here, beside their declaration."""
        return TableRow(self.number, values, self.sheet, self.columns, self.notes, self.errors)

    def locate(self, error: FieldError) -> FieldError:
        """``error`` (from checking this row's values) with this row's number, sheet and
        the column its field came from."""
        return replace(
            error,
            row=error.row if error.row is not None else self.number,
            sheet=error.sheet if error.sheet is not None else self.sheet,
            column=error.column if error.column is not None else self.columns.get(error.field),
        )

    def errors_with(self, errors: Iterable[FieldError]) -> list[FieldError]:
        """The reader's errors and ``errors`` located, without a second error about a
        field, or a cell, the reader already refused (a bad 坐标 cell gives lon and lat)."""
        fields = {e.field for e in self.errors}
        cells = {self.columns.get(e.field) for e in self.errors} - {None}
        kept = [
            e for e in errors if e.field not in fields and self.columns.get(e.field) not in cells
        ]
        return [*self.errors, *(self.locate(e) for e in kept)]


@dataclass
class Table:
    """The station rows of a file and the notes about it: sheets taken and skipped,
    columns ignored, rows skipped, merged cells carried down."""

    rows: list[TableRow] = field(default_factory=list)
    notes: list[FieldError] = field(default_factory=list)
    #: Cells outside the list (titles, notes, 填表说明) that name a coordinate picker.
    datum_hints: list[DatumHint] = field(default_factory=list)


def _note(
    grid: Grid, en: str, zh: str, row: int | None = None, col: int | None = None
) -> FieldError:
    error = grid.error(en, zh, row, col)
    return error.field_error()


@dataclass
class _Header:
    row: int  # the last header row: data follow it
    targets: dict[int, str]  # column -> field, read-only column or ``coordinates``
    texts: dict[int, str]
    first: int = 0  # the first header row, when a second row names sub-columns
    #: A two-row header's group cells over its sub-columns (坐标（高德） over 经度 | 纬度).
    above: dict[int, str] = field(default_factory=dict)
    #: Angles written over columns of their own (经度 over 度 | 分 | 秒).
    angles: list[Angle] = field(default_factory=list)

    @property
    def rows_text(self) -> tuple[str, str]:
        if self.first and self.first != self.row:
            return f"第 {self.first}–{self.row} 行", f"rows {self.first}-{self.row}"
        return f"第 {self.row} 行", f"row {self.row}"


def _header_row(values: dict[int, object]) -> tuple[dict[int, str], dict[int, str]]:
    texts = {c: str(v) for c, v in values.items() if isinstance(v, str)}
    targets = {c: t for c, text in texts.items() if (t := _layout_target(text)) is not None}
    return texts, targets


def _layout_target(text: str) -> str | None:
    """:func:`header_target`, or the axis of a header naming its datum (高德经度)."""
    if (target := header_target(text)) is not None:
        return target
    if (target := _HOURS_PAIR.get(header_key(text))) is not None:
        return target
    named = datum_header(text)
    if named is not None:
        return named[0]
    plain = unicodedata.normalize("NFKC", text)
    key = header_key(_BRACKETS.sub("", plain))
    if key.endswith("坐标") and header_target(key[:-2]) in ("lon", "lat"):
        return header_target(key[:-2])  # 经度坐标, 纬度坐标
    for inner in _BRACKETED.findall(plain):  # X坐标（经度）, Y（纬度）
        if (target := header_target(inner)) in ("lon", "lat"):
            return target
    if (amenity := amenity_column(text)) is not None:  # 饮水, 是否有卫生间
        return AMENITY_PREFIX + amenity
    return None


def _header_datum(
    grid: Grid, header: _Header, columns: dict[int, str], table: Table
) -> tuple[Datum, int] | None:
    """The datum the coordinate headers name (高德经度, 经度（百度）) and the first column
    naming it; a :class:`TableError` when two of them name different ones."""
    named: dict[int, Datum] = {}
    texts: dict[int, str] = {}  # the header that names it: its own, or a group's above it
    for col, target in columns.items():
        if target in ("lon", "lat", COORDINATES):
            for text in (header.texts[col], header.above.get(col)):
                if text is not None and (found := datum_header(text)) is not None:
                    named[col], texts[col] = found[1], text
                    break
    if not named:
        return None
    if len(set(named.values())) > 1:
        listed_zh = "、".join(f"{column_letter(c)} 列“{texts[c]}”" for c in sorted(named))
        listed_en = ", ".join(f"{column_letter(c)} {texts[c]!r}" for c in sorted(named))
        raise grid.error(
            f"the headers {listed_en} name different maps: the longitude and latitude of a "
            "row must come from one map; correct the headers",
            f"{listed_zh} 的列名写的是不同的地图：同一行的经度和纬度只能来自同一个地图，请改正列名",
            header.row,
        )
    col = min(named)
    datum = named[col]
    text = texts[col]
    table.notes.append(
        _note(
            grid,
            f"the header {text!r} says the coordinates come from {_DATUM_EN[datum]}: rows "
            "without a 坐标系 are read in it",
            f"列名“{text}”说明坐标来自{_DATUM_ZH[datum]}：未填坐标系的行按此换算，请核对",
            header.row,
            col,
        )
    )
    return datum, col


def _check_header_datum(
    grid: Grid,
    number: int,
    record: dict[str, object],
    named: tuple[Datum, int],
    header: _Header,
    datum_col: int | None,
) -> list[FieldError]:
    """Give ``record`` the datum its headers name where its 坐标系 is empty; an error
    on the 坐标系 cell (``datum_col``) where it names another one."""
    datum, col = named
    given = record.get("datum")
    if given is None or (isinstance(given, str) and not given.strip()):
        record["datum"] = datum
        return []
    if (stated := _parsed_datum(str(given))) is None or stated == datum:
        return []  # an unknown word is refused by the value check, naming the cell
    text = header.texts[col]
    error = _note(
        grid,
        f"the 坐标系 says {given!r}, but the header {text!r} says {_DATUM_EN[datum]}: "
        "correct one of them",
        f"坐标系写的是“{given}”，但列名“{text}”说明坐标来自{_DATUM_ZH[datum]}：请改正其中一个",
        number,
        col if datum_col is None else datum_col,
    )
    return [replace(error, field="datum")]


def _is_station_header(targets: dict[int, str]) -> bool:
    found = set(targets.values())  # a station header names a coordinate column
    return len(found) >= 2 and bool(found & {"lat", "lon", COORDINATES})


def _sub_columns(
    grid: Grid, number: int, below: dict[int, object], below_targets: dict[int, str]
) -> bool:
    """Whether the row under row ``number`` names the sub-columns of its groups: text
    only, and each cell that is no station column lies under a header cell of row
    ``number`` merged across several columns (乡镇（街道） | 社区 under 所属区域)."""
    grouped: set[int] = set()
    for min_row, min_col, _max_row, max_col in grid.merges:
        if min_row == number and max_col > min_col:
            grouped.update(range(min_col, max_col + 1))
    return all(isinstance(v, str) for v in below.values()) and all(
        c in below_targets or c in grouped for c in below
    )


def _group_texts(
    grid: Grid, number: int, texts: dict[int, str], below: dict[int, str]
) -> dict[int, str]:
    """The text of header row ``number`` over each sub-column named in the row below it:
    its own cell's, or that of a cell merged across it."""
    out = {c: texts[c] for c in below if c in texts}
    for min_row, min_col, _max_row, max_col in grid.merges:
        if min_row == number and min_col in texts:
            for col in range(min_col, max_col + 1):
                if col in below:
                    out.setdefault(col, texts[min_col])
    return out


def _find_header(grid: Grid) -> _Header | None:
    """The first row naming station columns; with the row below it when that one names
    only sub-columns (坐标 over 经度 | 纬度)."""
    scanned = grid.rows[:HEADER_SCAN_ROWS]
    for index, (number, values) in enumerate(scanned):
        texts, targets = _header_row(values)
        if index + 1 < len(scanned) and targets:
            below_number, below = scanned[index + 1]
            angles = sub_row_angles(texts, targets, below) if below_number == number + 1 else None
            if angles and _is_station_header(targets):
                parts = {c: str(below[c]) for a in angles for c in a.parts}
                return _Header(below_number, targets, {**texts, **parts}, number, angles=angles)
            below_texts, below_targets = _header_row(below)
            if (
                below_number == number + 1
                and below_targets
                and (
                    len(below_targets) == len(below)  # nothing but column names
                    or _sub_columns(grid, number, below, below_targets)
                )
            ):
                both_texts = {**texts, **below_texts}  # 经度 under 坐标 replaces it
                both = {**targets, **below_targets}
                both = {c: both[c] for c in both_texts if c in both}
                if _is_station_header(both):
                    above = _group_texts(grid, number, texts, below_texts)
                    return _Header(below_number, both, both_texts, number, above)
        if _is_station_header(targets):
            return _Header(number, targets, texts)
    return None


def _pair_coordinates(grid: Grid, header: _Header, table: Table) -> None:
    """A 经纬度 header over two columns heads a longitude and a latitude column, in the
    order it names them (纬经度: latitude first), not one 坐标 cell: each row's two cells
    are read as two numbers. Over two columns: merged across them, or (a CSV file keeps
    no merges) followed by a column without a header whose cells hold values."""
    top = header.first or header.row
    spans = {
        min_col: (min_row, max_col)
        for min_row, min_col, _max_row, max_col in grid.merges
        if top <= min_row <= header.row and max_col > min_col
    }
    for col, target in list(header.targets.items()):
        if target != COORDINATES or col + 1 in header.texts:
            continue
        row, last = spans.get(col, (header.row, col))
        merged = last == col + 1
        if not merged and (last != col or not _two_columns(grid, header.row, col)):
            continue
        _pair(grid, header, table, col, row, merged)


def _angle_columns(header: _Header) -> None:
    """Take 经度（度） | 经度（分） | 经度（秒） headers as one angle: the minute and second
    columns are read with the degrees, as no field of their own."""
    header.angles.extend(one_row_angles(header.texts, header.targets))
    for angle in header.angles:
        for col in angle.parts:
            header.targets.pop(col, None)


def _two_columns(grid: Grid, header_row: int, col: int) -> bool:
    """Whether, below the header, column ``col + 1`` holds values and no cell of ``col``
    holds two numbers: the coordinates are in two columns."""
    below = [values for number, values in grid.rows if number > header_row]
    return any(col + 1 in values for values in below) and not any(
        _holds_two(v) for values in below if (v := values.get(col)) is not None
    )


def _holds_two(value: object) -> bool:
    """Whether a 坐标 cell holds two parts, as :func:`_split_coordinates` splits it."""
    text = str(value).strip()
    return len(_COORDINATE_SPLIT.split(text)) > 1 or len(text.split()) > 1


def _pair(grid: Grid, header: _Header, table: Table, col: int, row: int, merged: bool) -> None:
    """Make the 经纬度 header of ``col`` head ``col`` and ``col + 1``, with a note."""
    text = header.texts[col]
    plain = unicodedata.normalize("NFKC", text)
    first, second = ("lat", "lon") if 0 <= plain.find("纬") < plain.find("经") else ("lon", "lat")
    header.targets[col], header.targets[col + 1] = first, second
    header.texts[col + 1] = text
    names = {"lon": ("longitude", "经度"), "lat": ("latitude", "纬度")}
    a, b = column_letter(col), column_letter(col + 1)
    how_en = "is merged over" if merged else "heads"
    how_zh = "合并了" if merged else "下方是"
    table.notes.append(
        _note(
            grid,
            f"the header {text!r} {how_en} columns {a}-{b}: column {a} is read as the "
            f"{names[first][0]}, column {b} as the {names[second][0]}",
            f"表头“{text}”{how_zh} {a}–{b} 两列：{a} 列按{names[first][1]}、{b} 列按"
            f"{names[second][1]}读入，请核对",
            row,
            col,
        )
    )


def _columns(grid: Grid, header: _Header, table: Table) -> dict[int, str]:
    """The columns read, as column -> field; notes for the ignored ones; a
    :class:`TableError` for duplicate or missing columns."""
    columns: dict[int, str] = {}
    hidden: dict[str, int] = {}
    seen: dict[str, list[int]] = {}
    parts = {c for angle in header.angles for c in angle.parts}
    for col, text in sorted(header.texts.items()):
        target = header.targets.get(col)
        if col in parts:
            continue  # read with its angle's degrees
        if col in grid.hidden_columns:
            if target is not None:
                hidden.setdefault(target, col)
            table.notes.append(
                _note(
                    grid,
                    f"the hidden column {text!r} is not read; unhide it if it should be",
                    f"隐藏列“{text}”未读入；如需读入，请取消隐藏",
                    header.row,
                    col,
                )
            )
        elif target is None:
            table.notes.append(
                _note(
                    grid,
                    f"the column {text!r} is not a station field and is ignored (nothing to fix)",
                    f"“{text}”列不是驿站字段，已忽略（无需修改）",
                    header.row,
                    col,
                )
            )
        elif target in FIELDS or target in KEPT_COLUMNS or target in _OTHER_TARGETS:
            seen.setdefault(target, []).append(col)
            columns[col] = target
        elif target.startswith(AMENITY_PREFIX):
            columns[col] = target  # 饮水 and 热水 may both name water: read together
    _hours_pair(grid, header, table, seen, columns)
    if COORDINATES in seen and ("lat" in seen or "lon" in seen):
        seen.setdefault("lon", []).extend(seen[COORDINATES])
    problems_en: list[str] = []
    problems_zh: list[str] = []
    for target, cols in seen.items():
        if len(cols) > 1 and target != COORDINATES:
            names = "、".join(f"{column_letter(c)} 列“{header.texts[c]}”" for c in sorted(cols))
            names_en = ", ".join(f"{column_letter(c)} {header.texts[c]!r}" for c in sorted(cols))
            if target in ("lon", "lat") and _dms_parts(header.texts[c] for c in cols):
                axis_zh, example = (
                    ("经度", "86°13′01.2″") if target == "lon" else ("纬度", "44°18′18″")
                )
                decimal = "86.217" if target == "lon" else "44.305"
                problems_en.append(
                    f"{names_en} are the degrees, minutes and seconds of the {target}: put "
                    f"them in one column, as {example} or {decimal}"
                )
                problems_zh.append(
                    f"{names} 是{axis_zh}的度、分、秒：请合并成一列，写成如 {example} 的度分秒，"
                    f"或 {decimal} 这样的度数"
                )
                continue
            problems_en.append(f"{names_en} are the same field {target}: keep one of them")
            problems_zh.append(f"{names} 是同一个字段（{header_text(target)}），请只保留一列")
    needed = [f for f in REQUIRED_COLUMNS if f not in seen]
    if COORDINATES in seen:
        needed = [f for f in needed if f not in ("lat", "lon")]
    for target in needed:
        if target in hidden:
            letter = column_letter(hidden[target])
            problems_en.append(f"column {letter} ({target}) is hidden: unhide it")
            problems_zh.append(f"{letter} 列“{header_text(target)}”是隐藏列：请取消隐藏")
        else:
            names = "、".join(f"“{n}”" for n in FIELD_ALIASES[target])
            problems_en.append(
                f"no {target} column: add a column headed {header_text(target)} "
                f"(or one of {', '.join(FIELD_ALIASES[target])})"
            )
            problems_zh.append(f"缺少“{header_text(target)}”列：请加上此列（列名可用 {names}）")
    if problems_en:
        raise grid.error(
            "the header row has problems: " + "; ".join(problems_en) + ".",
            "表头有问题：" + "；".join(problems_zh) + "。",
            header.row,
        )
    return columns


_OTHER_TARGETS = (COORDINATES, HOURS_START, HOURS_END)
_DMS_PART = re.compile(r"[(\[【](?:度|分|秒|°|′|″)[)\]】]")


def _dms_parts(texts: Iterable[str]) -> bool:
    """Whether headers name parts of one angle: 经度（度）, 经度（分）, 经度（秒）."""
    return all(_DMS_PART.search(unicodedata.normalize("NFKC", t)) for t in texts)


def _hours_pair(
    grid: Grid, header: _Header, table: Table, seen: dict[str, list[int]], columns: dict[int, str]
) -> None:
    """Keep a 开始时间 and a 结束时间 column, read as the opening hours, only as a pair
    and where no 开放时间 column gives them; a note for each one left unread."""
    pair = [c for t in (HOURS_START, HOURS_END) for c in seen.get(t, [])]
    if not pair:
        return
    if "opening_hours" in seen:
        why_en = "the opening hours column gives the hours"
        why_zh = f"已有“{header.texts[seen['opening_hours'][0]]}”列"
    elif (dated := _dated_column(grid, header.row, pair)) is not None:
        why_en = f"it holds dates ({dated}), not times of day"
        why_zh = f"其中是日期（如 {dated}），不是每天的开关门时刻"
    elif len(seen.get(HOURS_START, [])) == 1 and len(seen.get(HOURS_END, [])) == 1:
        return
    elif HOURS_START not in seen or HOURS_END not in seen:
        missing = HOURS_END if HOURS_START in seen else HOURS_START
        name = HOURS_PAIR_ALIASES[missing][0]
        why_en = f"there is no {name} column beside it: add one to import the hours"
        why_zh = f"没有与它成对的“{name}”列：如要导入开放时间，请加上此列"
    else:
        why_en = "there are several of them: keep one start and one end column"
        why_zh = "这样的列不止一对：请只保留一列开始时间、一列结束时间"
    for col in pair:
        del columns[col]
        table.notes.append(
            _note(
                grid,
                f"the column {header.texts[col]!r} is not read as opening hours: {why_en}",
                f"“{header.texts[col]}”列未作为开放时间读入：{why_zh}",
                header.row,
                col,
            )
        )
    for target in (HOURS_START, HOURS_END):
        seen.pop(target, None)


# A date with its year (2023-05-01, 2023/5/1 8:00, 2023年5月1日): not a time of day.
_DATE_WITH_YEAR = re.compile(r"^[0-9]{4}\s*[-/.年]\s*[0-9]{1,2}\s*[-/.月]")


def _dated_column(grid: Grid, header_row: int, cols: list[int]) -> str | None:
    """The first date below the header in columns ``cols`` (开始时间 meaning the day a
    station opened, 截止时间 a deadline), or None when they hold none."""
    for number, values in grid.rows:
        if number <= header_row:
            continue
        for col in cols:
            value = values.get(col)
            if isinstance(value, str) and _DATE_WITH_YEAR.match(value) and clock_of(value) is None:
                return value
    return None


class _Merges:
    """Values of cells merged down a column, looked up by (row, column)."""

    def __init__(self, grid: Grid, first_row: int, columns: Iterable[int]) -> None:
        wanted = set(columns)
        cells = dict(grid.rows)
        self.ranges: dict[int, list[tuple[int, int, object]]] = {}
        for min_row, min_col, max_row, _max_col in sorted(grid.merges):
            if min_col in wanted and max_row > min_row and min_row >= first_row:
                value = cells.get(min_row, {}).get(min_col)
                if value is not None:
                    self.ranges.setdefault(min_col, []).append((min_row, max_row, value))
        self.starts = {c: [r[0] for r in ranges] for c, ranges in self.ranges.items()}
        self.used: set[tuple[int, int]] = set()

    def value(self, row: int, col: int) -> object:
        if col not in self.ranges:
            return None
        index = bisect.bisect_right(self.starts[col], row) - 1
        if index < 0:
            return None
        min_row, max_row, value = self.ranges[col][index]
        if min_row < row <= max_row:
            self.used.add((col, index))
            return value
        return None

    def span(self, row: int, col: int) -> tuple[int, int]:
        """The first and last rows of the merged cell that gave ``row`` its value."""
        index = bisect.bisect_right(self.starts[col], row) - 1
        min_row, max_row, _value = self.ranges[col][index]
        return min_row, max_row


# A part of a 坐标 cell that names its axis: 经度：111.69, lat=40.85.
_AXIS_LABEL = re.compile(
    r"^(经度|纬度|longitude|latitude|long|lng|lon|lat)\s*[:=]?\s*(\S.*)$", re.I
)


def _labelled(parts: list[str]) -> tuple[str, str] | None:
    """The longitude and latitude of a 坐标 cell whose two parts each name their axis,
    in either order; None unless both do, naming different axes."""
    found: dict[str, str] = {}
    for part in parts:
        match = _AXIS_LABEL.match(part)
        if match is None:
            return None
        axis = "lat" if match[1] in ("纬度",) or match[1].lower().startswith("lat") else "lon"
        found[axis] = match[2].strip()
    if len(found) != 2:
        return None
    return found["lon"], found["lat"]


def _split_coordinates(
    grid: Grid, row: int, col: int, value: object, lat_first: bool
) -> tuple[dict[str, object], list[FieldError], list[FieldError]]:
    """A 坐标 cell's ``lon`` and ``lat``, with notes and errors."""
    text = unicodedata.normalize("NFKC", str(value)).strip().strip("()[]")
    parts = [p.strip() for p in _COORDINATE_SPLIT.split(text)]
    if len(parts) == 1:
        parts = text.split()
    if len(parts) != 2 or not all(parts):
        order_en, order_zh = ("lat,lon", "纬度,经度") if lat_first else ("lon,lat", "经度,纬度")
        error = _note(
            grid,
            f"the coordinates {text!r} are not two numbers {order_en}: write them as "
            f"{'44.305,86.214' if lat_first else '86.214,44.305'}",
            f"坐标“{text}”不是“{order_zh}”两个数：请写成如 "
            f"{'44.305,86.214' if lat_first else '86.214,44.305'}",
            row,
            col,
        )
        return {"lat": None, "lon": None}, [], [replace(error, field="lon")]
    labelled = _labelled(parts)
    if labelled is not None:  # 经度：111.69 纬度：40.85, lat:40.85,lng:111.69
        return {"lon": labelled[0], "lat": labelled[1]}, [], []
    first, second = parts
    if lat_first or (_marked(first, _LAT_MARK) and _marked(second, _LON_MARK)):
        first, second = second, first  # 纬度 first, by the header or by N/北纬 and E/东经
    notes: list[FieldError] = []
    if all(_PLAIN_NUMBER.match(p) for p in parts):
        lon, lat = float(first), float(second)
        if abs(lon) <= 55 and abs(lat) >= 73:  # lat,lon written for lon,lat: China is 73-135 E
            first, second = second, first
            note = _note(
                grid,
                f"the coordinates {text!r} look like latitude first; read as longitude "
                f"{first}, latitude {second}: check the point on the map",
                f"坐标“{text}”看起来是纬度在前，已按经度 {first}、纬度 {second} 读入："
                "请在地图上核对位置",
                row,
                col,
            )
            notes.append(replace(note, field="lat"))
    return {"lon": first, "lat": second}, notes, []


# A section label in a list of stations: 一、城区驿站, （二）乡镇驿站, 第三部分.
_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十0-9]+[部分类批])"
)


def _rejoined(
    grid: Grid, number: int, values: dict[int, object], col: int, last: int
) -> tuple[dict[int, object], FieldError | None]:
    """A CSV row one cell longer than its header whose 坐标 cell and the next hold one
    number each: the comma of an unquoted ``111.69,40.85`` split the coordinates into
    two cells and moved every later cell one column right. The row as written, with a
    note; other rows unchanged."""
    if max(values) != last + 1:
        return values, None
    first, second = values.get(col), values.get(col + 1)
    if not all(isinstance(v, str) and _PLAIN_NUMBER.match(v) for v in (first, second)):
        return values, None
    joined = f"{first},{second}"
    rows = {c if c < col else c - 1: v for c, v in values.items() if c != col}
    rows[col] = joined
    note = _note(
        grid,
        f"the coordinates {joined} are not in quotes, so their comma split the row into one "
        "cell too many; read as one cell: check the row, and quote such cells "
        f'("{joined}") or separate the numbers with a space',
        f"坐标 {joined} 没有加引号，其中的逗号把这一行多分出了一格；已按一格读入，请核对此行。"
        f'以后请给坐标加上英文双引号（"{joined}"），或用空格分开经度和纬度',
        number,
        col,
    )
    return rows, note


def _repeated_header(
    grid: Grid, number: int, values: dict[int, object], header: _Header, columns: dict[int, str]
) -> FieldError | None:
    """A note if row ``number`` repeats the header (a block pasted from another list) or
    is a section label alone (一、城区驿站): not a station either way."""
    cells = {c: v for c, v in values.items() if c in columns}
    if len(cells) >= 2 and all(header.texts[c] == v for c, v in cells.items()):
        return _note(
            grid,
            "this row repeats the header; skipped (nothing to fix)",
            "此行重复了表头，已跳过（无需修改）",
            number,
        )
    if len(values) == 1 and len(cells) == 1:
        ((col, value),) = cells.items()
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if columns[col] == "name" and _SECTION.match(text):
            return _note(
                grid,
                f"{str(value)!r} is a section heading, not a station: skipped (nothing to fix)",
                f"“{value}”是分类标题，不是驿站，已跳过（无需修改）",
                number,
                col,
            )
    return None


def _units_row(values: dict[int, object]) -> bool:
    """A row of units under the header: every cell bracketed text (（度）, (°))."""
    return all(
        isinstance(v, str) and _BRACKETS.fullmatch(unicodedata.normalize("NFKC", v).strip())
        for v in values.values()
    )


def _sign_off(values: dict[int, object]) -> bool:
    """Whether every cell of a row is a label and a colon (填表人：张三, 审核人：李四)."""
    return all(
        isinstance(v, str) and _SIGN_OFF_CELL.match(unicodedata.normalize("NFKC", v).strip())
        for v in values.values()
    )


def _skip_note(grid: Grid, row: int, values: dict[int, object]) -> FieldError | None:
    """A note if ``values`` is a total or note row (合计：13个, 注：…)."""
    col = min(values)
    text = unicodedata.normalize("NFKC", str(values[col])).strip()
    if not _TOTAL_ROW.match(text):
        return None
    shown = str(values[col]).strip()
    shown = shown if len(shown) <= 30 else shown[:30] + "…"
    return _note(
        grid,
        f"{shown!r} is a total or note row, not a station: skipped (nothing to fix)",
        f"“{shown}”是合计或说明行，不是驿站，已跳过（无需修改）",
        row,
        col,
    )


def _uncomputed(grid: Grid, row: int, col: int, target: str) -> FieldError:
    """The error of a formula cell whose result the file does not hold."""
    error = _note(
        grid,
        "this cell is a formula, but the file holds no result for it (it was written by a "
        "program and never calculated): open the file in Excel or WPS, save it and upload "
        "it again, or replace the formula by its value",
        "此单元格是公式，但文件中没有保存它的计算结果（文件由程序生成，未经计算）："
        "请用 Excel 或 WPS 打开此文件、保存后重新上传，或把公式改为数值",
        row,
        col,
    )
    return replace(error, field="lon" if target == COORDINATES else target)


def _merged_station(
    grid: Grid, row: int, col: int, target: str, span: tuple[int, int]
) -> FieldError:
    """The error of a row whose 名称 (or 编号) is a cell merged down from the row above:
    one station over several rows would be stored once per row."""
    first, last = span
    what_en, what_zh = ("name", "名称") if target == "name" else ("code", "编号")
    error = _note(
        grid,
        f"rows {first}-{last} share one merged {what_en} cell, so each of them would be "
        "stored as a station of its own: put one station on one row (several phones in one "
        "cell, separated by /), or unmerge the cells and give each station its own "
        f"{what_en}",
        f"第 {first}–{last} 行的{what_zh}是一个合并单元格，每行都会被当成一个驿站重复导入："
        "一个驿站请只占一行（多个电话写在同一格，用 / 分开）；如是不同的驿站，"
        f"请取消合并，分别填写{what_zh}",
        row,
        col,
    )
    return replace(error, field=target)


_IDENTITY = frozenset(("name", "code", "address", "lat", "lon", COORDINATES, "phone", "contact"))


def _blank_note(
    grid: Grid, header: _Header, columns: dict[int, str], rows: list[int], fields: set[str]
) -> FieldError:
    """The note on rows that name no station and only repeat a template's choices."""
    named = [header.texts[c] for c, t in sorted(columns.items()) if t in fields]
    zh_rows, en_rows = rows_text(rows)
    return _note(
        grid,
        f"{en_rows} fill in only {', '.join(named)} and name no station (no name, address "
        "or coordinates): skipped (nothing to fix; delete them if they are not needed)",
        f"{zh_rows}只填了{'、'.join(named)}，没有名称、地址和坐标，不是驿站，已跳过"
        "（无需修改；不需要的话可删去这些行）",
    )


@dataclass
class _CellLog:
    """The rows of a sheet whose cells were read in a way told once per column: date-
    formatted coordinates (by column), hours from a 开始时间 / 结束时间 pair."""

    dated: dict[int, list[int]] = field(default_factory=dict)
    #: 经度/纬度 typed as 度:分:秒 and stored as times, by column: (row, degrees).
    timed: dict[int, list[tuple[int, float]]] = field(default_factory=dict)
    paired: list[int] = field(default_factory=list)
    example: str = ""
    #: Amenity columns (饮水 ✓): the rows marked as having each, by column.
    marked: dict[int, list[int]] = field(default_factory=dict)
    #: Angles over columns of their own: the first row read, as written, and its degrees.
    combined: dict[int, tuple[int, str, float]] = field(default_factory=dict)


def _record(
    grid: Grid,
    number: int,
    values: dict[int, object],
    columns: dict[int, str],
    merges: _Merges,
    lat_first: bool,
    pair: tuple[int, int, str, str] | None,
    log: _CellLog,
    header_texts: Mapping[int, str],
    angles: Mapping[int, Angle],
) -> tuple[dict[str, object], tuple[FieldError, ...], tuple[FieldError, ...]]:
    """Row ``number``'s values by field, with the values of cells merged down into it
    and a 坐标 cell split, and the notes and errors about it."""
    record: dict[str, object] = {
        t: None for t in columns.values() if t != COORDINATES and not t.startswith(AMENITY_PREFIX)
    }
    notes: list[FieldError] = []
    errors: list[FieldError] = []
    ticked: list[str] | None = None  # the amenities its amenity columns mark, if any says
    for col, target in columns.items():
        value = values.get(col)
        if target.startswith(AMENITY_PREFIX):
            mark = read_mark(value if value is not None else merges.value(number, col))
            if mark is None:
                errors.append(mark_error(grid, number, col, header_texts[col], value))
            elif value is not None or mark:
                ticked = ticked if ticked is not None else []
                if mark:
                    ticked.append(target.removeprefix(AMENITY_PREFIX))
                    log.marked.setdefault(col, []).append(number)
            continue
        if value is None and (number, col) in grid.uncomputed:
            errors.append(_uncomputed(grid, number, col, target))
        elif (number, col) in grid.failed:
            errors.append(failed_formula(grid, number, col, target, value))
            value = None
        elif value is None:
            value = merges.value(number, col)
            if value is not None and target in ("name", "code"):
                errors.append(_merged_station(grid, number, col, target, merges.span(number, col)))
        if col in angles:
            record[target] = _angle(grid, number, angles[col], value, values, errors, log)
            continue
        if target in ("lat", "lon") and (serial := grid.serials.get((number, col))) is not None:
            if (degrees := clock_coordinate(target, serial)) is not None:
                value = clock_degrees_text(degrees)
                log.timed.setdefault(col, []).append((number, degrees))
            else:
                value, error = dated_coordinate(grid, number, col, target, value, serial)
                if error is None:
                    log.dated.setdefault(col, []).append(number)
                else:
                    errors.append(error)
        # A date (one day or more; a time alone is the hours reader's to speak of).
        if target == "opening_hours" and grid.serials.get((number, col), 0.0) >= 1:
            value, said = dated_hours(grid, number, col, value, grid.serials[(number, col)])
            (notes if value is not None else errors).append(said)
        if target == COORDINATES:
            if value is None:
                record.update(lat=None, lon=None)
                continue
            split, more_notes, more_errors = _split_coordinates(grid, number, col, value, lat_first)
            record.update(split)
            notes += more_notes
            errors += more_errors
        else:
            record[target] = value
    if ticked is not None:
        given = split_list(record.get("amenities"))
        record["amenities"] = [*given, *(c for c in ticked if c not in given)]
    if pair is not None:
        if (error := pair_hours(grid, number, record, pair)) is not None:
            errors.append(error)
        elif record["opening_hours"] is not None:
            log.paired.append(number)
            log.example = log.example or str(record["opening_hours"])
    return record, tuple(notes), tuple(errors)


def _angle(
    grid: Grid,
    number: int,
    angle: Angle,
    degrees: object,
    values: dict[int, object],
    errors: list[FieldError],
    log: _CellLog,
) -> float | None:
    """Row ``number``'s degrees of an angle over columns of its own; an error in
    ``errors`` when a cell is refused (or was already: a formula without its result)."""
    uncomputed = [c for c in angle.parts if (number, c) in grid.uncomputed]
    errors.extend(_uncomputed(grid, number, c, angle.axis) for c in uncomputed)
    if uncomputed or any(e.field == angle.axis for e in errors):
        return None
    value, shown = angle_value(grid, number, angle, degrees, values)
    if isinstance(shown, FieldError):
        errors.append(shown)
    elif value is not None:
        log.combined.setdefault(angle.degrees, (number, shown, value))
    return value


def _sheet_rows(
    grid: Grid, header: _Header, columns: dict[int, str], table: Table, budget: Budget
) -> int:
    """Append ``grid``'s station rows to ``table``; the number of rows read."""
    merges = _Merges(grid, header.row + 1, columns)
    lat_first = False
    for col, target in columns.items():
        if target == COORDINATES:
            text = unicodedata.normalize("NFKC", header.texts[col])
            lat_first = 0 <= text.find("纬") < text.find("经")
    letters = {t: column_letter(c) for c, t in columns.items()}
    if COORDINATES in letters:
        letters["lat"] = letters["lon"] = letters.pop(COORDINATES)
    amenity_columns = sorted(c for c, t in columns.items() if t.startswith(AMENITY_PREFIX))
    for col in amenity_columns:
        letters.setdefault("amenities", column_letter(col))
        del letters[columns[col]]
    coordinate_columns = [c for c, t in columns.items() if t in ("lat", "lon", COORDINATES)]
    angles = {a.degrees: a for a in header.angles if a.degrees in columns}
    coordinate_columns += [c for a in angles.values() for c in a.parts]
    headed = columns.keys() | header.texts.keys() | grid.hidden_columns
    # Without a 坐标 column or merged cells, each field's value is its own cell's.
    named = _header_datum(grid, header, columns, table)
    datum_col = next((c for c, t in columns.items() if t == "datum"), None)
    if named is not None and "datum" not in letters:
        letters["datum"] = column_letter(named[1])
    by_target = {t: c for c, t in columns.items()}
    pair = None
    if HOURS_START in by_target:
        start_col, end_col = by_target[HOURS_START], by_target[HOURS_END]
        pair = (start_col, end_col, header.texts[start_col], header.texts[end_col])
        letters["opening_hours"] = letters[HOURS_START]
    dated = any(
        c in coordinate_columns or columns.get(c) == "opening_hours" for _row, c in grid.serials
    )
    plain = (
        pair is None
        and not amenity_columns
        and not dated
        and COORDINATES not in columns.values()
        and not merges.ranges
        and not grid.uncomputed
        and not grid.failed
        and named is None
        and not angles
    )
    empty_columns: set[int] = set()
    hidden_rows: list[int] = []
    log = _CellLog()
    # A row naming no station (no name, code, address, coordinates, phone or contact)
    # holds only choices a template filled down: skipped, unless a merged cell or a
    # formula without its result may give it one.
    identity = {c for c, t in columns.items() if t in _IDENTITY}
    blank_rows: list[int] | None = []
    if identity & (merges.ranges.keys() | {c for _row, c in grid.uncomputed}):
        blank_rows = None
    blank_fields: set[str] = set()
    # A CSV 坐标 column with columns after it: an unquoted "lon,lat" splits into two cells.
    split_col = next(
        (c for c, t in columns.items() if t == COORDINATES and c < max(header.texts)), None
    )
    split_col = split_col if grid.title is None else None
    # A row repeating the header repeats its 名称 (checked in full only then).
    name_col = next((c for c, t in columns.items() if t == "name"), -1)
    name_text = header.texts.get(name_col)
    count = 0
    for number, values in grid.rows:
        if number <= header.row:
            continue
        budget.check_time(grid, number)
        if (len(values) == 1 or values.get(name_col) == name_text) and (
            note := _repeated_header(grid, number, values, header, columns)
        ) is not None:
            table.notes.append(note)
            continue
        if number == header.row + 1 and _units_row(values):
            table.notes.append(
                _note(
                    grid,
                    "this row under the header holds only units in brackets; skipped "
                    "(nothing to fix)",
                    "表头下的这一行只有括号里的单位说明，已跳过（无需修改）",
                    number,
                )
            )
            continue
        if (values.keys().isdisjoint(coordinate_columns) or _sign_off(values)) and (
            note := _skip_note(grid, number, values)
        ) is not None:
            table.notes.append(note)
            table.datum_hints.extend(hints_in(grid.title, [(number, values)]))
            continue
        if values.keys().isdisjoint(columns) and not any(
            (number, c) in grid.uncomputed for c in columns
        ):
            continue  # a value only in ignored columns (a 序号 with no station): no station
        if blank_rows is not None and values.keys().isdisjoint(identity):
            blank_rows.append(number)  # 坐标系 高德, 状态 运营中 filled down a template
            blank_fields.update(columns[c] for c in values if c in columns)
            continue
        if number in grid.hidden_rows:
            hidden_rows.append(number)
            continue
        if split_col is not None and not values.keys() <= headed:
            values, rejoined = _rejoined(grid, number, values, split_col, max(header.texts))
            if rejoined is not None:
                table.notes.append(rejoined)
        if not values.keys() <= headed:
            empty_columns.update(values.keys() - headed)
        if plain:
            record = {target: values.get(col) for col, target in columns.items()}
            table.rows.append(TableRow(number, record, grid.title, letters))
        else:
            record, notes, errors = _record(
                grid, number, values, columns, merges, lat_first, pair, log, header.texts, angles
            )
            if named is not None:
                errors += tuple(_check_header_datum(grid, number, record, named, header, datum_col))
            table.rows.append(TableRow(number, record, grid.title, letters, notes, errors))
        count += 1
    if blank_rows:
        table.notes.append(_blank_note(grid, header, columns, blank_rows, blank_fields))
    for col, rows in sorted(log.dated.items()):
        table.notes.append(dated_note(grid, col, columns[col], rows))
    for col, (row, shown, degrees) in sorted(log.combined.items()):
        table.notes.append(angle_note(grid, angles[col], row, shown, degrees))
    for col in amenity_columns:
        table.notes.append(amenity_note(grid, col, header.texts[col], log.marked.get(col, [])))
    for col, timed in sorted(log.timed.items()):
        numbers = [number for number, _degrees in timed]
        table.notes.append(clock_note(grid, col, columns[col], numbers, timed[0][1]))
    if pair is not None and log.paired:
        table.notes.append(pair_note(grid, pair, log.paired, log.example))
    if hidden_rows:
        shown = "、".join(str(n) for n in hidden_rows[:20])
        more_zh = f" 等 {len(hidden_rows)} 行" if len(hidden_rows) > 20 else ""
        more_en = f" ({len(hidden_rows)} in all)" if len(hidden_rows) > 20 else ""
        table.notes.append(
            _note(
                grid,
                f"hidden row(s) {shown.replace('、', ', ')}{more_en} are not read; unhide them "
                "(or clear the filter) if they hold stations to import",
                f"第 {shown}{more_zh} 行是隐藏行，未读入；如其中有要导入的驿站，"
                "请取消隐藏（或清除筛选）后重新上传",
                hidden_rows[0],
            )
        )
    for col in sorted(empty_columns):
        table.notes.append(
            _note(
                grid,
                "this column has values but no header, and is not read: give it a header "
                "such as 备注 if it should stay",
                "此列有内容但没有表头，未读入：如需保留，请填上列名（如“备注”）",
                header.row,
                col,
            )
        )
    for col, index in sorted(merges.used):
        min_row, max_row, _value = merges.ranges[col][index]
        table.notes.append(
            _note(
                grid,
                f"rows {min_row}-{max_row} of this column are one merged cell; its value is "
                "used for each of those rows",
                f"第 {min_row}–{max_row} 行的此列是合并单元格，其值已用于其中每一行",
                min_row,
                col,
            )
        )
    return count


def read_grids(grids: list[Grid], budget: Budget | None = None) -> Table:
    """The station rows of every sheet that has a station header; notes for the rest.

    Raises
    ------
    TableError
        When no sheet has a station header, or a station header has duplicate or
        missing columns.
    """
    budget = budget or Budget()
    table = Table()
    taken = 0
    headerless: list[Grid] = []
    for grid in grids:
        if grid.hidden:
            table.notes.append(
                _note(
                    grid,
                    "the sheet is hidden and is not read; unhide it if it holds stations",
                    "此表是隐藏的工作表，未读入；如其中有驿站，请取消隐藏",
                )
            )
            continue
        header = _find_header(grid)
        if header is None:
            headerless.append(grid)
            table.datum_hints.extend(hints_in(grid.title, grid.rows[:HEADER_SCAN_ROWS]))
            if grid.rows and grid.title is not None:
                table.notes.append(
                    _note(
                        grid,
                        f"no station header in the first {HEADER_SCAN_ROWS} rows (a row "
                        "naming 名称, 经度, 纬度); the sheet is skipped",
                        f"前 {HEADER_SCAN_ROWS} 行中没有驿站表头"
                        "（含“名称”“经度”“纬度”等列名的行），此表已跳过",
                    )
                )
            continue
        at = len(table.notes)
        _pair_coordinates(grid, header, table)
        _angle_columns(header)
        columns = _columns(grid, header, table)
        count = _sheet_rows(grid, header, columns, table, budget)
        taken += 1
        top = header.first or header.row
        table.datum_hints.extend(hints_in(grid.title, [r for r in grid.rows if r[0] < top]))
        span_zh, span_en = ("1", "row 1") if top == 2 else (f"1–{top - 1}", f"rows 1-{top - 1}")
        above = f"（第 {span_zh} 行为标题等，未读入）" if top > 1 else ""
        above_en = f" ({span_en} above it not read)" if top > 1 else ""
        rows_zh, rows_en = header.rows_text
        table.notes.insert(
            at,
            _note(
                grid,
                f"header in {rows_en}{above_en}; {count} station row(s) read",
                f"{rows_zh}是表头{above}；读入 {count} 行驿站",
            ),
        )
    if not taken:
        first = next((g for g in headerless if g.rows), headerless[0] if headerless else None)
        if first is None or not first.rows:
            raise TableError(
                "The file has no header row: it is empty.",
                message_zh="文件是空的，没有表头：请确认上传的是驿站名单",
            )
        raise first.error(
            f"no header row found in the first {HEADER_SCAN_ROWS} rows. Make sure the "
            "header row holds column names such as 名称 (name), 经度 (lon), 纬度 (lat)",
            f"找不到表头（前 {HEADER_SCAN_ROWS} 行中）。请确认表头行含有“名称”“经度”“纬度”等列名",
        )
    return table
