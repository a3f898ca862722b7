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


@pytest.mark.parametrize(
    "path", ["/api/v1/stations/abc", "/api/v1/stations/1e3", "/api/v1/stations/%FF", "/api/v1/x"]
)
def test_an_address_no_route_takes_is_a_404_on_path(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["field"] == "path"


def test_a_wrong_method_is_a_405_on_method_with_its_allow_header(client):
    response = client.put("/api/v1/stations/1/reports", json={"kind": "closed"})
    assert response.status_code == 405
    assert response.get_json()["error"]["field"] == "method"
    assert "POST" in response.headers["Allow"]
