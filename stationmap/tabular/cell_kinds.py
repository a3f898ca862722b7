"""Cells an office formatted as dates or times, read by what they mean where they stand:
a 经度 or 纬度 cell formatted as a date (:func:`dated_coordinate`), an opening-hours
cell Excel turned into a date (:func:`dated_hours`), and opening hours given as a
开始时间 and a 结束时间 cell (:func:`pair_hours`).

Every note and error names its sheet, row and column, in Chinese and English.
"""

from __future__ import annotations

from stationmap.field_values.degrees import CHINA_DEGREES
from stationmap.geo.hours import HoursError
from stationmap.geo.hours_office import clock_of, hours_from_pair
from stationmap.station_fields import FieldError
from stationmap.tabular.columns import column_letter
from stationmap.tabular.sheets import Grid

#: The start and end columns of opening hours (开始时间, 结束时间), read into one field.
HOURS_START, HOURS_END = "hours_start", "hours_end"


def _note(grid: Grid, en: str, zh: str, row: int | None, col: int, field: str) -> FieldError:
    """A note or error on one cell, its place given apart from its words (as a station
    field's error is): the same words on many rows are told once, naming the rows."""
    return FieldError(field, en, row, zh, sheet=grid.title, column=column_letter(col))


_AXIS_WORDS_EN = {"lat": ("latitude", 90), "lon": ("longitude", 180)}


def _as_excel_shows(iso: str) -> str:
    """``1900-04-25T09:36:00.123`` -> ``1900/4/25 9:36``, as Chinese Excel shows it."""
    day, _, clock = iso.partition("T")
    if ":" in day:  # a time alone
        day, clock = "", day
    parts = day.split("-")
    shown = "/".join(str(int(p)) for p in parts) if len(parts) == 3 else day
    if clock and not clock.startswith("00:00:00"):
        hours, minutes = clock.split(":")[:2]
        shown = f"{shown} {int(hours)}:{minutes}".strip()
    return shown


def dated_coordinate(
    grid: Grid, number: int, col: int, target: str, shown: object, serial: float
) -> tuple[object, FieldError | None]:
    """A 经度 or 纬度 cell formatted as a date (Excel shows 116.4 as 1900/4/25 9:36):
    the number the cell stores is the one typed, so it is the value (one note for the
    column: :func:`dated_note`); a stored number that is no degree (a date typed in) is
    an error naming the date."""
    name_en, limit = _AXIS_WORDS_EN[target]
    if -limit <= serial <= limit:
        return serial, None
    name_zh = "经度" if target == "lon" else "纬度"
    as_shown = _as_excel_shows(str(shown))
    number_text = f"{serial:.10g}"
    example = "111.67" if target == "lon" else "40.83"
    error = _note(
        grid,
        f"the {name_en} cell is formatted as a date and holds the date {as_shown} (the "
        f"number {number_text}), not degrees: set the column's format to General or Number "
        f"and type the {name_en} again, e.g. {example}",
        f"{name_zh}单元格的格式被设成了日期，其中是日期“{as_shown}”（数值 {number_text}），"
        f"不是度数：请选中该列，把单元格格式设为“常规”或“数值”，再重新输入{name_zh}，"
        f"如 {example}",
        number,
        col,
        target,
    )
    return None, error


def clock_coordinate(target: str, serial: float) -> float | None:
    """The degrees of a 经度 or 纬度 typed as 度:分:秒 (86:13:30), which Excel took for a
    time and stores as days (3.5927): the hours of ``serial``, where those lie in China's
    range for the axis and ``serial`` itself does not (a number typed into a time-formatted
    cell, 86.225 shown as 5:24, stays the number); ``None`` otherwise."""
    low, high = CHINA_DEGREES["lat" if target == "lat" else "lon"]
    hours = serial * 24.0
    if low <= hours <= high and not low <= serial <= high:
        return hours
    return None


def clock_degrees_text(degrees: float) -> str:
    """Degrees read from a time cell as 度°分′秒″ text, to a ten-thousandth of a second:
    text, not a float, so the value keeps the precision the office typed (86:13:12 is
    86.22, which would read as a coarse 2-decimal point) and shows as they wrote it."""
    whole, tenths = divmod(round(degrees * 36_000_000), 36_000_000)
    minutes, tenths = divmod(tenths, 600_000)
    return f"{whole}°{minutes}′{tenths / 10_000:.4f}″"


