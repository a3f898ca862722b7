"""Delete, undelete and mark-verified from a page that is out of date (another
administrator, or another tab, changed the station since it was loaded): the click is
refused with a page that says what changed, in the page's language, and offers to do it
to the current version or to go back; nothing is written until that explicit choice."""

from __future__ import annotations

import re

import pytest

from tests.integration.admin_support import (
    XINCHENG,
    district_admins,
    form_in,
    form_of,
    station_in,
    stored_with_actions,
)
from tests.integration.unchanged import assert_unchanged, snapshot


@pytest.fixture
def two_admins(app):
    """Two administrators of 新城区 (甲 clicks, 乙 edits), with CSRF tokens."""
    return district_admins(app, "jia", "yi")


CASES = [
    ("zh", "delete", "您打开此页", "删除当前版本"),
    ("en", "delete", "Since you opened this page", "Delete the current version"),
    ("zh", "verify", "您的“标记为已核实”没有执行", "将当前版本标记为已核实"),
    ("en", "verify", "It was not marked as verified", "Mark the current version as verified"),
]


@pytest.mark.parametrize(("lang", "action", "notice", "button"), CASES)
def test_a_stale_delete_or_verify_is_refused_with_what_changed(
    app, two_admins, lang, action, notice, button
):
    (jia, _jia_token), (yi, yi_token) = two_admins
    station = station_in(app, XINCHENG)
    page = jia.get(f"/admin/stations/{station.id}?lang={lang}").get_data(as_text=True)
    stale = form_in(page, action)
    assert stale["version"] == str(station.version)  # the form carries what 甲 saw
    edit = form_of(station, address="乙刚改的地址 7 号", csrf_token=yi_token)
    assert yi.post(f"/admin/stations/{station.id}", data=edit).status_code == 303
    before = snapshot(app)

    refused = jia.post(f"/admin/stations/{station.id}/{action}?lang={lang}", data=stale)

    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert notice in html and button in html and "yi" in html
    # what changed: the address 甲 saw and the one now
    assert station.address in html and "乙刚改的地址 7 号" in html
    assert_unchanged(before, app)

    # The explicit choice: do it to the current version.
    confirmed = jia.post(f"/admin/stations/{station.id}/{action}", data=form_in(html, action))
    assert confirmed.status_code == 303
    saved, actions = stored_with_actions(app, station.id)
    assert actions[-2:] == ["update", action]
    assert (saved.deleted_at is not None) == (action == "delete")
    assert (saved.verified_at is not None) == (action == "verify")


@pytest.mark.parametrize(
    ("lang", "notice"), [("zh", "您的“撤销删除”没有执行"), ("en", "It was not undeleted")]
)
def test_a_stale_undelete_is_refused(app, two_admins, lang, notice):
    """甲 looks at a deleted station; 乙 undeletes it, changes it and deletes it again:
    甲's undelete would bring back a version 甲 never saw."""
    (jia, _jia_token), (yi, yi_token) = two_admins
    station = station_in(app, XINCHENG)
    yi.post(
        f"/admin/stations/{station.id}/delete",
        data={"csrf_token": yi_token, "version": str(station.version)},
    )
    page = jia.get(f"/admin/stations/{station.id}").get_data(as_text=True)
    stale = form_in(page, "undelete")
    yi.post(f"/admin/stations/{station.id}/undelete", data={**stale, "csrf_token": yi_token})
    current, _ = stored_with_actions(app, station.id)
    edit = form_of(current, name="乙改的名字", csrf_token=yi_token)
    assert yi.post(f"/admin/stations/{station.id}", data=edit).status_code == 303
    current, _ = stored_with_actions(app, station.id)
    yi.post(
        f"/admin/stations/{station.id}/delete",
        data={"csrf_token": yi_token, "version": str(current.version)},
    )
    before = snapshot(app)

    refused = jia.post(f"/admin/stations/{station.id}/undelete?lang={lang}", data=stale)

    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert notice in html and "乙改的名字" in html
    changes = re.search(r'<table class="list diff" id="changes">(.*?)</table>', html, re.S)
    assert changes and ("删除时间" if lang == "zh" else "Deleted") in changes.group(1)
    # the times of the two deletions in the configured zone, not as stored (ISO, UTC)
    assert changes.group(1).count("北京时间" if lang == "zh" else "Beijing time") == 2
    assert "+00:00" not in changes.group(1)
    assert_unchanged(before, app)


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", "表单缺少版本号，请刷新页面。"), ("en", "The form has no version")]
)
def test_a_delete_without_the_version_it_saw_is_refused_in_the_page_language(
    app, two_admins, lang, words
):
    (jia, jia_token), _ = two_admins
    station = station_in(app, XINCHENG)
    before = snapshot(app)
    for action in ("delete", "verify"):
        refused = jia.post(
            f"/admin/stations/{station.id}/{action}?lang={lang}", data={"csrf_token": jia_token}
        )
        assert refused.status_code == 400 and words in refused.get_data(as_text=True)
    assert_unchanged(before, app)


def test_a_fresh_delete_still_goes_through(app, two_admins):
    (jia, _), _ = two_admins
    station = station_in(app, XINCHENG)
    page = jia.get(f"/admin/stations/{station.id}").get_data(as_text=True)
    response = jia.post(f"/admin/stations/{station.id}/delete", data=form_in(page, "delete"))
    assert response.status_code == 303
    assert stored_with_actions(app, station.id)[0].deleted_at is not None
