"""Where the shipped templates and boundary files are, in a checkout and in a wheel.

In the repository they sit at the top level (``templates/``, ``geodata/``); an installed
wheel carries them inside the package as ``stationmap/_templates`` and
``stationmap/_geodata`` (see ``package_dir`` in setup.cfg). Nothing here depends on the
working directory.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _find(checkout_name: str, wheel_name: str) -> Path:
    inside = _PACKAGE_DIR / wheel_name
    if inside.is_dir():
        return inside
    beside = _PACKAGE_DIR.parent / checkout_name
    if beside.is_dir():
        return beside
    raise FileNotFoundError(
        f"cannot find {checkout_name}/ next to the stationmap package ({_PACKAGE_DIR}); "
        "reinstall the package"
    )


TEMPLATES_DIR = _find("templates", "_templates")
GEODATA_DIR = _find("geodata", "_geodata")
STATIC_DIR = _PACKAGE_DIR / "static"
