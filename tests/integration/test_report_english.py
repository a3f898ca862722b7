"""The report queue's pages in English: no Chinese chrome (only what reporters, offices
and the boundary data wrote), and the same pages in Chinese."""

from __future__ import annotations

from tests.integration.admin_support import XINCHENG, login, make_user, station_in
from tests.integration.report_queue_support import make_report
from tests.integration.test_admin_english import _assert_chinese, _assert_english


def test_report_pages_in_english_have_no_chinese_chrome(app):
    make_user(app, "boss", "superadmin")
    client = app.test_client()
    login(client, "boss")
    station = station_in(app, XINCHENG)
    text = "饮水机坏了"
    report = make_report(app, station, kind="amenity", needs=["water"], text=text)
    make_report(app, None, kind="demand", district=XINCHENG, needs=["toilet"], text=text)
    for path in (
        "/admin/reports?status=open",
        f"/admin/reports/{report.id}",
        "/admin/reports/notify",
        f"/admin/stations/{station.id}?report={report.id}",
        "/admin/",
    ):
        sep = "&" if "?" in path else "?"
        _assert_english(app, client.get(f"{path}{sep}lang=en"), written=(text,))
        _assert_chinese(client.get(f"{path}{sep}lang=zh"), "驿站管理", "报告")
    # A refused change and a refused filter, in English.
    refused = client.post(
        f"/admin/reports/{report.id}?lang=en",
        data={"csrf_token": _csrf(client), "version": "1", "status": "new"},
    )
    page = _assert_english(app, refused, 422, written=(text,))
    assert "Status:" in page
    bad = _assert_english(app, client.get("/admin/reports?kind=x&lang=en"), 400)
    assert "Kind:" in bad


def _csrf(client):
    from tests.integration.admin_support import page_csrf

    return page_csrf(client)


def test_a_webhook_setting_error_in_english_names_the_field(app):
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    login(client, "xc")
    refused = client.post(
        f"/admin/reports/notify/{XINCHENG}?lang=en",
        data={"csrf_token": _csrf(client), "url": "gopher://x", "format": "json"},
    )
    page = _assert_english(app, refused, 422)
    assert "URL: url must start with https://" in page
