"""Issue 13 end to end: one workbook as a county office sends it, with every office habit
at once (a 填表说明 sheet first, a merged title and a filler row, office columns, a hidden
column, merged 开放时间/服务内容 cells, AMap picker points without a 坐标系 column, a second
sheet in Baidu coordinates with a 坐标 cell, degrees-minutes-seconds, full-width digits,
phones as offices write them, host types outside the old vocabulary, an address-only row,
合计 and 注 rows), imported by the command line and by the admin upload after the preview
asks for the datum. Both store the same: every point within 10 m of the WGS-84 point the
office meant (the test's own formulas), hours meaning the same over a sample week (read by
opening-hours-py), amenities from 服务内容, phones and host types as expected."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import openpyxl
import pytest
from opening_hours import OpeningHours
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import PendingPlacement, Station
from tests.datum_reference import bd09_from_gcj02, gcj02_from_wgs84, metres_apart
from tests.integration.admin_support import (
    XINCHENG,
    free_point,
    login,
    make_user,
    page_csrf,
    station_in,
    upload,
)

MANAS, HUTUBI = "652324", "652323"
OFFICE_HEADER = [
    "序号",
    "驿站名称",
    "所属乡镇（街道）",
    "社区",
    "详细地址",
    "经度",
    "纬度",
    "负责人",
    "联系电话",
    "开放时间",
    "服务内容",
    "驿站类型",
    "内部编号",
    "备注",
]


def _dms(value: float) -> str:
    degrees = int(value)
    minutes_f = (value - degrees) * 60
    minutes = int(minutes_f)
    seconds = (minutes_f - minutes) * 60
    return f"{degrees}°{minutes:02d}′{seconds:05.2f}″"


def _full_width(text: str) -> str:
    return text.translate(str.maketrans("0123456789.,", "０１２３４５６７８９．，"))


def _points(app) -> dict[str, tuple[float, float]]:
    """The WGS-84 points the office meant, one per station, apart from each other."""
    m_lat, m_lon = free_point(app, MANAS)
    h_lat, h_lon = free_point(app, HUTUBI)
    out = {n: (m_lat + 0.0025 * i, m_lon) for i, n in enumerate("甲乙丙丁戊")}
    out["己"] = (m_lat + 0.0025 * 5, m_lon + 0.0001)  # row under the merged cells
    out["庚"] = (h_lat, h_lon)
    out["辛"] = (h_lat + 0.0025, h_lon)
    return out


def _workbook(points: dict[str, tuple[float, float]]) -> bytes:
    gcj = {n: gcj02_from_wgs84(*p) for n, p in points.items()}
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = "填表说明"
    guide.append(["填表说明：每个驿站一行；坐标用高德地图拾取"])
    ws = book.create_sheet("玛纳斯县")
    ws.append(["玛纳斯县红色驿站名单（2025年）"])
    ws.merge_cells("A1:N1")
    ws.append(["填报单位：玛纳斯县总工会", None, None, None, "填报日期：2025年3月1日"])
    ws.append(OFFICE_HEADER)
    rows = [
        (
            "甲",
            f"{gcj['甲'][1]:.6f}",
            f"{gcj['甲'][0]:.6f}",
            9946612345,
            "全天24小时",
            "饮水、充电、卫生间",
            "加油站",
        ),
        (
            "乙",
            gcj["乙"][1],
            gcj["乙"][0],
            "（0994）6612345",
            "周一至周五 9:00-18:00",
            "饮水、微波炉加热",
            "社区卫生服务站",
        ),
        ("己", gcj["己"][1], gcj["己"][0], "0994－6612345", None, None, "社区卫生服务站"),
        (
            "丙",
            _full_width(f"{gcj['丙'][1]:.7f}"),
            _full_width(f"{gcj['丙'][0]:.7f}"),
            "0994-6612345；13912345678",
            "０８：００－２０：００",
            "饮水/充电",
            "图书馆",
        ),
        (
            "丁",
            _dms(gcj["丁"][1]),
            _dms(gcj["丁"][0]),
            "139 1234 5678",
            "08:00—20:00",
            "休息\n应急药箱",
            "银行",
        ),
        (
            "戊",
            gcj["戊"][1],
            gcj["戊"][0],
            "13912345678（王师傅）",
            "9:00-12:00 14:30-18:00",
            "饮水",
            "羊肉馆",
        ),
    ]
    for i, (name, lon, lat, phone, hours, services, host) in enumerate(rows, start=1):
        ws.append(
            [
                i,
                f"{name}驿站",
                "玛纳斯镇",
                "凤凰社区",
                f"玛纳斯县凤凰路{i}号",
                lon,
                lat,
                f"{name}负责人",
                phone,
                hours,
                services,
                host,
                f"N{i}",
                None,
            ]
        )
    ws.merge_cells("J5:J6")  # 乙 and 己 share one 开放时间 and 服务内容
    ws.merge_cells("K5:K6")
    ws.append(
        [
            7,
            "待定位驿站",
            "玛纳斯镇",
            None,
            "玛纳斯县凤凰路99号",
            None,
            None,
            "王五",
            "0994-6612345",
            "24小时",
            "饮水",
            "社区",
        ]
    )
    ws.append(["合计：7个"])
    ws.append(["注：坐标为高德地图拾取"])
    ws.column_dimensions["M"].hidden = True
    second = book.create_sheet("呼图壁县")
    second.append(["名称", "坐标", "坐标系", "开放时间", "服务内容"])
    for name in ("庚", "辛"):
        b_lat, b_lon = bd09_from_gcj02(*gcj[name])
        second.append(
            [
                f"{name}驿站",
                f"{b_lon:.6f},{b_lat:.6f}",
                "百度坐标",
                "工作日 09:00-17:30",
                "饮水、充电",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _open_over_a_week(osm: str) -> list[bool]:
    start = datetime(2026, 12, 7)  # a Monday
    times = [start + timedelta(days=d, hours=h, minutes=30) for d in range(7) for h in range(24)]
    hours = OpeningHours(osm)
    return [hours.is_open(t) for t in times]


def _expected_week(rule) -> list[bool]:
    start = datetime(2026, 12, 7)
    return [
        rule((start + timedelta(days=d)).weekday(), h + 0.5) for d in range(7) for h in range(24)
    ]


HOURS = {
    "甲": lambda day, h: True,
    "乙": lambda day, h: day < 5 and 9 <= h < 18,
    "己": lambda day, h: day < 5 and 9 <= h < 18,
    "丙": lambda day, h: 8 <= h < 20,
    "丁": lambda day, h: 8 <= h < 20,
    "戊": lambda day, h: 9 <= h < 12 or 14.5 <= h < 18,
    "庚": lambda day, h: day < 5 and 9 <= h < 17.5,
    "辛": lambda day, h: day < 5 and 9 <= h < 17.5,
}
AMENITIES = {
    "甲": {"water", "phone_charging", "toilet"},
    "乙": {"water", "microwave"},
    "己": {"water", "microwave"},
    "丙": {"water", "phone_charging"},
    "丁": {"first_aid"},
}
HOST = {
    "甲": "gas_station",
    "乙": "health",
    "己": "health",
    "丙": "library",
    "丁": "bank",
    "戊": "other",
}
PHONE = {
    "甲": "0994-6612345",
    "乙": "0994-6612345",
    "己": "0994-6612345",
    "丙": "0994-6612345 / 13912345678",
    "丁": "13912345678",
}


def _check_stored(app, points) -> None:
    with state(app).db.session() as session:
        stations = {
            s.name[0]: s
            for s in session.scalars(select(Station))
            if s.name.endswith("驿站") and s.name[0] in points
        }
        pending = list(session.scalars(select(PendingPlacement)))
        assert sorted(stations) == sorted(points)
        far = {n: round(metres_apart(points[n], (s.lat, s.lon)), 1) for n, s in stations.items()}
        assert max(far.values()) < 10, far
        for name, station in stations.items():
            assert station.district_code == (HUTUBI if name in "庚辛" else MANAS), name
            assert _open_over_a_week(station.opening_hours) == _expected_week(HOURS[name]), name
            assert AMENITIES.get(name, set()) <= set(station.amenities), name
            if name in HOST:
                assert station.host_type == HOST[name], name
            if name in PHONE:
                assert station.phone == PHONE[name], name
        assert stations["甲"].contact == "甲负责人"
        assert stations["甲"].entered_datum == "gcj02"
        assert stations["庚"].entered_datum == "bd09"
        assert "羊肉馆" in " ".join(stations["戊"].services) + stations["戊"].name
        assert [(p.name, p.address) for p in pending] == [("待定位驿站", "玛纳斯县凤凰路99号")]


def test_the_command_line_imports_an_office_workbook_as_meant(app, tmp_path):
    points = _points(app)
    path = tmp_path / "玛纳斯县红色驿站名单.xlsx"
    path.write_bytes(_workbook(points))
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["import-stations", str(path)])
    assert refused.exit_code == 1 and "--datum" in refused.output
    result = runner.invoke(args=["import-stations", str(path), "--datum", "gcj02"])
    assert result.exit_code == 0, result.output
    assert "created 8" in result.output
    _check_stored(app, points)


def test_the_admin_preview_asks_the_datum_names_what_it_skipped_and_imports_as_meant(app):
    points = _points(app)
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    token = page_csrf(client)
    asked = client.post(
        "/admin/import",
        data={"csrf_token": token, "file": (io.BytesIO(_workbook(points)), "名单.xlsx")},
        content_type="multipart/form-data",
    )
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200, html[:3000]
    assert "坐标系" in html and 'id="confirm"' not in html
    action = re.search(r'action="(/admin/import/[^"/]+/preview)"', html).group(1)
    preview = client.post(action, data={"csrf_token": token, "datum": "gcj02"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:3000]
    assert "将新建 <strong>8</strong> 个" in html
    assert "待定位：1 行有地址、没有坐标" in html
    for words in (
        "填表说明",
        "合计：7个",
        "注：坐标为高德地图拾取",
        "“备注”列不是驿站字段",
        "<td>玛纳斯县</td><td>—</td><td>—</td><td>文件</td><td>第 3 行是表头",
    ):
        assert words in html, words
    assert "隐藏" in html  # the hidden column is named as ignored
    done = client.post(
        re.search(r'action="(/admin/import/[^"/]+)"', html).group(1),
        data={"csrf_token": token, "datum": "gcj02"},
    )
    assert done.status_code == 303
    _check_stored(app, points)


def _one_sheet(rows: list[list[object]], sheet: str = "玛纳斯县") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(["驿站名称", "经度", "纬度"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("written", [_dms, lambda v: _full_width(f"{v:.6f}")])
def test_swapped_axes_written_in_dms_or_full_width_are_refused_too(app, tmp_path, written):
    lat, lon = free_point(app, MANAS)
    path = tmp_path / "swapped.xlsx"  # 经度 44.3, 纬度 86.2: both in range, swapped
    path.write_bytes(_one_sheet([["度分秒填反驿站", written(lat), written(lon)]]))
    result = app.test_cli_runner().invoke(
        args=["import-stations", str(path), "--datum", "wgs84"], env={"LC_ALL": "zh_CN.UTF-8"}
    )
    assert result.exit_code == 1, result.output
    assert "经度和纬度可能填反了" in result.output and "对调后在玛纳斯县" in result.output
    with state(app).db.session() as session:
        assert session.scalars(select(Station).where(Station.name == "度分秒填反驿站")).all() == []


@pytest.mark.parametrize("written", [_dms, lambda v: _full_width(f"{v:.6f}")])
def test_dms_or_full_width_point_outside_the_admins_district_is_refused_by_name(app, written):
    lat, lon = free_point(app, HUTUBI)
    make_user(app, "manas", "district_admin", (MANAS,))
    client = app.test_client()
    login(client, "manas")
    token = page_csrf(client)
    data = _one_sheet([["越界驿站", written(lon), written(lat)]])
    response = upload(client, token, data, "名单.xlsx", datum="wgs84")
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[:3000]
    assert "该点在呼图壁县（县级，652323），不在您负责的区县内" in html
    with state(app).db.session() as session:
        assert session.scalars(select(Station).where(Station.name == "越界驿站")).all() == []


def test_the_preview_names_the_district_of_a_dms_or_full_width_point(app):
    lat, lon = free_point(app, MANAS)
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    token = page_csrf(client)
    data = _one_sheet(
        [
            ["度分秒驿站", _dms(lon), _dms(lat)],
            ["全角驿站", _full_width(f"{lon + 0.002:.6f}"), _full_width(f"{lat:.6f}")],
        ]
    )
    html = client.post(
        "/admin/import",
        data={"csrf_token": token, "datum": "wgs84", "file": (io.BytesIO(data), "名单.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "度分秒驿站 · 玛纳斯县" in html and "全角驿站 · 玛纳斯县" in html
    assert "无区县" not in html


def test_an_english_code_export_imports_back_and_an_update_shows_a_diff_in_words(app, tmp_path):
    station = station_in(app, XINCHENG)
    path = tmp_path / "codes.csv"
    runner = app.test_cli_runner()
    args = ["export-stations", "-o", str(path), "--lang", "en", "--district", XINCHENG]
    assert runner.invoke(args=[*args, "--include-demo"]).exit_code == 0
    text = path.read_text("utf-8-sig")
    assert text.startswith("code,name,")  # field codes, as integrators write them
    again = runner.invoke(args=["import-stations", str(path)])
    assert again.exit_code == 0 and "created 0, updated 0" in again.output, again.output

    rows = list(csv.DictReader(io.StringIO(text)))
    row = next(r for r in rows if r["code"] == station.code)
    words = {"active": "正常开放", "suspended": "暂停服务", "closed": "已关闭"}
    new_status = "suspended" if station.status != "suspended" else "active"
    row.update(address="新地址8号", status=new_status, amenities="aed;water")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerow(row)
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    login(client, "xc")
    token = page_csrf(client)
    html = client.post(
        "/admin/import",
        data={"csrf_token": token, "file": (io.BytesIO(out.getvalue().encode()), "codes.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "更新 <strong>1</strong> 个" in html, html[:3000]
    diff = html.split('class="diff"')[1].split("</table>")[0]
    assert f"<tr><td>地址</td><td>{station.address}</td><td>新地址8号</td></tr>" in diff
    assert f"<td>状态</td><td>{words[station.status]}</td><td>{words[new_status]}</td>" in diff
    assert "AED除颤仪" in diff and "aed" not in diff


def test_a_point_outside_that_another_datum_puts_inside_says_so_on_its_row(app):
    """Numbers a person took from AMap's picker but marked GPS: just outside 玛纳斯县 as
    GPS, inside it as GCJ-02. The refusal names where it lies and the datum that fits."""
    from stationmap.services import districts as district_service

    q_lat, q_lon = free_point(app, MANAS)
    g_lat, g_lon = gcj02_from_wgs84(q_lat, q_lon)
    step = ((g_lat - q_lat) / 12, (g_lon - q_lon) / 12)  # about 20 m along the offset
    with state(app).db.session() as session:
        locator = district_service.locator(session)
        lat, lon = q_lat, q_lon
        for _ in range(20_000):
            lat, lon = lat + step[0], lon + step[1]
            if locator.locate(lat, lon) != MANAS:
                break
        typed = (lat + step[0], lon + step[1])  # 20 m beyond the boundary
        assert locator.locate(*typed) != MANAS
        meant = (typed[0] - 12 * step[0], typed[1] - 12 * step[1])  # read as GCJ-02
        if locator.locate(*meant) != MANAS:
            pytest.skip("the boundary is too thin here for the constructed point")
    make_user(app, "manas", "district_admin", (MANAS,))
    client = app.test_client()
    login(client, "manas")
    token = page_csrf(client)
    data = _one_sheet([["标错坐标系驿站", f"{typed[1]:.7f}", f"{typed[0]:.7f}"]])
    html = client.post(
        "/admin/import",
        data={"csrf_token": token, "datum": "wgs84", "file": (io.BytesIO(data), "名单.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "不在您负责的区县内" in html
    assert "若坐标取自高德·腾讯地图，则落在玛纳斯县（县级，652324）" in html
