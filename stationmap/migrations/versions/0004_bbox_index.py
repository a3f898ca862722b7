"""bbox index: a spatial index for the API's bounding-box listing on both backends

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

A B-tree on (lat, lon) narrows a box to its latitude band only: across a national
dataset that band holds thousands of stations for a 2 km box. SQLite gets an R*Tree of
station positions, kept current by triggers (soft-deleted stations stay in it; queries
filter them as before). PostgreSQL with PostGIS gets a GiST index on the point as a
planar geometry (see :data:`stationmap.db.SPATIAL_DDL`); without PostGIS it keeps the
B-tree.
"""

from __future__ import annotations

from alembic import op

from stationmap.db import ensure_spatial

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SQLITE_UP = (
    # R*Tree stores 32-bit floats, rounding each box outward: a candidate filter, the
    # exact comparison stays in the query.
    "CREATE VIRTUAL TABLE station_box USING rtree(id, min_lon, max_lon, min_lat, max_lat)",
    "INSERT INTO station_box SELECT id, lon, lon, lat, lat FROM station",
    "CREATE TRIGGER station_box_insert AFTER INSERT ON station BEGIN "
    "INSERT INTO station_box VALUES (new.id, new.lon, new.lon, new.lat, new.lat); END",
    "CREATE TRIGGER station_box_update AFTER UPDATE OF lat, lon ON station BEGIN "
    "UPDATE station_box SET min_lon = new.lon, max_lon = new.lon, "
    "min_lat = new.lat, max_lat = new.lat WHERE id = new.id; END",
    "CREATE TRIGGER station_box_delete AFTER DELETE ON station BEGIN "
    "DELETE FROM station_box WHERE id = old.id; END",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    else:
        ensure_spatial(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("station_box_insert", "station_box_update", "station_box_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS station_box")
    else:
        op.execute("DROP INDEX IF EXISTS ix_station_point")
