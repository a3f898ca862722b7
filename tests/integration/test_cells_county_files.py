"""A county office's own files through the command line (Chinese terminal) and the admin
upload: AMap coordinates in a 经度 column formatted as dates, hours as 上班时间 and
下班时间 time cells, phones stored as numbers, a total and a sign-off row whose names
fall in the 经度 column; a WPS CSV in GB18030 with Excel's time numbers; the refusals
of a CSV whose phones Excel cut to scientific notation. Positions are checked against
the points the office meant, converted with the reference formulas."""

from __future__ import annotations

import csv
import io
import re
from datetime import time

import openpyxl
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from tests.datum_reference import gcj02_from_wgs84, metres_apart
from tests.integration.admin_support import XINCHENG, free_point, login, make_user, page_csrf

NAMES = ("新城区海拉尔东路环卫驿站", "新城区东风路户外劳动者驿站", "新城区锡林郭勒北路工会驿站")
PHONES = ("13947112345", "15004712345", "18647112345")


def _points(app) -> dict[str, tuple[float, float]]:
    lat, lon = free_point(app, XINCHENG)
    return {name: (lat + 0.002 * i, lon + 0.001 * i) for i, name in enumerate(NAMES)}


def _county_workbook(points: dict[str, tuple[float, float]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "驿站名单"
    sheet.append(["呼和浩特市新城区户外劳动者驿站名单"])
    sheet.merge_cells("A1:H1")
    sheet.append(
        ["序号", "驿站名称", "地址", "高德经度", "高德纬度", "上班时间", "下班时间", "联系电话"]
    )
    for i, (name, point) in enumerate(points.items()):
        g_lat, g_lon = gcj02_from_wgs84(*point)
        phone = int(PHONES[i])  # typed into a 常规 cell: stored as a number
        sheet.append(
            [i + 1, name, "呼和浩特市新城区", g_lon, g_lat, time(8, 0), time(20, 30), phone]
        )
    sheet.append(["合计", "3个"])
    sheet.append(["填表人：张三", None, None, "审核人：李四", None, "填报日期：2025年3月1日"])
    for cell in sheet["F"][2:5] + sheet["G"][2:5]:
        cell.number_format = "h:mm"
    for cell in sheet["D"][2:5]:
        cell.number_format = "yyyy/m/d"  # Excel shows 111.69 as 1900/4/20
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _check_stored(app, points, hours: str) -> None:
    with state(app).db.session() as session:
        stored = {s.name: s for s in session.scalars(select(Station)) if s.name in points}
    assert sorted(stored) == sorted(points)
    for i, name in enumerate(NAMES):
        station = stored[name]
        assert metres_apart(points[name], (station.lat, station.lon)) < 10, name
        assert station.district_code == XINCHENG
        assert station.opening_hours == hours
        assert station.phone == PHONES[i]


def test_the_command_line_imports_a_county_workbook_as_meant(app, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    points = _points(app)
    path = tmp_path / "新城区驿站名单.xlsx"
    path.write_bytes(_county_workbook(points))
    result = app.test_cli_runner().invoke(args=["import-stations", str(path)])
    assert result.exit_code == 0, result.output
    assert "新建 3 个" in result.output
    for words in (
        "工作表“驿站名单”，D 列，经度：第 3-5 行（共 3 行）的经度单元格格式被设成了日期",
        "工作表“驿站名单”，F 列，开放时间：第 3-5 行（共 3 行）的“上班时间”“下班时间”"
        "已按每天的开放时间读入（第 3 行为 08:00-20:30）",
        "工作表“驿站名单”，第 6 行，A 列：“合计”是合计或说明行",
        "工作表“驿站名单”，第 7 行，A 列：“填表人：张三”是合计或说明行，不是驿站，已跳过",
    ):
        assert words in result.output, words
    _check_stored(app, points, "08:00-20:30")


def test_the_admin_upload_imports_a_wps_csv_with_excel_time_numbers(app):
    points = _points(app)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["站点名称", "详细地址", "经度", "纬度", "坐标系", "开始时间", "结束时间", "联系电话"]
    )
    for i, (name, point) in enumerate(points.items()):
        g_lat, g_lon = gcj02_from_wgs84(*point)
        start = "0.333333333333333" if i else "1899/12/30 8:00"  # 8:00, as WPS exports
        writer.writerow(
            [name, "新城区", f"{g_lon:.6f}", f"{g_lat:.6f}", "高德", start, "0.75", PHONES[i]]
        )
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    token = page_csrf(client)
    data = out.getvalue().encode("gb18030")
    preview = client.post(
        "/admin/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), "新城区.csv")},
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:3000]
    assert "将新建 <strong>3</strong> 个" in html
    assert (
        "第 2-4 行（共 3 行）的“开始时间”“结束时间”已按每天的开放时间读入（第 2 行为 08:00-18:00）"
        in html
    )
    done = client.post(
        re.search(r'action="(/admin/import/[^"/]+)"', html).group(1), data={"csrf_token": token}
    )
    assert done.status_code == 303
    _check_stored(app, points, "08:00-18:00")


def test_phones_cut_to_scientific_notation_are_refused_naming_row_and_column(
    app, tmp_path, monkeypatch
):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    lat, lon = free_point(app, XINCHENG)
    text = f"名称,经度,纬度,坐标系,联系电话\n甲驿站,{lon},{lat},wgs84,1.39471E+10\n"
    path = tmp_path / "电话.csv"
    path.write_bytes(text.encode("gb18030"))
    result = app.test_cli_runner().invoke(args=["import-stations", str(path)])
    assert result.exit_code == 1
    assert (
        "第 2 行，E 列，电话：电话“1.39471E+10”是以科学计数法显示的数字，后几位已经丢失："
        "请在原表中把电话列的单元格格式设为“文本”，重新输入完整号码后再导出上传"
    ) in result.output
