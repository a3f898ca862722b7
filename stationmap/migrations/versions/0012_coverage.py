"""coverage: planning grids, demand points and candidate sites per district

Revision ID: 0012_coverage
Revises: 0011_compact_index
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_coverage"
down_revision = "0011_compact_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coverage_grid",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(6), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("geometry_geojson", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_code"],
            ["district.code"],
            name=op.f("fk_coverage_grid_district_code_district"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_grid")),
    )
    op.create_index(op.f("ix_coverage_grid_district_code"), "coverage_grid", ["district_code"])
    op.create_index(
        "ix_coverage_grid_district_code_code",
        "coverage_grid",
        ["district_code", "code"],
        unique=True,
    )
    op.create_table(
        "coverage_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(6), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('demand', 'candidate')", name=op.f("ck_coverage_point_kind")),
        sa.ForeignKeyConstraint(
            ["district_code"],
            ["district.code"],
            name=op.f("fk_coverage_point_district_code_district"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_point")),
    )
    op.create_index(op.f("ix_coverage_point_district_code"), "coverage_point", ["district_code"])


def downgrade() -> None:
    op.drop_index(op.f("ix_coverage_point_district_code"), table_name="coverage_point")
    op.drop_table("coverage_point")
    op.drop_index("ix_coverage_grid_district_code_code", table_name="coverage_grid")
    op.drop_index(op.f("ix_coverage_grid_district_code"), table_name="coverage_grid")
    op.drop_table("coverage_grid")
