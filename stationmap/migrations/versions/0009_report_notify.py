"""report notify: a district's webhook and the outbox of messages to it

Revision ID: 0009_report_notify
Revises: 0008_reports
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_report_notify"
down_revision = "0008_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "district_notify",
        sa.Column("district_code", sa.String(6), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("unanswered_hours", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.CheckConstraint(
            "format IN ('wecom', 'dingtalk', 'json')", name=op.f("ck_district_notify_format")
        ),
        sa.ForeignKeyConstraint(
            ["district_code"],
            ["district.code"],
            name=op.f("fk_district_notify_district_code_district"),
        ),
        sa.PrimaryKeyConstraint("district_code", name=op.f("pk_district_notify")),
    )
    op.create_table(
        "notification_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(6), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_notification_outbox_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_outbox")),
    )
    op.create_index(
        op.f("ix_notification_outbox_district_code"), "notification_outbox", ["district_code"]
    )
    op.create_index(
        op.f("ix_notification_outbox_next_attempt_at"), "notification_outbox", ["next_attempt_at"]
    )
    op.create_index(
        "ix_notification_outbox_report_event",
        "notification_outbox",
        ["report_id", "event"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ix_notification_outbox_report_event", table_name="notification_outbox")
    op.drop_index(op.f("ix_notification_outbox_next_attempt_at"), table_name="notification_outbox")
    op.drop_index(op.f("ix_notification_outbox_district_code"), table_name="notification_outbox")
    op.drop_table("notification_outbox")
    op.drop_table("district_notify")
