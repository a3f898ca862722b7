"""Latitude and longitude as people write them: ``44.305``, ``４４．３０５``,
``86°13′01.2″``, ``86°13'01.2"E``, ``86度13分1.2秒``, ``东经86°13′01.2″``, ``N 44°18.3′``.

Only the ASCII digits 0-9 count (after full-width digits are made ASCII): Python's
``float()`` would also take ``4_4.3`` as 44.3 and Arabic-Indic ``٤٤`` as 44, and neither is
something an office means.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from typing import Literal

from stationmap.field_values import ValueProblem, shown, to_ascii

Axis = Literal["lat", "lon"]

_LIMIT_DEG = {"lat": 90.0, "lon": 180.0}
#: The degrees a station in China can have, with a margin: longitude 73.5-135.1 E,
#: latitude 3.8 (the Nansha islands) to 53.6 N. Outside them a number is no station of ours.
CHINA_DEGREES: dict[Axis, tuple[float, float]] = {"lat": (3.0, 54.0), "lon": (73.0, 136.0)}
_NAME = {"lat": ("latitude", "纬度"), "lon": ("longitude", "经度")}
_EXAMPLE = {"lat": ("44.305", "44°18′18″N"), "lon": ("86.217", "86°13′01.2″E")}
# A hemisphere word before or after the number: the axis it belongs to and its sign.
_HEMISPHERES: dict[str, tuple[Axis, int]] = {
    "北纬": ("lat", 1),
    "南纬": ("lat", -1),
    "东经": ("lon", 1),
    "西经": ("lon", -1),
    "N": ("lat", 1),
    "S": ("lat", -1),
    "E": ("lon", 1),
    "W": ("lon", -1),
}
_SYMBOLS = str.maketrans(
    {
        "º": "°",  # the ordinal indicator, often typed for the degree sign
        "˚": "°",
        "度": "°",
        "′": "'",
        "’": "'",
        "‘": "'",
        "分": "'",
        "″": '"',
        "”": '"',
        "“": '"',
        "秒": '"',
    }
)
_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
# Degrees, then optionally minutes, then seconds; the last part's symbol may be left off.
_DMS_RE = re.compile(
    rf"""(?P<sign>[+-])?\s*(?P<deg>{_NUMBER})\s*
    (?:°\s*(?:(?P<min>{_NUMBER})\s*(?:'\s*(?:(?P<sec>{_NUMBER})\s*"?)?)?)?)?""",
    re.ASCII | re.VERBOSE,
)
_PLAIN_RE = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]+)?", re.ASCII)
# The largest magnitude looked at before converting to float: any longer integer is out of
# range anyway, and float() of a 400-digit integer raises OverflowError.
_MAX_MAGNITUDE = 10**6
# The longest text read as degrees ("东经 179°59′59.999999″" is 22 characters).
_MAX_TEXT = 60


def _problem_not_degrees(axis: Axis, value: object) -> ValueProblem:
    zh = _NAME[axis][1]
    decimal, dms = _EXAMPLE[axis]
    if isinstance(value, str) and split_pair(value) is not None:  # a picker's whole pair
        return ValueProblem(
            f"holds a pair of coordinates, '{shown(value)}', where one number of degrees "
            "goes: put the latitude and the longitude in their own fields",
            f"{zh}处填的是一对坐标“{shown(value)}”：请把纬度、经度分别填入各自的格或栏",
        )
    return ValueProblem(
        f"must be a number of degrees such as {decimal} or {dms}, not '{shown(value)}'",
        f"{zh}应为度数，例如 {decimal} 或 {dms}；现为“{shown(value)}”，请改正",
    )


def _problem_range(axis: Axis, value: object) -> ValueProblem:
    zh = _NAME[axis][1]
    limit = _LIMIT_DEG[axis]
    decimal = _EXAMPLE[axis][0]
    return ValueProblem(
        f"must be between {-limit:g} and {limit:g} degrees, e.g. {decimal}; not {shown(value)}",
        f"{zh}应为 {-limit:g} 到 {limit:g} 之间的度数，例如 {decimal}；现为 {shown(value)}",
    )


