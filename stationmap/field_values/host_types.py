"""The host type as an office writes it (驿站类型 / 依托单位类型).

A name of the vocabulary (:data:`stationmap.catalog.HOST_TYPES`) is taken as it is. From
an office's file, a longer name that holds the words of one type only (中国石化某某加油站)
is read as that type, and anything else becomes ``other`` with the office's wording kept
as a line of the station's services (``驿站类型：粮油店``): public, exported and imported
back unchanged, and editable, without a column of its own. Each guess carries a note.
"""

from __future__ import annotations

from dataclasses import dataclass

from stationmap import catalog
from stationmap.field_values import Note, ValueProblem, shown

#: The start of the services line that keeps an office's wording of its host type.
HOST_TYPE_LINE_ZH = "驿站类型："


@dataclass(frozen=True)
class HostTypeReading:
    code: str
    service_line: str | None = None  # the wording kept, for a type the list lacks
    note: Note | None = None


_BLANK = HostTypeReading("other")


def read_host_type(text: str, *, office_file: bool) -> HostTypeReading:
    """Read ``text`` (blank means ``other``). Outside an office's file (the API, the
    editor) a type the vocabulary lacks raises :class:`ValueProblem`."""
    text = text.strip()
    if not text:
        return _BLANK
    code = catalog.lookup("host_type", text)
    if code is not None:
        return HostTypeReading(code)
    names = "、".join(t.zh for t in catalog.HOST_TYPES)
    if not office_file:
        raise ValueProblem(
            f"unknown host type '{shown(text)}'; use a code or name from /api/v1/host-types",
            f"承建类型“{shown(text)}”无法识别：请填写以下之一：{names}",
        )
    guessed = catalog.guess_host_type(text)
    if guessed is not None:
        term = catalog.HOST_TYPE_BY_CODE[guessed]
        return HostTypeReading(
            guessed,
            note=Note(
                f"host type '{shown(text)}' read as '{term.en}': check it",
                f"承建类型“{shown(text)}”已按“{term.zh}”记录，请核对",
            ),
        )
    line = f"{HOST_TYPE_LINE_ZH}{text}"
    return HostTypeReading(
        "other",
        line,
        Note(
            f"host type '{shown(text)}' is not in the list: stored as 'other', with the "
            f"wording kept as the service line '{shown(line)}'; choose a listed type if one "
            "fits",
            f"承建类型“{shown(text)}”不在列表中：已记为“其他”，原文作为服务项目"
            f"“{shown(line)}”保留；如有合适的类型请改选：{names}",
        ),
    )
