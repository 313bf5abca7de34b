"""activation: VNeID activation help cases

Revision ID: 20261129_activation
Revises: 20261129_trust
Create Date: 2026-11-29 22:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261129_activation"
down_revision: str | Sequence[str] | None = "20261129_trust"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activation_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("officer_username", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("id_kind", sa.String(length=16), nullable=False),
        sa.Column("personal_id_enc", sa.String(length=255), nullable=True),
        sa.Column("personal_id_hash", sa.String(length=64), nullable=True),
        sa.Column("personal_id_masked", sa.String(length=16), nullable=False),
        sa.Column("age_years", sa.Integer(), nullable=True),
        sa.Column("card_type", sa.String(length=24), nullable=False),
        sa.Column("citizenship", sa.String(length=32), nullable=False),
        sa.Column("guardian", sa.String(length=16), nullable=False),
        sa.Column("level_sought", sa.Integer(), nullable=False),
        sa.Column("guide_version", sa.String(length=10), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("referral", sa.String(length=24), nullable=False),
        sa.Column("failure_reasons", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["staff.id"], name=op.f("fk_activation_case_officer_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activation_case")),
        sa.UniqueConstraint("public_key", name=op.f("uq_activation_case_public_key")),
    )
    for column in ("officer_id", "started_at", "status", "personal_id_hash", "outcome"):
        op.create_index(
            op.f(f"ix_activation_case_{column}"), "activation_case", [column], unique=False
        )


def downgrade() -> None:
    for column in ("outcome", "personal_id_hash", "status", "started_at", "officer_id"):
        op.drop_index(op.f(f"ix_activation_case_{column}"), table_name="activation_case")
    op.drop_table("activation_case")
