"""Station names that are Jinja template text, on the public station page.

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

from tests.integration.admin_support import XINCHENG, free_point
from tests.integration.test_api_write import _auth, _body, _token

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
