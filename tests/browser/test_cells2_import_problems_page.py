"""The admin upload's preview in Chromium on an office screen, in Chinese and English: a
note on 120 rows of a county file is one line naming the rows, a refused 西安80 datum
says how to convert, and the full list of errors and notes downloads as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ensure_admin, log_in

USERNAME = "cells2-admin"
PASSWORD = "a long import password"
DISTRICT = "150102"


@pytest.fixture(scope="module")
def account(live_server: Any) -> str:
    return ensure_admin(live_server, USERNAME, PASSWORD, DISTRICT)


def _county_csv(tmp_path: Path, datum: str, rows: int) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["名称", "地址", "纬度", "经度", "坐标系", "开放时间"])
    for i in range(rows):
        writer.writerow(
            [f"驿站{i}", "新城区", f"{40.85 + i * 0.0005:.6f}", "111.690123", datum, "全天24小时"]
        )
    path = tmp_path / "county.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("query", "rows_words", "datum_words"),
    [
        ("", "第 2-121 行（共 120 行）", "坐标系“西安80”是投影（平面）坐标"),
        ("?lang=en", "rows 2-121 (120 rows)", "'西安80' is a projected (plane) coordinate"),
    ],
)
def test_a_county_file_preview_groups_notes_and_refuses_xian80(
    live_server, desktop, account, tmp_path, query, rows_words, datum_words, artifacts
):
    session = desktop()
    page = session.new_page()
    log_in(page, live_server, USERNAME, PASSWORD, query)
    # 天地图坐标 is read as WGS-84; 全天24小时 on each row is one note naming the rows.
    page.goto(f"{live_server.url}/admin/import{query}")
    page.set_input_files("input[name=file]", str(_county_csv(tmp_path, "天地图坐标", 120)))
    page.click("#upload")
    page.wait_for_selector("#import-notes")
    notes = page.locator("#import-notes tr").all_inner_texts()
    assert len(notes) == 3 and rows_words in notes[2], notes  # header, file note, hours
    assert page.locator("#import-errors").count() == 0  # 天地图坐标 was read
    page.screenshot(path=str(artifacts / f"cells2-import-notes{query[6:]}.png"), full_page=True)
    with page.expect_download() as caught:
        page.click("#problems-download")
    lines = Path(caught.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 1 + 120  # the header, the file's note, each row's note
    # 西安80 on every row: refused, one line for the 120 rows, saying how to convert.
    page.goto(f"{live_server.url}/admin/import{query}")
    page.set_input_files("input[name=file]", str(_county_csv(tmp_path, "西安80", 120)))
    page.click("#upload")
    page.wait_for_selector("#import-errors")
    errors = page.locator("#import-errors tr").all_inner_texts()
    assert len(errors) == 2 and rows_words in errors[1] and datum_words in errors[1], errors
    assert "CGCS2000" in errors[1]
    page.screenshot(path=str(artifacts / f"cells2-import-errors{query[6:]}.png"), full_page=True)
    # The refused preview's 422 status is the browser's only complaint.
    complaints = session.watch.console_errors
    assert complaints and all("status of 422" in c for c in complaints), complaints
    complaints.clear()
