"""station change: the stations each data version changed

Revision ID: 0011_compact_index
Revises: 0010_station_status
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_compact_index"
down_revision = "0010_station_status"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "station_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data_version", sa.BigInteger(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("every_station", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_change")),
    )
    op.create_index(op.f("ix_station_change_data_version"), "station_change", ["data_version"])


def downgrade() -> None:
    op.drop_index(op.f("ix_station_change_data_version"), table_name="station_change")
    op.drop_table("station_change")
