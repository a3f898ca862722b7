"""Stations in the database: save checked inputs (one or many), read, list and page.
Editing one station (with history and district scope) is in
:mod:`stationmap.services.editing`.

Every write bumps :class:`~stationmap.models.DatasetState` in the same transaction, so
each process's nearest index can tell that it is stale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from stationmap.db import station_boxes_in_bulk
from stationmap.geo.distance import geodesic_m
from stationmap.models import DatasetState, Station, StationAmenity, StationWorkerGroup
from stationmap.services import districts as district_service
from stationmap.services import revisions
from stationmap.services.bulk_rows import bulk_page_cache, insert_rows, next_ids, one_of
from stationmap.services.dataset import bump_data_version
from stationmap.services.revisions import Actor
from stationmap.services.station_codes import with_codes
from stationmap.services.station_record import INPUT_COLUMNS, input_snapshot, input_values
from stationmap.station_fields import FieldError, StationInput

NO_DISTRICT = "000000"
SAME_PLACE_M = 50.0
# Serials of real stations run from 1 to LAST_REAL_SERIAL, written with at least four
# digits ("652324-0001"); demo stations take DEMO_SERIAL_BASE + n ("652324-900001"), so
# a real code and a demo code can never be the same, however many stations a district has.
LAST_REAL_SERIAL = 899_999
DEMO_SERIAL_BASE = 900_000
LAST_DEMO_SERIAL = 999_999
_CHUNK = 500


def _table(model: type[Any]) -> Table:
    """A model's table, for Core bulk inserts."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


# Fields compared to decide whether an import row changes a station.
_COMPARED = (
    "name",
    "address",
    "host_type",
    "opening_hours",
    "opening_hours_text",
    "phone",
    "contact",
    "status",
)


# Called with (stations written so far, stations to write) during a long save.
Progress = Callable[[int, int], None]


class CodesExhausted(Exception):
    """A district has used every serial of its range."""

    def __init__(self, prefix: str) -> None:
        super().__init__(f"district {prefix} has no free station serial left")
        self.prefix = prefix


class InvalidCodes(ValueError):
    """New stations whose given code may not be created: ``problems`` pairs each one's
    index in the saved inputs with what is wrong with its code."""

    def __init__(self, problems: list[tuple[int, FieldError]]) -> None:
        super().__init__("; ".join(f"#{i}: {e.message}" for i, e in problems))
        self.problems = problems


@dataclass
class SaveResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changes: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)


def lock_writes(session: Session) -> None:
    """Serialise station writes: on PostgreSQL, lock the dataset row until commit (SQLite
    write sessions already hold the database's write lock). Code allocation reads the
    highest serial and then inserts, which must not interleave."""
    session.execute(select(DatasetState.data_version).where(DatasetState.id == 1).with_for_update())


def utc_now() -> datetime:
    return datetime.now(UTC)


def stations_by_code(session: Session, codes: Sequence[str]) -> dict[str, Station]:
    found: dict[str, Station] = {}
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start : start + _CHUNK]
        for station in session.scalars(select(Station).where(Station.code.in_(chunk))):
            found[station.code] = station
    return found


def _by_name_and_place(session: Session, inputs: Sequence[StationInput]) -> dict[int, Station]:
    """Rows without a code match the station of the same name within
    :data:`SAME_PLACE_M` metres, so importing a file twice changes nothing."""
    if not inputs:
        return {}
    names = sorted({d.name for d in inputs})
    candidates: dict[str, list[Station]] = defaultdict(list)
    named = one_of(session.connection(), Station.name, names)
    for station in session.scalars(select(Station).where(named).order_by(Station.id)):
        candidates[station.name].append(station)
    found: dict[int, Station] = {}
    taken: set[int] = set()
    for data in inputs:
        for station in candidates.get(data.name, ()):
            if station.id not in taken and (
                geodesic_m(data.lat, data.lon, station.lat, station.lon) <= SAME_PLACE_M
            ):
                found[id(data)] = station
                taken.add(station.id)
                break
    return found


def _serial_of(code: str, prefix: str) -> int | None:
    head, _, tail = code.partition("-")
    if head != prefix or not (tail.isascii() and tail.isdigit()):
        return None
    return int(tail)


