"""reports: workers' reports and demand pins, and each step of their handling

Revision ID: 0008_reports
Revises: 0007_pending_placement
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_reports"
down_revision = "0007_pending_placement"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_code", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("district_code", sa.String(6), nullable=True),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("client_hash", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("repeats", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_reply_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('closed', 'amenity', 'location', 'other', 'demand')",
            name=op.f("ck_report_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('new', 'assigned', 'in_progress', 'resolved', 'rejected')",
            name=op.f("ck_report_status"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["station.id"],
            name=op.f("fk_report_station_id_station"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["district_code"], ["district.code"], name=op.f("fk_report_district_code_district")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["app_user.id"],
            name=op.f("fk_report_assignee_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["station_revision.id"],
            name=op.f("fk_report_revision_id_station_revision"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
        sa.UniqueConstraint("tracking_code", name=op.f("uq_report_tracking_code")),
    )
    for column in (
        "kind",
        "station_id",
        "district_code",
        "status",
        "assignee_id",
        "client_hash",
        "fingerprint",
        "created_at",
        "revision_id",
    ):
        op.create_index(op.f(f"ix_report_{column}"), "report", [column])
    op.create_table(
        "report_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("from_status", sa.String(12), nullable=True),
        sa.Column("to_status", sa.String(12), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_event_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_report_event_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_event")),
    )
    op.create_index(op.f("ix_report_event_report_id"), "report_event", ["report_id"])
    op.create_index(op.f("ix_report_event_user_id"), "report_event", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_report_event_user_id"), table_name="report_event")
    op.drop_index(op.f("ix_report_event_report_id"), table_name="report_event")
    op.drop_table("report_event")
    for column in (
        "kind",
        "station_id",
        "district_code",
        "status",
        "assignee_id",
        "client_hash",
        "fingerprint",
        "created_at",
        "revision_id",
    ):
        op.drop_index(op.f(f"ix_report_{column}"), table_name="report")
    op.drop_table("report")
