"""Issue 13, hours: office spreadsheets' hours through import, API, pages, dashboard."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from tests.integration.admin_support import login, make_user, page_csrf

MANAS = (44.305, 86.214)
SEASONS = "夏季8:00-21:00，冬季9:00-19:00"


def _csv(rows: list[tuple[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["名称", "地址", "纬度", "经度", "坐标系", "开放时间"])
    for i, (name, hours) in enumerate(rows):
        writer.writerow([name, "玛纳斯县", MANAS[0] + i * 0.002, MANAS[1], "wgs84", hours])
    return out.getvalue()


def _import(app, tmp_path, text: str, name: str = "office.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["import-stations", str(path)])


def test_office_hours_are_converted_or_kept_and_shown_as_written(empty_app, tmp_path):
    result = _import(empty_app, tmp_path, _csv([("全天驿站", "全天24小时"), ("季节驿站", SEASONS)]))
    assert result.exit_code == 0, result.output
    with state(empty_app).db.session() as session:
        stations = {s.name: s for s in session.scalars(select(Station))}
        always, seasons = stations["全天驿站"], stations["季节驿站"]
        assert (always.opening_hours, always.opening_hours_text) == ("24/7", None)
        assert (seasons.opening_hours, seasons.opening_hours_text) == (None, SEASONS)
        seasons_id, seasons_code = seasons.id, seasons.code

    client = empty_app.test_client()
    # Couriers: the open state is unknown; the detail and the page show the text.
    body = client.get(
        "/api/v1/stations/nearest",
        query_string={"lat": MANAS[0], "lon": MANAS[1], "k": 2, "open_now": "false"},
    ).get_json()
    props = {f["properties"]["name"]: f["properties"] for f in body["features"]}
    assert props["季节驿站"]["open_now"] is None
    assert props["全天驿站"]["open_now"] is True
    detail = client.get(f"/api/v1/stations/{seasons_id}").get_json()["properties"]
    assert detail["opening_hours"] is None
    assert detail["opening_hours_text"] == SEASONS
    assert detail["hours_zh"] == SEASONS and detail["open_now"] is None
    page = client.get(f"/s/{seasons_code}").get_data(as_text=True)
    assert SEASONS in page and "开放时间未知" in page
    # Only open stations are returned when asked: the undecided one is not among them.
    open_only = client.get(
        "/api/v1/stations/nearest",
        query_string={"lat": MANAS[0], "lon": MANAS[1], "k": 2, "open_now": "true"},
    ).get_json()
    assert [f["properties"]["name"] for f in open_only["features"]] == ["全天驿站"]

    # Administrators: the to-do list names the station and shows the text.
    make_user(empty_app, "boss", "superadmin")
    admin = empty_app.test_client()
    login(admin, "boss")
    dashboard = admin.get("/admin/").get_data(as_text=True)
    assert 'id="hours-to-decide"' in dashboard
    assert seasons_code in dashboard and SEASONS in dashboard
    assert "全天驿站" not in dashboard.split('id="hours-to-decide"')[1].split("</section>")[0]

    # An export writes the text as written, and importing it again changes nothing.
    out = tmp_path / "export.csv"
    exported = empty_app.test_cli_runner().invoke(
        args=["export-stations", "-o", str(out), "--format", "csv"]
    )
    assert exported.exit_code == 0, exported.output
    assert SEASONS in out.read_text(encoding="utf-8-sig")
    again = empty_app.test_cli_runner().invoke(args=["import-stations", str(out)])
    assert again.exit_code == 0, again.output
    assert "created 0, updated 0, unchanged 2" in again.output


def test_text_that_is_not_hours_rejects_the_file(empty_app, tmp_path):
    result = _import(empty_app, tmp_path, _csv([("驿站", "请联系管理员")]))
    assert result.exit_code != 0
    assert "24/7" in result.output
    with state(empty_app).db.session() as session:
        assert session.scalar(select(Station.id)) is None


def test_import_preview_shows_each_conversion_by_row(empty_app, tmp_path):
    make_user(empty_app, "boss", "superadmin")
    client = empty_app.test_client()
    login(client, "boss")
    token = page_csrf(client)
    data = _csv(
        [("全天驿站", "全天24小时"), ("工作日驿站", "工作日 09:00-17:30"), ("季节驿站", SEASONS)]
    )
    preview = client.post(
        "/admin/import",
        data={"csrf_token": token, "file": (io.BytesIO(data.encode("utf-8")), "office.csv")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    notes = html.split('id="import-notes"')[1].split("</div>")[0]
    # Rows 2, 3 and 4 of the file (row 1 is the header); 开放时间 is column F.
    cells = "<td>—</td><td>第 {row} 行</td><td>F</td><td>开放时间</td><td>"
    assert cells.format(row=2) + "开放时间“全天24小时”已按 24/7 理解，请核对</td>" in notes
    assert "已按 Mo-Fr 09:00-17:30 理解" in notes
    assert cells.format(row=4) + f"开放时间“{SEASONS}”需要人工确认" in notes
    # Each row of the preview shows its hours as understood, in words (or as written
    # where a person must decide).
    rows = {
        match[0]: match[1]
        for match in re.findall(
            r'<tr id="row-(\d+)">(?:<td>.*?</td>){5}<td>([^<]*)</td>', html, flags=re.S
        )
    }
    assert rows["2"] == "全天24小时"
    assert rows["3"] == "周一至周五 09:00-17:30"
    assert rows["4"] == SEASONS
