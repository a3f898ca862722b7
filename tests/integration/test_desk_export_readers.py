"""The station export has two readers. An administrator who opens it in Excel or WPS
takes the XLSX (the export page says so): its phones and codes are text cells, shown
as stored (13912345678, not 1.39E+10; 0471… keeps its 0) and kept as text when edited.
A program reads the CSV: pandas reads every stored value back exactly (a formula guard
' aside, which the page documents and our import removes), and our own import of either
file changes nothing."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from stationmap.app_state import state
from tests.integration.admin_support import bare_station
from tests.integration.report_queue_support import admin_client
from tests.integration.unchanged import assert_unchanged, snapshot

STATIONS = [  # code, name, phone, contact: as the app stores them
    ("150102-0001", '=HYPERLINK("http://evil.example")', "13912345678", "-张三"),
    ("150102-0002", "新城区红色驿站·海拉尔东路（工会）", "0471-6612345", "@李四"),
    ("150102-0003", "+86 驿站", "13800001111 / 0471-6543210", "王五"),
]


@pytest.fixture
def admin(empty_app):
    with state(empty_app).db.write_session() as session:
        for number, (code, name, phone, contact) in enumerate(STATIONS):
            session.add(
                bare_station(
                    code, name, 40.8212345 + number / 100, 111.7012345, phone=phone, contact=contact
                )
            )
    client, _csrf = admin_client(empty_app, "root", "superadmin")
    return client


@pytest.mark.parametrize(
    ("lang", "excel", "csv_warning"),
    [
        ("zh", "用 Excel 或 WPS 打开", "手机号会显示成 1.39E+10"),
        ("en", "open the list in Excel or WPS", "a mobile number shows as 1.39E+10"),
    ],
)
def test_the_export_page_says_which_file_to_open_in_excel(admin, lang, excel, csv_warning):
    html = admin.get(f"/admin/import?lang={lang}").get_data(as_text=True)
    for_excel = re.search(r'<li id="export-excel">(.*?)</li>', html, re.S)
    for_programs = re.search(r'<li id="export-csv">(.*?)</li>', html, re.S)
    assert for_excel and "format=xlsx" in for_excel.group(1) and excel in for_excel.group(1)
    assert for_programs and "format=csv" in for_programs.group(1)
    assert csv_warning in for_programs.group(1)


def test_phones_and_codes_in_the_xlsx_are_text_cells(admin):
    data = admin.get("/admin/export?format=xlsx").data
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    phone, code = header.index("联系电话"), header.index("编号")
    rows = [row for row in sheet.iter_rows(min_row=2) if row[code].value]
    assert [(r[code].value, r[phone].value) for r in rows] == [(s[0], s[2]) for s in STATIONS]
    for row in rows:
        for cell in (row[phone], row[code]):
            assert cell.data_type == "s" and cell.number_format == "@", cell.coordinate


def _unguarded(text: str) -> str:
    """What the export page tells a program: a ' before = + - @ (or tab, CR, ') is the
    formula guard."""
    return (
        text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r", "'") else text
    )


def test_pandas_reads_the_csv_back_as_stored(admin):
    data = admin.get("/admin/export?format=csv").data
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    read = [
        (row.code, _unguarded(row.name), row.phone, _unguarded(row.contact))
        for row in frame.itertuples()
    ]
    assert read == STATIONS
    assert frame.loc[0, "name"].startswith("'=")  # a spreadsheet shows it, never runs it


@pytest.mark.parametrize(
    "query", ["format=csv", "format=csv&lang=zh", "format=xlsx"], ids=["csv", "csv-zh", "xlsx"]
)
def test_our_import_reads_an_export_back_unchanged(empty_app, admin, tmp_path: Path, query):
    data = admin.get(f"/admin/export?{query}").data
    path = tmp_path / ("stations.xlsx" if "xlsx" in query else "stations.csv")
    path.write_bytes(data)
    before = snapshot(empty_app)
    result = empty_app.test_cli_runner().invoke(args=["import-stations", str(path)])
    assert result.exit_code == 0, result.output
    assert "created 0, updated 0" in result.output and "unchanged 3" in result.output
    assert_unchanged(before, empty_app)
