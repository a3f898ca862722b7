"""Point -> district: one interface, its backend chosen once per app.

:class:`DistrictLookup` is what answers "which stored district covers this point?";
``create_app`` registers, for its database's engines, the factory that chooses the
backend (:func:`~stationmap.services.districts.make_district_lookup`: the in-process
STRtree, or PostGIS's ``ST_Covers``), built on first use and then kept. Callers go
through :func:`stationmap.services.districts.locate_many` with a session and never ask
which backend they have; a session of an engine no app registered (a script, a
migration) gets the in-process one, which gives the same answers.

This module imports no other service, so ``create_app`` can register the factory
without loading the boundary code (a command that lists users never needs it).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session

__all__ = ["DistrictLookup", "registered", "use"]


class DistrictLookup(Protocol):
    """The deepest stored district covering each WGS-84 point, whatever answers."""

    def locate_many(
        self, session: Session, lats: Sequence[float], lons: Sequence[float]
    ) -> list[str | None]:
        """The code of the deepest stored district covering each (lat, lon) in degrees
        (ties: the lower code), ``None`` where none does; read through ``session``, so
        a district written in its transaction counts."""
        ...

    def uses_database(self) -> bool:
        """Whether the database answers (for diagnostics and tests, not for callers
        to branch on)."""
        ...


class _Once:
    """A lookup built by ``make`` at its first use, then kept (thread-safe)."""

    def __init__(self, make: Callable[[], DistrictLookup]) -> None:
        self._make = make
        self._built: DistrictLookup | None = None
        self._lock = threading.Lock()

    def get(self) -> DistrictLookup:
        # Always under the lock: uncontended it costs well under a microsecond, next to
        # tens of them for the smallest question a lookup answers.
        with self._lock:
            if self._built is None:
                self._built = self._make()
            return self._built


_REGISTERED: weakref.WeakKeyDictionary[Engine, _Once] = weakref.WeakKeyDictionary()


def use(engines: Iterable[Engine], make: Callable[[], DistrictLookup]) -> None:
    """Answer sessions bound to any of ``engines`` (one database's) with the lookup
    ``make`` builds at the first question; ``create_app`` calls this once."""
    once = _Once(make)
    for engine in engines:
        _REGISTERED[engine] = once


def registered(session: Session) -> DistrictLookup | None:
    """The lookup registered for the session's engine, built now if not yet; ``None``
    for an engine no app registered."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    once = _REGISTERED.get(engine)
    return None if once is None else once.get()
