"""An office's .xls workbook (Excel 97-2003, as WPS templates save it) uploaded in
Chromium on an office screen: its 填表说明 says the points were picked on AMap, so the
datum question comes with 高德·腾讯 chosen; the preview's table keeps short cells on one
line (Chinese breaks between any two characters unless told not to) and each row's notes
name their column, not the row again."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import xlwt

from tests.browser.conftest import ensure_admin, log_in
from tests.datum_reference import gcj02_from_wgs84

USERNAME = "xls-admin"
PASSWORD = "a long xls import password"
DISTRICT = "150102"


@pytest.fixture(scope="module")
def account(live_server: Any) -> str:
    return ensure_admin(live_server, USERNAME, PASSWORD, DISTRICT)


def _workbook(tmp_path: Path) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    guide = book.add_sheet("填表说明")
    guide.write(0, 0, "填表说明：每个驿站一行；坐标用高德地图拾取")
    sheet = book.add_sheet("新城区驿站")
    sheet.write_merge(0, 0, 0, 5, "新城区户外劳动者服务站点名单")
    for c, text in enumerate(["序号", "驿站名称", "经度", "纬度", "开放时间", "服务内容"]):
        sheet.write(1, c, text)
    for i in range(3):
        lat, lon = gcj02_from_wgs84(40.851 + i * 0.002, 111.6901)
        row = [
            i + 1,
            f"新城区第{i + 1}驿站",
            round(lon, 6),
            round(lat, 6),
            "全天24小时",
            "饮水、充电",
        ]
        for c, value in enumerate(row):
            sheet.write(i + 2, c, value)
    path = tmp_path / "新城区驿站名单.xls"
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


LINES = """(selector) => [...document.querySelectorAll(selector)].map((cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
})"""


def test_an_xls_upload_is_asked_its_map_with_amap_chosen_and_previews_cleanly(
    live_server, desktop, account, tmp_path, artifacts
):
    session = desktop()
    page = session.new_page()
    log_in(page, live_server, USERNAME, PASSWORD, "")
    page.goto(f"{live_server.url}/admin/import")
    page.set_input_files("input[name=file]", str(_workbook(tmp_path)))
    page.click("#upload")
    page.wait_for_selector("#datum-question")
    assert "坐标用高德地图拾取" in page.inner_text("#datum-hint")
    assert page.locator("#datum-question input[name=datum]:checked").get_attribute("value") == (
        "gcj02"
    )
    page.click("#datum-answer")
    page.wait_for_selector("#import-rows")
    assert "将新建 3 个" in page.inner_text("#import-summary")
    page.screenshot(path=str(artifacts / "xls-import-preview.png"), full_page=True)
    # 工作表, 行 and 区县 of each station row are one line each at 1366 px.
    for column in (1, 2, 5):
        lines = page.evaluate(LINES, f"#import-rows tr td:nth-child({column})")
        assert lines == [1, 1, 1], (column, lines)
    notes = page.locator("#import-rows p.note").all_inner_texts()
    assert notes and all(not n.startswith("第") for n in notes), notes
    assert any(n.startswith("E 列 开放时间：") for n in notes), notes
    assert session.watch.console_errors == []
