"""report request edits: what a form send said, and how many edits it brought

Revision ID: 0016_report_request_edits
Revises: 0015_report_request
Create Date: 2026-12-08

A rider whose first send reached the server (its answer lost) may edit the form before
tapping again with the same key. The key's row now keeps what the last send said
(``content``), so a send that says something else is added to the same report as the
reporter's note instead of being dropped in silence; ``edits`` counts those notes (the
receipt says the changes were added). Rows made before this migration have no content:
a later send of their key answers the first receipt, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_report_request_edits"
down_revision = "0015_report_request"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both backends (no table copy on SQLite).
    op.add_column("report_request", sa.Column("content", sa.JSON(), nullable=True))
    op.add_column(
        "report_request",
        sa.Column("edits", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    with op.batch_alter_table("report_request") as batch:
        batch.drop_column("edits")
        batch.drop_column("content")