def dated_hours(
    grid: Grid, number: int, col: int, shown: object, serial: float
) -> tuple[object, FieldError]:
    """An opening-hours cell that Excel stores as a date (``serial`` of 1 or more days):
    hours typed as 8-20 or 8/20 become the date 8月20日. Such a date (at midnight, its
    month before its day, both at most 24) is read as the hours typed (``08:00-20:00``)
    with a note; any other date is an error naming it. A time alone (below one day) is
    left to the hours reader, which says it is one time of day."""
    day, _, clock = str(shown).partition("T")
    parts = day.split("-")
    month, date_ = (int(parts[1]), int(parts[2])) if len(parts) == 3 else (0, 0)
    as_shown = _as_excel_shows(str(shown))
    if serial == int(serial) and 0 < month < date_ <= 24 and not clock.strip("0:."):
        hours = f"{month:02d}:00-{date_:02d}:00"
        return hours, _note(
            grid,
            f"Excel stored the opening hours typed as {month}-{date_} as the date {month}/{date_}"
            f" (stored as {as_shown}): read as {hours} every day; check them, and set the column's "
            "format to Text before typing hours such as 08:00-20:00",
            f"Excel 把输入的开放时间 {month}-{date_} 存成了日期 {month}月{date_}日（存为 "
            f"{as_shown}）：已按每天 {hours} 读入，请核对；以后请先把该列单元格格式设为"
            "“文本”，再输入 08:00-20:00 这样的开放时间",
            number,
            col,
            "opening_hours",
        )
    return None, _note(
        grid,
        f"the opening hours cell holds the date {as_shown}, not opening hours (Excel turns "
        "some typed text into a date): set the column's format to Text and type the hours "
        "again, e.g. 08:00-20:00 or Mo-Fr 08:00-18:00",
        f"开放时间单元格中是日期“{as_shown}”，不是开放时间（Excel 会把一些输入自动变成日期）："
        "请选中该列，把单元格格式设为“文本”，再重新输入开放时间，如 08:00-20:00 或 "
        "周一至周五 8:00-18:00",
        number,
        col,
        "opening_hours",
    )


#: How many runs of rows a message lists before ``等`` (``...``).
LISTED_RUNS = 10


