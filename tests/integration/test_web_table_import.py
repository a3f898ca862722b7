"""A county list as a government system's 导出Excel writes it (a GBK web page named .xls,
or an Excel 2003 XML workbook) imports by the command line and the admin upload: every
station stored within 10 m of the WGS-84 point the office meant (the test's own datum
formulas), services with their line breaks, and the preview saying what the file was."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from tests.datum_reference import gcj02_from_wgs84, metres_apart
from tests.integration.admin_support import free_point, login, make_user, page_csrf, upload

MANAS = "652324"
NAMES = ("凤凰驿站", "文化 体育驿站", "东城驿站")  # &nbsp; is a space


def _points(app) -> dict[str, tuple[float, float]]:
    lat, lon = free_point(app, MANAS)
    return {name: (lat + 0.0025 * i, lon) for i, name in enumerate(NAMES)}


def _page(points: dict[str, tuple[float, float]]) -> bytes:
    """GBK, named by a meta tag; a title row over every column; 序号 merged down two rows;
    服务内容 with <br>; &nbsp; in a name; AMap (GCJ-02) points, as the 坐标系 column says."""
    gcj = {name: gcj02_from_wgs84(*point) for name, point in points.items()}
    rows = []
    for i, name in enumerate(NAMES):
        shown = "文化&nbsp;<b>体育</b>驿站" if i == 1 else name
        number = '<td rowspan="2">1</td>' if i == 0 else ("" if i == 1 else "<td>2</td>")
        rows.append(
            f"<tr>{number}<td>{shown}</td><td>{gcj[name][1]:.6f}</td><td>{gcj[name][0]:.6f}</td>"
            f"<td>高德</td><td>08:00-20:00</td><td>饮水<br>充电</td></tr>"
        )
    page = (
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
        '<table border="1"><tr><td colspan="7">玛纳斯县户外劳动者驿站名单</td></tr>'
        "<tr><th>序号</th><th>驿站名称</th><th>经度</th><th>纬度</th><th>坐标系</th>"
        "<th>开放时间</th><th>服务内容</th></tr>" + "".join(rows) + "</table></body></html>"
    )
    return page.encode("gbk")


def _workbook(points: dict[str, tuple[float, float]]) -> bytes:
    """The same list as an Excel 2003 XML workbook: a 说明 sheet, then the list with its
    header on row 3 and gaps skipped by ss:Index."""
    gcj = {name: gcj02_from_wgs84(*point) for name, point in points.items()}
    cells = "".join(
        f'<Row ss:Index="{4 + 2 * i}"><Cell><Data ss:Type="String">{name}</Data></Cell>'
        f'<Cell ss:Index="3"><Data ss:Type="Number">{gcj[name][1]!r}</Data></Cell>'
        f'<Cell><Data ss:Type="Number">{gcj[name][0]!r}</Data></Cell>'
        '<Cell><Data ss:Type="String">高德</Data></Cell>'
        '<Cell><Data ss:Type="String">饮水&#10;充电</Data></Cell></Row>'
        for i, name in enumerate(NAMES)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><?mso-application progid="Excel.Sheet"?>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Worksheet ss:Name="说明"><Table><Row><Cell><Data ss:Type="String">坐标用高德拾取'
        "</Data></Cell></Row></Table></Worksheet>"
        '<Worksheet ss:Name="玛纳斯县"><Table><Row><Cell ss:MergeAcross="4"><Data ss:Type="String">'
        '驿站名单</Data></Cell></Row><Row ss:Index="3"><Cell><Data ss:Type="String">驿站名称'
        '</Data></Cell><Cell ss:Index="3"><Data ss:Type="String">经度</Data></Cell><Cell>'
        '<Data ss:Type="String">纬度</Data></Cell><Cell><Data ss:Type="String">坐标系</Data>'
        '</Cell><Cell><Data ss:Type="String">服务内容</Data></Cell></Row>'
        + cells
        + "</Table></Worksheet></Workbook>"
    ).encode()


def _check_stored(app, points: dict[str, tuple[float, float]]) -> None:
    with state(app).db.session() as session:
        stored = {s.name: s for s in session.scalars(select(Station)) if s.name in points}
    assert sorted(stored) == sorted(points)
    far = {name: metres_apart(points[name], (s.lat, s.lon)) for name, s in stored.items()}
    assert max(far.values()) < 10, far
    for station in stored.values():
        assert station.district_code == MANAS
        assert station.entered_datum == "gcj02"
        assert station.services == ["饮水", "充电"]


@pytest.mark.parametrize("build", [_page, _workbook], ids=["web page", "xml workbook"])
def test_the_command_line_imports_a_county_list_a_system_exported_as_xls(app, tmp_path, build):
    points = _points(app)
    path = tmp_path / "驿站名单导出.xls"
    path.write_bytes(build(points))
    result = app.test_cli_runner().invoke(args=["import-stations", str(path)])
    assert result.exit_code == 0, result.output
    assert "created 3" in result.output
    _check_stored(app, points)


def test_the_admin_upload_previews_a_web_page_named_xls_saying_so_and_imports_it(app):
    points = _points(app)
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    token = page_csrf(client)
    preview = upload(client, token, _page(points), "驿站名单导出.xls")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:3000]
    assert "将新建 <strong>3</strong> 个" in html
    assert "此文件是网页格式的表格（HTML" in html
    done = client.post(
        re.search(r'action="(/admin/import/[^"/]+)"', html).group(1),
        data={"csrf_token": token},
    )
    assert done.status_code == 303
    _check_stored(app, points)
