"""What a file's own words say about the map its coordinates came from, where it has no
坐标系 column: a title row ("坐标采用百度坐标"), a note under the list ("注：坐标为高德地图
拾取") or a 填表说明 sheet ("坐标用高德地图拾取"). Offices write this more often than a
column. It is only a suggestion: the import still asks, with this map chosen in advance
and the words quoted, because a wrong choice puts every point 300-700 m off.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from stationmap.geo.datum import Datum

#: The map names that say a datum, most specific first.
_MAP_WORDS: tuple[tuple[re.Pattern[str], Datum], ...] = (
    (re.compile(r"高德|腾讯|火星坐标|gcj[-_ ]?0?2", re.I), "gcj02"),
    (re.compile(r"百度|bd[-_ ]?0?9", re.I), "bd09"),
    (
        re.compile(r"gps|北斗|wgs[-_ ]?84|84坐标|天地图|cgcs ?2000|国家 ?2000|2000坐标", re.I),
        "wgs84",
    ),
)
#: Words that make a sentence about coordinates (百度 alone may be about a search).
_ABOUT_POINTS = re.compile(r"坐标|经纬度|经度|纬度|拾取|定位|coordinat|lng|lon", re.I)
#: The longest text looked at: longer cells are paragraphs of instructions.
_MAX_TEXT = 200
_SHOWN = 40


@dataclass(frozen=True)
class DatumHint:
    """A cell whose words name one map: ``datum``, where (``sheet``, ``row``) and the
    words as shown (cut to 40 characters)."""

    datum: Datum
    sheet: str | None
    row: int
    text: str

    def said(self, lang: str) -> str:
        """Where the words are and what they say: 工作表“玛纳斯县”第 12 行写着“…”."""
        if lang == "en":
            where = f'sheet "{self.sheet}"' if self.sheet else "the file"
            return f"row {self.row} of {where} says “{self.text}”"
        where = f"工作表“{self.sheet}”" if self.sheet else "文件"
        return f"{where}第 {self.row} 行写着“{self.text}”"


def datum_named(text: str) -> Datum | None:
    """The datum a sentence about coordinates names, if it names exactly one."""
    if len(text) > _MAX_TEXT:
        return None
    plain = unicodedata.normalize("NFKC", text)
    if not _ABOUT_POINTS.search(plain):
        return None
    found = {datum for pattern, datum in _MAP_WORDS if pattern.search(plain)}
    return found.pop() if len(found) == 1 else None


def hints_in(sheet: str | None, rows: Iterable[tuple[int, dict[int, object]]]) -> list[DatumHint]:
    """The cells of ``rows`` that name one map."""
    out = []
    for number, values in rows:
        for value in values.values():
            if isinstance(value, str) and (datum := datum_named(value)) is not None:
                shown = value.strip()
                shown = shown if len(shown) <= _SHOWN else shown[:_SHOWN] + "…"
                out.append(DatumHint(datum, sheet, number, shown))
    return out


def agreed(hints: Iterable[DatumHint]) -> DatumHint | None:
    """The first hint if every hint names the same map; None if none or they differ."""
    hints = list(hints)
    if not hints or len({h.datum for h in hints}) > 1:
        return None
    return hints[0]
