"""County files whose coordinates are written in forms that read as other numbers one
cell at a time, through the command line (Chinese terminal) and the admin upload preview:
whole millionths of a degree with thousands separators, decimal commas in a semicolon
CSV, 度:分:秒 with colons. Each station is stored where the office meant (within 10 m of
the point, converted with the reference formulas), with a note to check it."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from tests.datum_reference import gcj02_from_wgs84, metres_apart
from tests.integration.admin_support import free_point, login, make_user, page_csrf, upload
from tests.unit.test_tabular_office_layouts import angle_workbook

MANAS = "652324"


def _dms(value: float) -> str:
    tenths = round(value * 36000)
    degrees, rest = divmod(tenths, 36000)
    minutes, tenths = divmod(rest, 600)
    return f"{degrees}:{minutes:02d}:{tenths // 10:02d}.{tenths % 10}"


FORMS = {
    # name: (how the cells are written from the AMap lat, lon; CSV delimiter)
    "millionths": (lambda lat, lon: (f"{round(lat * 1e6):,}", f"{round(lon * 1e6):,}"), ","),
    "comma": (
        lambda lat, lon: (f"{lat:.6f}".replace(".", ","), f"{lon:.6f}".replace(".", ",")),
        ";",
    ),
    "colons": (lambda lat, lon: (_dms(lat), _dms(lon)), ","),
}


def _points(app) -> list[tuple[float, float]]:
    lat, lon = free_point(app, MANAS)
    return [(lat + 0.002 * i, lon + 0.0015 * i) for i in range(3)]


def _csv(form: str, points: list[tuple[float, float]]) -> bytes:
    write, delimiter = FORMS[form]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(["序号", "驿站名称", "地址", "纬度", "经度", "坐标系"])
    for i, point in enumerate(points):
        lat, lon = write(*gcj02_from_wgs84(*point))
        writer.writerow([i + 1, f"{form}驿站{i}", "玛纳斯县", lat, lon, "高德"])
    return out.getvalue().encode("gbk")


def _chinese(monkeypatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)


def _stored(app, form: str) -> dict[str, Station]:
    with state(app).db.session() as session:
        return {s.name: s for s in session.scalars(select(Station)) if s.name.startswith(form)}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_the_command_line_stores_each_station_where_the_office_meant(
    app, tmp_path, monkeypatch, form
):
    _chinese(monkeypatch)
    points = _points(app)
    path = tmp_path / f"{form}.csv"
    path.write_bytes(_csv(form, points))
    result = app.test_cli_runner().invoke(args=["import-stations", str(path)])
    assert result.exit_code == 0, result.output
    assert "新建 3 个" in result.output
    if form != "colons":  # 度:分:秒 is read as 度分秒 with symbols is: nothing to check
        assert "请核对位置" in result.output
    stored = _stored(app, form)
    for i, point in enumerate(points):
        station = stored[f"{form}驿站{i}"]
        assert metres_apart(point, (station.lat, station.lon)) < 10
        assert station.district_code == MANAS


@pytest.mark.parametrize("form", sorted(FORMS))
def test_the_admin_preview_reads_them_and_says_to_check(app, form):
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    response = upload(client, page_csrf(client), _csv(form, _points(app)), f"{form}.csv")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:2000]
    assert "将新建 <strong>3</strong> 个" in html
    assert "投影" not in html
    if form != "colons":
        assert "请核对位置" in html


def _summary_workbook(points: list[tuple[float, float]], street_hours: str = "8:00-20:00") -> bytes:
    """A 汇总 sheet listing every station, then one sheet per street listing its own."""
    import openpyxl

    header = ["序号", "驿站名称", "地址", "经度", "纬度", "坐标系", "开放时间"]
    rows = []
    for i, point in enumerate(points):
        lat, lon = gcj02_from_wgs84(*point)
        rows.append([i + 1, f"汇总驿站{i}", "玛纳斯县", round(lon, 6), round(lat, 6), "高德"])
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "汇总"
    summary.append(["玛纳斯县驿站汇总表"])
    summary.append(header)
    for row in rows:
        summary.append([*row, "8:00-20:00"])
    for title, part in (("城关街道", rows[:2]), ("包家店镇", rows[2:])):
        sheet = book.create_sheet(title)
        sheet.append(header)
        for n, row in enumerate(part, 1):
            sheet.append([n, *row[1:], street_hours])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_summary_sheet_repeating_the_street_sheets_stores_each_station_once(
    app, tmp_path, monkeypatch
):
    """Was: 汇总 and the street sheets were each read as stations: every one stored twice."""
    _chinese(monkeypatch)
    points = _points(app)
    path = tmp_path / "汇总.xlsx"
    path.write_bytes(_summary_workbook(points))
    result = app.test_cli_runner().invoke(args=["import-stations", str(path)])
    assert result.exit_code == 0, result.output
    assert "新建 3 个" in result.output
    with state(app).db.session() as session:
        names = [s.name for s in session.scalars(select(Station)) if s.name.startswith("汇总驿站")]
    assert sorted(names) == ["汇总驿站0", "汇总驿站1", "汇总驿站2"]
    assert "与“汇总”表第 3 行是同一个驿站" in result.output


def test_the_same_station_twice_with_different_values_is_refused_naming_both_rows(
    app, tmp_path, monkeypatch
):
    _chinese(monkeypatch)
    path = tmp_path / "汇总.xlsx"
    path.write_bytes(_summary_workbook(_points(app), street_hours="9:00-18:00"))
    result = app.test_cli_runner().invoke(args=["import-stations", str(path)])
    assert result.exit_code == 1
    assert "与“汇总”表第 3 行名称、位置相同，但其他内容不同" in result.output
    with state(app).db.session() as session:
        assert not [s for s in session.scalars(select(Station)) if s.name.startswith("汇总驿站")]


def _parts(value: float) -> tuple[int, int, float]:
    """Degrees, minutes and seconds (to 0.1″, about 3 m) of ``value``."""
    tenths = round(value * 36000)
    degrees, rest = divmod(tenths, 36000)
    minutes, tenths = divmod(rest, 600)
    return degrees, minutes, tenths / 10


def _angle_workbook(points: list[tuple[float, float]], two_rows: bool) -> bytes:
    """:func:`angle_workbook` with the AMap (GCJ-02) coordinates of ``points``; no 坐标系
    column."""
    rows = []
    for i, point in enumerate(points):
        lat, lon = gcj02_from_wgs84(*point)
        rows.append([f"度分秒驿站{i}", *_parts(lon), *_parts(lat), "玛纳斯县"])
    return angle_workbook(two_rows, rows)


ANGLE_FORMS = pytest.mark.parametrize("two_rows", [True, False], ids=["two-row", "one-row"])


@ANGLE_FORMS
def test_the_command_line_combines_degrees_minutes_and_seconds_in_columns_of_their_own(
    app, tmp_path, monkeypatch, two_rows
):
    """Was: asked for the datum, then refused the 度 | 分 | 秒 row under the header as a
    station (two rows), or refused the header (one row)."""
    _chinese(monkeypatch)
    points = _points(app)
    path = tmp_path / "度分秒.xlsx"
    path.write_bytes(_angle_workbook(points, two_rows))
    asked = app.test_cli_runner().invoke(args=["import-stations", str(path)])
    assert asked.exit_code == 1
    assert "--datum" in asked.output
    assert "第 2 行" not in asked.output  # the 度 | 分 | 秒 row is no station
    result = app.test_cli_runner().invoke(args=["import-stations", str(path), "--datum", "gcj02"])
    assert result.exit_code == 0, result.output
    assert "新建 3 个" in result.output
    assert "C–E 列是经度的度、分、秒，已按 度 + 分/60 + 秒/3600 合并为经度读入" in result.output
    assert "F–H 列是纬度的度、分、秒" in result.output
    stored = _stored(app, "度分秒驿站")
    for i, point in enumerate(points):
        station = stored[f"度分秒驿站{i}"]
        assert metres_apart(point, (station.lat, station.lon)) < 10
        assert station.district_code == MANAS


@ANGLE_FORMS
def test_a_minute_of_60_is_refused_naming_sheet_row_and_column(
    app, tmp_path, monkeypatch, two_rows
):
    _chinese(monkeypatch)
    import openpyxl

    data = _angle_workbook(_points(app), two_rows)
    book = openpyxl.load_workbook(io.BytesIO(data))
    row = 4 if two_rows else 3  # the second station
    book["驿站"][f"D{row}"] = 60
    out = io.BytesIO()
    book.save(out)
    path = tmp_path / "度分秒.xlsx"
    path.write_bytes(out.getvalue())
    result = app.test_cli_runner().invoke(args=["import-stations", str(path), "--datum", "gcj02"])
    assert result.exit_code == 1
    assert f"工作表“驿站”，第 {row} 行，D 列，经度：经度的分是 60，应不小于 0、小于 60" in (
        result.output
    )
    assert not _stored(app, "度分秒驿站")


@ANGLE_FORMS
def test_the_admin_preview_asks_the_datum_then_combines_them(app, two_rows):
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    token = page_csrf(client)
    data = _angle_workbook(_points(app), two_rows)
    asked = upload(client, token, data, "度分秒.xlsx").get_data(as_text=True)
    assert 'id="datum-question"' in asked
    response = upload(client, token, data, "度分秒.xlsx", datum="gcj02")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:2000]
    assert "将新建 <strong>3</strong> 个" in html
    assert "已按 度 + 分/60 + 秒/3600 合并为经度读入" in html
