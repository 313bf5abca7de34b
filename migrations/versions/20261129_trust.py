"""trust: anchors, intermediates and CRLs added by an admin

Revision ID: 20261129_trust
Revises: 20261129_desk
Create Date: 2026-11-29 22:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261129_trust"
down_revision: str | Sequence[str] | None = "20261129_desk"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trust_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("der", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=1000), nullable=False),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("added_by", sa.String(length=128), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_item")),
        sa.UniqueConstraint("sha256", name=op.f("uq_trust_item_sha256")),
    )
    op.create_table(
        "disabled_default_anchor",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("disabled_by", sa.String(length=128), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_disabled_default_anchor")),
    )


def downgrade() -> None:
    op.drop_table("disabled_default_anchor")
    op.drop_table("trust_item")
