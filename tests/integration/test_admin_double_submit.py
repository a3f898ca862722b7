"""The same station form sent twice (a double click on 保存 on a slow line, or 后退 and
保存 again after the save): the second arrives with the version the first replaced. When
the station already holds exactly what it sends, it is answered as saved, nothing
written again, instead of the conflict page saying someone else changed the station and
the administrator's changes were not saved (both false). A form that differs from the
station in any field still gets the conflict page, never merged, marking that field
only."""

from __future__ import annotations

import re

from tests.integration.admin_support import XINCHENG, district_admins, form_of, station_in
from tests.integration.unchanged import assert_unchanged, snapshot


def test_the_same_form_sent_twice_is_answered_as_saved(app):
    [(client, token)] = district_admins(app, "twice")
    station = station_in(app, XINCHENG)
    form = form_of(station, address="双击路 1 号", csrf_token=token)
    first = client.post(f"/admin/stations/{station.id}", data=form)
    assert first.status_code == 303
    client.get(first.headers["Location"])  # the first answer's page takes its message
    before = snapshot(app)
    second = client.post(f"/admin/stations/{station.id}", data=form)
    assert second.status_code == 303, second.status_code
    assert second.headers["Location"].endswith(f"/admin/stations/{station.id}")
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "已经保存" in page and "修改冲突" not in page
    assert_unchanged(before, app)
    assert station_in(app, XINCHENG).address == "双击路 1 号"


def test_a_stale_form_that_differs_still_gets_the_conflict_page(app):
    [(client, token)] = district_admins(app, "twice")
    station = station_in(app, XINCHENG)
    first = form_of(station, address="双击路 2 号", csrf_token=token)
    assert client.post(f"/admin/stations/{station.id}", data=first).status_code == 303
    before = snapshot(app)
    stale = dict(first, contact="另一位联系人")
    response = client.post(f"/admin/stations/{station.id}", data=stale)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "修改冲突" in page
    # Only the contact is marked as changed: the amenities are the same set, sent in
    # the page's order and stored sorted (they were marked too).
    marked = re.findall(r'<tr class="differs"><td>([^<]+)</td>', page)
    assert marked == ["联系人"], marked
    assert_unchanged(before, app)
