"""Office workbooks laid out in ways that once imported wrong without a word, through
the command line (Chinese and English) and the admin upload: a 经纬度 header merged over
its two columns, a row the office hid, a 坐标 cell nobody can read beside an address,
one station spread over rows under a merged 名称 cell. Each lands where the office
meant (checked against the test's own GCJ-02 formulas) or refuses the whole file,
naming sheet, row and column; nothing is half imported."""

from __future__ import annotations

import io
import re

import openpyxl
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from stationmap.app_state import state
from stationmap.models import PendingPlacement, Station
from tests.conftest import _copy_sqlite, _make_app
from tests.datum_reference import bd09_from_gcj02, gcj02_from_wgs84, metres_apart
from tests.integration.admin_support import SAIHAN, free_point, login, make_user, page_csrf

ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
EN = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


def _bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _merged_header_book(points: dict[str, tuple[float, float]]) -> bytes:
    """赛罕区's list: a title, 经纬度 merged over C:D (AMap numbers), a closed station
    on a hidden row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "赛罕区"
    sheet.append(["赛罕区户外劳动者驿站名单"])
    sheet.merge_cells("A1:E1")
    sheet.append(["驿站名称", "详细地址", "经纬度", None, "坐标系"])
    sheet.merge_cells("C2:D2")
    for name, (lat, lon) in points.items():
        g_lat, g_lon = gcj02_from_wgs84(lat, lon)
        sheet.append(
            [f"{name}驿站", f"赛罕区{name}路1号", round(g_lon, 6), round(g_lat, 6), "高德"]
        )
    sheet.row_dimensions[2 + len(points)].hidden = True  # the last one closed
    return _bytes(book)


def _points(app) -> dict[str, tuple[float, float]]:
    lat, lon = free_point(app, SAIHAN)
    return {name: (lat + 0.002 * i, lon) for i, name in enumerate("甲乙丙")}


def _stored(app) -> dict[str, tuple[float, float]]:
    with state(app).db.session() as session:
        return {
            s.name: (s.lat, s.lon)
            for s in session.scalars(select(Station).where(Station.name.like("%驿站")))
            if s.address.startswith("赛罕区")
        }


def _check_landed(app, points) -> None:
    stored = _stored(app)
    assert sorted(stored) == ["乙驿站", "甲驿站"]  # 丙 was on the hidden row
    for name in ("甲", "乙"):
        assert metres_apart(points[name], stored[f"{name}驿站"]) < 10, name


def test_a_merged_coordinate_header_lands_each_point_by_the_command_line(app, tmp_path):
    points = _points(app)
    path = tmp_path / "赛罕区驿站.xlsx"
    path.write_bytes(_merged_header_book(points))
    result = app.test_cli_runner().invoke(args=["import-stations", str(path)], env=ZH)
    assert result.exit_code == 0, result.output
    assert "C–D 两列：C 列按经度、D 列按纬度读入" in result.output
    assert "第 5 行是隐藏行，未读入" in result.output
    _check_landed(app, points)


def _upload(app, data: bytes, **form: str) -> tuple[FlaskClient, str, TestResponse]:
    """A superadmin's upload of ``data``: the client, its CSRF token and the answer."""
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    token = page_csrf(client)
    files = {"file": (io.BytesIO(data), "名单.xlsx")}
    answer = client.post(
        "/admin/import",
        data={"csrf_token": token, **form, **files},
        content_type="multipart/form-data",
    )
    return client, token, answer


def test_a_merged_coordinate_header_lands_each_point_by_the_admin_upload(app):
    points = _points(app)
    client, token, preview = _upload(app, _merged_header_book(points))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:2000]
    assert "将新建 <strong>2</strong> 个" in html
    assert "第 5 行是隐藏行，未读入" in html
    done = client.post(
        re.search(r'action="(/admin/import/[^"/]+)"', html).group(1), data={"csrf_token": token}
    )
    assert done.status_code == 303
    _check_landed(app, points)


