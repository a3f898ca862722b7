"""Hours whose span opens and closes at the same time (``10:00-10:00``): a typing slip
the parsing library read as open around the clock. Refused where hours are typed (the
import, naming sheet, row and column; the editor and its live check, in Chinese or
English; the API, a 422 naming ``opening_hours``), while a station stored with such
hours before still loads and displays."""

from __future__ import annotations

import re

import openpyxl
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from tests.integration.admin_support import (
    XINCHENG,
    bare_station,
    csrf_of,
    free_point,
    login,
    make_user,
    new_form,
    page_csrf,
)
from tests.integration.unchanged import assert_unchanged, snapshot

ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
EN = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
FIX_ZH = "如全天开放请写 24/7 或 00:00-24:00，否则请改正开门或关门时间"
FIX_EN = "for a station open all day write 24/7 or 00:00-24:00; otherwise correct"


def _workbook(tmp_path, hours: str):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "驿站"
    sheet.append(["名称", "地址", "纬度", "经度", "开放时间"])
    sheet.append(["甲驿站", "玛纳斯县一路", 44.305, 86.214, "8:00-20:00"])
    sheet.append(["乙驿站", "玛纳斯县二路", 44.307, 86.216, hours])
    path = tmp_path / "list.xlsx"
    book.save(path)
    return path


def test_the_import_refuses_the_file_naming_sheet_row_and_column(empty_app, tmp_path):
    path = _workbook(tmp_path, "十点到十点")
    args = ["import-stations", str(path), "--datum", "wgs84"]
    result = empty_app.test_cli_runner().invoke(args=args, env=ZH)
    assert result.exit_code == 1, result.output
    assert (
        "  工作表“驿站”，第 3 行，E 列，开放时间：开放时间“十点到十点”的开始和结束时间相同"
        f"（10:00-10:00）：{FIX_ZH}" in result.output
    ), result.output
    english = empty_app.test_cli_runner().invoke(args=args, env=EN)
    assert english.exit_code == 1
    assert "10:00-10:00" in english.output and FIX_EN in english.output, english.output
    with state(empty_app).db.session() as session:
        assert session.scalar(select(Station.id)) is None


def test_the_editor_refuses_it_in_chinese_and_in_english(app):
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    login(client, "xc")
    token = page_csrf(client)
    lat, lon = free_point(app, XINCHENG)
    before = snapshot(app)
    form = new_form(lat, lon, csrf_token=token, opening_hours="Mo-Fr 08:00-08:00")
    response = client.post("/admin/stations/new?lang=zh", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert (
        'data-field="opening_hours">开放时间：开放时间“Mo-Fr 08:00-08:00”的开始和结束时间相同'
        "（08:00-08:00）" in page
    ), page
    assert FIX_ZH in page
    english = client.post("/admin/stations/new?lang=en", data=form)
    assert english.status_code == 422
    page = english.get_data(as_text=True)
    assert 'data-field="opening_hours">Opening hours: opening hours ' in page
    assert "start and end at the same time (08:00-08:00)" in page and FIX_EN in page
    assert_unchanged(before, app)
    # The live check under the field says the same before anything is saved.
    check = client.get("/admin/hours-preview", query_string={"text": "10:00-10:00", "lang": "zh"})
    assert check.get_json() == {
        "ok": False,
        "text": f"开放时间“10:00-10:00”的开始和结束时间相同（10:00-10:00）：{FIX_ZH}",
    }


def _token(app) -> str:
    make_user(app, "api", "district_admin", (XINCHENG,))
    client = app.test_client()
    login(client, "api")
    page = client.post("/admin/tokens", data={"csrf_token": page_csrf(client), "name": "接口"})
    return re.search(r'id="new-token">([^<]+)<', page.get_data(as_text=True)).group(1)


def test_the_api_answers_422_naming_opening_hours(app):
    secret = _token(app)
    lat, lon = free_point(app, XINCHENG)
    body = {"name": "接口驿站", "lat": lat, "lon": lon, "opening_hours": "10:00-10:00"}
    before = snapshot(app)
    response = app.test_client().post(
        "/api/v1/stations", json=body, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == "opening_hours"
    assert "start and end at the same time (10:00-10:00)" in error["message"]
    assert_unchanged(before, app)


def test_a_station_stored_with_such_hours_still_loads_and_displays(app):
    with state(app).db.write_session() as session:
        station = bare_station("150102-9901", "旧驿站", 40.85, 111.70, opening_hours="10:00-10:00")
        session.add(station)
        session.flush()
        station_id, code = station.id, station.code
    client = app.test_client()
    detail = client.get(f"/api/v1/stations/{station_id}")
    assert detail.status_code == 200
    assert detail.get_json()["properties"]["opening_hours"] == "10:00-10:00"
    assert client.get(f"/s/{code}").status_code == 200
    make_user(app, "boss", "superadmin")
    admin = app.test_client()
    login(admin, "boss")
    editor = admin.get(f"/admin/stations/{station_id}")
    assert editor.status_code == 200
    assert 'value="10:00-10:00"' in editor.get_data(as_text=True)
    assert csrf_of(editor.get_data(as_text=True))