def _hemisphere(text: str, axis: Axis) -> tuple[re.Match[str] | None, int]:
    """The degrees in ``text`` (a match of :data:`_DMS_RE`, ``None`` if there are none)
    and the sign its hemisphere word gives (1 if it has none)."""
    upper = text.upper()
    for word, (word_axis, sign) in _HEMISPHERES.items():
        if upper.startswith(word):
            rest = text[len(word) :]
        elif upper.endswith(word):
            rest = text[: -len(word)]
        else:
            continue
        match = _DMS_RE.fullmatch(rest.strip())
        if match is None:
            continue  # "nan" starts with N but is no latitude
        if word_axis != axis:
            zh = _NAME[axis][1]
            other_en, other_zh = _NAME[word_axis]
            raise ValueProblem(
                f"is marked '{word}', which is a {other_en}: check whether the longitude "
                "and latitude columns are swapped",
                f"{zh}标着“{word}”，这是{other_zh}的方向：请检查经度、纬度两列是否填反",
            )
        return match, sign
    return _DMS_RE.fullmatch(text), 1


# Invisible characters a copy from a web page or a map app brings along (zero-width
# space, joiners, word joiner, BOM), and the apostrophe that marks a cell as text.
_INVISIBLE_RE = re.compile("[\u200b-\u200d\u2060\ufeff]")
# The Chinese full stop typed for a decimal point in a Chinese input mode: 111。69.
_IDEOGRAPHIC_POINT_RE = re.compile("(?<=[0-9])\u3002(?=[0-9])")


# 度:分:秒 with colons (86:13:30, as a CSV shows a cell Excel took for a time). Under 24
# degrees it may be a time of day shown for a decimal (86.225 in a time cell shows 5:24:00),
# so only 24 degrees and more are read.
_COLON_DMS_RE = re.compile(
    r"(?<![0-9.:])(2[4-9]|[3-9][0-9]|1[0-9]{2}):([0-9]{1,2}(?:\.[0-9]+)?)"
    r"(?::([0-9]{1,2}(?:\.[0-9]+)?))?(?![0-9.:])",
    re.ASCII,
)


def _colon_dms(match: re.Match[str]) -> str:
    seconds = f'{match[3]}"' if match[3] is not None else ""
    return f"{match[1]}°{match[2]}'{seconds}"


def _from_text(raw: str, axis: Axis) -> float:
    if len(raw) > _MAX_TEXT:
        raise _problem_not_degrees(axis, raw)
    text = to_ascii(raw).strip()
    text = _IDEOGRAPHIC_POINT_RE.sub(".", _INVISIBLE_RE.sub("", text)).strip()
    text = text.removeprefix("'")  # '111.69: Excel's mark of a value typed as text
    odd_digit = next((ch for ch in text if ch.isdigit() and not "0" <= ch <= "9"), None)
    if odd_digit is not None:
        zh = _NAME[axis][1]
        raise ValueProblem(
            f"uses the digit '{shown(odd_digit)}', which is not 0-9: type the number with "
            f"the digits 0-9, e.g. {_EXAMPLE[axis][0]}",
            f"{zh}含有非 0-9 的数字“{shown(odd_digit)}”：请用 0-9 输入，例如 {_EXAMPLE[axis][0]}",
        )
    text = _COLON_DMS_RE.sub(_colon_dms, text) if ":" in text else text
    match, hemisphere_sign = _hemisphere(text.translate(_SYMBOLS).replace("''", '"'), axis)
    if match is None:
        raise _problem_not_degrees(axis, raw)
    degrees, minutes, seconds = match["deg"], match["min"], match["sec"]
    if (minutes is not None and "." in degrees) or (seconds is not None and "." in minutes):
        raise _problem_not_degrees(axis, raw)  # 86.5°13′: only the last part has decimals
    if len(degrees.split(".")[0]) > 6:
        raise _problem_range(axis, raw)
    minute_value = float(minutes) if minutes is not None else 0.0
    second_value = float(seconds) if seconds is not None else 0.0
    if minute_value >= 60 or second_value >= 60:
        zh = _NAME[axis][1]
        raise ValueProblem(
            f"has minutes or seconds of 60 or more in '{shown(raw)}': "
            "write degrees°minutes′seconds″ with minutes and seconds below 60",
            f"{zh}“{shown(raw)}”的分或秒不小于 60：请按 度°分′秒″ 填写，分和秒都应小于 60",
        )
    if match["sign"] == "-" and hemisphere_sign == -1:
        zh = _NAME[axis][1]
        raise ValueProblem(
            f"has both a minus sign and S or W in '{shown(raw)}': keep only one of them",
            f"{zh}“{shown(raw)}”同时有负号和南纬/西经：请只保留其中一个",
        )
    sign = -1 if match["sign"] == "-" else hemisphere_sign
    return sign * (float(degrees) + minute_value / 60 + second_value / 3600)


