"""An import's errors and notes as an administrator reads them: the same message on many
rows once, naming the runs of rows (第 2-26、28-31 行（共 29 行）), and the full list,
one problem a line by sheet, row and column, as a CSV to download. Pure: no Flask, no
database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from stationmap.station_fields import FIELD_ZH, FieldError
from stationmap.tabular.cell_kinds import LISTED_RUNS, rows_text
from stationmap.tabular.writing import guard_text

#: How many groups a page lists of the errors, and of the notes, before the download.
SHOWN_GROUPS = 50

# Columns an import names that are not station fields (:data:`FIELD_ZH`).
_OTHER_FIELDS_ZH = {"file": "文件", "version": "版本"}


def field_words(name: str, lang: str) -> str:
    """A field's name as the reader reads it: ``纬度`` or ``lat``."""
    if lang == "zh":
        return FIELD_ZH.get(name) or _OTHER_FIELDS_ZH.get(name, name)
    return name


@dataclass(frozen=True)
class ProblemGroup:
    """One message of an import on one field and column of a sheet, and the rows it is
    said of (none for a problem of the file or of a whole column)."""

    field: str
    message: str
    message_zh: str
    sheet: str | None
    column: str | None
    rows: tuple[int, ...]

    def text(self, lang: str) -> str:
        return self.message_zh if lang.startswith("zh") and self.message_zh else self.message

    def rows_text(self, lang: str) -> str:
        """``第 5 行``, ``第 2-26、28-31 行（共 29 行）`` or ``rows 2-26, 28-31 (29 rows)``;
        empty without rows."""
        if not self.rows:
            return ""
        if len(self.rows) == 1:
            return f"第 {self.rows[0]} 行" if lang.startswith("zh") else f"row {self.rows[0]}"
        zh, en = rows_text(list(self.rows))
        return zh if lang.startswith("zh") else en

    def as_dict(self) -> dict[str, object]:
        """The group for JSON: ``rows`` counts them, ``row_runs`` lists the first
        :data:`LISTED_RUNS` runs as ``[first, last]``."""
        runs: list[list[int]] = []
        for row in self.rows:
            if runs and row == runs[-1][1] + 1:
                runs[-1][1] = row
            elif len(runs) == LISTED_RUNS:
                break
            else:
                runs.append([row, row])
        out: dict[str, object] = {"field": self.field, "message": self.message}
        if self.message_zh:
            out["message_zh"] = self.message_zh
        if self.sheet is not None:
            out["sheet"] = self.sheet
        if self.column is not None:
            out["column"] = self.column
        out["rows"] = len(self.rows)
        out["row_runs"] = runs
        return out


def group_problems(problems: Iterable[FieldError]) -> list[ProblemGroup]:
    """``problems`` with the same message, field, sheet and column as one group each,
    in the order their first problem came."""
    groups: dict[tuple[object, ...], list[int]] = {}
    firsts: dict[tuple[object, ...], FieldError] = {}
    for problem in problems:
        key = (
            problem.sheet,
            problem.column,
            problem.field,
            problem.message,
            problem.message_zh,
            problem.row is None,
        )
        firsts.setdefault(key, problem)
        rows = groups.setdefault(key, [])
        if problem.row is not None:
            rows.append(problem.row)
    return [
        ProblemGroup(
            first.field,
            first.message,
            first.message_zh,
            first.sheet,
            first.column,
            tuple(sorted(set(groups[key]))),
        )
        for key, first in firsts.items()
    ]


def left_out(groups: list[ProblemGroup]) -> tuple[int, int] | None:
    """The groups past the first :data:`SHOWN_GROUPS` that a page leaves out, and the
    problems in them (a group without rows is one); ``None`` when none is left out."""
    rest = groups[SHOWN_GROUPS:]
    if not rest:
        return None
    return len(rest), sum(max(1, len(group.rows)) for group in rest)


def grouped_json(problems: list[FieldError]) -> tuple[list[dict[str, object]], int]:
    """The first :data:`SHOWN_GROUPS` groups of ``problems`` for JSON, and how many
    groups are left out."""
    groups = group_problems(problems)
    return [group.as_dict() for group in groups[:SHOWN_GROUPS]], len(groups[SHOWN_GROUPS:])


def problems_csv(errors: Iterable[FieldError], notes: Iterable[FieldError], lang: str) -> bytes:
    """Every error and note of an import, one a line (sheet, row, column, field, kind,
    message), as UTF-8 CSV with a byte order mark so that Excel reads the Chinese."""
    zh = lang.startswith("zh")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ("工作表", "行", "列", "字段", "类别", "问题")
        if zh
        else ("sheet", "row", "column", "field", "kind", "message")
    )
    for kind, problems in ((("错误", "error"), errors), (("说明", "note"), notes)):
        for problem in problems:
            writer.writerow(
                (
                    guard_text(problem.sheet or ""),
                    "" if problem.row is None else problem.row,
                    problem.column or "",
                    field_words(problem.field, "zh" if zh else "en"),
                    kind[0] if zh else kind[1],
                    guard_text(problem.text("zh" if zh else "en")),
                )
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
