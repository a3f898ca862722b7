"""Ids for a bulk write are taken in one step: one statement answered by one row however
many rows follow (a 100,000-row import used to ask the sequence 100,000 times, a third
of a second of PostgreSQL's time before the first row went), and they are the ids the
table would have given those rows one by one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, insert, select

from stationmap.app_state import state
from stationmap.models import Station
from stationmap.services.bulk_rows import next_ids
from stationmap.services.stations import lock_writes

COUNT = 20_000
AT = datetime(2026, 12, 7, tzinfo=UTC)


def _station(code: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": code,
        "address": "",
        "lat": 40.8,
        "lon": 111.7,
        "entered_datum": "wgs84",
        "host_type": "other",
        "phone": "",
        "contact": "",
        "services": [],
        "status": "active",
        "is_demo": False,
        "version": 1,
        "created_at": AT,
        "updated_at": AT,
    }


def test_bulk_ids_are_one_statement_and_follow_the_table(empty_app):
    database = state(empty_app).db
    table = Station.__table__
    with database.write_session() as session:
        session.execute(insert(table), [_station("before-1"), _station("before-2")])
        session.commit()
    with database.write_session() as session:
        lock_writes(session)
        connection = session.connection()
        before = max(session.scalars(select(Station.id)))
        answered: list[int] = []

        def count_rows(conn, cursor, statement, parameters, context, executemany) -> None:
            answered.append(cursor.rowcount)

        event.listen(connection, "after_cursor_execute", count_rows)
        ids = next_ids(connection, table, COUNT)
        event.remove(connection, "after_cursor_execute", count_rows)
        # one statement, one row back (rowcount: rows returned, or -1 where unknown)
        assert len(answered) == 1 and answered[0] in (1, -1)
        assert ids == list(range(ids[0], ids[0] + COUNT))
        assert ids[0] > before
        # The rows are written with these ids; the next row inserted the ordinary way
        # takes an id after them.
        rows = [{**_station(f"bulk-{i}"), "id": i} for i in ids]
        session.execute(insert(table), rows)
        after = session.execute(insert(table).returning(table.c.id), [_station("after")])
        assert after.scalar_one() > ids[-1]
        session.commit()
