"""A PostgreSQL station row's own copy of its codes (``station.amenity_codes``,
``station.worker_group_codes``, migration 0013), which the PostGIS nearest statement
reads and filters on.

Triggers on ``station_amenity`` and ``station_worker_group`` keep them (see the
migration), whatever writes those tables. A bulk insert of new stations writes them
with each row as well, so that the triggers after it find nothing to change: left to
the triggers alone, every new station would be written twice (200,000 stations: 118 s
and 509 MB, against 36 s and 276 MB before the codes; written with the rows, 91 and
66 s against 96 and 76 s for main in the same runs, 323 MB; the machine under load).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, Connection, MetaData, String, Table
from sqlalchemy.dialects.postgresql import ARRAY

from stationmap.station_fields import StationInput

CODE_COLUMNS = ("amenity_codes", "worker_group_codes")

Values = Callable[[StationInput], tuple[Any, ...]]


def _codes(data: StationInput) -> tuple[Any, ...]:
    # Code-point order, as the triggers write them (COLLATE "C").
    return sorted(data.amenities), sorted(data.worker_groups)


def _none(data: StationInput) -> tuple[Any, ...]:
    return ()


def with_codes(connection: Connection, table: Table) -> tuple[Table, tuple[str, ...], Values]:
    """For a bulk insert into ``table`` (the station table): on PostgreSQL, the table
    with the code columns, their names, and a function giving an input's values for
    them; elsewhere the table as it is, no names, and no values."""
    if connection.dialect.name != "postgresql":
        return table, (), _none
    copy = table.to_metadata(MetaData())
    for name in CODE_COLUMNS:
        copy.append_column(Column(name, ARRAY(String)))
    return copy, CODE_COLUMNS, _codes
