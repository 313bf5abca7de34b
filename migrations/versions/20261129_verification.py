"""verification: signed documents attached to a dossier, with their verification result

Revision ID: 20261129_verification
Revises: 20261129_dashboard
Create Date: 2026-11-29 22:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261129_verification"
down_revision: str | Sequence[str] | None = "20261129_dashboard"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dossier_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("indication", sa.String(length=32), nullable=False),
        sa.Column("sub_indication", sa.String(length=64), nullable=True),
        sa.Column("reason_code", sa.String(length=64), nullable=True),
        sa.Column("signatures", sa.Integer(), nullable=False),
        sa.Column("signer_name", sa.String(length=300), nullable=False),
        sa.Column("signer_organization", sa.String(length=300), nullable=False),
        sa.Column("signer_tax_code", sa.String(length=32), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_by", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossier.id"], name=op.f("fk_dossier_document_dossier_id_dossier")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_document")),
    )
    op.create_index(
        op.f("ix_dossier_document_dossier_id"), "dossier_document", ["dossier_id"], unique=False
    )
    op.create_index(
        op.f("ix_dossier_document_sha256"), "dossier_document", ["sha256"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_dossier_document_sha256"), table_name="dossier_document")
    op.drop_index(op.f("ix_dossier_document_dossier_id"), table_name="dossier_document")
    op.drop_table("dossier_document")