def _unreadable_book(points) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "赛罕区"
    sheet.append(["驿站名称", "坐标", "详细地址"])
    (lat, lon) = points["甲"]
    sheet.append(["甲驿站", f"{lon:.6f},{lat:.6f}", "赛罕区甲路1号"])
    sheet.append(["乙驿站", "见附件", "赛罕区乙路1号"])
    return _bytes(book)


def _nothing_kept(app, before: int) -> None:
    with state(app).db.session() as session:
        assert session.scalar(select(func.count()).select_from(Station)) == before
        assert session.scalar(select(func.count()).select_from(PendingPlacement)) == 0


def _count(app) -> int:
    with state(app).db.session() as session:
        return session.scalar(select(func.count()).select_from(Station))


def test_an_unreadable_coordinate_cell_beside_an_address_refuses_the_file(app, tmp_path):
    """Was: the row kept as "address without coordinates" for 待定位, the 坐标 cell's
    error dropped, and the import done."""
    before = _count(app)
    path = tmp_path / "名单.xlsx"
    path.write_bytes(_unreadable_book(_points(app)))
    runner = app.test_cli_runner()
    zh = runner.invoke(args=["import-stations", str(path), "--datum", "wgs84"], env=ZH)
    assert zh.exit_code == 1, zh.output
    assert "未导入任何内容" in zh.output
    assert "工作表“赛罕区”，第 3 行，B 列" in zh.output and "坐标“见附件”" in zh.output
    en = runner.invoke(args=["import-stations", str(path), "--datum", "wgs84"], env=EN)
    assert en.exit_code == 1, en.output
    assert "sheet '赛罕区', row 3, column B" in en.output and "not two numbers" in en.output
    _nothing_kept(app, before)

    _client, _token, page = _upload(app, _unreadable_book(_points(app)), datum="wgs84")
    html = page.get_data(as_text=True)
    assert page.status_code == 422, html[:2000]
    assert "坐标“见附件”不是“经度,纬度”两个数" in html and 'id="confirm"' not in html
    _nothing_kept(app, before)


