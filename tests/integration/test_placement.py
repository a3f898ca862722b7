"""Where imported points land (issue 13): the datum a county office's workbook does not
state is asked, never assumed; swapped 经度/纬度 are refused on their row and column;
the template's example row never becomes a station; a row exported before someone's
edit does not undo it unless chosen; Chinese exports import back unchanged.

Expected WGS-84 points are computed here from the published GCJ-02 and BD-09 forward
formulas written out by hand, and distances by pyproj's geodesic, not by the code under
test.
"""

from __future__ import annotations

import csv
import io
import math
import re

import openpyxl
import pytest
from pyproj import Geod
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from tests.integration.admin_support import (
    XINCHENG,
    free_point,
    login,
    make_user,
    page_csrf,
    station_in,
)
from tests.integration.unchanged import assert_unchanged, snapshot

MANAS = "652324"
GEOD = Geod(ellps="WGS84")


# -- the published forward formulas (Krasovsky constants, centred on 105°E, 35°N) ------------
def _gcj_from_wgs(lat: float, lon: float) -> tuple[float, float]:
    a, ee, pi = 6378245.0, 0.00669342162296594323, math.pi
    x, y = lon - 105.0, lat - 35.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    d_lat += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    d_lat += (20.0 * math.sin(y * pi) + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
    d_lat += (160.0 * math.sin(y / 12.0 * pi) + 320.0 * math.sin(y * pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    d_lon += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    d_lon += (20.0 * math.sin(x * pi) + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
    d_lon += (150.0 * math.sin(x / 12.0 * pi) + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0
    rad = lat / 180.0 * pi
    magic = 1.0 - ee * math.sin(rad) ** 2
    d_lat = (d_lat * 180.0) / ((a * (1.0 - ee)) / (magic * math.sqrt(magic)) * pi)
    d_lon = (d_lon * 180.0) / (a / math.sqrt(magic) * math.cos(rad) * pi)
    return lat + d_lat, lon + d_lon


def _bd_from_gcj(lat: float, lon: float) -> tuple[float, float]:
    x_pi = math.pi * 3000.0 / 180.0
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * x_pi)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * x_pi)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[1], a[0], b[1], b[0])[2]


# -- office workbooks -------------------------------------------------------------------------
def _office_book(rows: list[list[object]], sheet: str = "玛纳斯县") -> bytes:
    """A county office's own list: its own sheet name and headers, no 坐标系 column."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(["驿站名称", "详细地址", "经度", "纬度", "开放时间", "联系电话"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _client(app, name: str, role: str, districts: tuple[str, ...]):
    make_user(app, name, role, districts)
    client = app.test_client()
    login(client, name)
    return client, page_csrf(client)


def _upload(client, token, data, filename="玛纳斯县驿站名单.xlsx", **form):
    return client.post(
        "/admin/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), filename), **form},
        content_type="multipart/form-data",
    )


def _action(html: str, pattern: str) -> str:
    found = re.search(rf'action="({pattern})"', html)
    assert found, html[:3000]
    return found.group(1)


def _by_name(app, name: str) -> list[Station]:
    with state(app).db.session() as session:
        return list(session.scalars(select(Station).where(Station.name == name)))


# -- 1. the datum is asked, not assumed --------------------------------------------------------
@pytest.mark.parametrize(("datum", "label"), [("bd09", "百度"), ("gcj02", "高德·腾讯")])
def test_unlabelled_picker_points_are_asked_about_then_stored_where_they_are(app, datum, label):
    client, token = _client(app, "manas", "district_admin", (MANAS,))
    wgs = free_point(app, MANAS)
    gcj = _gcj_from_wgs(*wgs)
    typed = _bd_from_gcj(*gcj) if datum == "bd09" else gcj
    assert 200 < _metres(wgs, gcj) < 300  # REFERENCE.md: about 237 m in Manas
    name = f"乐土驿站{datum}"
    data = _office_book([[name, "玛纳斯县乐土驿路1号", typed[1], typed[0], "8:00-20:00", ""]])

    asked = _upload(client, token, data)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert (
        "文件没有“坐标系”列：请选择坐标是从哪种地图取的（GPS、高德·腾讯 或 百度），"
        "或在文件中加一列“坐标系”，填 wgs84、gcj02 或 bd09。"
    ) in html
    assert f'value="{datum}" required' in html and label in html
    assert 'id="confirm"' not in html and _by_name(app, name) == []

    answered = client.post(
        _action(html, r"/admin/import/[^\"/]+/preview"), data={"csrf_token": token, "datum": datum}
    )
    html = answered.get_data(as_text=True)
    assert answered.status_code == 200, html[:3000]
    assert f"坐标按 <strong>{label}</strong> 坐标换算" in html
    assert "将新建 <strong>1</strong> 个" in html and "玛纳斯县" in html and "<svg" in html
    done = client.post(
        _action(html, r"/admin/import/[^\"/]+"), data={"csrf_token": token, "datum": datum}
    )
    assert done.status_code == 303
    [station] = _by_name(app, name)
    assert _metres(wgs, (station.lat, station.lon)) < 10
    assert station.entered_datum == datum and station.district_code == MANAS


def test_command_line_refuses_a_file_without_datum_unless_told(app, runner, tmp_path):
    wgs = free_point(app, MANAS)
    gcj = _gcj_from_wgs(*wgs)
    path = tmp_path / "manas.xlsx"
    path.write_bytes(_office_book([["命令行驿站", "", gcj[1], gcj[0], "", ""]]))
    refused = runner.invoke(args=["import-stations", str(path)])
    assert refused.exit_code == 1
    assert "no 坐标系 (datum) column" in refused.output and "--datum" in refused.output
    assert _by_name(app, "命令行驿站") == []
    done = runner.invoke(args=["import-stations", str(path), "--datum", "amap"])
    assert done.exit_code == 0, done.output
    [station] = _by_name(app, "命令行驿站")
    assert _metres(wgs, (station.lat, station.lon)) < 10


def _dms(value: float, hemisphere: str) -> str:
    """``value`` degrees as an office writes them by hand: 86°12′34.5678″E (the seconds
    to 0.1 mm of arc, so the point is the same to a centimetre)."""
    seconds = round(abs(value) * 3600, 4)
    degrees, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{int(degrees)}°{int(minutes)}′{seconds:.4f}″{hemisphere}"


@pytest.mark.parametrize(
    ("datum", "written"),
    [("bd09", "decimal"), ("gcj02", "decimal"), ("gcj02", "度分秒"), ("bd09", "度分秒")],
)
def test_importing_again_with_the_datum_moves_the_copy_a_wrong_import_made(
    app, runner, tmp_path, datum, written
):
    """An office list imported as GPS, then again with its datum: the copy is moved, not
    doubled, whether its cells are decimal degrees or 度分秒 (as many county lists are)."""
    wgs = free_point(app, MANAS)
    gcj = _gcj_from_wgs(*wgs)
    lat, lon = _bd_from_gcj(*gcj) if datum == "bd09" else gcj
    cells = [lon, lat] if written == "decimal" else [_dms(lon, "E"), _dms(lat, "N")]
    path = tmp_path / "manas.xlsx"
    path.write_bytes(_office_book([["再导入驿站", "", *cells, "", ""]]))
    wrong = runner.invoke(args=["import-stations", str(path), "--datum", "wgs84"])
    assert wrong.exit_code == 0, wrong.output
    [first] = _by_name(app, "再导入驿站")
    assert _metres(wgs, (first.lat, first.lon)) > 200  # stored off, as the issue says
    assert _metres((lat, lon), (first.lat, first.lon)) < 0.05  # the cells read as written
    right = runner.invoke(args=["import-stations", str(path), "--datum", datum])
    assert right.exit_code == 0, right.output
    assert "created 0, updated 1" in right.output
    [station] = _by_name(app, "再导入驿站")  # moved, not copied
    assert station.code == first.code
    assert _metres(wgs, (station.lat, station.lon)) < 1 and station.entered_datum == datum


# -- 2. swapped axes --------------------------------------------------------------------------
def test_swapped_axes_in_xinjiang_are_refused_on_their_row_and_column(app, runner, tmp_path):
    client, token = _client(app, "root", "superadmin", ())
    lat, lon = free_point(app, MANAS)
    data = _office_book(
        [
            ["正常驿站", "", lon, lat, "", ""],
            ["填反驿站", "", lat, lon, "", ""],  # 经度 44.3, 纬度 86.2: both in range
        ]
    )
    response = _upload(client, token, data, datum="wgs84")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    message = (
        "经度和纬度可能填反了：按所填数值该点在任何已知区县之外，"
        "对调后在玛纳斯县（县级，652324）。请把经度、纬度两格对调后重新上传。"
    )
    row = "<tr><td>玛纳斯县</td><td>第 3 行</td><td>D</td><td>纬度</td>"
    assert f"{row}<td>{message}</td></tr>" in html
    assert 'id="confirm"' not in html
    path = tmp_path / "swapped.xlsx"
    path.write_bytes(data)
    result = runner.invoke(
        args=["import-stations", str(path), "--datum", "wgs84"], env={"LC_ALL": "zh_CN.UTF-8"}
    )
    assert result.exit_code == 1
    assert "工作表“玛纳斯县”，第 3 行，D 列，纬度：" + message in result.output
    assert _by_name(app, "正常驿站") == [] and _by_name(app, "填反驿站") == []


def test_swapped_axes_in_hohhot_are_refused_instead_of_a_range_error(app):
    client, token = _client(app, "xc", "district_admin", (XINCHENG,))
    lat, lon = free_point(app, XINCHENG)
    data = _office_book([["新城区填反驿站", "", lat, lon, "", ""]], sheet="新城区")
    html = _upload(client, token, data, datum="gcj02").get_data(as_text=True)
    message = (
        "经度和纬度可能填反了：按所填数值该点在任何已知区县之外，"
        "对调后在新城区（县级，150102）。请把经度、纬度两格对调后重新上传。"
    )
    row = "<tr><td>新城区</td><td>第 2 行</td><td>D</td><td>纬度</td>"
    assert f"{row}<td>{message}</td></tr>" in html
    assert "must be between" not in html
    assert _by_name(app, "新城区填反驿站") == []


def test_superadmin_point_in_no_known_district_imports_with_a_warning(app):
    client, token = _client(app, "root", "superadmin", ())
    data = _office_book([["北京驿站", "", 116.3975, 39.9087, "", ""]])  # 天安门
    html = _upload(client, token, data, datum="wgs84").get_data(as_text=True)
    assert "将新建 <strong>1</strong> 个" in html
    note = "按GPS（WGS-84）坐标，该点不在任何已知区县内，请核对经度、纬度后再导入。"
    # The row is named once: by the table's 行 column, by the row's note its place.
    row = "<tr><td>玛纳斯县</td><td>第 2 行</td><td>D</td><td>纬度</td>"
    assert f"{row}<td>{note}</td></tr>" in html
    assert f'<p class="note">D 列 纬度：{note}</p>' in html
    # In the grouped list's 行 cell; the row's own note is beside its row already.
    assert html.count("第 2 行") == 1


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        ("0.000000", "0.000000"),  # a picker's empty answer, or a formula's default
        (0, 0),  # the same as numbers: not told it may be 55.7 km off as whole degrees
        (3.592708, 1.846042),  # 86:13:30 and 44:18:39.6 read as days
        (-86.2217, 44.3052),  # a minus sign: the Rockies, not Manas
        (86.2217, -44.3052),  # a minus sign on the latitude alone: the Southern Ocean
        (116.3975, 55.5),  # north of China's northernmost point (53.6 N), in Siberia
        (113.5, 2.5),  # south of its southernmost (3.9 N), off Borneo
    ],
)
def test_superadmin_point_outside_china_is_refused_not_stored(app, lon, lat):
    client, token = _client(app, "root", "superadmin", ())
    data = _office_book([["海上驿站", "玛纳斯县", lon, lat, "", ""]])
    html = _upload(client, token, data, datum="wgs84").get_data(as_text=True)
    assert "将新建" not in html
    assert f"该点（纬度 {lat}、经度 {lon}）不在中国境内" in html
    assert "请按驿站的实际位置改正经度、纬度后重新上传" in html
    assert "整数度" not in html
    assert _by_name(app, "海上驿站") == []


def test_out_of_area_point_names_the_district_by_name_and_level(app):
    client, token = _client(app, "xc2", "district_admin", (XINCHENG,))
    lat, lon = free_point(app, MANAS)
    html = _upload(
        client, token, _office_book([["越界驿站", "", lon, lat, "", ""]]), datum="wgs84"
    ).get_data(as_text=True)
    message = (
        "按GPS（WGS-84）坐标，该点在玛纳斯县（县级，652324），不在您负责的区县内。"
        "请核对经度、纬度，或交由该区县的管理员导入。"
    )
    row = "<tr><td>玛纳斯县</td><td>第 2 行</td><td>D</td><td>纬度</td>"
    assert f"{row}<td>{message}</td></tr>" in html


# -- 3. a stale export does not undo a later edit ----------------------------------------------
def _exported_csv(client) -> bytes:
    return client.get("/admin/export", query_string={"format": "csv", "demo": "1"}).data


def test_stale_export_row_is_a_conflict_and_kept_out_unless_chosen(app):
    client, token = _client(app, "xc3", "district_admin", (XINCHENG,))
    station = station_in(app, XINCHENG)
    exported = _exported_csv(client)
    with state(app).db.write_session() as session:  # someone edits after the export
        session.get(Station, station.id).phone = "0471-7654321"
    preview = _upload(client, token, exported, filename="export.csv")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "<strong>1</strong> 个冲突" in html
    assert f'name="overwrite" value="{station.code}"' in html
    assert f"<td>电话</td><td>0471-7654321</td><td>{station.phone or '—'}</td>" in html
    done = client.post(_action(html, r"/admin/import/[^\"/]+"), data={"csrf_token": token})
    assert done.status_code == 303
    with state(app).db.session() as session:
        assert session.get(Station, station.id).phone == "0471-7654321"  # the edit stays

    chosen = _upload(client, token, exported, filename="export.csv").get_data(as_text=True)
    client.post(
        _action(chosen, r"/admin/import/[^\"/]+"),
        data={"csrf_token": token, "overwrite": station.code},
    )
    with state(app).db.session() as session:
        assert session.get(Station, station.id).phone == station.phone  # chosen: overwritten


def test_command_line_refuses_a_stale_export_unless_overwrite_newer(app, runner, tmp_path):
    path = tmp_path / "all.csv"
    assert runner.invoke(args=["export-stations", "-o", str(path), "--include-demo"]).exit_code == 0
    station = station_in(app, XINCHENG)
    with state(app).db.write_session() as session:
        session.get(Station, station.id).address = "后来改的地址"
    refused = runner.invoke(args=["import-stations", str(path)])
    assert refused.exit_code == 1
    assert f"{station.code} was exported at version 1" in refused.output
    assert "--overwrite-newer" in refused.output
    with state(app).db.session() as session:
        assert session.get(Station, station.id).address == "后来改的地址"
    done = runner.invoke(args=["import-stations", str(path), "--overwrite-newer"])
    assert done.exit_code == 0, done.output
    with state(app).db.session() as session:
        assert session.get(Station, station.id).address == station.address


# -- 4. the template's example row --------------------------------------------------------
def test_the_old_templates_example_row_is_refused(app):
    client, token = _client(app, "root", "superadmin", ())
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "驿站"
    ws.append(["编号", "名称", "地址", "纬度", "经度", "坐标系"])
    ws.append(
        ["659001-0001", "人民路社区党群服务中心暖新驿站", "新疆石河子市", 44.305, 86.214, "wgs84"]
    )
    out = io.BytesIO()
    book.save(out)
    before = snapshot(app)
    html = _upload(client, token, out.getvalue(), filename="模板.xlsx").get_data(as_text=True)
    assert (
        "<tr><td>驿站</td><td>第 2 行</td><td>B</td><td>名称</td><td>这是模板里的示例驿站"
        "（人民路社区党群服务中心暖新驿站），不是真实驿站：请删除这一行后重新上传。</td></tr>"
    ) in html
    assert_unchanged(before, app)


def test_downloaded_template_uploaded_as_is_imports_nothing(app):
    client, token = _client(app, "root", "superadmin", ())
    template = client.get("/admin/template.xlsx").data
    response = _upload(client, token, template, filename="template.xlsx")
    assert response.status_code == 422
    assert "文件中没有驿站数据：请在表头下每行填写一个驿站" in response.get_data(as_text=True)


# -- 6. exports in the office's words ------------------------------------------------------
def test_xlsx_export_is_in_chinese_words_and_imports_back_unchanged(app, runner, tmp_path):
    station = station_in(app, XINCHENG)
    path = tmp_path / "xc.xlsx"
    result = runner.invoke(
        args=["export-stations", "-o", str(path), "--district", XINCHENG, "--include-demo"]
    )
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(path)["驿站"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["编号"] == station.code
    host = {"community": "社区/党群服务中心", "union": "工会驿站", "pharmacy": "连锁药店"}
    assert row["依托单位类型"] == host.get(station.host_type, row["依托单位类型"])
    assert row["状态"] in ("正常开放", "暂停服务", "已关闭")
    assert row["所属区县"] == "新城区" and row["坐标系"] == "GPS" and row["版本"] == 1
    assert not re.search(r"[a-z_]{4,}", str(row["服务设施"] or ""))  # words, not codes
    again = runner.invoke(args=["import-stations", str(path)])
    assert again.exit_code == 0, again.output
    assert "created 0, updated 0" in again.output


def test_csv_export_in_chinese_and_demo_stations_only_when_asked(app, runner, tmp_path):
    plain = tmp_path / "plain.csv"
    assert runner.invoke(args=["export-stations", "-o", str(plain)]).exit_code == 0
    assert len(list(csv.reader(io.StringIO(plain.read_text("utf-8-sig"))))) == 1  # header only
    path = tmp_path / "zh.csv"
    args = ["export-stations", "-o", str(path), "--lang", "zh", "--include-demo"]
    assert runner.invoke(args=args).exit_code == 0
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    assert rows[0][:6] == ["编号", "名称", "地址", "纬度", "经度", "坐标系"]
    assert rows[0][-3:] == ["所属区县", "演示数据", "版本"]
    again = runner.invoke(args=["import-stations", str(path)])
    assert again.exit_code == 0, again.output
    assert "created 0, updated 0" in again.output


def test_rows_with_an_empty_datum_cell_are_asked_about_too(app):
    client, token = _client(app, "root", "superadmin", ())
    lat, lon = free_point(app, MANAS)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "驿站"
    ws.append(["名称", "纬度", "经度", "坐标系"])
    ws.append(["有坐标系", lat, lon, "GPS"])
    ws.append(["没坐标系", lat + 0.01, lon, None])
    out = io.BytesIO()
    book.save(out)
    html = _upload(client, token, out.getvalue()).get_data(as_text=True)
    assert (
        "第 3 行的“坐标系”为空：请选择这些行的坐标是从哪种地图取的（GPS、高德·腾讯 或 百度），"
        "或在这些格中填 wgs84、gcj02 或 bd09。"
    ) in html
    assert 'id="datum-question"' in html and _by_name(app, "没坐标系") == []


# -- 8. rows with an address and no coordinates ----------------------------------------
def test_rows_with_an_address_but_no_point_wait_to_be_placed_and_never_reach_riders(app):
    client, token = _client(app, "manas2", "district_admin", (MANAS,))
    lat, lon = free_point(app, MANAS)
    data = _office_book(
        [
            ["有坐标驿站", "玛纳斯县一路1号", lon, lat, "", ""],
            ["无坐标驿站", "玛纳斯县凤凰路8号", None, None, "8:00-20:00", "0994-6612345"],
        ]
    )
    preview = _upload(client, token, data, datum="wgs84")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:3000]
    assert "待定位：1 行有地址、没有坐标" in html and "玛纳斯县凤凰路8号" in html
    done = client.post(
        _action(html, r"/admin/import/[^\"/]+"), data={"csrf_token": token, "datum": "wgs84"}
    )
    assert done.status_code == 303
    assert _by_name(app, "无坐标驿站") == []  # not a station: no guessed point
    public = client.get("/api/v1/stations", query_string={"q": "无坐标驿站"}).get_json()
    assert public["features"] == []

    todo = client.get("/admin/pending").get_data(as_text=True)
    assert "无坐标驿站" in todo and "玛纳斯县凤凰路8号" in todo
    place = re.search(r'href="(/admin/stations/new\?pending=\d+)"', todo)
    assert place, todo
    form_page = client.get(place.group(1)).get_data(as_text=True)
    assert 'value="无坐标驿站"' in form_page and 'name="pending"' in form_page
    pending_id = place.group(1).rsplit("=", 1)[1]
    saved = client.post(
        "/admin/stations/new",
        data={
            "csrf_token": token,
            "pending": pending_id,
            "name": "无坐标驿站",
            "address": "玛纳斯县凤凰路8号",
            "lat": f"{lat + 0.003:.7f}",
            "lon": f"{lon:.7f}",
            "datum": "wgs84",
            "host_type": "other",
            "status": "active",
        },
    )
    assert saved.status_code == 303, saved.get_data(as_text=True)[:2000]
    [station] = _by_name(app, "无坐标驿站")
    assert station.district_code == MANAS
    assert "无坐标驿站" not in client.get("/admin/pending").get_data(as_text=True)
