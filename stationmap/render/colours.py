"""The colours the app gives host types, in one place: the printed map's legend and
dots, and the styles of KML exports (:mod:`stationmap.render.kml`). Pure.
"""

from __future__ import annotations

# One colour per host type of the catalogue, each far enough from every other to tell
# apart on paper (CIE76 colour difference at least 20; tests/unit/test_legend_colours.py).
HOST_COLOURS: dict[str, str] = {
    "community": "#c62828",
    "union": "#1565c0",
    "pharmacy": "#2e7d32",
    "supermarket": "#ef6c00",
    "post_express": "#6a1b9a",
    "bank": "#00838f",
    "business_district": "#ad1457",
    "gas_station": "#fbc02d",
    "sanitation": "#9e9d24",
    "health": "#f06292",
    "library": "#4e342e",
    "government_service": "#283593",
    "enterprise": "#90a4ae",
    "transport_hub": "#000000",
    "telecom_shop": "#4fc3f7",
    "police": "#e040fb",
    "park": "#66bb6a",
    "catering": "#a1887f",
    "other": "#616161",
}


def host_colour(host_type: str | None) -> str:
    """``#rrggbb`` for ``host_type`` (``other``'s for an unknown or empty one)."""
    return HOST_COLOURS.get(host_type or "other", HOST_COLOURS["other"])
