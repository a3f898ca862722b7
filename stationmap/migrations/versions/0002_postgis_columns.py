"""PostGIS: geography points for stations, geometries for districts (PostgreSQL only)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

On SQLite, and on PostgreSQL where PostGIS cannot be enabled, this does nothing;
``stationmap init-db`` applies the same idempotent statements again once PostGIS is
there and tells the operator what to run until then.
"""

from __future__ import annotations

from alembic import op

from stationmap.db import ensure_spatial

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    ensure_spatial(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE station DROP COLUMN IF EXISTS geog")
        op.execute("ALTER TABLE district DROP COLUMN IF EXISTS geom")
