"""The office's workbook says "坐标用高德地图拾取" on its 填表说明 sheet and has no 坐标系
column: the admin upload still asks which map, with 高德·腾讯 chosen in advance and the
words quoted; the command line names the --datum the words suggest."""

from __future__ import annotations

import re
from html import unescape

from tests.integration import test_office_workbook_end_to_end as end_to_end
from tests.integration.admin_support import login, make_user, page_csrf, upload

SAID = "工作表“填表说明”第 1 行写着“填表说明：每个驿站一行；坐标用高德地图拾取”"


def _checked(html: str) -> list[str]:
    return re.findall(r'<input type="radio" name="datum" value="(\w*)" required checked>', html)


def test_the_admin_is_asked_with_the_map_the_file_names_chosen_in_advance(app):
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    token = page_csrf(client)
    data = end_to_end._workbook(end_to_end._points(app))
    asked = upload(client, token, data, "名单.xlsx").get_data(as_text=True)
    assert 'id="datum-question"' in asked and 'id="confirm"' not in asked
    assert _checked(asked) == ["gcj02"]
    assert f"{SAID}：已据此预先选好下面的坐标系，请核对后再预览。" in asked
    client.get("/admin/?lang=en")  # the lang cookie keeps the choice
    html = unescape(upload(client, token, data, "名单.xlsx").get_data(as_text=True))
    assert _checked(html) == ["gcj02"]
    assert (
        'In the file, row 1 of sheet "填表说明" says “填表说明：每个驿站一行；坐标用高德地图拾取”: '
        "the choice below is set to match. Check it before previewing." in html
    )


def test_a_file_without_such_words_is_asked_with_nothing_chosen(app):
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    token = page_csrf(client)
    data = end_to_end._one_sheet([["甲驿站", "111.91", "40.79"]])
    asked = upload(client, token, data, "名单.xlsx").get_data(as_text=True)
    assert 'id="datum-question"' in asked
    assert _checked(asked) == [] and 'id="datum-hint"' not in asked


def test_the_command_line_names_the_datum_the_words_suggest(app, tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(end_to_end._workbook(end_to_end._points(app)))
    result = app.test_cli_runner().invoke(args=["import-stations", str(path)])
    assert result.exit_code == 1
    assert "--datum gcj02" in result.output and "坐标用高德地图拾取" in result.output
