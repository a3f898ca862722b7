"""An import's errors and notes grouped by message, bounded for a page or a JSON answer,
and written out in full as CSV."""

from __future__ import annotations

import csv
import io

from stationmap.services.transfer import ImportReport
from stationmap.station_fields import FieldError
from stationmap.tabular.problem_list import group_problems, problems_csv

ALWAYS = FieldError("opening_hours", "read as 24/7", None, "已按 24/7 理解", None, "G")


def _at(row: int | None, problem: FieldError = ALWAYS, sheet: str | None = None) -> FieldError:
    return FieldError(
        problem.field, problem.message, row, problem.message_zh, sheet, problem.column
    )


def test_the_same_message_is_one_group_naming_runs_of_rows() -> None:
    rows = [*range(2, 27), *range(28, 32)]
    (group,) = group_problems([_at(row) for row in reversed(rows)])
    assert group.rows_text("zh") == "第 2-26、28-31 行（共 29 行）"
    assert group.rows_text("en") == "rows 2-26, 28-31 (29 rows)"
    assert group.as_dict() == {
        "field": "opening_hours",
        "message": "read as 24/7",
        "message_zh": "已按 24/7 理解",
        "column": "G",
        "rows": 29,
        "row_runs": [[2, 26], [28, 31]],
    }


def test_sheets_columns_and_rowless_problems_stay_apart() -> None:
    groups = group_problems([_at(2, sheet="一区"), _at(3, sheet="二区"), _at(None), _at(4)])
    assert [(g.sheet, g.rows) for g in groups] == [
        ("一区", (2,)),
        ("二区", (3,)),
        (None, ()),
        (None, (4,)),
    ]
    assert groups[0].rows_text("zh") == "第 2 行" and groups[2].rows_text("en") == ""


def test_a_json_answer_lists_fifty_groups_and_counts_the_rest() -> None:
    notes = [
        _at(row, FieldError("name", f"note {row}", None, f"说明 {row}")) for row in range(2, 70)
    ]
    notes += [_at(row) for row in range(2, 100_002)]
    answer = ImportReport(notes=notes).as_dict()
    assert len(answer["notes"]) == 50 and answer["notes_left_out"] == 19
    assert answer["notes"][0]["row_runs"] == [[2, 2]]
    assert answer["errors"] == [] and answer["errors_left_out"] == 0


def test_the_csv_has_every_problem_and_runs_no_formula() -> None:
    bad = FieldError("lat", "=1+1", 5, '=HYPERLINK("x")', "=sheet", "D")
    data = problems_csv([bad], [_at(2), _at(3)], "zh")
    assert data.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(data.decode("utf-8").lstrip("\ufeff"))))
    assert lines == [
        ["工作表", "行", "列", "字段", "类别", "问题"],
        ["'=sheet", "5", "D", "纬度", "错误", '\'=HYPERLINK("x")'],
        ["", "2", "G", "开放时间", "说明", "已按 24/7 理解"],
        ["", "3", "G", "开放时间", "说明", "已按 24/7 理解"],
    ]
