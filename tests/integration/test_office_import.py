"""A county office's own workbook imports through the command line and the admin upload:
every station sheet, merged cells carried down, title and total rows skipped, and the
preview says what was skipped, naming sheet, row and column."""

from __future__ import annotations

import io
import re

import openpyxl
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from tests.integration.admin_support import XINCHENG, free_point, login, make_user, page_csrf


def office_workbook(points: list[tuple[float, float]], bad_coordinate: bool = False) -> bytes:
    """A 填表说明 sheet, then two district sheets: one with a merged title, a filler row,
    office columns and merged 开放时间/服务内容; one with a 坐标 "lon,lat" column."""
    (lat1, lon1), (lat2, lon2), (lat3, lon3) = points
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = "填表说明"
    guide.append(["填表说明：每个驿站一行，名称、经度、纬度必填"])
    first = book.create_sheet("一区")
    first.append(["县红色驿站名单（2025年）"])
    first.merge_cells("A1:H1")
    first.append(["填报单位：县总工会", None, None, "填报日期：2025年3月1日"])
    first.append(["序号", "驿站名称", "经度", "纬度", "开放时间", "服务内容", "驿站类型", "备注"])
    first.append([1, "甲驿站", lon1, lat1, "24/7", "饮水、充电", "工会", "新建"])
    first.append([2, "乙驿站", lon2, lat2, None, None, "社区", None])
    first.merge_cells("E4:E5")
    first.merge_cells("F4:F5")
    first.append(["合计：2个"])
    second = book.create_sheet("二区")
    second.append(["名称", "坐标", "负责人"])
    second.append(["丙驿站", "86.9" if bad_coordinate else f"{lon3},{lat3}", "张三"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _stations(app) -> dict[str, Station]:
    with state(app).db.session() as session:
        return {s.name: s for s in session.scalars(select(Station))}


def test_an_office_workbook_imports_from_the_command_line(app, tmp_path):
    points = [free_point(app, XINCHENG) for _ in range(3)]
    path = tmp_path / "名单.xlsx"
    path.write_bytes(office_workbook(points))
    result = app.test_cli_runner().invoke(args=["import-stations", str(path), "--datum", "wgs84"])
    assert result.exit_code == 0, result.output
    assert "3 rows; created 3" in result.output
    assert "check sheet '填表说明': no station header in the first 30 rows" in result.output
    stations = _stations(app)
    for name, (lat, lon) in zip(("甲驿站", "乙驿站", "丙驿站"), points, strict=True):
        assert (stations[name].lat, stations[name].lon) == (round(lat, 7), round(lon, 7))
    # the merged 开放时间 and 服务内容 reach the second row too
    assert stations["乙驿站"].opening_hours == "24/7"
    assert list(stations["乙驿站"].services) == list(stations["甲驿站"].services)
    assert stations["甲驿站"].host_type == "union" and stations["乙驿站"].host_type == "community"
    assert stations["丙驿站"].contact == "张三"


def test_an_office_workbook_previews_with_notes_and_a_bad_cell_is_named(app):
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    login(client, "xc")
    token = page_csrf(client)
    points = [free_point(app, XINCHENG) for _ in range(3)]

    def upload(data: bytes):
        return client.post(
            "/admin/import",
            data={"csrf_token": token, "datum": "wgs84", "file": (io.BytesIO(data), "名单.xlsx")},
            content_type="multipart/form-data",
        )

    preview = upload(office_workbook(points))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:2000]
    assert "将新建 <strong>3</strong> 个" in html
    notes_table = html.split('id="import-notes"')[1].split("</table>")[0]
    notes = [row[-1] for row in re.findall(r"<td>([^<]*)</td>" * 5, notes_table)]
    assert "第 3 行是表头（第 1–2 行为标题等，未读入）；读入 2 行驿站" in notes
    assert "“合计：2个”是合计或说明行，不是驿站，已跳过（无需修改）" in notes
    assert "“备注”列不是驿站字段，已忽略（无需修改）" in notes

    refused = upload(office_workbook(points, bad_coordinate=True))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    errors_table = html.split('id="import-errors"')[1].split("</table>")[0]
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td>第 (\d+) 行</td><td>([A-Z]+)</td>"
        r"<td>([^<]+)</td><td>([^<]+)</td>",
        errors_table,
    )
    assert rows == [
        (
            "二区",
            "2",
            "B",
            "经度",
            # The place is said once, by the sheet, row and column cells (the words
            # began with 第 3 张表“二区”第 2 行 B 列： again).
            "坐标“86.9”不是“经度,纬度”两个数：请写成如 86.214,44.305",
        )
    ]


def _two_sheets(second_rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "一区"
    book.active.append(["编号", "名称", "坐标"])
    book.active.append(["652324-0001", "甲", "86.2,44.3"])
    other = book.create_sheet("二区")
    other.append(["序号", "编号", "名称", "坐标"])
    for row in second_rows:
        other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_checking_a_file_names_sheet_row_and_column_of_every_error():
    from stationmap.services.transfer import check_file

    checked = check_file(
        _two_sheets([[1, "652324-0001", "乙", "86.3,44.4"], [2, None, "丙", "86.3,91"]]),
        "名单.xlsx",
        datum="wgs84",
    )
    assert [(e.field, e.sheet, e.row, e.column) for e in checked.errors] == [
        ("code", "二区", 2, "B"),
        ("lat", "二区", 3, "D"),
    ]
    assert checked.errors[0].message_zh == (
        "编号 652324-0001 与“一区”表第 2 行重复：同一编号只能出现一次，请删除或改正其中一行"
    )
    assert checked.errors[0].message == (
        '652324-0001 is also on sheet "一区", row 2: keep one of them'
    )


def test_a_swapped_coordinate_cell_note_reaches_the_station():
    from stationmap.services.transfer import check_file

    checked = check_file(_two_sheets([[1, None, "乙", "44.4，86.3"]]), "名单.xlsx", datum="wgs84")
    assert checked.errors == []
    second = checked.inputs[1]
    assert (second.lat, second.lon) == (44.4, 86.3)
    assert [(n.field, n.sheet, n.row, n.column) for n in second.notes] == [("lat", "二区", 2, "D")]


def test_checking_a_file_stops_at_the_read_deadline_it_is_given():
    from stationmap.services.transfer import check_file

    data = "名称,经度,纬度\nA,86,44\n".encode()
    assert check_file(data, "a.csv", datum="wgs84").errors == []
    [error] = check_file(data, "a.csv", read_seconds=0, datum="wgs84").errors
    assert error.field == "file" and "读取超过 0 秒的上限" in error.message_zh
