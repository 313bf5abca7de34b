"""lookup: citizen ratings of returned dossiers

Revision ID: 20261129_lookup
Revises: 20261129_activation
Create Date: 2026-11-29 22:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261129_lookup"
down_revision: str | Sequence[str] | None = "20261129_activation"
branch_labels: str | Sequence[str] | None = None
# rating.dossier_id references dossier.id: the desk tables must exist first (PostgreSQL).
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score IN ('very_satisfied', 'satisfied', 'not_satisfied')",
                           name=op.f("ck_rating_score")),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"],
                                name=op.f("fk_rating_dossier_id_dossier")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating")),
        sa.UniqueConstraint("dossier_id", name=op.f("uq_rating_dossier_id")),
    )
    op.create_index(op.f("ix_rating_created_at"), "rating", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_rating_created_at"), table_name="rating")
    op.drop_table("rating")
