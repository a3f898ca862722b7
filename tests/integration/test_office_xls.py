"""The county office's workbook of the end-to-end test, saved as a legacy .xls (as WPS
and Excel 97-2003 templates save it), imports by the command line and by the admin
upload exactly as meant: the same checks as the .xlsx (test_office_workbook_end_to_end)."""

from __future__ import annotations

import re

from tests.integration import test_office_workbook_end_to_end as end_to_end
from tests.integration.admin_support import login, make_user, page_csrf, upload
from tests.unit.test_tabular_xls import xls_from


def test_the_command_line_imports_an_office_xls_workbook_as_meant(app, tmp_path):
    points = end_to_end._points(app)
    path = tmp_path / "玛纳斯县红色驿站名单.xls"
    path.write_bytes(xls_from(end_to_end._workbook(points)))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-stations", str(path), "--datum", "gcj02"])
    assert result.exit_code == 0, result.output
    assert "created 8" in result.output
    end_to_end._check_stored(app, points)


def test_the_admin_upload_previews_and_imports_an_office_xls_workbook_as_meant(app):
    points = end_to_end._points(app)
    make_user(app, "root", "superadmin")
    client = app.test_client()
    login(client, "root")
    token = page_csrf(client)
    data = xls_from(end_to_end._workbook(points))
    preview = upload(client, token, data, "名单.xls", datum="gcj02")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:3000]
    assert "将新建 <strong>8</strong> 个" in html
    assert "隐藏" in html  # the hidden column is named as ignored
    done = client.post(
        re.search(r'action="(/admin/import/[^"/]+)"', html).group(1),
        data={"csrf_token": token, "datum": "gcj02"},
    )
    assert done.status_code == 303
    end_to_end._check_stored(app, points)
