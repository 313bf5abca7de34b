"""dashboard: index on dossier_event(to_status, at) for the period figures

Revision ID: 20261129_dashboard
Revises: 20261129_api
Create Date: 2026-11-29 22:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "20261129_dashboard"
down_revision: str | Sequence[str] | None = "20261129_api"
branch_labels: str | Sequence[str] | None = None
# The index is on the desk's table: it must exist first.
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_dossier_event_to_status_at", "dossier_event", ["to_status", "at"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_dossier_event_to_status_at", table_name="dossier_event")
