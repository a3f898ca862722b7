"""Delete, undelete and mark verified: each applies to the version the page showed (its
form's ``version``); a click from a page that is out of date (another administrator or
tab changed the station since) is refused with a page saying what changed, offering to
do it to the current version or to go back, never applied to a version unseen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import flash, redirect, render_template, url_for
from sqlalchemy.orm.exc import StaleDataError

from stationmap.services import editing, station_record
from stationmap.services import revisions as revision_service
from stationmap.web.admin import bp
from stationmap.web.admin.common import _actor, _db, _me
from stationmap.web.admin.editor import DELETED_MEANWHILE, _scoped_or_404, _version
from stationmap.web.i18n import tr

# A state change and its words: the verb on the refusal page, the button that does it to
# the current version, what is flashed when done and when it was done already.
STATE_ACTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "delete": {
        "verb": ("删除", "delete"),
        "button": ("删除当前版本", "Delete the current version"),
        "done": ("已删除。可在下方撤销。", "Deleted. You can undo this below."),
        "already": (
            "此驿站已被删除，没有改动。",
            "The station was already deleted: nothing changed.",
        ),
    },
    "undelete": {
        "verb": ("撤销删除", "undelete"),
        "button": ("撤销删除，恢复当前版本", "Undelete the current version"),
        "done": ("已撤销删除", "Undeleted"),
        "already": ("驿站未被删除，没有改动。", "The station is not deleted: nothing changed."),
    },
    "verify": {
        "verb": ("标记为已核实", "mark as verified"),
        "button": ("将当前版本标记为已核实", "Mark the current version as verified"),
        "done": ("已标记为已核实", "Marked as verified"),
        "already": DELETED_MEANWHILE,
    },
}


class _StaleClick(Exception):
    """The station changed since the page with the button was loaded (``seen``)."""

    def __init__(self, seen: int) -> None:
        super().__init__(seen)
        self.seen = seen


def _state_change(station_id: int, action: str) -> bool:
    """Delete, undelete or verify the version the page showed (the form's ``version``);
    False when the station is already deleted (delete, verify) or not deleted
    (undelete): a second click, or another tab, came first. Raises :class:`_StaleClick`
    when the station changed since the page was loaded: a stale click is refused, never
    applied to a version the administrator did not see."""
    seen = None
    try:
        with _db().write_session() as session:
            station = _scoped_or_404(session, station_id, deleted=True)
            if (station.deleted_at is None) == (action == "undelete"):
                return False
            seen = _version()
            codes, actor = _me().scope.codes, _actor()
            if action == "delete":
                editing.soft_delete(session, station, codes, actor, seen)
            elif action == "undelete":
                editing.undelete(session, station, codes, actor, seen)
            else:
                editing.mark_verified(session, station, codes, actor, seen)
    except (editing.VersionConflict, StaleDataError):
        assert seen is not None  # both are raised after the version is read
        raise _StaleClick(seen) from None
    return True


def _state_view(station_id: int, action: str) -> Any:
    words = STATE_ACTIONS[action]
    try:
        changed = _state_change(station_id, action)
    except _StaleClick as exc:
        return _state_conflict(station_id, action, exc.seen)
    flash(tr(*words["done"]) if changed else tr(*words["already"]))
    return redirect(url_for("admin.station_edit", station_id=station_id), 303)


def _state_conflict(station_id: int, action: str, seen: int) -> tuple[str, int]:
    """What changed since version ``seen`` (each field: the value then, the value now,
    from the revisions after it), and two choices: do it to the current version, or go
    back to it."""
    with _db().session() as session:
        station = _scoped_or_404(session, station_id, deleted=True)
        now = station_record.snapshot(station)
        newest_first = revision_service.history(session, station.id)
        since = [rev for rev in reversed(newest_first) if rev.station_version > seen]
        then: dict[str, Any] = {}
        for rev in since:
            for name, (old, _new) in rev.changes.items():
                then.setdefault(name, old)
        rows = [
            (name, _moment(name, old), _moment(name, now.get(name)))
            for name, old in then.items()
            if old != now.get(name)
        ]
        return render_template(
            "admin/state_conflict.html",
            station=station_record.station_card(station),
            action=action,
            words=STATE_ACTIONS[action],
            seen=seen,
            rows=rows,
            actors=sorted({rev.actor for rev in since}),
            latest=since[-1] if since else None,
        ), 409


def _moment(name: str, value: Any) -> Any:
    """A stored time (``deleted_at``, ``verified_at``: ISO text in a revision) as a
    datetime, which the page shows in the configured zone; any other value as it is."""
    if name.endswith("_at") and isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


@bp.post("/stations/<int:station_id>/delete")
def delete_station(station_id: int) -> Any:
    return _state_view(station_id, "delete")


@bp.post("/stations/<int:station_id>/undelete")
def undelete_station(station_id: int) -> Any:
    return _state_view(station_id, "undelete")


@bp.post("/stations/<int:station_id>/verify")
def verify_station(station_id: int) -> Any:
    return _state_view(station_id, "verify")