def _serials(session: Session, prefix: str) -> tuple[int, set[int]]:
    """The last serial a real station of ``prefix`` uses (demo stations, and codes
    outside the real range, do not count), and every serial taken by any station."""
    last, taken = 0, set()
    rows = session.execute(
        select(Station.code, Station.is_demo).where(Station.code.like(f"{prefix}-%"))
    )
    for code, is_demo in rows:
        serial = _serial_of(code, prefix)
        if serial is None:
            continue
        taken.add(serial)
        if not is_demo and serial <= LAST_REAL_SERIAL:
            last = max(last, serial)
    return last, taken


def allocate_codes(session: Session, counts: dict[str, int]) -> dict[str, list[str]]:
    """``counts[prefix]`` new real codes per district prefix, after the last real serial
    and skipping any code already taken (a demo station of the old 9001 numbering, say).
    Raises :class:`CodesExhausted` when a district's range is used up."""
    out: dict[str, list[str]] = {}
    for prefix, wanted in counts.items():
        last, taken = _serials(session, prefix)
        codes: list[str] = []
        serial = last
        while len(codes) < wanted:
            serial += 1
            if serial > LAST_REAL_SERIAL:
                raise CodesExhausted(prefix)
            if serial not in taken:
                codes.append(format_code(prefix, serial))
        out[prefix] = codes
    return out


def format_code(prefix: str, serial: int) -> str:
    return f"{prefix}-{serial:04d}"


def new_code_error(code: str, district: str | None, *, is_demo: bool = False) -> FieldError | None:
    """Why a new station located in ``district`` may not take ``code`` (``None``: it
    may): the code must carry that district's prefix, in ASCII digits, with a serial in
    the real (or, for demo stations, the demo) range, written as the server writes it."""
    prefix = district or NO_DISTRICT
    low, high = (DEMO_SERIAL_BASE + 1, LAST_DEMO_SERIAL) if is_demo else (1, LAST_REAL_SERIAL)
    serial = _serial_of(code, code.partition("-")[0])
    if code.partition("-")[0] != prefix:
        where_en = f"district {district}" if district else "no known district"
        where_zh = f"区县 {district}" if district else "任何已知区县之外"
        return FieldError(
            "code",
            f"a new station here ({where_en}) must have a code starting {prefix}-; "
            "leave the code empty and one is assigned",
            message_zh=f"该位置在{where_zh}，新驿站的编号须以 {prefix}- 开头；"
            "请把编号留空，由系统分配",
        )
    if serial is None or not low <= serial <= high or code != format_code(prefix, serial):
        return FieldError(
            "code",
            f"{code} is not a code the server would assign (serial {low:04d} to {high}, "
            "at least 4 digits, no extra leading zeros); leave the code empty and one is "
            "assigned",
            message_zh=f"编号 {code} 的序号须在 {low:04d} 至 {high} 之间（至少 4 位，不多补零）；"
            "请把编号留空，由系统分配",
        )
    return None


def diff(station: Station, data: StationInput) -> dict[str, tuple[Any, Any]]:
    """Field -> (old, new) for what ``data`` would change; coordinates compare to 1e-7°.
    The datum the coordinates were entered in changes only with the coordinates."""
    changes: dict[str, tuple[Any, Any]] = {}
    for name in _COMPARED:
        old, new = getattr(station, name), getattr(data, name)
        if old != new:
            changes[name] = (old, new)
    if abs(station.lat - data.lat) > 5e-8 or abs(station.lon - data.lon) > 5e-8:
        changes["lat"] = (station.lat, data.lat)
        changes["lon"] = (station.lon, data.lon)
        if station.entered_datum != data.entered_datum:
            changes["entered_datum"] = (station.entered_datum, data.entered_datum)
    for name, new_list in (
        ("amenities", list(data.amenities)),
        ("worker_groups", list(data.worker_groups)),
        ("services", list(data.services)),
    ):
        old_list = list(getattr(station, name))
        if name != "services":
            old_list, new_list = sorted(old_list), sorted(new_list)
        if old_list != new_list:
            changes[name] = (old_list, new_list)
    if station.deleted_at is not None:
        changes["deleted_at"] = (station.deleted_at, None)
    return changes


