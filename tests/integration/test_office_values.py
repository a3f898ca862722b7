"""Values as offices and integrators send them, through the real app on both databases:
the write API refuses unreadable values with 422 naming the field (never a 500), reads
degrees-minutes-seconds and full-width digits, and the admin import preview shows every
problem and every guess in Chinese on its row."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from stationmap.services.transfer import check_rows
from tests.integration.admin_support import (
    XINCHENG,
    free_point,
    login,
    make_user,
    new_form,
    page_csrf,
)
from tests.integration.test_api_write import _auth, _token


def _post_raw(client, secret, text: str):
    headers = {**_auth(secret), "Content-Type": "application/json"}
    return client.post("/api/v1/stations", data=text.encode("utf-8"), headers=headers)


def _dms(value: float, positive: str, negative: str) -> str:
    """Degrees-minutes-seconds as an office writes them, to 0.0001″ (3e-9°)."""
    hemisphere = positive if value >= 0 else negative
    seconds_total = round(abs(value) * 3600, 4)
    degrees, rest = divmod(seconds_total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{int(degrees)}°{int(minutes)}′{seconds:.4f}″{hemisphere}"


def _full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lat", '"4_4.3"'),
        ("lat", '"\\u0664\\u0664.\\u0663"'),  # Arabic-Indic ٤٤.٣
        ("lat", "1" * 400),  # a 400-digit JSON integer
        ("lon", "-" + "9" * 400),
        ("name", '["人民路", "驿站"]'),
        ("name", '{"zh": "人民路驿站"}'),
        ("services", '{"a": "饮水"}'),
        ("phone", '["13912345678"]'),
        ("contact", '{"name": "王"}'),
    ],
)
def test_the_write_api_refuses_unreadable_values_on_their_field(app, field, value):
    _client, secret = _token(app)
    client = app.test_client()
    fields = {"name": '"接口驿站"', "lat": "40.81", "lon": "111.66", field: value}
    text = "{" + ", ".join(f'"{name}": {raw}' for name, raw in fields.items()) + "}"
    with state(app).db.session() as session:
        before = len(session.scalars(select(Station.id)).all())
    response = _post_raw(client, secret, text)
    assert response.status_code == 422, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["field"] == field
    (detail,) = error["details"]
    assert detail["field"] == field and detail["message"] and detail["message_zh"]
    with state(app).db.session() as session:
        assert len(session.scalars(select(Station.id)).all()) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", '"x\\ud800y"'),  # a lone surrogate, as JSON can escape it
        ("address", '"路\\udfff"'),
        ("services", '["饮水", "\\ud800"]'),
    ],
)
def test_the_write_api_refuses_a_lone_surrogate_as_malformed_json(app, field, value):
    """A lone surrogate is not a character: the body is not valid JSON text (400), and
    nothing is written."""
    _client, secret = _token(app)
    client = app.test_client()
    fields = {"name": '"接口驿站"', "lat": "40.81", "lon": "111.66", field: value}
    text = "{" + ", ".join(f'"{name}": {raw}' for name, raw in fields.items()) + "}"
    with state(app).db.session() as session:
        before = len(session.scalars(select(Station.id)).all())
    response = _post_raw(client, secret, text)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "surrogate" in response.get_json()["error"]["message"]
    with state(app).db.session() as session:
        assert len(session.scalars(select(Station.id)).all()) == before


def test_the_write_api_reads_dms_and_full_width_degrees(app):
    client, secret = app.test_client(), _token(app)[1]
    lat, lon = free_point(app, XINCHENG)
    body = {
        "name": "度分秒驿站",
        "lat": _full_width(f"{lat:.7f}"),
        "lon": _dms(lon, "E", "W"),
        "phone": "（0471）6612345",
    }
    response = client.post("/api/v1/stations", json=body, headers=_auth(secret))
    assert response.status_code == 201, response.get_json()
    lon_read, lat_read = response.get_json()["geometry"]["coordinates"]
    assert lat_read == pytest.approx(round(lat, 7), abs=1e-7)
    assert lon_read == pytest.approx(lon, abs=1e-7)
    assert response.get_json()["properties"]["phone"] == "0471-6612345"


def _office_csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["驿站名称", "纬度", "经度", "依托单位类型", "联系电话", "服务内容", "服务设施"]
    )
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def xc(app):
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    login(client, "xc")
    return client, page_csrf(client, "/admin/import")


def _upload(client, token, data: bytes):
    return client.post(
        "/admin/import",
        data={"csrf_token": token, "datum": "wgs84", "file": (io.BytesIO(data), "office.csv")},
        content_type="multipart/form-data",
    )


def test_the_import_preview_shows_the_guesses_in_chinese_on_their_rows(app, xc):
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    data = _office_csv(
        [
            [
                "粮油店爱心驿站",
                _dms(lat, "N", "S"),
                _full_width(f"{lon:.7f}"),
                "粮油店",
                "4716612345",
                "饮水、卫生间、免费打印",
                "",
            ]
        ]
    )
    page = _upload(client, token, data)
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    assert 'id="import-notes"' in html
    assert "已记为 0471-6612345，请核对" in html  # row 2: the phone's lost 0
    assert "驿站类型：粮油店" in html
    assert "未识别：免费打印" in html
    assert "<td>2</td>" in html


def test_the_import_preview_shows_each_error_in_chinese(app, xc):
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    data = _office_csv(
        [
            ["甲驿站", "4_4.3", f"{lon}", "", "", "", ""],
            ["乙驿站", f"{lat}", f"{lon}", "", "call me", "", ""],
        ]
    )
    page = _upload(client, token, data)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "纬度应为度数" in html and "4_4.3" in html
    assert "不是有效的电话号码" in html
    assert "must be" not in html


def test_the_editor_shows_the_chinese_message_and_how_to_fix_it(app, xc):
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    form = {**new_form(lat, lon, phone="call me", csrf_token=token), "lat": "95"}
    response = client.post("/admin/stations/new", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "纬度应为 -90 到 90 之间的度数，例如 44.305" in html
    assert "手机号为 1 开头的 11 位数字" in html
    assert "must be" not in html


def test_the_editor_reads_dms_and_says_what_it_changed(app, xc):
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    form = new_form(lat, lon, phone="4716612345", csrf_token=token)
    form["lon"] = _dms(lon, "E", "W")
    response = client.post("/admin/stations/new", data=form, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "已记为 0471-6612345，请核对" in html
    with state(app).db.session() as session:
        station = session.scalars(select(Station).where(Station.name == "测试驿站")).one()
        assert station.phone == "0471-6612345"
        assert station.lon == pytest.approx(lon, abs=1e-7)


def test_the_command_line_speaks_the_terminals_language(empty_app, tmp_path):
    runner = empty_app.test_cli_runner()
    path = tmp_path / "office.csv"
    path.write_bytes(_office_csv([["甲驿站", "4_4.3", "86.214", "", "", "", ""]]))
    english = runner.invoke(
        args=["import-stations", str(path), "--datum", "wgs84"], env={"LANG": "C.UTF-8"}
    )
    assert english.exit_code == 1
    assert "row 2, column B, lat: must be a number of degrees" in english.output
    chinese = runner.invoke(
        args=["import-stations", str(path), "--datum", "wgs84"],
        env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""},
    )
    assert chinese.exit_code == 1
    assert "第 2 行，B 列，纬度：纬度应为度数" in chinese.output


def test_the_command_line_lists_what_to_check(empty_app, tmp_path):
    runner = empty_app.test_cli_runner()
    path = tmp_path / "office.csv"
    path.write_bytes(_office_csv([["甲驿站", "44°18′18″N", "86.214", "", 9946612345, "", ""]]))
    result = runner.invoke(
        args=["import-stations", str(path), "--datum", "wgs84"], env={"LANG": "zh_CN.UTF-8"}
    )
    assert result.exit_code == 0, result.output
    assert "请核对 第 2 行，E 列，电话：“9946612345”像是丢了开头 0 的固定电话" in result.output


def test_file_level_errors_are_bilingual_on_their_rows():
    text = "编号,名称,纬度,经度\n652324-0001,甲,44.3,86.2\n652324-0001,乙,44.4,86.3\n"
    _inputs, errors, _count = check_rows(text.encode("utf-8"), "twice.csv", datum="wgs84")
    (error,) = errors
    assert (error.field, error.row) == ("code", 3)
    assert "第 2 行重复" in error.message_zh and "row 2" in error.message
    _inputs, errors, _count = check_rows("名称,纬度,经度\n".encode(), "empty.csv")
    (error,) = errors
    assert error.field == "file" and "没有驿站数据" in error.message_zh
