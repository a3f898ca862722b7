"""A station form that arrives again after it was saved (a double click on 保存 on a slow
line, or 后退 and 保存 again): its version is the one the first save replaced, but the
station already holds all it sends, so there is nothing to refuse or merge."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from werkzeug.wrappers import Response

from stationmap.web.i18n import tr

#: Fields that are sets of codes: the form sends them in the page's order, the station
#: keeps them sorted.
CODE_SETS = ("amenities", "worker_groups")


def differs(name: str, mine: Any, theirs: Any) -> bool:
    """Whether field ``name`` of the form (``mine``) differs from the station's; a set of
    codes differs only in its members, not their order."""
    if name in CODE_SETS and isinstance(mine, list) and isinstance(theirs, list):
        return sorted(mine) != sorted(theirs)
    return bool(mine != theirs)


def saved_already(station_id: int) -> Response:
    """Back to the station's editor saying the form was saved before (no write)."""
    flash(
        tr(
            "这些内容已经保存（可能提交了两次），没有再改动。",
            "This was already saved (perhaps sent twice): nothing more changed.",
        )
    )
    return redirect(url_for("admin.station_edit", station_id=station_id), 303)
