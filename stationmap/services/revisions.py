"""Station history: every change is a revision saying who, when, what changed (field ->
[old, new]) and the whole state afterwards, from which an earlier state is restored."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from stationmap.models import Station, StationRevision
from stationmap.services.bulk_rows import insert_rows, next_ids
from stationmap.services.station_record import plain, snapshot


@dataclass(frozen=True)
class Actor:
    """Who made a change: a user (``user_id``) or a tool (``None``, e.g. the CLI)."""

    user_id: int | None
    name: str


def record(
    session: Session,
    station: Station,
    action: str,
    actor: Actor,
    changes: dict[str, tuple[Any, Any]],
    at: datetime,
    restored_from: int | None = None,
    *,
    created: bool = False,
) -> StationRevision:
    """Append a revision for ``station`` (flushed, so it has its version and id).

    A station changed for the first time since history began (made by an import or
    before this feature) first gets a ``baseline`` revision holding its state before
    the change, so that state can be restored too."""
    session.flush()
    last = session.scalar(
        select(func.max(StationRevision.number)).where(StationRevision.station_id == station.id)
    )
    if last is None and not created:
        before = snapshot(station)
        for name, (old, _new) in changes.items():
            before[name] = plain(old)
        session.add(
            StationRevision(
                station_id=station.id,
                number=1,
                action="baseline",
                user_id=None,
                actor="（历史记录开始前）",
                created_at=at,
                changes={},
                snapshot=before,
                station_version=station.version - 1,
            )
        )
        last = 1
    revision = StationRevision(
        station_id=station.id,
        number=int(last or 0) + 1,
        action=action,
        user_id=actor.user_id,
        actor=actor.name[:100],
        created_at=at,
        changes={name: [plain(old), plain(new)] for name, (old, new) in changes.items()},
        snapshot=snapshot(station),
        station_version=station.version,
        restored_from=restored_from,
    )
    session.add(revision)
    session.flush()
    return revision


#: A created station's first revision as :func:`record_created` writes it: (station id,
#: changes as JSON text, snapshot as JSON text, station version).
FirstRevision = tuple[int, str, str, int]


def first_revision(station_id: int, version: int, snap: dict[str, Any]) -> FirstRevision:
    """The first revision of a station just created with state ``snap`` (a
    :func:`~stationmap.services.station_record.snapshot`): its changes are the fields
    that are not empty, each ``[None, value]``."""
    changes, snapshot_text = _created_texts(snap)
    return station_id, changes, snapshot_text, version


def record_created(
    session: Session,
    created: Sequence[FirstRevision],
    action: str,
    actor: Actor,
    at: datetime,
    done: Callable[[int], None] | None = None,
) -> None:
    """Write the first revision of each station just inserted in bulk
    (:func:`first_revision`) with :func:`~stationmap.services.bulk_rows.insert_rows`
    (the ORM unit of work, and reading the stations back, cost most of a large
    import's time), their ids taken in one block (:func:`next_ids`; every writer of
    revisions holds :func:`~stationmap.services.stations.lock_writes`)."""
    session.flush()
    table = StationRevision.__table__
    assert isinstance(table, Table)
    connection = session.connection()
    ids = next_ids(connection, table, len(created))
    insert_rows(
        connection,
        table,
        ("id", "station_id", "changes", "snapshot", "station_version"),
        ((revision_id, *first) for revision_id, first in zip(ids, created, strict=True)),
        {
            "number": 1,
            "action": action,
            "user_id": actor.user_id,
            "actor": actor.name[:100],
            "created_at": at,
            "restored_from": None,
        },
        done,
        encoded=("changes", "snapshot"),
    )


def _created_texts(snap: dict[str, Any]) -> tuple[str, str]:
    """The JSON texts of a created station's first revision: its changes (each value
    that is not empty as ``[None, value]``) and ``snap``. Written by orjson (UTF-8, no
    spaces), a third of the standard library's time and, for Chinese text, half its
    length; what is read back is the same. Text orjson refuses (a lone surrogate from
    a JSON body) is left to ``json.dumps``."""
    changes = {
        name: [None, value]
        for name, value in snap.items()
        # (a value that is true is not empty: most are, and need no comparison)
        if value or value not in _EMPTY
    }
    try:
        return orjson.dumps(changes).decode(), orjson.dumps(snap).decode()
    except TypeError:
        return json.dumps(changes), json.dumps(snap)


_EMPTY: tuple[object, ...] = (None, "", [])


def created_changes(station: Station) -> dict[str, tuple[Any, Any]]:
    return {
        name: (None, value)
        for name, value in snapshot(station).items()
        if value not in (None, "", [])
    }


def history(session: Session, station_id: int) -> list[StationRevision]:
    return list(
        session.scalars(
            select(StationRevision)
            .where(StationRevision.station_id == station_id)
            .order_by(StationRevision.number.desc())
        )
    )


def get_revision(session: Session, station_id: int, number: int) -> StationRevision | None:
    return session.scalar(
        select(StationRevision).where(
            StationRevision.station_id == station_id, StationRevision.number == number
        )
    )


def recent(
    session: Session, district_codes: Iterable[str] | None, limit: int = 20
) -> list[tuple[StationRevision, Station]]:
    """The latest revisions of stations in ``district_codes`` (None: all)."""
    stmt = select(StationRevision, Station).join(Station, Station.id == StationRevision.station_id)
    if district_codes is not None:
        stmt = stmt.where(Station.district_code.in_(sorted(district_codes)))
    stmt = stmt.order_by(StationRevision.id.desc()).limit(limit)
    return [(rev, station) for rev, station in session.execute(stmt)]
