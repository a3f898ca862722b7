"""The admin upload's errors and notes: the same message on many rows is one line naming
the runs of rows, the page lists a bounded number of lines, and the full list is a CSV
to download (one error or note a line, by sheet, row and column)."""

from __future__ import annotations

import csv
import io
import re

from tests.integration.admin_support import login, make_user, page_csrf

MANAS = (44.305, 86.214)
ALWAYS_ZH = "开放时间“全天24小时”已按 24/7 理解，请核对"


def _csv(rows: list[tuple[object, str, str]]) -> bytes:
    """Rows of (lat, amenities, hours), each a station of its own."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["名称", "地址", "纬度", "经度", "坐标系", "服务设施", "开放时间"])
    for i, (lat, amenities, hours) in enumerate(rows):
        writer.writerow(
            [f"驿站{i}", "玛纳斯县", lat, MANAS[1] + i * 0.002, "wgs84", amenities, hours]
        )
    return out.getvalue().encode("utf-8")


def _preview(app, data: bytes, lang: str = "zh"):
    make_user(app, "boss", "superadmin")
    client = app.test_client()
    login(client, "boss")
    token = page_csrf(client)
    response = client.post(
        f"/admin/import?lang={lang}",
        data={"csrf_token": token, "file": (io.BytesIO(data), "county.csv")},
        content_type="multipart/form-data",
    )
    return client, response


def _table(html: str, block: str) -> list[tuple[str, ...]]:
    table = html.split(f'id="{block}"')[1].split("</table>")[0]
    return re.findall(r"<tr>" + r"<td>([^<]*)</td>" * 5 + "</tr>", table)


def test_a_note_on_120_rows_is_one_line_naming_the_rows(empty_app):
    rows = [(MANAS[0], "", "全天24小时") for _ in range(120)]
    _client, response = _preview(empty_app, _csv(rows))
    assert response.status_code == 200
    notes = _table(response.get_data(as_text=True), "import-notes")
    # Rows 2 to 121 of the file (row 1 is the header); 开放时间 is column G.
    assert notes.count(("—", "第 2-121 行（共 120 行）", "G", "开放时间", ALWAYS_ZH)) == 1
    assert [n for n in notes if n[4] == ALWAYS_ZH] == [
        ("—", "第 2-121 行（共 120 行）", "G", "开放时间", ALWAYS_ZH)
    ]


def test_an_error_on_many_rows_is_one_line_in_english_too(empty_app):
    rows = [(MANAS[0] if i in (5, 6) else "91", "", "") for i in range(30)]
    _client, response = _preview(empty_app, _csv(rows), lang="en")
    assert response.status_code == 422
    errors = _table(response.get_data(as_text=True), "import-errors")
    lat_errors = [e for e in errors if e[3] == "Latitude"]
    # Rows 2-31 of the file, but for rows 7 and 8 (the 6th and 7th stations).
    assert lat_errors == [
        (
            "—",
            "rows 2-6, 9-31 (28 rows)",
            "C",
            "Latitude",
            "must be between -90 and 90 degrees, e.g. 44.305; not 91",
        )
    ]


def test_past_fifty_lines_the_page_stops_and_the_csv_has_every_one(empty_app):
    # 60 rows, each with an amenity of its own that no list knows: 60 different errors.
    rows = [(MANAS[0], f"飞机{i}", "") for i in range(60)]
    client, response = _preview(empty_app, _csv(rows))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    errors = _table(html, "import-errors")
    assert len(errors) == 50
    assert "另有 10 条（涉及 10 处）未在此列出，请下载下面的完整清单。" in html
    link = re.search(r'id="problems-download" href="([^"]+)"', html)
    assert link is not None
    download = client.get(link.group(1).replace("&amp;", "&"))
    assert download.status_code == 200
    # Once: werkzeug added a second "; charset=utf-8" to a mimetype that had one.
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert lines[0] == ["工作表", "行", "列", "字段", "类别", "问题"]
    amenity_lines = [line for line in lines[1:] if line[3] == "服务设施"]
    assert [line[1] for line in amenity_lines] == [str(row) for row in range(2, 62)]
    assert {line[2] for line in amenity_lines} == {"F"}
    assert {line[4] for line in amenity_lines} == {"错误"}
    assert "飞机59" in amenity_lines[-1][5]
    english = client.get(link.group(1).replace("&amp;", "&") + "?lang=en")
    header = english.get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
    assert header == "sheet,row,column,field,kind,message"


def test_someone_elses_job_list_is_not_theirs(empty_app):
    client, response = _preview(empty_app, _csv([("91", "", "")]))
    link = re.search(r'id="problems-download" href="([^"]+)"', response.get_data(as_text=True))
    assert link is not None
    make_user(empty_app, "other", "superadmin")
    stranger = empty_app.test_client()
    login(stranger, "other")
    assert stranger.get(link.group(1)).status_code == 404
    assert client.get(link.group(1)).status_code == 200


def test_the_command_line_says_an_error_on_many_rows_once(empty_app, tmp_path):
    path = tmp_path / "county.csv"
    path.write_bytes(_csv([("91", "", "") for _ in range(30)]))
    env = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
    result = empty_app.test_cli_runner().invoke(args=["import-stations", str(path)], env=env)
    assert result.exit_code == 1
    lat_lines = [line for line in result.output.splitlines() if "纬度：" in line]
    assert lat_lines == [
        "  第 2-31 行（共 30 行），C 列，纬度：纬度应为 -90 到 90 之间的度数，例如 44.305；现为 91"
    ]
