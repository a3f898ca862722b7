"""The note a reporter's edit leaves on a report already received: only what changed,
each field as it reads now; nothing when nothing changed (the same form sent again)."""

from __future__ import annotations

import pytest

from stationmap.report_fields import ReportInput, edit_note, sent_content

FIRST = ReportInput("location", (), 44.3050001, 86.2170001, "位置偏了", "13912345678")


def test_the_same_form_sent_again_leaves_no_note() -> None:
    again = ReportInput("location", (), 44.3050001, 86.2170001, "位置偏了", "13912345678", "en")
    assert edit_note(sent_content(FIRST), sent_content(again)) == ""


@pytest.mark.parametrize(
    ("after", "line"),
    [
        (
            ReportInput("location", (), 44.3050001, 86.2170001, "位置偏了", ""),
            "电话 Phone: （已删除） (removed)",
        ),
        (
            ReportInput("location", (), 44.30512345678, 86.2170001, "位置偏了", "13912345678"),
            "位置 Position: 44.3051235, 86.2170001 (WGS-84)",
        ),
        (
            ReportInput("other", (), None, None, "位置偏了", "13912345678"),
            "类型 Problem: 其他问题或建议 (Other problem or suggestion)",
        ),
    ],
    ids=["phone-removed", "pin-moved", "kind-changed"],
)
def test_an_edit_is_noted_field_by_field(after: ReportInput, line: str) -> None:
    note = edit_note(sent_content(FIRST), sent_content(after)).split("\n")
    assert note[0].startswith("报告人在报告收到后修改了内容并再次发送")
    assert line in note[1:]
    if after.kind == "other":  # the pin went with the kind
        assert note[1:] == [line, "位置 Position: （无） (none)"]
    else:
        assert note[1:] == [line]