def apply_changes(
    station: Station, data: StationInput, changes: dict[str, tuple[Any, Any]]
) -> None:
    for name in changes:
        if name == "amenities":
            station.amenity_rows = [StationAmenity(amenity=a) for a in data.amenities]
        elif name == "worker_groups":
            station.worker_group_rows = [StationWorkerGroup(group=g) for g in data.worker_groups]
        elif name == "services":
            station.services = list(data.services)
        elif name == "deleted_at":
            station.deleted_at = None
        elif name == "district_code":  # located by the server, not part of the input
            station.district_code = changes[name][1]
        else:
            setattr(station, name, getattr(data, name))


def save_inputs(
    session: Session,
    inputs: Sequence[StationInput],
    *,
    is_demo: bool = False,
    districts: Sequence[str | None] | None = None,
    dry_run: bool = False,
    actor: Actor | None = None,
    action: str = "import",
    progress: Progress | None = None,
) -> SaveResult:
    """Create or update stations, matched by code (or, for rows without one, by the
    same name within 50 m); all in the caller's transaction.

    Stations without a code get ``<district>-<serial>``; the district comes from the
    stored boundaries (``000000`` where none covers the point): ``districts``, when
    given, is each input's district already located at its ``lat, lon`` (an import's
    placement check), else each point is located here. A new station given a
    code must carry its own district's prefix and a serial of its range (see
    :func:`new_code_error`), else :class:`InvalidCodes` is raised and nothing is
    written. A station that moves into another district keeps its code. With
    ``dry_run`` nothing is written and the result says what would happen. With an
    ``actor`` every created or changed station gets a revision (``action``) naming
    them; only bulk loads that have no history to keep (the demo data, benchmarks)
    leave it out. ``progress``, if given, is called with (stations written, stations
    to write) as the work goes.
    """
    result = SaveResult()
    if not inputs:
        return result
    if not dry_run:
        lock_writes(session)
    if districts is not None:
        located = list(districts)
        if len(located) != len(inputs):
            raise ValueError(f"{len(located)} districts given for {len(inputs)} stations")
    else:
        located = district_service.locate_many(
            session, [d.lat for d in inputs], [d.lon for d in inputs]
        )
    existing = stations_by_code(session, [d.code for d in inputs if d.code])
    same_place = _by_name_and_place(session, [d for d in inputs if not d.code])
    now = utc_now()

    new_rows: dict[int, tuple[StationInput, str | None]] = {}
    matched: list[tuple[Station, StationInput, str | None]] = []
    for index, (data, district) in enumerate(zip(inputs, located, strict=True)):
        station = existing.get(data.code) if data.code else same_place.get(id(data))
        if station is None:
            new_rows[index] = (data, district)
        else:
            matched.append((station, data, district))
    problems = [
        (index, error)
        for index, (data, district) in new_rows.items()
        if data.code and (error := new_code_error(data.code, district, is_demo=is_demo))
    ]
    if problems:
        raise InvalidCodes(problems)

    for station, data, district in matched:
        changes = diff(station, data)
        if station.district_code != district and "lat" in changes:
            changes["district_code"] = (station.district_code, district)
        if not changes:
            result.unchanged.append(station.code)
            continue
        result.updated.append(station.code)
        result.changes[station.code] = changes
        if not dry_run:
            apply_changes(station, data, changes)
            station.updated_at = now

    wanted: dict[str, int] = defaultdict(int)
    for data, district in new_rows.values():
        if not data.code:
            wanted[district or NO_DISTRICT] += 1
    assigned = {prefix: iter(codes) for prefix, codes in allocate_codes(session, wanted).items()}
    created: list[tuple[str, StationInput, str | None]] = []
    for data, district in new_rows.values():
        code = data.code or next(assigned[district or NO_DISTRICT])
        result.created.append(code)
        created.append((code, data, district))
    if dry_run:
        return result
    session.flush()
    report = progress or (lambda _done, _total: None)
    steps = len(created) + (len(result.created) + len(result.updated) if actor else 0)
    report(0, steps)
    # Each new station's first revision is built as its row goes to the database, so
    # on PostgreSQL this process builds them while the server stores the rows before.
    firsts: list[revisions.FirstRevision] = []

    def first_revision(
        station_id: int, code: str, data: StationInput, district: str | None
    ) -> None:
        firsts.append(revisions.first_revision(station_id, 1, input_snapshot(code, data, district)))

    each = first_revision if actor is not None else None
    with bulk_page_cache(session.connection()):
        _insert_new(session, created, is_demo, now, lambda done: report(done, steps), each)
        if actor is not None:
            _record_revisions(
                session,
                result,
                firsts,
                actor,
                action,
                now,
                lambda done: report(len(created) + done, steps),
            )
    if result.created or result.updated:
        bump_data_version(session, None)  # a bulk write: processes read every station
    return result


