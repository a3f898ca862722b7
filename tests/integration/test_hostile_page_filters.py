"""The courier page reads the chips from its address (``?amenity=...&open_now=1&
worker_group=...``, what its script writes there), so a reload or a link passed on keeps
them; whatever that address holds, the page opens (200) with only the chips it offers
ticked, and the station page's way back carries them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.integration.admin_support import XINCHENG, station_in


class _Filters(HTMLParser):
    """The ticked amenity boxes, the open-now box and the chosen worker group of the
    page's filter form, read by the standard library's parser."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.amenities: list[str] = []
        self.open_now = False
        self.group = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == "filters"
        if not self.inside:
            return
        if tag == "input" and "checked" in a:
            if a.get("name") == "amenity":
                self.amenities.append(a.get("value") or "")
            elif a.get("name") == "open_now":
                self.open_now = True
        if tag == "option" and "selected" in a:
            self.group = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def _ticked(html: str) -> tuple[list[str], bool, str]:
    found = _Filters()
    found.feed(html)
    return found.amenities, found.open_now, found.group


def test_chips_in_the_address_are_ticked_in_the_chips_order(client):
    response = client.get("/?amenity=toilet,water&open_now=1&worker_group=courier")
    assert response.status_code == 200
    assert _ticked(response.get_data(as_text=True)) == (["water", "toilet"], True, "courier")


def test_repeated_amenities_are_one_list(client):
    response = client.get("/?amenity=water&amenity=microwave&open_now=true")
    assert _ticked(response.get_data(as_text=True)) == (["water", "microwave"], True, "")


@pytest.mark.parametrize(
    "query",
    [
        "amenity=zzz&open_now=maybe&worker_group=nobody",
        "amenity=%ff%fe&worker_group=%ff",
        "amenity=,,,&open_now=",
        "amenity=" + ",".join(["WATER"] * 2000),
        "amenity[]=water&open_now[]=1",
        "worker_group=%3Cscript%3Ealert(1)%3C/script%3E",
        "amenity=seating",  # an amenity that is no chip on the page
    ],
)
def test_a_mangled_address_opens_the_page_with_no_chip_ticked(client, query):
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _ticked(html) == ([], False, "")
    assert "<script>alert(1)" not in html


def test_the_station_pages_way_back_keeps_the_chips(app, client):
    code = station_in(app, XINCHENG).code
    response = client.get(
        f"/s/{code}?near=40.1,116.3&by=gps&amenity=water,toilet&open_now=1&worker_group=zzz"
    )
    assert response.status_code == 200
    back = re.search(r'class="back-link" href="([^"]+)"', response.get_data(as_text=True))
    assert back is not None
    assert back.group(1).replace("&amp;", "&") == (
        "/?near=40.100,116.300&by=gps&amenity=water,toilet&open_now=1"
    )