def rows_text(rows: list[int]) -> tuple[str, str]:
    """``第 2-11、14 行（共 11 行）`` and ``rows 2-11, 14 (11 rows)``: runs of rows, the
    first :data:`LISTED_RUNS` of them."""
    runs: list[list[int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    shown = [f"{a}-{b}" if b > a else f"{a}" for a, b in runs[:LISTED_RUNS]]
    more = len(runs) > LISTED_RUNS
    count = len(set(rows))
    return (
        f"第 {'、'.join(shown)}{' 等' if more else ''} 行（共 {count} 行）",
        f"rows {', '.join(shown)}{' ...' if more else ''} ({count} rows)",
    )


def dated_note(grid: Grid, col: int, target: str, rows: list[int]) -> FieldError:
    """The note on a coordinate column whose cells ``rows`` are formatted as dates."""
    name_en = _AXIS_WORDS_EN[target][0]
    name_zh = "经度" if target == "lon" else "纬度"
    zh_rows, en_rows = rows_text(rows)
    return _note(
        grid,
        f"the {name_en} cells of {en_rows} are formatted as dates (they show days in 1900): "
        "the numbers they store, the ones typed, were read; set the column's format to "
        "General or Number so that it shows degrees, and check the points",
        f"{zh_rows}的{name_zh}单元格格式被设成了日期（显示成 1900 年的某一天）："
        f"已按单元格中存的数值（即输入的{name_zh}）读入；请选中该列，把单元格格式设为“常规”"
        "或“数值”，以免显示成日期，并核对位置",
        None,
        col,
        target,
    )


def clock_note(grid: Grid, col: int, target: str, rows: list[int], example: float) -> FieldError:
    """The note on a coordinate column whose cells ``rows`` were typed as 度:分:秒 and
    stored by Excel as times (:func:`clock_coordinate`)."""
    name_en = _AXIS_WORDS_EN[target][0]
    name_zh = "经度" if target == "lon" else "纬度"
    zh_rows, en_rows = rows_text(rows)
    degrees, tenths = divmod(round(example * 36000), 36000)  # tenths of a second
    minutes, tenths = divmod(tenths, 600)
    seconds = f"{tenths // 10:02d}" + (f".{tenths % 10}" if tenths % 10 else "")
    typed = f"{degrees}:{minutes:02d}:{seconds}"
    shown = f"{degrees}°{minutes:02d}′{seconds}″"
    return _note(
        grid,
        f"the {name_en} of {en_rows} were typed as degrees:minutes:seconds (row "
        f"{min(rows)}: {typed}), which Excel stores as a time: read as degrees, minutes "
        f"and seconds ({example:.6f}); check the points, and write such values as {shown} "
        "in a cell formatted as Text",
        f"{zh_rows}的{name_zh}是按“度:分:秒”输入的（第 {min(rows)} 行为 {typed}），"
        f"Excel 把它存成了时间：已按度、分、秒读入（{example:.6f}°），请核对位置；"
        f"以后请在“文本”格式的单元格中写成 {shown}",
        None,
        col,
        target,
    )


def pair_hours(
    grid: Grid, number: int, record: dict[str, object], pair: tuple[int, int, str, str]
) -> FieldError | None:
    """Put the hours a row's 开始时间 and 结束时间 give into ``opening_hours`` (one note
    for the pair: :func:`pair_note`); the error, on the cell at fault, when they give
    none."""
    start_col, end_col, start_name, end_name = pair
    start, end = record.pop(HOURS_START, None), record.pop(HOURS_END, None)
    try:
        hours = hours_from_pair(start, end, start_name, end_name)
    except HoursError as exc:
        bad_end = start is not None and clock_of(start) is not None and clock_of(end) is None
        col = end_col if bad_end else start_col
        return _note(grid, exc.message, exc.message_zh, number, col, "opening_hours")
    record["opening_hours"] = hours.opening_hours
    return None


def pair_note(
    grid: Grid, pair: tuple[int, int, str, str], rows: list[int], example: str
) -> FieldError:
    """The note on a 开始时间 / 结束时间 pair read as daily hours in ``rows``."""
    start_col, _end_col, start_name, end_name = pair
    zh_rows, en_rows = rows_text(rows)
    return _note(
        grid,
        f"{start_name} and {end_name} of {en_rows} were read as daily hours (row "
        f"{min(rows)}: {example}); check them (if closed at weekends, use an opening "
        f"hours column: Mo-Fr {example})",
        f"{zh_rows}的“{start_name}”“{end_name}”已按每天的开放时间读入（第 {min(rows)} 行为 "
        f"{example}），请核对；如周末不开，请改为开放时间列，写 Mo-Fr {example} 这样的格式",
        None,
        start_col,
        "opening_hours",
    )


# What each of Excel's error values means, for an office that sees it in a cell.
_FAILURES = {
    "#N/A": ("the lookup found nothing to give", "查找公式（如 VLOOKUP）没有找到要找的值"),
    "#REF!": ("it refers to cells that were deleted", "公式引用的单元格已被删除"),
    "#VALUE!": ("a value in it has the wrong type", "公式中的值类型不对"),
    "#DIV/0!": ("it divides by zero", "公式除以了零"),
    "#NAME?": ("it uses a name Excel does not know", "公式中有无法识别的名称"),
    "#NUM!": ("a number in it is invalid", "公式中的数字无效"),
    "#NULL!": ("a range in it is wrong", "公式中的区域引用有误"),
}


def failed_formula(grid: Grid, number: int, col: int, target: str, value: object) -> FieldError:
    """The error of a cell holding an Excel error value (#N/A: a VLOOKUP that found
    nothing), on the field its column gives (``lon`` for a 坐标 column)."""
    shown = str(value)
    why_en, why_zh = _FAILURES.get(shown, ("the formula failed", "公式计算出错"))
    return _note(
        grid,
        f"this cell holds Excel's error value {shown}: {why_en}. Correct the formula, or "
        "replace it with the value",
        f"此单元格是公式算出的错误值 {shown}：{why_zh}。请改正公式，或把它改为要填的值",
        number,
        col,
        "lon" if target == "coordinates" else target,
    )
