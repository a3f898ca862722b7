"""Numbers and times an attacker (or an unlucky keyboard) sends, through the app on each
database: digits that are not ASCII (``²``, ``①``, ``١``, ``４``, ``𝟙``) and times at
the edge of what a date can hold are a 400 or 422 naming the field, never a 500, and
never read as some other number.

``str.isdigit()`` is True for ``²`` and ``①``, which ``int()`` refuses, and for ``١``,
which ``int()`` reads as 1; ``\\d`` in a pattern matches ``４``, which ``float()`` reads
as 4. Times near year 1 or 9999 overflow when converted to another zone.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Report, Station
from tests.integration.admin_support import XINCHENG, csrf_of, login, make_user, station_in
from tests.integration.test_api_write import _auth, _token
from tests.integration.test_station_status import _rotate, _staff_post

NEAREST = "/api/v1/stations/nearest"
# A point in 新城区 (呼和浩特), where the demo has stations.
HOHHOT = {"lat": "40.842", "lon": "111.700"}
# Digits ``str.isdigit()`` accepts that are not 0-9: superscript two, circled one,
# Arabic-Indic one, mathematical bold one, full-width four.
ODD_DIGITS = ("²", "①", "١", "𝟙", "４")


def _error(response):
    body = response.get_json()
    assert set(body) == {"error"}, body
    return body["error"]


# -- query numbers -------------------------------------------------------------------------
@pytest.mark.parametrize("digit", ODD_DIGITS)
@pytest.mark.parametrize("name", ["lat", "k", "radius_m"])
def test_a_query_number_in_other_digits_is_a_400_on_its_field(client, name, digit):
    query = {**HOHHOT, name: f"4{digit}"}
    response = client.get(NEAREST, query_string=query)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert _error(response)["field"] == name


# -- times ---------------------------------------------------------------------------------
# Each lies beyond year 1 or 9999 in UTC or in the server's zone, or outside the years
# opening hours are evaluated for (1900-2199).
FAR_TIMES = (
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
    "9999-12-31T23:59:59+00:00",
    "1899-12-31T12:00:00+08:00",
    "2200-01-01T00:00:00+08:00",
)


@pytest.mark.parametrize("at", FAR_TIMES)
def test_a_time_beyond_the_evaluated_years_is_a_422_on_at(client, at):
    for path in (NEAREST, "/api/v1/districts/150102/coverage"):
        query = {**HOHHOT, "at": at} if path == NEAREST else {"at": at}
        response = client.get(path, query_string=query)
        assert response.status_code == 422, (path, response.get_data(as_text=True))
        assert _error(response)["field"] == "at"


@pytest.mark.parametrize("at", ["1900-01-02T00:00:00+08:00", "2199-12-30T23:00:00+08:00"])
def test_a_time_inside_the_evaluated_years_is_answered(client, at):
    response = client.get(NEAREST, query_string={**HOHHOT, "at": at})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["query"]["at"].startswith(at[:10])


# -- If-Match ------------------------------------------------------------------------------
@pytest.mark.parametrize("digit", ODD_DIGITS)
def test_if_match_in_other_digits_is_a_400_and_changes_nothing(app, digit):
    _client, secret = _token(app)
    station = station_in(app, XINCHENG)
    client = app.test_client()
    headers = {**_auth(secret), "If-Match": f'"{digit}"'}
    response = client.patch(f"/api/v1/stations/{station.id}", json={"name": "改"}, headers=headers)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert _error(response)["field"] == "If-Match"
    with state(app).db.session() as session:
        after = session.get(Station, station.id)
        assert (after.name, after.version) == (station.name, station.version)


def test_a_report_patch_with_a_superscript_version_is_a_400(app):
    _client, secret = _token(app, "root", "superadmin", ())
    client = app.test_client()
    code = client.post("/api/v1/stations/1/reports", json={"kind": "closed"}).get_json()[
        "tracking_code"
    ]
    response = client.patch(
        f"/api/v1/reports/{code}",
        json={"reply": "收到"},
        headers={**_auth(secret), "If-Match": "²"},
    )
    assert response.status_code == 400, response.get_data(as_text=True)
    assert _error(response)["field"] == "If-Match"


# -- admin pages ---------------------------------------------------------------------------
@pytest.fixture
def root(app):
    make_user(app, "root", "superadmin", ())
    client = app.test_client()
    login(client, "root")
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/reports?after=²",
        "/admin/stations/new?pending=²",
        "/admin/stations/1?report=①",
        "/admin/duplicates?name=a&lat=40.842&lon=111.7&exclude=²",
    ],
)
def test_an_admin_id_in_other_digits_is_ignored_like_any_other_garbage(root, path):
    assert root.get(path).status_code == 200


def test_an_admin_report_form_with_a_superscript_version_is_a_400(app, root):
    app.test_client().post("/api/v1/stations/1/reports", json={"kind": "closed"})
    with state(app).db.session() as session:
        report = session.scalars(select(Report)).one()
    page = root.get(f"/admin/reports/{report.id}")
    csrf = csrf_of(page.get_data(as_text=True))
    for path, form in (
        (f"/admin/reports/{report.id}", {"version": "²", "reply": "收到"}),
        ("/admin/reports/bulk", {"action": "in_progress", "report": f"{report.id}:²"}),
    ):
        response = root.post(path, data={**form, "csrf_token": csrf})
        assert response.status_code == 400, (path, response.status_code)
    with state(app).db.session() as session:
        assert session.get(Report, report.id).version == report.version


# -- the staff page ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("action", "form"),
    [
        ("amenity", {"amenity": "water", "until_date": "9999-12-31"}),
        ("closed", {"until_date": "0001-01-01", "until_time": "00:00"}),
    ],
)
def test_a_staff_date_at_the_edge_of_the_calendar_is_refused_on_its_field(app, action, form):
    station = station_in(app, XINCHENG)
    token = _rotate(app, station.id)
    response = _staff_post(app.test_client(), token, action, form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'data-field="until_date"' in html
    assert re.search("日期超出范围", html)
