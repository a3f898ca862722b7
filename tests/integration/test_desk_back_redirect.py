"""Where the queue's bulk form and the login form send the browser afterwards
(``back``, ``next``): a path on this site, or the list / the dashboard; never another
site, however the address is dressed up."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.integration.admin_support import PASSWORD, XINCHENG, csrf_of, make_user, station_in
from tests.integration.report_queue_support import admin_client, make_report

HOSTILE = [
    "https://evil.example/admin/reports",
    "//evil.example/admin/reports",
    "/\\evil.example/admin/reports",
    "\\\\evil.example",
    "/\t/evil.example",
    "/admin/reports\r\nSet-Cookie: a=b",
    "javascript:alert(1)",
    "evil.example/admin",
    " /admin/reports",
]


def _lands(response) -> str:
    assert response.status_code == 303
    target = urlsplit(response.headers["Location"])
    assert target.netloc in ("", "localhost"), response.headers["Location"]
    return target.path + (f"?{target.query}" if target.query else "")


def _bulk_with_back(app, back: str):
    client, csrf = admin_client(app, "jia", "district_admin", (XINCHENG,))
    report = make_report(app, station_in(app, XINCHENG))
    form = {"csrf_token": csrf, "action": "in_progress", "report": f"{report.id}:1"}
    return client.post("/admin/reports/bulk", data=form | {"back": back})


@pytest.mark.parametrize("back", HOSTILE)
def test_a_bulk_action_never_sends_the_browser_to_another_site(app, back):
    assert _lands(_bulk_with_back(app, back)) == "/admin/reports"


def test_a_bulk_action_goes_back_to_the_filtered_list(app):
    back = "/admin/reports?status=open&kind=closed"
    assert _lands(_bulk_with_back(app, back)) == back


@pytest.mark.parametrize("next_url", [*HOSTILE, "/", "/report/T1234567"])
def test_logging_in_never_leaves_the_admin_pages(app, next_url):
    make_user(app, "jia", "district_admin", (XINCHENG,))
    client = app.test_client()
    token = csrf_of(client.get("/admin/login").get_data(as_text=True))
    response = client.post(
        "/admin/login",
        data={"username": "jia", "password": PASSWORD, "csrf_token": token, "next": next_url},
    )
    assert _lands(response) == "/admin/"