# A date where degrees belong: the column was formatted as a date in Excel or WPS, and
# a CSV export wrote the date shown (1900/4/25), never the number behind it.
_DATE_TEXT_RE = re.compile(
    r"(?P<y>1[89][0-9]{2}|2[01][0-9]{2})\s*[-/.年]\s*(?P<m>[0-9]{1,2})\s*[-/.月]\s*"
    r"(?P<d>[0-9]{1,2})\s*日?(?:[ T]+[0-9]{1,2}[:：][0-9]{2}(?:[:：][0-9]{2}(?:\.[0-9]+)?)?)?"
    r"|(?P<m2>[0-9]{1,2})/(?P<d2>[0-9]{1,2})/(?P<y2>1[89][0-9]{2}|2[01][0-9]{2})"
)
# Excel's day numbers of 1950-01-01 and 2099-12-31: a number between them where degrees
# belong is most likely a date typed into a column formatted as one (2024/5/1 is 45413).
_SERIAL_DAYS = (18264, 73050)
_THOUSANDS_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_WHOLE_RE = re.compile(r"[0-9]{5}(?:\.[0-9]+)?")


def _excel_day(year: int, month: int, day: int) -> int | None:
    """Excel's day number of a date (1900-01-01 is 1; Excel counts a 1900-02-29)."""
    if (year, month, day) == (1900, 2, 29):
        return 60
    try:
        when = date(year, month, day)
    except ValueError:
        return None
    days = (when - date(1899, 12, 30)).days
    return days - 1 if when < date(1900, 3, 1) else days


