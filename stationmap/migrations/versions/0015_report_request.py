"""report request: each send of a report form by its one-time key, and its report

Revision ID: 0015_report_request
Revises: 0014_redundant_indexes
Create Date: 2026-12-07

A rider's phone may lose the answer to a report it did send (the signal drops on the
way back); the form then sends again with the same key, and the key's row leads to the
report the first send made: its receipt, not a second report.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_report_request"
down_revision = "0014_redundant_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_request",
        sa.Column("key", sa.String(43), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("merged", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_request_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_report_request")),
    )
    op.create_index(op.f("ix_report_request_report_id"), "report_request", ["report_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_report_request_report_id"), table_name="report_request")
    op.drop_table("report_request")
