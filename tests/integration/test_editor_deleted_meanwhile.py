"""The station editor when the station is deleted while a form is open (two tabs, or
two administrators): saving the form is refused with a page that says so and keeps
every typed value, and offers to undelete and save in one step; deleting twice (a
double click) is not a "no such station" page."""

from __future__ import annotations

import re

import pytest

from tests.integration.admin_support import (
    XINCHENG,
    button_form,
    district_admins,
    form_of,
    station_in,
    stored_with_actions,
)
from tests.integration.unchanged import assert_unchanged, snapshot

HIDDEN_RE = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture
def two_admins(app):
    """Two logged-in administrators of 新城区 (甲 edits, 乙 deletes), with CSRF tokens."""
    return district_admins(app, "jia", "yi")


def _resend(html):
    """The conflict page's form as a browser would send it (hidden inputs, repeated
    names as lists)."""
    data: dict[str, list[str]] = {}
    for name, value in HIDDEN_RE.findall(html):
        data.setdefault(name, []).append(value.replace("&#34;", '"').replace("&#39;", "'"))
    return data


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", "此驿站已被 yi 于"), ("en", "this station was deleted by yi")],
)
def test_saving_a_station_deleted_meanwhile_keeps_the_form_and_says_so(
    app, two_admins, lang, words
):
    (jia, jia_token), (yi, _yi_token) = two_admins
    station = station_in(app, XINCHENG)
    typed = form_of(station, address="甲刚填写的新地址 12 号", csrf_token=jia_token)
    deleted = yi.post(
        f"/admin/stations/{station.id}/delete", data=button_form(yi, station.id, "delete")
    )
    assert deleted.status_code == 303
    before = snapshot(app)

    refused = jia.post(f"/admin/stations/{station.id}?lang={lang}", data=typed)

    assert refused.status_code == 409  # was 404 "no such station in your districts"
    html = refused.get_data(as_text=True)
    assert words in html and 'id="deleted-meanwhile"' in html
    assert ("甲刚填写的新地址 12 号", "address") in {
        (value, name) for name, value in HIDDEN_RE.findall(html)
    }
    assert_unchanged(before, app)

    # The page's one button: undelete, then save what was typed.
    again = jia.post(f"/admin/stations/{station.id}", data=_resend(html))
    assert again.status_code == 303
    saved, actions = stored_with_actions(app, station.id)
    assert saved.deleted_at is None and saved.address == "甲刚填写的新地址 12 号"
    assert actions[-3:] == ["delete", "undelete", "update"]


def test_the_undelete_and_save_button_is_refused_when_the_station_changed_again(app, two_admins):
    (jia, jia_token), (yi, _yi_token) = two_admins
    station = station_in(app, XINCHENG)
    typed = form_of(station, address="甲的地址", csrf_token=jia_token)
    yi.post(f"/admin/stations/{station.id}/delete", data=button_form(yi, station.id, "delete"))
    html = jia.post(f"/admin/stations/{station.id}", data=typed).get_data(as_text=True)
    # 乙 undeletes and deletes again meanwhile: 甲's page is stale once more.
    yi.post(f"/admin/stations/{station.id}/undelete", data=button_form(yi, station.id, "undelete"))
    yi.post(f"/admin/stations/{station.id}/delete", data=button_form(yi, station.id, "delete"))
    before = snapshot(app)

    again = jia.post(f"/admin/stations/{station.id}", data=_resend(html))

    assert again.status_code == 409 and 'id="deleted-meanwhile"' in again.get_data(as_text=True)
    assert_unchanged(before, app)


@pytest.mark.parametrize(
    ("lang", "second_delete", "second_undelete"),
    [
        ("zh", "此驿站已被删除，没有改动。", "驿站未被删除，没有改动。"),
        ("en", "The station was already deleted: nothing changed.", "The station is not deleted"),
    ],
)
def test_deleting_or_undeleting_twice_says_it_is_done_already(
    app, two_admins, lang, second_delete, second_undelete
):
    """A double click, or a second tab: the second request is no "no such station in
    your districts" (404) nor an error page, and records nothing more."""
    (jia, _jia_token), _ = two_admins
    station = station_in(app, XINCHENG)
    for action, words in (("delete", second_delete), ("undelete", second_undelete)):
        clicked = button_form(jia, station.id, action)  # both clicks send the same form
        first = jia.post(f"/admin/stations/{station.id}/{action}", data=clicked)
        assert first.status_code == 303
        before = snapshot(app)
        second = jia.post(f"/admin/stations/{station.id}/{action}?lang={lang}", data=clicked)
        assert second.status_code == 303
        assert words in jia.get(second.headers["Location"]).get_data(as_text=True)
        assert_unchanged(before, app)
    assert stored_with_actions(app, station.id)[1][-2:] == ["delete", "undelete"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", "此驿站已被删除（可能在另一个标签页），没有改动"), ("en", "The station was deleted")],
)
def test_restoring_or_verifying_a_station_deleted_in_another_tab_says_so(
    app, two_admins, lang, words
):
    """The history page (restore) or the editor (mark verified) was open when the
    station was deleted: the click is no "no such station in your districts" (404), it
    says the station was deleted, and records nothing."""
    (jia, jia_token), (yi, _yi_token) = two_admins
    station = station_in(app, XINCHENG)
    edit = form_of(station, address="先改一次", csrf_token=jia_token)
    assert jia.post(f"/admin/stations/{station.id}", data=edit).status_code == 303
    version = stored_with_actions(app, station.id)[0].version
    verify = button_form(jia, station.id, "verify")  # the editor open in 甲's tab
    yi.post(f"/admin/stations/{station.id}/delete", data=button_form(yi, station.id, "delete"))
    before = snapshot(app)

    clicks = (
        (f"restore/1?lang={lang}", {"csrf_token": jia_token, "version": str(version)}),
        (f"verify?lang={lang}", verify),
    )
    for path, data in clicks:
        response = jia.post(f"/admin/stations/{station.id}/{path}", data=data)
        assert response.status_code == 303
        assert words in jia.get(response.headers["Location"]).get_data(as_text=True)
    assert_unchanged(before, app)
