"""Resolving a "wrong location" or "amenity" report in the station editor: the form is
prefilled with the proposed change, and the saved revision and the report link to each
other (the report names the revision, the station's history names the report)."""

from __future__ import annotations

import re

from tests.integration.admin_support import (
    SAIHAN,
    XINCHENG,
    form_of,
    free_point,
    station_in,
)
from tests.integration.report_queue_support import admin_client, get_report, make_report


def _admin(app):
    return admin_client(app, "xc", "district_admin", (XINCHENG,))


def _value(page, name):
    return re.search(rf'name="{name}" id="{name}" value="([^"]*)"', page).group(1)


def test_a_location_report_prefills_the_position_and_links_the_revision(app):
    client, csrf = _admin(app)
    station = station_in(app, XINCHENG)
    lat, lon = free_point(app, XINCHENG)
    report = make_report(app, station, kind="location", lat=lat, lon=lon, text="在马路对面")
    detail = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    link = re.search(r'id="open-editor" href="([^"]+)"', detail).group(1).replace("&amp;", "&")
    page = client.get(link).get_data(as_text=True)
    assert float(_value(page, "lat")) == round(lat, 7)
    assert float(_value(page, "lon")) == round(lon, 7)
    assert f'name="report" value="{report.id}"' in page and report.tracking_code in page
    form = form_of(station, lat=f"{lat:.7f}", lon=f"{lon:.7f}", report=str(report.id))
    form["csrf_token"] = csrf
    saved = client.post(f"/admin/stations/{station.id}", data=form)
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith(f"/admin/reports/{report.id}")
    linked = get_report(app, report.id)
    assert linked.revision_id is not None
    history = client.get(f"/admin/stations/{station.id}/history").get_data(as_text=True)
    assert f"来自报告 {report.tracking_code}" in history
    assert 'id="revision-link"' in client.get(f"/admin/reports/{report.id}").get_data(as_text=True)


def test_an_amenity_report_unticks_the_amenity(app):
    client, csrf = _admin(app)
    station = station_in(app, XINCHENG)
    amenity = station.amenities[0]
    report = make_report(app, station, kind="amenity", needs=[amenity], text="饮水机坏了")
    before = client.get(f"/admin/stations/{station.id}").get_data(as_text=True)
    after = client.get(f"/admin/stations/{station.id}?report={report.id}").get_data(as_text=True)
    ticked = f'name="amenities" value="{amenity}" checked'
    assert ticked in before and ticked not in after
    amenities = [a for a in station.amenities if a != amenity]
    form = form_of(station, amenities=amenities, report=str(report.id), csrf_token=csrf)
    assert client.post(f"/admin/stations/{station.id}", data=form).status_code == 303
    assert get_report(app, report.id).revision_id is not None


def test_a_report_of_another_station_or_district_prefills_nothing(app):
    client, csrf = _admin(app)
    station = station_in(app, XINCHENG)
    theirs = make_report(app, station_in(app, SAIHAN), kind="location", lat=40.8, lon=111.7)
    page = client.get(f"/admin/stations/{station.id}?report={theirs.id}").get_data(as_text=True)
    assert 'name="report"' not in page
    form = form_of(station, name=station.name + "（改）", report=str(theirs.id), csrf_token=csrf)
    saved = client.post(f"/admin/stations/{station.id}", data=form)
    assert saved.headers["Location"].endswith(f"/admin/stations/{station.id}")
    assert get_report(app, theirs.id).revision_id is None


def test_a_report_edit_saved_through_the_conflict_page_stays_linked_to_the_report(app):
    """Someone else saved the station while the report's proposal was open: overwriting
    from the conflict page still links the revision to the report (the page kept the
    report's id among its hidden fields)."""
    client, csrf = _admin(app)
    other, other_csrf = admin_client(app, "xc2", "district_admin", (XINCHENG,))
    station = station_in(app, XINCHENG)
    lat, lon = free_point(app, XINCHENG)
    report = make_report(app, station, kind="location", lat=lat, lon=lon, text="在马路对面")
    mine = form_of(station, lat=f"{lat:.7f}", lon=f"{lon:.7f}", report=str(report.id))
    theirs = form_of(station, address="乙改的地址", csrf_token=other_csrf)
    assert other.post(f"/admin/stations/{station.id}", data=theirs).status_code == 303
    conflict = client.post(f"/admin/stations/{station.id}", data=mine | {"csrf_token": csrf})
    assert conflict.status_code == 409
    hidden: dict[str, list[str]] = {}
    for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)">', conflict.get_data(as_text=True)
    ):
        hidden.setdefault(name, []).append(value)
    saved = client.post(f"/admin/stations/{station.id}", data=hidden)
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith(f"/admin/reports/{report.id}")
    assert get_report(app, report.id).revision_id is not None
