"""station status: temporary closure, reported closed, amenity outages, staff links

Revision ID: 0010_station_status
Revises: 0009_report_notify
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_station_status"
down_revision = "0009_report_notify"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy on SQLite: the bbox index's triggers stay).
    op.add_column("station", sa.Column("closed_until", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "station", sa.Column("reported_closed_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_table(
        "station_outage",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("amenity", sa.String(30), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["station.id"],
            name=op.f("fk_station_outage_station_id_station"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("station_id", "amenity", name=op.f("pk_station_outage")),
    )
    op.create_index(op.f("ix_station_outage_until"), "station_outage", ["until"])
    op.create_table(
        "staff_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["station.id"],
            name=op.f("fk_staff_link_station_id_station"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_link_token_hash")),
    )
    op.create_index(op.f("ix_staff_link_station_id"), "staff_link", ["station_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_link_station_id"), table_name="staff_link")
    op.drop_table("staff_link")
    op.drop_index(op.f("ix_station_outage_until"), table_name="station_outage")
    op.drop_table("station_outage")
    with op.batch_alter_table("station") as batch:
        batch.drop_column("reported_closed_at")
        batch.drop_column("closed_until")
