"""The folium builders: local assets only, escaping for HTML and JS template literals,
datum conversion for AMap tiles. Assertions are on the generated HTML."""

from __future__ import annotations

import html
import json
import math
import re
from typing import Any

import pytest

from stationmap.geo.datum import wgs84_to_gcj02
from stationmap.render.map import (
    MapSpec,
    StationMarker,
    Tiles,
    build_map,
    display_boundary,
    js_template_text,
    local_assets,
    map_parts,
    page_map,
    standalone_html,
    tiles_from_config,
)

ASSETS = local_assets("/static/")
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[111.6, 40.7], [111.8, 40.7], [111.8, 40.9], [111.6, 40.9], [111.6, 40.7]]],
}
PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "${alert(1)}",
    "`",
    "\\`",
    "a\\${b}`</SCRIPT >",
    # branca renders folium's script a second time as a Jinja template: these ran on
    # the server (49, the worker's pid) or made the station page a 500.
    "{{7*7}}",
    "{{ cycler.__init__.__globals__.os.getpid() }}",
    "{% if %}",
    "{#",
    "}}{{",
]
URL = re.compile(r"(?:https?:)?//[^\s\"'<>)]+")


def _urls(text: str) -> list[str]:
    return URL.findall(text)


def _template_literals(script: str) -> list[str]:
    """The body of each backtick literal in folium's script (folium writes them bare)."""
    return re.findall(r"`([^`]*)`", script)


def test_default_map_loads_nothing_from_a_cdn() -> None:
    page = standalone_html(build_map(MapSpec(boundary=SQUARE), ASSETS))
    assert _urls(page) == []
    for cdn in ("jsdelivr", "cdnjs", "jquery", "bootstrap", "fontawesome", "unpkg", "netdna"):
        assert cdn not in page.lower()
    assert 'src="/static/vendor/leaflet-1.9.4/leaflet.js"' in page
    assert "/static/vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js" in page


def test_page_parts_name_only_local_assets_and_no_inline_styles() -> None:
    parts = page_map(MapSpec(boundary=SQUARE), ASSETS)
    assert all(u.startswith("/static/vendor/") for u in (*parts.scripts, *parts.styles))
    assert "style=" not in parts.html
    assert parts.html == f'<div class="folium-map" id="{parts.map_name}"></div>'
    assert parts.cluster_name and parts.cluster_name in parts.script
    assert f"var {parts.map_name} = L.map(" in parts.script
    assert "<script" not in parts.script.lower()


def test_station_page_map_has_no_cluster_and_loads_only_leaflet() -> None:
    parts = page_map(MapSpec(cluster=False, marker=StationMarker(40.8, 111.7, "站")), ASSETS)
    assert parts.cluster_name is None
    assert parts.scripts == (ASSETS.leaflet_js,)
    assert "markerClusterGroup" not in parts.script


def test_deferred_map_script_builds_when_called_and_keeps_the_names_global() -> None:
    parts = page_map(MapSpec(boundary=SQUARE), ASSETS)
    deferred = parts.deferred("smBuildMap")
    head = "window.smBuildMap = function () {\n"
    tail = f"window.{parts.map_name} = {parts.map_name};\nwindow.{parts.cluster_name} = "
    assert deferred.startswith(head)
    # folium's script is the function's whole body, then the names it declared are made
    # global again (a var inside a function is not), for the page script to find.
    body = deferred[len(head) :]
    assert body.startswith(parts.script)
    assert body[len(parts.script) :] == f"\n{tail}{parts.cluster_name};\n}};\n"
    station = page_map(MapSpec(cluster=False), ASSETS)
    assert station.deferred("build").endswith(
        f"window.{station.map_name} = {station.map_name};\n}};\n"
    )
    with pytest.raises(ValueError, match="JavaScript name"):
        parts.deferred("build(); alert")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_marker_label_stays_text_in_template_literal_and_html(payload: str) -> None:
    parts = page_map(MapSpec(marker=StationMarker(40.8, 111.7, f"站{payload}名")), ASSETS)
    script = parts.script
    assert "</script" not in script.lower()
    literals = [lit for lit in _template_literals(script) if "站" in lit]
    assert len(literals) == 1, "the label must not break out of its template literal"
    body = literals[0]
    assert "${" not in body and "\\" not in body and "<img" not in body
    # What the browser finally shows is exactly the text given.
    shown = html.unescape(re.sub(r"</?div>", "", body)).strip()
    assert shown == f"站{payload}名"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a<b>&\"'", "a&lt;b&gt;&amp;&quot;&#x27;"),
        ("${x}", "&#36;&#123;x&#125;"),
        ("`", "&#96;"),
        ("\\`", "&#92;&#96;"),
        ("</script>", "&lt;/script&gt;"),
        ("暖新驿站", "暖新驿站"),
        ("{{x}}", "&#123;&#123;x&#125;&#125;"),
        ("{%", "&#123;%"),
    ],
)
def test_js_template_text(text: str, expected: str) -> None:
    assert js_template_text(text) == expected
    assert html.unescape(js_template_text(text)) == text


