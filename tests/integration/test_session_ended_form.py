"""A station form sent after the session ended (logged out in another tab, two hours
idle): the 401 page is titled in the interface's language, not werkzeug's English
"Unauthorized", and offers one link that logs in again and comes back to the form (the
editor of the same station, or a new station's), where the browser restores what was
typed (tests/browser/test_admin_session_ended.py)."""

from __future__ import annotations

import re

import pytest

from tests.integration.admin_support import (
    XINCHENG,
    form_of,
    login,
    make_user,
    new_form,
    page_csrf,
    station_in,
)

LINK_RE = re.compile(r'<a[^>]*id="login-again"[^>]*href="([^"]+)"')


def _logged_out_client(app, lang):
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    client.set_cookie("lang", lang)
    login(client, "xc")
    token = page_csrf(client, "/admin/stations/new")
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    return client, token


@pytest.mark.parametrize(
    ("lang", "title"), [("zh", "401 需要重新登录"), ("en", "401 Log in again")]
)
def test_the_page_is_titled_in_the_interface_language_and_links_back_to_the_editor(
    app, lang, title
):
    client, token = _logged_out_client(app, lang)
    station = station_in(app, XINCHENG)
    response = client.post(
        f"/admin/stations/{station.id}", data=form_of(station, name="改名", csrf_token=token)
    )
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in page and "Unauthorized" not in page
    [link] = LINK_RE.findall(page)
    assert link == f"/admin/login?next=/admin/stations/{station.id}"


def test_a_new_station_sent_after_the_session_ended_links_back_to_a_new_station(app):
    client, token = _logged_out_client(app, "zh")
    response = client.post("/admin/stations/new", data=new_form(40.8, 111.7, csrf_token=token))
    assert response.status_code == 401
    [link] = LINK_RE.findall(response.get_data(as_text=True))
    assert link == "/admin/login?next=/admin/stations/new"


def test_another_form_links_to_the_overview(app):
    client, token = _logged_out_client(app, "zh")
    station = station_in(app, XINCHENG)
    response = client.post(f"/admin/stations/{station.id}/verify", data={"csrf_token": token})
    assert response.status_code == 401
    [link] = LINK_RE.findall(response.get_data(as_text=True))
    assert link == "/admin/login?next=/admin/"
