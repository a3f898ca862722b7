"""Station text as a hostile writer sends it: names that are Jinja template text, and
opening hours that name a day no calendar has.

branca renders folium's map script, then renders that output again as a Jinja
template; the station's name sits in the marker's tooltip inside it. A name written
``{{ ... }}`` was run on the server (``{{7*7}}`` showed 49, ``{{ cycler.__init__.
__globals__.os.getpid() }}`` the worker's process id) and ``{%`` or ``{#`` made the
public page a 500. Any district administrator, API token or office spreadsheet sets
a name. Every test runs on SQLite and, when configured, on PostgreSQL.
"""

from __future__ import annotations

import html
import re

import pytest

from tests.integration import test_admin_import
from tests.integration.admin_support import XINCHENG, free_point
from tests.integration.test_admin_import import _csv, _upload
from tests.integration.test_api_write import _auth, _body, _token

xc = test_admin_import.xc  # a district administrator of 新城区, logged in

NAMES = [
    "模板驿站{{7*7}}",
    "模板驿站{{ cycler.__init__.__globals__.os.getpid() }}",
    "模板驿站{% if %}",
    "模板驿站{#",
]


@pytest.mark.parametrize("name", NAMES, ids=["sum", "pid", "tag", "comment"])
def test_a_name_of_template_text_shows_as_written_on_the_station_page(app, name):
    _client, secret = _token(app)
    lat, lon = free_point(app, XINCHENG)
    client = app.test_client()
    created = client.post(
        "/api/v1/stations", json=_body(lat, lon, name=name), headers=_auth(secret)
    )
    assert created.status_code == 201, created.get_json()
    code = created.get_json()["properties"]["code"]

    page = client.get(f"/s/{code}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    tooltip = re.search(r"bindTooltip\(\s*`<div>(.*?)</div>`", text, re.S)
    assert tooltip is not None
    assert html.unescape(tooltip[1]).strip() == name


# -- a day no calendar has in the hours ----------------------------------------------------
# The parsing library read "Nov 31 off" as closed every day (see
# tests/unit/test_hours_missing_days.py); the API and office files now refuse it.
def test_the_api_refuses_hours_with_a_missing_day_naming_the_field(app):
    _client, secret = _token(app)
    lat, lon = free_point(app, XINCHENG)
    body = _body(lat, lon, opening_hours="Mo-Fr 08:00-18:00; Nov 31 off")
    response = app.test_client().post("/api/v1/stations", json=body, headers=_auth(secret))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["field"] == "opening_hours"
    assert "'Nov 31'" in error["message"]


def test_an_office_file_with_a_missing_day_is_refused_on_its_row_and_column(app, xc):
    client, token = xc
    lat, lon = free_point(app, XINCHENG)
    data = _csv(
        [["", "日期驿站", "新路1号", lat, lon, "water", "Mo-Fr 08:00-18:00; Apr 15-31 off"]]
    )
    page = _upload(client, token, data)
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Apr 31(?:(?!</tr>).)*</tr>", text, re.S)
    assert row is not None, text[:3000]
    cells = [
        html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", row[0], re.S)
    ]
    assert "第 2 行" in cells and "G" in cells, cells
    assert any("“Apr 31”不存在（4 月最多 30 天）" in cell for cell in cells), cells
