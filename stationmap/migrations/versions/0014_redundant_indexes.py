"""redundant indexes: two B-trees whose column is the first of a unique index beside them

Revision ID: 0014_redundant_indexes
Revises: 0013_station_codes
Create Date: 2026-12-07

``ix_station_revision_station_id`` (station_id) is the leading column of the unique
``ix_station_revision_station_number`` (station_id, number), and
``ix_coverage_grid_district_code`` (district_code) that of the unique
``ix_coverage_grid_district_code_code`` (district_code, code). Every lookup by the
first column alone (a station's history, its last revision number, the cascade when a
station or district is deleted, on PostgreSQL and SQLite alike) is answered by the
composite index; the single-column copy only cost a B-tree insert per row written: a
tenth of the PostgreSQL server's time storing an import's revisions (bench/README.md).
"""

from __future__ import annotations

from alembic import op

revision = "0014_redundant_indexes"
down_revision = "0013_station_codes"
branch_labels = None
depends_on = None

# (index, table, column): each the leading column of a unique index on the same table.
REDUNDANT = (
    ("ix_station_revision_station_id", "station_revision", "station_id"),
    ("ix_coverage_grid_district_code", "coverage_grid", "district_code"),
)


def upgrade() -> None:
    for name, table, _column in REDUNDANT:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, column in REDUNDANT:
        op.create_index(name, table, [column])
