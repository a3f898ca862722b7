"""opening hours as written: a station's hours kept as an office wrote them

Revision ID: 0005_hours
Revises: 0004
Create Date: 2026-12-04

Office spreadsheets write hours a person must interpret (夏季8:00-21:00，冬季9:00-19:00:
the seasons' months are not said). Such text is kept in ``station.opening_hours_text``,
with ``opening_hours`` null, so couriers see it as written with the open state unknown
and administrators find it in their to-do list.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_hours"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("station", sa.Column("opening_hours_text", sa.String(500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("station", schema=None) as batch_op:
        batch_op.drop_column("opening_hours_text")
