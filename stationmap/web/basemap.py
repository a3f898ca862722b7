"""The configured base map of the app's map pages, and the Content-Security-Policy of a
page that shows it: its tile hosts are the only other origin allowed, and only for
images."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app

from stationmap.app_state import state
from stationmap.render.map_spec import Tiles, tiles_from_config


def current_tiles() -> Tiles:
    settings = state(current_app).settings
    return tiles_from_config(settings.tiles, settings.tianditu_key)


def tile_origins(tiles: Tiles) -> list[str]:
    """The origins tiles come from; a ``{s}`` subdomain becomes a wildcard label."""
    origins = []
    for layer in tiles.layers:
        parts = urlsplit(layer.url)
        host = parts.netloc
        if "{s}" in host:
            host = host.replace("{s}", "*")
            host = re.sub(r"[^.]*\*[^.]*", "*", host)
        origins.append(f"{parts.scheme}://{host}")
    return sorted(set(origins))


def map_page_policy(tiles: Tiles, script_nonce: str | None = None) -> str:
    """The policy of a map page: scripts from the app (and, given a nonce, that page's
    inline script), images from the app and the tile hosts."""
    img = " ".join(["'self'", "data:", *tile_origins(tiles)])
    script = "'self'" + (f" 'nonce-{script_nonce}'" if script_nonce else "")
    return (
        f"default-src 'self'; img-src {img}; style-src 'self'; script-src {script}; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    )