def _date_problem(value: object, axis: Axis) -> ValueProblem | None:
    """The problem of a value that is a date or Excel's number of a date, or None."""
    zh = _NAME[axis][1]
    en = _NAME[axis][0]
    decimal = _EXAMPLE[axis][0]
    fix_en = (
        f"in the workbook, set the {en} column's cell format to General or Number, check "
        f"or type the {en} again (e.g. {decimal}) and export the file again"
    )
    fix_zh = (
        f"请在原表中选中{zh}列，把单元格格式设为“常规”或“数值”，核对或重新输入{zh}"
        f"（如 {decimal}）后再导出上传"
    )
    if isinstance(value, str) and len(value) <= _MAX_TEXT:
        text = to_ascii(value).strip()
        if (match := _DATE_TEXT_RE.fullmatch(text)) is None:
            if _THOUSANDS_RE.fullmatch(text) is None and _WHOLE_RE.fullmatch(text) is None:
                return None
            value = float(text.replace(",", ""))
        else:
            year, month, day = (
                (match["y"], match["m"], match["d"])
                if match["y"]
                else (match["y2"], match["m2"], match["d2"])
            )
            serial = _excel_day(int(year), int(month), int(day))
            hint_en = hint_zh = ""
            if serial is not None and serial <= _LIMIT_DEG[axis]:
                hint_en = f" ({text} is Excel's day {serial}: the {en} was perhaps {serial}.x)"
                hint_zh = f"（“{shown(text)}”在 Excel 中是数 {serial}，原来可能是 {serial} 点几度）"
            return ValueProblem(
                f"is the date '{shown(text)}', not degrees: the column was formatted as a "
                f"date, and the export wrote the date shown, so the degrees cannot be read "
                f"back{hint_en}; {fix_en}",
                f"{zh}“{shown(text)}”是一个日期，不是度数：原表中此列的单元格格式被设成了日期，"
                f"导出时写成了日期，原来的度数已无法准确还原{hint_zh}；{fix_zh}",
            )
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not (_SERIAL_DAYS[0] <= value <= _SERIAL_DAYS[1]):  # an int compared exactly
        return None
    number = float(value)
    when = date(1899, 12, 30) + timedelta(days=int(number))
    day_zh = f"{when.year}/{when.month}/{when.day}"
    number_text = f"{number:g}"
    return ValueProblem(
        f"is {number_text}, which is no degree but Excel's number of the date {day_zh}: "
        f"the column was probably formatted as a date when it was typed; {fix_en}",
        f"{zh}是 {number_text}，不是度数，而是 Excel 中日期 {day_zh} 对应的数：此列的单元格"
        f"格式可能被设成了日期；{fix_zh}",
    )


def parse_degrees(value: object, axis: Axis, *, from_sheet: bool = False) -> float:
    """Degrees of latitude (``axis="lat"``) or longitude (``"lon"``), signed: north and
    east positive.

    ``value`` is a number, or text in decimal degrees or degrees-minutes-seconds with an
    optional hemisphere (N/S/E/W, 北纬/南纬/东经/西经). Raises :class:`ValueProblem`
    (English and Chinese, saying how to write it) if it is missing, not degrees, not
    finite or outside -90..90 (latitude) or -180..180 (longitude). ``from_sheet``: the
    value comes from a spreadsheet cell, so a date (1900/4/25) or Excel's day number
    (42000) is refused saying the column was formatted as a date.
    """
    try:
        if type(value) is str and (plain := _PLAIN_RE.fullmatch(value.strip())) is not None:
            number = float(plain[0])  # 44.305: the common case, quickly
        else:
            number = _unusual(value, axis)
        limit = _LIMIT_DEG[axis]
        if not -limit <= number <= limit:
            raise _problem_range(axis, value)
    except ValueProblem as problem:
        if not from_sheet:
            raise
        raise (_date_problem(value, axis) or problem) from None
    return number


def _unusual(value: object, axis: Axis) -> float:
    """:func:`parse_degrees` of anything but plain decimal text, before the range check."""
    en, zh = _NAME[axis]
    decimal = _EXAMPLE[axis][0]
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueProblem(
            f"is required: give the {en} in degrees, e.g. {decimal}",
            f"{zh}必填：请填写度数，例如 {decimal}",
        )
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueProblem(
            f"must be a number or text such as {decimal}, not a {type(value).__name__}",
            f"{zh}应为数字或文字形式的度数，例如 {decimal}",
        )
    if isinstance(value, int) and abs(value) > _MAX_MAGNITUDE:
        raise _problem_range(axis, value)
    if isinstance(value, str):  # a subclass of str, or text that is not plain decimals
        plain = _PLAIN_RE.fullmatch(value.strip())
        number = float(plain[0]) if plain else _from_text(value, axis)
    else:
        number = float(value)
    if not math.isfinite(number):
        raise ValueProblem(
            f"must be a finite number of degrees, e.g. {decimal}",
            f"{zh}应为有限的度数（不能是 NaN 或无穷大），例如 {decimal}",
        )
    return number