@pytest.mark.parametrize("prefix", ["{{7*7}}", "{% if %}", "{#", "<b>{{ x }}</b>"])
def test_attribution_prefix_stays_text_through_both_renderings(prefix: str) -> None:
    page = standalone_html(build_map(MapSpec(attribution_prefix=prefix), ASSETS))
    argument = re.search(r"\.attributionControl\.setPrefix\((.*)\);", page)
    assert argument is not None
    # Leaflet sets the string as HTML: what it shows is the text configured.
    assert html.unescape(json.loads(argument[1])) == prefix


def test_map_parts_refuses_a_script_that_would_end_the_script_element() -> None:
    import folium

    fmap = build_map(MapSpec(), ASSETS)
    folium.CircleMarker([40.8, 111.7], tooltip=folium.Tooltip("</script>")).add_to(fmap)
    with pytest.raises(ValueError, match="script"):
        map_parts(fmap, ASSETS)


def test_boundary_is_drawn_simplified_and_in_wgs84_without_amap() -> None:
    drawn = display_boundary(SQUARE)
    assert drawn["type"] == "Polygon"
    assert drawn["coordinates"][0][0] == [111.6, 40.7]
    script = page_map(MapSpec(boundary=SQUARE), ASSETS).script
    assert "111.6, 40.7" in script


def test_amap_tiles_convert_boundary_marker_and_centre_to_gcj02() -> None:
    tiles = tiles_from_config("amap")
    assert tiles.datum == "gcj02"
    parts = page_map(
        MapSpec(
            center=(40.8, 111.7),
            boundary=SQUARE,
            marker=StationMarker(40.8, 111.7, "站"),
            tiles=tiles,
        ),
        ASSETS,
    )
    assert parts.datum == "gcj02"
    g_lat, g_lon = wgs84_to_gcj02(40.7, 111.6)
    drawn = display_boundary(SQUARE, "gcj02")["coordinates"][0][0]
    assert drawn == [round(g_lon, 5), round(g_lat, 5)]
    assert json.dumps(drawn)[1:-1] in parts.script
    m_lat, m_lon = wgs84_to_gcj02(40.8, 111.7)
    assert f"[{m_lat}, {m_lon}]" in parts.script
    assert "webrd0{s}.is.autonavi.com" in parts.script


@pytest.mark.parametrize(
    ("name", "key", "kind", "layers"),
    [
        (None, "", "none", 0),
        ("", "", "none", 0),
        ("NONE", "", "none", 0),
        ("osm", "", "osm", 1),
        ("tianditu", "abc123", "tianditu", 2),
        ("amap", "", "amap", 1),
    ],
)
def test_tiles_from_config(name: str | None, key: str, kind: str, layers: int) -> None:
    tiles = tiles_from_config(name, key)
    assert tiles.kind == kind
    assert len(tiles.layers) == layers


def test_tianditu_needs_a_clean_key() -> None:
    with pytest.raises(ValueError, match="STATIONMAP_TIANDITU_KEY"):
        tiles_from_config("tianditu", "")
    with pytest.raises(ValueError, match="STATIONMAP_TIANDITU_KEY"):
        tiles_from_config("tianditu", "k'); alert(1); //")
    assert "tk=abc" in tiles_from_config("tianditu", "abc").layers[0].url


def test_unknown_tiles_name_the_setting() -> None:
    with pytest.raises(ValueError, match="STATIONMAP_TILES"):
        tiles_from_config("google")


def test_no_tiles_means_no_tile_layer() -> None:
    script = page_map(MapSpec(tiles=Tiles()), ASSETS).script
    assert "tileLayer" not in script
    assert "maxZoom" in script


def _circle(lat: float, lon: float, radius_deg: float, vertices: int = 20_000) -> dict[str, Any]:
    ring = [
        [
            lon + radius_deg * math.cos(2 * math.pi * i / vertices),
            lat + radius_deg * math.sin(2 * math.pi * i / vertices),
        ]
        for i in range(vertices)
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


@pytest.mark.parametrize("radius_deg", [0.1, 1.0, 8.0])
def test_boundary_size_stays_bounded_for_a_province(radius_deg: float) -> None:
    """A county keeps ~30 m detail; a city or a province is simplified in proportion to
    its size, so the page that draws it stays small whatever the district."""
    drawn = display_boundary(_circle(40.0, 110.0, radius_deg))
    vertices = len(drawn["coordinates"][0])
    assert 20 <= vertices <= 200
    assert len(json.dumps(drawn)) < 6_000


def test_county_boundary_keeps_street_level_detail() -> None:
    drawn = display_boundary(_circle(40.0, 110.0, 0.1))
    ring = drawn["coordinates"][0]
    # every kept vertex is on the circle to within the 30 m tolerance (~0.0003 deg)
    for lon, lat in ring:
        assert abs(math.hypot(lon - 110.0, lat - 40.0) - 0.1) < 0.0004
