"""Navigation hand-off links: exact quoting, the right datum per app, and the JSON
text the nearest answer splices in parses to the same links."""

from __future__ import annotations

import json
import random
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from stationmap.geo.navigation import (
    NavTarget,
    navigation_links,
    navigation_links_json,
    quote_component,
)
from tests.datum_reference import bd09_from_gcj02, gcj02_from_wgs84

NAMES = [
    "上海市浦东新区陆家嘴街道暖新驿站",
    "第3号驿站 (Block A)",
    "Courier Rest Stop 12",
    "a&b=c?d#e/f%g+h i",
    '%(name)s %s {name} {} $x ` " \\ \n\t',
    "emoji 🚴 and é",
    "",
]


def test_quote_component_is_urllib_quote_with_nothing_safe():
    rng = random.Random(3)
    alphabet = [chr(c) for c in range(0, 0x2FF)] + list("驿站暖新🚴\u2028\ufeff")
    texts = NAMES + ["".join(rng.choices(alphabet, k=rng.randint(0, 40))) for _ in range(2000)]
    for text in texts:
        assert quote_component(text) == quote(text, safe=""), text


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("app_name", "tencent_key"),
    [("stationmap", ""), ("App", "KEY-123"), ('%(name)s {x} "q" \\ 驿', "%s&k=v")],
)
def test_json_text_is_the_same_links(name, app_name, tencent_key):
    target = NavTarget(40.8123456, 111.7123456, name)
    links = navigation_links(target, app_name, tencent_key)
    assert json.loads("{" + navigation_links_json(target, app_name, tencent_key) + "}") == links
    # The caller's names arrive quoted and intact.
    amap = parse_qs(urlsplit(links["amap"]["android"]).query)
    assert amap["sourceApplication"] == [app_name]
    assert amap["dname"] == [name or "驿站"]
    tencent = parse_qs(urlsplit(links["tencent"]["web"]).query)
    assert tencent["referer"] == [tencent_key or app_name]


def test_each_app_gets_its_own_datum():
    lat, lon = 31.2304, 121.4737
    g_lat, g_lon = gcj02_from_wgs84(lat, lon)  # the published formulas, written apart
    b_lat, b_lon = bd09_from_gcj02(g_lat, g_lon)
    links = navigation_links(NavTarget(lat, lon, "驿站"), "app")
    assert f"dlat={g_lat:.6f}&dlon={g_lon:.6f}" in links["amap"]["ios"]
    assert f"to={g_lon:.6f},{g_lat:.6f}," in links["amap"]["web"]
    assert f"latlng:{b_lat:.6f},{b_lon:.6f}" in links["baidu"]["app"]
    assert f"location={b_lat:.6f},{b_lon:.6f}" in links["baidu"]["web"]
    assert f"tocoord={g_lat:.6f},{g_lon:.6f}" in links["tencent"]["app"]
    assert "coord_type=2&" in links["tencent"]["web"]  # 2: GCJ-02
    assert links["baidu"]["web"].count("coord_type=bd09ll") == 1
    # Positions the caller converted already are used as given.
    given = navigation_links(NavTarget(lat, lon, "驿站", (g_lat, g_lon), (b_lat, b_lon)), "app")
    assert given == links


def test_without_a_tencent_key_the_app_name_is_the_referer():
    """Tencent's URI API needs a referer; a deployment without a key sends its app name
    (the keyword's default), from both the links and the JSON text the answer uses."""
    target = NavTarget(40.8, 111.7, "驿站")
    for links in (
        navigation_links(target, "myapp"),
        json.loads("{" + navigation_links_json(target, "myapp") + "}"),
    ):
        for kind in ("app", "web"):
            assert parse_qs(urlsplit(links["tencent"][kind]).query)["referer"] == ["myapp"]
