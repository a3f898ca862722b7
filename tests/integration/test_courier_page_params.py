"""The courier page's own parameters: ``near`` and ``by`` carried to a station page
and back, the reach and the attribution prefix from the configuration. Bad input
never gives a 500; a broken ``near`` is ignored."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from stationmap.config import ConfigError, load_settings


def _config(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="sm-config">(.*?)</script>', html)
    assert match is not None
    data: dict[str, Any] = json.loads(match[1])
    return data


def _back_href(html: str) -> str:
    match = re.search(r'<a class="back-link" href="([^"]*)"', html)
    assert match is not None
    return match[1].replace("&amp;", "&")


def test_a_nul_in_the_query_is_refused_before_the_page_reads_it(client: Any) -> None:
    assert client.get("/s/150102-900001?near=%00").status_code == 400


@pytest.mark.parametrize(
    ("near", "back"),
    [
        ("44.305,86.217", "44.305,86.217"),
        # A link with the rider's exact position (an older page wrote 6 decimals): the
        # way back, a link of its own, carries it to 3 decimals (about 100 m) only.
        ("44.305123,86.217456", "44.305,86.217"),
        ("-33.8688197,151.2092955", "-33.869,151.209"),
    ],
)
def test_the_station_page_links_back_to_where_the_list_was_sorted_from(
    client: Any, near: str, back: str
) -> None:
    response = client.get(f"/s/150102-900001?near={near}&by=gps")
    assert response.status_code == 200
    assert _back_href(response.get_data(as_text=True)) == f"/?near={back}&by=gps"


@pytest.mark.parametrize(
    "query",
    ["", "?near=abc", "?near=91,10", "?near=44.3,86.2,1", "?near=44.3e1,86", "?near=44.3,"],
)
def test_without_a_good_near_the_back_link_goes_to_the_district(client: Any, query: str) -> None:
    response = client.get("/s/150102-900001" + query)
    assert response.status_code == 200
    assert _back_href(response.get_data(as_text=True)) == "/?district=150102"


@pytest.mark.parametrize(
    ("query", "near"),
    [
        ("?near=44.305,86.217&by=gps", {"lat": 44.305, "lon": 86.217, "by": "gps"}),
        ("?near=-33.9,151.2&by=tap", {"lat": -33.9, "lon": 151.2, "by": "tap"}),
        ("?near=44.305,86.217&by=<script>", {"lat": 44.305, "lon": 86.217, "by": "tap"}),
        ("?near=44.305,186.2", None),
        ("?near=NaN,1", None),
    ],
)
def test_the_map_page_reads_near_or_ignores_it(
    client: Any, query: str, near: dict[str, Any] | None
) -> None:
    response = client.get("/" + query)
    assert response.status_code == 200
    config = _config(response.get_data(as_text=True))
    assert config["near"] == near
    assert config["reach_m"] == 20_000.0


def test_amenities_are_offered_in_the_chips_order_then_the_catalogues(client: Any) -> None:
    config = _config(client.get("/").get_data(as_text=True))
    order = config["amenity_order"]
    assert order[:3] == ["water", "toilet", "phone_charging"]
    assert sorted(order) == sorted(config["amenities"])


@pytest.mark.parametrize(("value", "reach_m"), [(None, 20_000.0), ("5", 5_000.0), ("0.5", 500.0)])
def test_reach_comes_from_the_environment(
    tmp_path: Path, value: str | None, reach_m: float
) -> None:
    env = {"STATIONMAP_ENV": "testing"} | ({"STATIONMAP_REACH_KM": value} if value else {})
    assert load_settings(env, tmp_path).reach_m == reach_m


@pytest.mark.parametrize("value", ["0", "-3", "abc", "nan", "1000"])
def test_a_bad_reach_is_refused_naming_the_variable(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="STATIONMAP_REACH_KM"):
        load_settings({"STATIONMAP_ENV": "testing", "STATIONMAP_REACH_KM": value}, tmp_path)


def test_map_prefix_is_off_by_default_and_plain_text_when_set() -> None:
    from stationmap.render.map import MapSpec, build_map, local_assets, standalone_html

    assets = local_assets("/static/")
    plain = standalone_html(build_map(MapSpec(), assets))
    assert ".attributionControl.setPrefix(false);" in plain
    assert "imperial: false" in plain
    marked = standalone_html(build_map(MapSpec(attribution_prefix="<b>市局</b>"), assets))
    assert '.attributionControl.setPrefix("&lt;b&gt;' in marked
    assert "<b>" not in marked.split("setPrefix(")[1].split(")")[0]
