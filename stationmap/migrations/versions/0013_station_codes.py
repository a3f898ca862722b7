"""station codes: each station's amenity and worker-group codes on its row (PostgreSQL)

Revision ID: 0013_station_codes
Revises: 0012_coverage
Create Date: 2026-12-07

The PostGIS nearest statement reads a station's codes with its row
(``station.amenity_codes``, ``station.worker_group_codes``: code-point order), and
tests the amenity and worker-group filters on them, instead of looking each station up
in ``station_amenity`` and ``station_worker_group`` (two to three index scans per
station; about 40 % of the statement's server time at 200,000 stations). GIN indexes
on both let the filters-first statement (filters that hardly any station near the
courier passes) find the stations having every code asked for at once (at 200,000
stations, four rare amenities that no station has together: 250-400 ms -> 60-90 ms).

``station_amenity`` and ``station_worker_group`` stay what every reader and writer
uses. The arrays are derived from them by the database, as ``station.geog`` is derived
from ``lat, lon``: statement-level triggers on both tables set the codes of the
stations a statement touched, so every write path keeps them right (an ORM edit, a
bulk COPY, a cascaded delete, a hand-written statement) and no application code writes
them. A statement that leaves a station's codes as they were does not rewrite its row.

On SQLite this does nothing: the in-process index reads the tables themselves.
"""

from __future__ import annotations

from alembic import op

revision = "0013_station_codes"
down_revision = "0012_coverage"
branch_labels = None
depends_on = None

# (table, its code column, the station column holding the codes)
CODES = (
    ("station_amenity", "amenity", "amenity_codes"),
    ("station_worker_group", '"group"', "worker_group_codes"),
)

_BACKFILL = """
UPDATE station AS s SET %(target)s = c.codes
FROM (
    SELECT station_id, array_agg(%(column)s ORDER BY %(column)s COLLATE "C")::varchar[] AS codes
    FROM %(table)s GROUP BY station_id
) AS c
WHERE s.id = c.station_id
"""

_FUNCTION = """
CREATE OR REPLACE FUNCTION %(table)s_codes() RETURNS trigger LANGUAGE plpgsql AS $body$
DECLARE
    ids integer[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- Codes added: each station's codes gain them. A bulk insert of new stations
        -- wrote them with the rows already: then this reads the new rows only.
        UPDATE station AS s SET %(target)s = ARRAY(
            SELECT code FROM (SELECT DISTINCT unnest(s.%(target)s || n.codes) AS code) AS d
            ORDER BY code COLLATE "C"
        )::varchar[]
        FROM (
            SELECT station_id, array_agg(%(column)s)::varchar[] AS codes
            FROM new_rows GROUP BY station_id
        ) AS n
        WHERE s.id = n.station_id AND NOT s.%(target)s @> n.codes;
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT station_id) INTO ids FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT station_id) INTO ids FROM
            (SELECT station_id FROM old_rows UNION ALL SELECT station_id FROM new_rows) AS r;
    END IF;
    UPDATE station AS s SET %(target)s = c.codes
    FROM (
        SELECT i.id, ARRAY(
            SELECT t.%(column)s FROM %(table)s AS t WHERE t.station_id = i.id
            ORDER BY t.%(column)s COLLATE "C"
        )::varchar[] AS codes
        FROM unnest(ids) AS i(id)
    ) AS c
    WHERE s.id = c.id AND s.%(target)s IS DISTINCT FROM c.codes;
    RETURN NULL;
END
$body$
"""

# (event, the transition tables it has)
_EVENTS = (
    ("insert", "INSERT", "NEW TABLE AS new_rows"),
    ("update", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("delete", "DELETE", "OLD TABLE AS old_rows"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, target in CODES:
        op.execute(f"ALTER TABLE station ADD COLUMN {target} varchar[] NOT NULL DEFAULT '{{}}'")
        names = {"table": table, "column": column, "target": target}
        op.execute(_BACKFILL % names)
        op.execute(f"CREATE INDEX ix_station_{target} ON station USING gin ({target})")
        op.execute(_FUNCTION % names)
        for name, event, transitions in _EVENTS:
            op.execute(
                f"CREATE TRIGGER {table}_codes_{name} AFTER {event} ON {table} "
                f"REFERENCING {transitions} FOR EACH STATEMENT EXECUTE FUNCTION {table}_codes()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, _column, target in CODES:
        for name, _event, _transitions in _EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_codes_{name} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_codes()")
        op.execute(f"DROP INDEX IF EXISTS ix_station_{target}")
        op.execute(f"ALTER TABLE station DROP COLUMN IF EXISTS {target}")
