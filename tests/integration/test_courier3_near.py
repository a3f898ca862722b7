"""A point in the courier page's address (``?near=lat,lon``) is ASCII digits only: a
full-width or other script's digits (``４４.３,８６.２``, what a Chinese input method in
full-width mode types, or Arabic-Indic ``٤٤.٣``) is no point, as any other broken
``near`` is: the page opens, sorts from no point and links back to the district.

Python's ``float()`` reads such digits, so before, ``near=４４.３,８６.２`` was taken as
the point 44.3, 86.2."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.integration.test_courier_page_params import _back_href, _config

NOT_ASCII = [
    "４４.３,８６.２",  # full-width digits
    "44.3,８６.２",  # one coordinate full-width
    "٤٤.٣,٨٦.٢",  # Arabic-Indic digits
    "44.३,86.2",  # a Devanagari digit among ASCII ones
]


@pytest.mark.parametrize("near", NOT_ASCII)
def test_digits_that_are_not_ascii_give_no_point(client: Any, near: str) -> None:
    page = client.get(f"/?near={quote(near)}&by=gps")
    assert page.status_code == 200
    assert _config(page.get_data(as_text=True))["near"] is None
    station = client.get(f"/s/150102-900001?near={quote(near)}&by=gps")
    assert station.status_code == 200
    assert _back_href(station.get_data(as_text=True)) == "/?district=150102"


def test_the_same_point_in_ascii_digits_is_still_used(client: Any) -> None:
    response = client.get("/?near=44.3,86.2&by=gps")
    assert _config(response.get_data(as_text=True))["near"] == {
        "lat": 44.3,
        "lon": 86.2,
        "by": "gps",
    }
