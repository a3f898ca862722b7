"""Phone cells as offices fill them in, reduced to one stored form.

Stored form: mobiles as 11 digits (``13912345678``), landlines as area code, ``-`` and
local number (``0994-6612345``), 400/800 numbers as ``400-123-4567``, an extension after
``转``; several numbers joined by `` / ``.

The Chinese numbering plan makes a landline that lost its leading 0 in a spreadsheet
(``9946612345``) unambiguous: a mobile is 11 digits starting with 1, the only area codes
starting with 1 or 2 are 10 and 20-29 (then 8 local digits), every other area code has
three digits after the 0, and local numbers start with 2-9. So 10 digits starting with 10
or 2, and 10 or 11 digits starting with 3-9, are a landline without its 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stationmap.field_values import Note, ValueProblem, shown, to_ascii

_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
# With the trunk 0: 0 + 10 or 2x + 8 digits; 0 + three digits + 7 or 8 digits. Written
# with its 0 the area code is certain, so a local number starting with 1 (which the plan
# keeps for service numbers, but test and sample data use) is taken as written.
_LANDLINE_RE = re.compile(r"0(10|2[0-9])([1-9][0-9]{7})|0([3-9][0-9]{2})([1-9][0-9]{6,7})")
_NO_ZERO_RE = re.compile(r"(10|2[0-9])([2-9][0-9]{7})|([3-9][0-9]{2})([2-9][0-9]{6,7})")
_NATIONWIDE_RE = re.compile(r"([48]00)([0-9]{3})([0-9]{4})")
_SHORT_RE = re.compile(r"1[0-9]{2}|1[0-9]{4}|9[0-9]{4}")  # 110, 12345, 12351, 95588
_LOCAL_RE = re.compile(r"[2-9][0-9]{6,7}")
_NAME_RE = re.compile(r"\(([^()0-9]*)\)")  # a bracket without digits holds a name
_SPLIT_RE = re.compile(r"[/;,、]|或")
_PIECE_RE = re.compile(r"[0-9 ().+\-]+")
_MAX_TEXT = 200  # a cell with three numbers and names is far shorter
_DASHES = str.maketrans({"—": "-", "–": "-", "‐": "-", "‑": "-", "−": "-"})


@dataclass(frozen=True)
class PhoneReading:
    """A phone cell read: the stored text, names found in brackets, notes to check."""

    phone: str
    names: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()


def _problem(piece: str) -> ValueProblem:
    return ValueProblem(
        f"'{shown(piece)}' is not a phone number: a mobile has 11 digits starting with 1, "
        "a landline is 0, a 2-3 digit area code and 7-8 digits (e.g. 0994-6612345); "
        "separate several numbers with /",
        f"“{shown(piece)}”不是有效的电话号码：手机号为 1 开头的 11 位数字，固定电话为 0 + "
        "2–3 位区号 + 7–8 位号码（例如 0994-6612345）；多个号码请用 / 分开",
    )


def _landline(match: re.Match[str]) -> str:
    area, local = (match[1], match[2]) if match[1] else (match[3], match[4])
    return f"0{area}-{local}"


def _one_number(digits: str, notes: list[Note]) -> str | None:
    """The stored form of one number given as digits, or ``None`` if it is none."""
    if _MOBILE_RE.fullmatch(digits):
        return digits
    if match := _LANDLINE_RE.fullmatch(digits):
        return _landline(match)
    if match := _NATIONWIDE_RE.fullmatch(digits):
        return "-".join(match.groups())
    if _SHORT_RE.fullmatch(digits):
        return digits
    if match := _NO_ZERO_RE.fullmatch(digits):
        stored = _landline(match)
        notes.append(
            Note(
                f"'{digits}' looks like a landline that lost its leading 0 (a spreadsheet "
                f"stored it as a number): stored as {stored}; check it",
                f"“{digits}”像是丢了开头 0 的固定电话（表格把它存成了数字）："
                f"已记为 {stored}，请核对",
            )
        )
        return stored
    if _LOCAL_RE.fullmatch(digits):
        notes.append(
            Note(
                f"'{digits}' has no area code: add it (e.g. 0994-{digits}) so that callers "
                "from elsewhere get through",
                f"“{digits}”没有区号：请加上区号（例如 0994-{digits}），外地来电才能打通",
            )
        )
        return digits
    return None


def _piece(piece: str, notes: list[Note]) -> list[str]:
    """The numbers in one piece of the cell (between separators)."""
    number, _, extension = piece.partition("转")
    if not _PIECE_RE.fullmatch(number.strip()) or not extension.strip().isascii():
        raise _problem(piece)
    number = _FLOAT_TAIL_RE.sub("", number.strip())
    national = ""
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number, national = number[len(prefix) :], prefix
    digits = re.sub(r"[^0-9]", "", number)
    if national and not _MOBILE_RE.fullmatch(digits):
        digits = "0" + digits.removeprefix("0")  # +86 994 6612345: the area code's 0 left off
    found: list[Note] = []
    stored = _one_number(digits, found)
    if stored is not None:
        notes.extend(found)
        if extension.strip():
            if not extension.strip().isdigit():
                raise _problem(piece)
            stored += "转" + extension.strip()
        return [stored]
    chunks = number.split()
    if len(chunks) > 1 and not extension.strip():  # two numbers with only a space between
        return [n for chunk in chunks for n in _piece(chunk, notes)]
    raise _problem(piece)


# A number written out as a float (13912345678.0, 0471-6123456.00): the ".0" is no digit.
_FLOAT_TAIL_RE = re.compile(r"(?<=[0-9]{5})\.0+$")
_GROUPED_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3}){2,}(?:\.0+)?")
# A number Excel showed in scientific notation (its 常规 format does so past 11 digits,
# and in a narrow column), and a CSV export wrote as shown: 1.39123E+10.
_SCIENTIFIC_RE = re.compile(r"([0-9])(?:\.([0-9]+))?E\+?([0-9]{1,2})", re.IGNORECASE)


def _from_scientific(text: str, match: re.Match[str], notes: list[Note]) -> str:
    """The digits of a number in scientific notation when it still holds them all
    (1.3912345678E+10), with a note; a :class:`ValueProblem` saying how to fix the cell
    when digits were cut off (1.39123E+10: Excel shows six)."""
    first, rest, exponent = match[1], match[2] or "", int(match[3])
    if len(rest) > exponent or len(rest) < exponent:
        raise ValueProblem(
            f"'{shown(text)}' is a number shown in scientific notation, whose last digits "
            "are lost: in the workbook, set the phone column's cell format to Text, type the "
            "numbers again in full and export the file again",
            f"电话“{shown(text)}”是以科学计数法显示的数字，后几位已经丢失：请在原表中把电话列"
            "的单元格格式设为“文本”，重新输入完整号码后再导出上传",
        )
    digits = first + rest
    notes.append(
        Note(
            f"'{shown(text)}' was a number in scientific notation; read as {digits}: check it, "
            "and set the phone column's format to Text",
            f"电话“{shown(text)}”是科学计数法显示的数字，已按 {digits} 读入：请核对，"
            "并把电话列的单元格格式设为“文本”",
        )
    )
    return digits


def read_phone(value: object) -> PhoneReading:
    """Read a phone cell: ``"（0994）6612345"``, ``"0994-6612345 / 13912345678"``,
    ``"139 1234 5678"``, ``"13912345678（张师傅）"``, ``9946612345`` (a number that lost
    its 0). Raises :class:`ValueProblem` for anything that is not phone numbers."""
    if value is None:
        return PhoneReading("")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number read from a spreadsheet as 13812345678.0
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueProblem(
            "must be text such as 0994-6612345 or 13912345678",
            "联系电话应为文字，例如 0994-6612345 或 13912345678",
        )
    text = to_ascii(str(value)).translate(_DASHES).strip()
    if _GROUPED_RE.fullmatch(text):
        text = text.replace(",", "")  # 13,912,345,678: a 数值 cell with thousands separators
    if len(text) > _MAX_TEXT:
        raise ValueProblem(
            f"is longer than {_MAX_TEXT} characters: keep at most three numbers",
            f"电话超过 {_MAX_TEXT} 个字符：最多保留三个号码",
        )
    notes: list[Note] = []
    if match := _SCIENTIFIC_RE.fullmatch(text):
        text = _from_scientific(text, match, notes)
    names = tuple(name.strip() for name in _NAME_RE.findall(text) if name.strip())
    text = _NAME_RE.sub(" ", text)
    numbers: list[str] = []
    for piece in _SPLIT_RE.split(text):
        if piece.strip():
            numbers.extend(n for n in _piece(piece, notes) if n not in numbers)
    if not numbers and names:
        raise _problem(str(value))
    return PhoneReading(" / ".join(numbers), names, tuple(notes))


@dataclass(frozen=True)
class PhoneCell:
    """The phone and contact of a station read together, with notes by field name."""

    phone: str
    contact: str
    notes: tuple[tuple[str, Note], ...] = ()


def read_phone_and_contact(phone: object, contact: str) -> PhoneCell:
    """Read the phone cell; a name in brackets in it moves to an empty ``contact`` (with a
    note), and one that differs from the contact is only noted. Raises
    :class:`ValueProblem` as :func:`read_phone` does."""
    reading = read_phone(phone)
    notes = [("phone", note) for note in reading.notes]
    named = "、".join(reading.names)
    if named and not contact:
        contact = named
        notes.append(
            (
                "contact",
                Note(
                    f"the name '{shown(named)}' in the phone cell was moved to the contact: "
                    "check it",
                    f"电话中括号里的“{shown(named)}”已移到联系人，请核对",
                ),
            )
        )
    elif named and named != contact:
        notes.append(
            (
                "contact",
                Note(
                    f"the phone cell names '{shown(named)}' but the contact is "
                    f"'{shown(contact)}': the contact is kept; check which is right",
                    f"电话中写的联系人“{shown(named)}”与联系人“{shown(contact)}”不同："
                    "已保留联系人一栏，请核对",
                ),
            )
        )
    return PhoneCell(reading.phone, contact, tuple(notes))
