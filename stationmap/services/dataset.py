"""The data version: one number every writer of stations or districts raises, so each
process knows when what it keeps in memory (the nearest index, the district tree) must
be read again."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from stationmap.models import DatasetState

__all__ = ["bump_data_version", "data_version", "wrote_data"]

_BUMPED = "stationmap.data_version_bumped"


def bump_data_version(session: Session) -> None:
    session.info[_BUMPED] = True
    result = session.execute(
        update(DatasetState)
        .where(DatasetState.id == 1)
        .values(data_version=DatasetState.data_version + 1)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(DatasetState(id=1, data_version=1))
        session.flush()


def data_version(session: Session) -> int:
    return int(session.scalar(select(DatasetState.data_version).where(DatasetState.id == 1)) or 0)


def wrote_data(session: Session) -> bool:
    """Whether ``session`` has raised the data version (its writes may be rolled back,
    so what it reads is not to be kept for other requests)."""
    return bool(session.info.get(_BUMPED))