def test_one_station_over_merged_name_rows_is_refused_not_stored_twice(app, tmp_path):
    before = _count(app)
    lat, lon = _points(app)["甲"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "赛罕区"
    sheet.append(["驿站名称", "经度", "纬度", "联系电话"])
    sheet.append(["甲驿站", lon, lat, "13812345678"])
    sheet.append([None, None, None, "13912345678"])
    for cells in ("A2:A3", "B2:B3", "C2:C3"):
        sheet.merge_cells(cells)
    path = tmp_path / "名单.xlsx"
    path.write_bytes(_bytes(book))
    runner = app.test_cli_runner()
    zh = runner.invoke(args=["import-stations", str(path), "--datum", "wgs84"], env=ZH)
    assert zh.exit_code == 1, zh.output
    assert "工作表“赛罕区”，第 3 行，A 列，名称" in zh.output
    assert "第 2–3 行的名称是一个合并单元格" in zh.output
    en = runner.invoke(args=["import-stations", str(path), "--datum", "wgs84"], env=EN)
    assert en.exit_code == 1 and "rows 2-3 share one merged name cell" in en.output
    _nothing_kept(app, before)


def _baidu_book(points: dict[str, tuple[float, float]], prefix: str = "") -> bytes:
    """Baidu picker cells ("lon,lat", BD-09) under 百度坐标; no 坐标系 column."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "赛罕区"
    sheet.append(["驿站名称", "详细地址", "百度坐标"])
    for name, point in points.items():
        b_lat, b_lon = bd09_from_gcj02(*gcj02_from_wgs84(*point))
        sheet.append([f"{prefix}{name}驿站", f"赛罕区{name}路1号", f"{b_lon:.6f},{b_lat:.6f}"])
    return _bytes(book)


def test_a_header_naming_baidu_imports_without_asking_by_both_paths(app, tmp_path):
    """Was: 百度坐标 was no header at all: the file was refused, "no header row found"."""
    points = {name: p for name, p in _points(app).items() if name != "丙"}
    path = tmp_path / "名单.xlsx"
    path.write_bytes(_baidu_book(points))
    result = app.test_cli_runner().invoke(args=["import-stations", str(path)], env=ZH)
    assert result.exit_code == 0, result.output
    assert "列名“百度坐标”说明坐标来自百度" in result.output
    stored = _stored(app)
    for name, point in points.items():
        assert metres_apart(point, stored[f"{name}驿站"]) < 10, name

    moved = {name: (lat, lon + 0.001) for name, (lat, lon) in points.items()}
    client, token, preview = _upload(app, _baidu_book(moved, prefix="新"))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "将新建 <strong>2</strong> 个" in html, html[:2000]
    done = client.post(
        re.search(r'action="(/admin/import/[^"/]+)"', html).group(1), data={"csrf_token": token}
    )
    assert done.status_code == 303
    stored = _stored(app)
    for name, point in moved.items():
        assert metres_apart(point, stored[f"新{name}驿站"]) < 10, name


def test_an_upload_past_the_limit_says_so_in_the_interfaces_language(sqlite_templates, tmp_path):
    """Was: Werkzeug's English "413 Request Entity Too Large / The data value transmitted
    exceeds the capacity limit" under the Chinese interface, without the limit."""
    path = tmp_path / "limit.sqlite3"
    _copy_sqlite(sqlite_templates[True], path)
    app = _make_app(f"sqlite:///{path}", tmp_path, STATIONMAP_IMPORT_MAX_BYTES="2000")
    try:
        big = "驿站名称,经度,纬度\n".encode() + b"x" * 3000
        client, _token, answer = _upload(app, big)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 413
        assert "上传的文件超过 2,000 字节 的上限，未导入任何内容" in html
        assert "exceeds the capacity limit" not in html
        client.set_cookie("lang", "en")
        token = page_csrf(client)
        english = client.post(
            "/admin/import",
            data={"csrf_token": token, "file": (io.BytesIO(big), "list.csv")},
            content_type="multipart/form-data",
        )
        assert english.status_code == 413
        assert "larger than the limit of 2,000 bytes" in english.get_data(as_text=True)
    finally:
        state(app).db.dispose()


def test_coordinates_with_too_few_decimals_are_noted_and_whole_degrees_refused(app, tmp_path):
    """Was: 111.9, 40.8 (anywhere within 5.6 km: 0.05° of latitude is 5.57 km) and even
    112, 41 stored as exact points without a word."""
    before = _count(app)
    coarse = tmp_path / "coarse.csv"
    coarse.write_text(
        "驿站名称,经度,纬度,坐标系\n粗甲驿站,111.9,40.8,GPS\n粗乙驿站,111.912345,40.791234,GPS\n",
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    zh = runner.invoke(args=["import-stations", str(coarse), "--dry-run"], env=ZH)
    assert zh.exit_code == 0, zh.output
    assert "第 2 行，C 列，纬度：纬度 40.8、经度 111.9 只有 1 位小数" in zh.output
    assert "偏差约 5.6 公里" in zh.output and "第 3 行" not in zh.output
    en = runner.invoke(args=["import-stations", str(coarse), "--dry-run"], env=EN)
    assert "have only 1 decimal(s)" in en.output and "5.6 km" in en.output
    whole = tmp_path / "whole.csv"
    whole.write_text("驿站名称,经度,纬度,坐标系\n整甲驿站,112,41,GPS\n", encoding="utf-8")
    refused = runner.invoke(args=["import-stations", str(whole)], env=ZH)
    assert refused.exit_code == 1, refused.output
    assert "纬度 41、经度 112 是整数度" in refused.output and "55.7 公里" in refused.output
    _nothing_kept(app, before)
