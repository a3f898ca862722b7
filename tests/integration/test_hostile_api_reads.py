"""API reads that take no query parameter at all, sent one: the 400 names the parameter
and says none is taken, where it ended "allowed: " with nothing after it."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "path",
    ["/api/v1/amenities", "/api/v1/host-types", "/api/v1/worker-groups", "/api/v1/stations/1"],
)
def test_a_parameter_where_none_is_taken_is_named_and_said_so(client, path):
    response = client.get(f"{path}?lang=en")
    assert response.status_code == 400
    assert response.get_json() == {
        "error": {
            "code": "unknown_parameter",
            "message": "unknown parameter 'lang'; none is taken here",
            "field": "lang",
        }
    }


def test_a_parameter_where_some_are_taken_lists_them(client):
    response = client.get("/api/v1/districts?parnet=110000")
    assert response.get_json()["error"]["message"] == (
        "unknown parameter 'parnet'; allowed: parent"
    )
