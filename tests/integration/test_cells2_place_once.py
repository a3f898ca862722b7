"""A reader's note or error on a cell says its place once: by its sheet, row and column
(the preview's columns, the command line's prefix), not again at the start of its words
(第 1 张表“驿站”第 3 行 D 列：... under 第 3 行, D 列), so the same words on many rows
are one line naming the rows."""

from __future__ import annotations

import io
import re

import openpyxl

from tests.integration.admin_support import login, make_user, page_csrf

ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
FORMULA_ZH = "此单元格是公式，但文件中没有保存它的计算结果"


def _book() -> bytes:
    """Rows 2-6 take 经度 by a formula saved without its result (as a program writes
    it); row 7 is a total row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "驿站"
    sheet.append(["名称", "地址", "纬度", "经度", "坐标系"])
    for i in range(5):
        sheet.append([f"驿站{i}", "玛纳斯县", 44.305 + i * 0.01, f"=86.214+{i}/100", "wgs84"])
    sheet.append(["合计：5个"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_preview_says_each_place_once_and_groups_the_rows(empty_app):
    make_user(empty_app, "boss", "superadmin")
    client = empty_app.test_client()
    login(client, "boss")
    response = client.post(
        "/admin/import",
        data={"csrf_token": page_csrf(client), "file": (io.BytesIO(_book()), "county.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    table = html.split('id="import-errors"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>" + r"<td>([^<]*)</td>" * 5 + "</tr>", table)
    assert [row[:4] for row in rows] == [("驿站", "第 2-6 行（共 5 行）", "D", "经度")]
    assert rows[0][4].startswith(FORMULA_ZH)
    notes = html.split('id="import-notes"')[1].split("</table>")[0]
    assert (
        "<td>驿站</td><td>第 7 行</td><td>A</td><td>文件</td>"
        "<td>“合计：5个”是合计或说明行，不是驿站，已跳过（无需修改）</td>"
    ) in notes
    assert "张表" not in html


def test_the_command_line_says_each_place_once(empty_app, tmp_path):
    path = tmp_path / "county.xlsx"
    path.write_bytes(_book())
    result = empty_app.test_cli_runner().invoke(args=["import-stations", str(path)], env=ZH)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line for line in lines if FORMULA_ZH in line] == [
        f"  工作表“驿站”，第 2-6 行（共 5 行），D 列，经度：{FORMULA_ZH}"
        "（文件由程序生成，未经计算）："
        "请用 Excel 或 WPS 打开此文件、保存后重新上传，或把公式改为数值"
    ]
    assert "张表" not in result.output