def decimal_places(value: object) -> int | None:
    """How many decimals a degree value in plain decimals is written with: ``"40.79"``
    -> 2, ``112`` -> 0; a number read from a spreadsheet counts as Python writes it
    (``40.80`` typed in Excel is stored as ``40.8``: 1). ``None`` for degrees-minutes-
    seconds and anything that is not plain decimal degrees."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return 0
    if isinstance(value, float):
        text = repr(value)
    elif isinstance(value, str):
        text = (value if value.isascii() else to_ascii(value)).strip()
    else:
        return None
    if _PLAIN_RE.fullmatch(text) is None:
        return None  # also inf, nan and 1e-05
    return len(text.partition(".")[2])


# What separates the two numbers a map's coordinate picker copies ("116.397428,39.90923"):
# a comma (ASCII or full-width), a semicolon or an enumeration comma, else white space.
_PAIR_SEPARATORS = re.compile(r"\s*[,，;；、]\s*")
_SPACES = re.compile(r"\s+")


def split_pair(text: str) -> tuple[str, str] | None:
    """A latitude and a longitude pasted together into one field, as ``(lat_text,
    lon_text)``; ``None`` if ``text`` is not two readable degree values.

    Pickers disagree on the order (AMap and Baidu copy longitude first, Tencent latitude
    first; a phone's photo shows ``39°54'26.4"N 116°23'51.6"E``), so the order is read
    from the values: a hemisphere word (N/E, 北纬/东经) says which is which; else the one
    that cannot be a latitude (over 90) is the longitude; else (both 90 or less) the
    larger is the longitude, as it is everywhere in China (longitude 73° to 135°,
    latitude 3° to 54°)."""
    if len(text) > 2 * _MAX_TEXT + 5:
        return None
    text = text.strip()
    parts = _PAIR_SEPARATORS.split(text)
    if len(parts) == 2:
        candidates = [(parts[0], parts[1])]
    elif len(parts) == 1:  # separated by spaces: "北纬 39.9 东经 116.4" splits once only
        gaps = list(_SPACES.finditer(text))
        candidates = [(text[: gap.start()], text[gap.end() :]) for gap in gaps]
    else:
        return None
    found: list[tuple[str, str]] = []
    for first, second in candidates:
        if _either(first) is None or _either(second) is None:
            continue
        found.append((first, second))
    if len(found) != 1:
        return None
    first, second = found[0]
    orders = [
        (lat, lon)
        for lat, lon in ((first, second), (second, first))
        if _reads(lat, "lat") is not None and _reads(lon, "lon") is not None
    ]
    if len(orders) == 2:  # both could be latitudes: the larger is the longitude
        larger_first = abs(_either(first) or 0.0) > abs(_either(second) or 0.0)
        return (second, first) if larger_first else (first, second)
    return orders[0] if orders else None


def _reads(text: str, axis: Axis) -> float | None:
    try:
        return parse_degrees(text, axis)
    except ValueProblem:
        return None


def _either(text: str) -> float | None:
    """``text`` read as a longitude, else as a latitude (one marked N or 北纬)."""
    value = _reads(text, "lon")
    return _reads(text, "lat") if value is None else value


def pair_in_one_cell(lat: object, lon: object) -> tuple[str, str, Axis] | None:
    """A picker's pair put whole into a file's 纬度 or 经度 cell (``111.690123,40.851234``
    under 经度, 纬度 left empty or holding the same paste), as ``(lat_text, lon_text,
    the axis of the cell that held it)``; ``None`` otherwise. A cell beside it that holds
    a value of its own is not overwritten: that row is left to be refused."""
    texts = {
        "lat": "" if lat is None else str(lat).strip(),
        "lon": "" if lon is None else str(lon).strip(),
    }
    for axis, other in (("lon", "lat"), ("lat", "lon")):
        pasted = texts[axis]
        if not pasted or texts[other] not in ("", pasted):
            continue
        if (pair := split_pair(pasted)) is not None:
            return pair[0], pair[1], axis  # type: ignore[return-value]
    return None
