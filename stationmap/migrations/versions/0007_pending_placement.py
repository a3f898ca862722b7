"""pending placement: imported rows with an address but no coordinates, to be placed

Revision ID: 0007_pending_placement
Revises: 0005_hostile_web
Create Date: 2026-12-04

A table of their own, so the station table's coordinates stay required and the
nearest index, the bbox index and the PostGIS paths are untouched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_pending_placement"
down_revision = "0005_hostile_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("district_code", sa.String(6), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_placement")),
    )
    op.create_index(
        op.f("ix_pending_placement_district_code"), "pending_placement", ["district_code"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_pending_placement_district_code"), table_name="pending_placement")
    op.drop_table("pending_placement")
