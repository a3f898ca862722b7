"""The login limit counted in the database: one count per client address for every app
process (gunicorn workers, several hosts), when there is no Redis to share counters.

Each address has one row holding the times of its attempts within the window (a moving
window, like the limiter's). An attempt locks the row (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite the write transaction's ``BEGIN IMMEDIATE`` already serialises
writers), so two workers never both admit the tenth attempt.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stationmap.models import LoginThrottle

MAX_ADDRESS_LENGTH = 64


def _locked_row(session: Session, address: str, now: datetime) -> LoginThrottle:
    query = select(LoginThrottle).where(LoginThrottle.address == address).with_for_update()
    row = session.scalar(query)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            session.add(LoginThrottle(address=address, attempts="", updated_at=now))
    except IntegrityError:
        pass  # another process made the row first; it is locked below
    row = session.scalar(query.execution_options(populate_existing=True))
    assert row is not None
    return row


def attempt(
    session: Session, address: str, amount: int, window_s: float, now: datetime | None = None
) -> int | None:
    """Count one login attempt from ``address``, at most ``amount`` per ``window_s``
    seconds. Returns None when the attempt may go ahead, else the whole seconds to
    wait (a refused attempt is not counted). Rows of addresses idle for a whole window
    are removed on the way."""
    now = now or datetime.now(UTC)
    stamp = now.timestamp()
    address = address[:MAX_ADDRESS_LENGTH]
    session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.updated_at < now - timedelta(seconds=window_s),
            LoginThrottle.address != address,
        )
    )
    row = _locked_row(session, address, now)
    recent = [float(t) for t in row.attempts.split() if float(t) > stamp - window_s]
    if len(recent) >= amount:
        row.attempts = " ".join(f"{t:.3f}" for t in recent)
        return max(1, math.ceil(recent[-amount] + window_s - stamp))
    recent.append(stamp)
    row.attempts = " ".join(f"{t:.3f}" for t in recent)
    row.updated_at = now
    return None
