"""Amenities given one column each: a header naming one amenity (饮水, 充电, 卫生间,
是否有微波炉) over cells marked ✓ / √ / 是 / 有 / 1 / ● where the station has it and
left empty or marked 否 / 无 / × / 0 where it has not. :mod:`~stationmap.tabular.layout`
reads such columns into the ``amenities`` field.

Every note and error names its sheet, row and column, in Chinese and English.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from stationmap import catalog
from stationmap.station_fields import FieldError
from stationmap.tabular.cell_kinds import rows_text
from stationmap.tabular.columns import column_letter
from stationmap.tabular.sheets import Grid

#: The prefix of a column target naming one amenity: ``amenity:toilet``.
AMENITY_PREFIX = "amenity:"

_WORDS: dict[str, str] = {
    word.lower(): term.code
    for term in catalog.AMENITIES
    for word in (term.code, term.zh, term.en, *term.aliases, *term.words)
}
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")
_ASKING = re.compile(r"^(?:是否有|是否|有无|有否)|(?:有无|与否)$")
_SPACES = re.compile(r"[\s_\-*:]+")

#: What marks a station as having (True) or lacking (False) the column's amenity.
_MARKS: dict[str, bool] = {
    **dict.fromkeys(("✓", "√", "✔", "☑", "●", "■", "是", "有", "1", "y", "yes", "true"), True),
    **dict.fromkeys(("否", "无", "没有", "×", "✗", "✕", "✘", "x", "0", "n", "no", "false"), False),
    **dict.fromkeys(("-", "—", "–", "/", "☐", "□"), False),
}
# A yes or no word with a remark after it: 有（男女分设）, 是，24小时, 没有, 附近有公厕.
_REMARKED = re.compile(r"(有|是|没有|无|否)\s*[(,、;:\s]")
_YES_SHOWN = "✓、√、是、有、1、●"
_NO_SHOWN = "否、无、×、0"


def amenity_column(header: str) -> str | None:
    """The amenity code a header names by itself (``饮水`` -> ``water``, ``是否有卫生间``
    -> ``toilet``, ``微波炉（有/无）`` -> ``microwave``); ``None`` for any other header."""
    text = _BRACKETED.sub("", unicodedata.normalize("NFKC", header))
    key = _ASKING.sub("", _SPACES.sub("", text)).lower()
    return _WORDS.get(key)


def read_mark(value: object) -> bool | None:
    """Whether a cell of an amenity column says the station has it; ``None`` when the
    cell says neither (and is not empty: an empty cell is ``False``)."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        return True if value == 1 else False if value == 0 else None
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if not text:
        return False
    if text in _MARKS:
        return _MARKS[text]
    remarked = _REMARKED.match(text)  # 有（男女分设）, 无（在建）
    return None if remarked is None else remarked[1] in ("有", "是")


def mark_error(grid: Grid, number: int, col: int, header: str, value: object) -> FieldError:
    """The error on an amenity column's cell that neither marks nor unmarks it."""
    code = amenity_column(header) or ""
    name = catalog.AMENITY_BY_CODE[code]
    shown = str(value)[:30]
    return FieldError(
        "amenities",
        f"the {header!r} column marks whether the station has {name.en}: write one of "
        f"{_YES_SHOWN} if it has, leave the cell empty or write one of {_NO_SHOWN} if "
        f"not; not {shown!r}",
        number,
        f"“{header}”列表示驿站是否有“{name.zh}”：有请填 {_YES_SHOWN} 之一，没有请留空或填 "
        f"{_NO_SHOWN} 之一；现为“{shown}”，请改正",
        sheet=grid.title,
        column=column_letter(col),
    )


def amenity_note(grid: Grid, col: int, header: str, rows: Sequence[int]) -> FieldError:
    """The note on an amenity column read into 服务设施: the rows marked as having it."""
    code = amenity_column(header) or ""
    name = catalog.AMENITY_BY_CODE[code]
    if rows:
        zh_rows, en_rows = rows_text(list(rows))
        zh = f"{zh_rows}有此设施"
        en = f"{en_rows} have it"
    else:
        zh, en = "没有一行标明有此设施", "no row is marked as having it"
    return FieldError(
        "amenities",
        f"the {header!r} column was read as the amenity {name.en}: {en}",
        None,
        f"“{header}”列已按服务设施“{name.zh}”读入：{zh}，请核对",
        sheet=grid.title,
        column=column_letter(col),
    )