def _record_revisions(
    session: Session,
    result: SaveResult,
    created: list[revisions.FirstRevision],
    actor: Actor,
    action: str,
    at: datetime,
    done: Callable[[int], None],
) -> None:
    """A revision for every station :func:`save_inputs` changed, then for each it
    created (:func:`~stationmap.services.revisions.first_revision`, built from the
    checked inputs)."""
    if result.updated:
        changed = stations_by_code(session, result.updated)
        for count, code in enumerate(result.updated, 1):
            revisions.record(session, changed[code], action, actor, result.changes[code], at)
            if count % _CHUNK == 0:
                done(count)
    if created:
        revisions.record_created(
            session, created, action, actor, at, lambda n: done(len(result.updated) + n)
        )


def _insert_new(
    session: Session,
    created: list[tuple[str, StationInput, str | None]],
    is_demo: bool,
    now: datetime,
    done: Callable[[int], None],
    each: Callable[[int, str, StationInput, str | None], None] | None = None,
) -> list[int]:
    """Insert the new stations (code, input, district) with their amenities and worker
    groups in bulk (:mod:`~stationmap.services.bulk_rows`: COPY on PostgreSQL, a DBAPI
    executemany on SQLite); returns their ids, in order. ``each`` is called with (id,
    code, input, district) as each station's row is made."""
    if not created:
        return []
    connection = session.connection()
    ids = next_ids(connection, _table(Station), len(created))
    # On PostgreSQL each row carries its codes too (station_codes: else written twice).
    table, code_columns, code_values = with_codes(connection, _table(Station))

    def rows() -> Iterator[tuple[Any, ...]]:
        for station_id, (code, data, district) in zip(ids, created, strict=True):
            if each is not None:
                each(station_id, code, data, district)
            yield (station_id, code, district, *input_values(data), *code_values(data))

    with station_boxes_in_bulk(connection, ids):
        insert_rows(
            connection,
            table,
            ("id", "code", "district_code", *INPUT_COLUMNS, *code_columns),
            rows(),
            {"is_demo": is_demo, "created_at": now, "updated_at": now, "version": 1},
            done,
        )
    for model, column, field_name in (
        (StationAmenity, "amenity", "amenities"),
        (StationWorkerGroup, "group", "worker_groups"),
    ):
        insert_rows(
            connection,
            _table(model),
            ("station_id", column),
            (
                (station_id, value)
                for station_id, (_code, data, _district) in zip(ids, created, strict=True)
                for value in getattr(data, field_name)
            ),
        )
    return ids


def delete_demo(session: Session) -> int:
    """Remove every demo station; returns how many."""
    ids = list(session.scalars(select(Station.id).where(Station.is_demo.is_(True))))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        session.execute(delete(StationAmenity).where(StationAmenity.station_id.in_(chunk)))
        session.execute(delete(StationWorkerGroup).where(StationWorkerGroup.station_id.in_(chunk)))
        session.execute(delete(Station).where(Station.id.in_(chunk)))
    if ids:
        bump_data_version(session, ids if len(ids) <= _CHUNK else None)
    return len(ids)


# -- reading ---------------------------------------------------------------------------
def get_station(session: Session, station_id: int) -> Station | None:
    station = session.get(Station, station_id)
    return None if station is None or station.deleted_at is not None else station


def get_by_code(session: Session, code: str) -> Station | None:
    return session.scalar(select(Station).where(Station.code == code, Station.deleted_at.is_(None)))


def count(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(Station).where(Station.deleted_at.is_(None))
        )
        or 0
    )
