"""The administrator's CSV and XLSX exports read back as a spreadsheet program reads
them (the csv module, openpyxl): Chinese text intact, a cell starting with = + - or @
(a formula to Excel, LibreOffice and WPS) written as text behind a leading ', and codes
and phones with their leading zeros, as text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from stationmap.app_state import state
from tests.integration.admin_support import bare_station
from tests.integration.report_queue_support import admin_client

RISKY = {
    "name": "=cmd|' /C calc'!A0",
    "address": "+1+2 海拉尔东路",
    "contact": "-2+3 张三",
}
AT_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
CHINESE = "新城区红色驿站·海拉尔东路（工会）"
PHONE = "0471-6612345"


@pytest.fixture
def exported(empty_app):
    """A superadmin's client over three stations whose text a spreadsheet would run."""
    with state(empty_app).db.write_session() as session:
        session.add(
            bare_station(
                "150102-0001",
                RISKY["name"],
                40.82,
                111.70,
                phone=PHONE,
                address=RISKY["address"],
                contact=RISKY["contact"],
            )
        )
        session.add(bare_station("150102-0002", AT_NAME, 40.83, 111.70))
        session.add(bare_station("150102-0003", CHINESE, 40.84, 111.70, phone="13912345678"))
    client, _csrf = admin_client(empty_app, "root", "superadmin")
    return client


def _rows_csv(client):
    data = client.get("/admin/export?format=csv&lang=en").data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    return {row["code"]: row for row in rows}, ("name", "address", "contact", "phone")


def _rows_xlsx(client):
    data = client.get("/admin/export?format=xlsx").data
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in values[1:] if r[0]}
    # no cell of a station is a formula; the phones are text, not numbers
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    return rows, ("名称", "地址", "联系人", "联系电话")


@pytest.mark.parametrize("read", [_rows_csv, _rows_xlsx], ids=["csv", "xlsx"])
def test_exported_cells_are_text_a_spreadsheet_will_not_run(exported, read):
    rows, (name, address, contact, phone) = read(exported)
    first = rows["150102-0001"]
    assert first[name] == "'" + RISKY["name"]
    assert first[address] == "'" + RISKY["address"]
    assert first[contact] == "'" + RISKY["contact"]
    assert first[phone] == PHONE
    assert rows["150102-0002"][name] == "'" + AT_NAME
    assert rows["150102-0003"][name] == CHINESE
    assert rows["150102-0003"][phone] == "13912345678"  # a str: never 1.39E+10
