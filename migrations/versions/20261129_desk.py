"""desk: procedure catalogue, working calendar days, dossiers, events, receipts

Revision ID: 20261129_desk
Revises: 20261129_foundation
Create Date: 2026-11-29 22:03:58.934159
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "20261129_desk"
down_revision: str | Sequence[str] | None = "20261129_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calendar_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_day'))
    )
    op.create_table('dossier_counter',
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('agency_code', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'agency_code', 'day', name=op.f('pk_dossier_counter'))
    )
    op.create_table('procedure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('national_code', sa.String(length=32), nullable=True),
    sa.Column('groups', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure')),
    sa.UniqueConstraint('code', name=op.f('uq_procedure_code'))
    )
    op.create_table('procedure_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('name_vi', sa.String(length=500), nullable=False),
    sa.Column('name_en', sa.String(length=500), nullable=False),
    sa.Column('processing_days', sa.Integer(), nullable=True),
    sa.Column('processing_hours', sa.Integer(), nullable=True),
    sa.Column('fee_vnd', sa.Integer(), nullable=False),
    sa.Column('fee_note_vi', sa.Text(), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], name=op.f('fk_procedure_version_procedure_id_procedure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure_version')),
    sa.UniqueConstraint('procedure_id', 'effective_from', name=op.f('uq_procedure_version_procedure_id_effective_from'))
    )
    with op.batch_alter_table('procedure_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_version_procedure_id'), ['procedure_id'], unique=False)

    op.create_table('dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('agency_code', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('lookup_key', sa.String(length=64), nullable=False),
    sa.Column('lookup_hash', sa.String(length=64), nullable=True),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('procedure_version_id', sa.Integer(), nullable=False),
    sa.Column('procedure_code', sa.String(length=32), nullable=False),
    sa.Column('procedure_name_vi', sa.String(length=500), nullable=False),
    sa.Column('procedure_name_en', sa.String(length=500), nullable=False),
    sa.Column('processing_days', sa.Integer(), nullable=True),
    sa.Column('processing_hours', sa.Integer(), nullable=True),
    sa.Column('applicant_name', sa.String(length=200), nullable=False),
    sa.Column('applicant_phone', sa.String(length=20), nullable=False),
    sa.Column('applicant_email', sa.String(length=254), nullable=False),
    sa.Column('applicant_address', sa.String(length=500), nullable=False),
    sa.Column('personal_id_enc', sa.String(length=255), nullable=True),
    sa.Column('personal_id_masked', sa.String(length=16), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('sets', sa.Integer(), nullable=False),
    sa.Column('collect_method', sa.String(length=8), nullable=False),
    sa.Column('collect_address', sa.String(length=500), nullable=False),
    sa.Column('fee_vnd', sa.Integer(), nullable=False),
    sa.Column('register_book', sa.String(length=32), nullable=False),
    sa.Column('register_entry', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('original_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('paused_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_by', sa.String(length=128), nullable=False),
    sa.Column('token', sa.Text(), nullable=False),
    sa.Column('token_jti', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], name=op.f('fk_dossier_procedure_id_procedure')),
    sa.ForeignKeyConstraint(['procedure_version_id'], ['procedure_version.id'], name=op.f('fk_dossier_procedure_version_id_procedure_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier')),
    sa.UniqueConstraint('agency_code', 'day', 'seq', name=op.f('uq_dossier_agency_code_day_seq')),
    sa.UniqueConstraint('code', name=op.f('uq_dossier_code')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_dossier_idempotency_key')),
    sa.UniqueConstraint('lookup_key', name=op.f('uq_dossier_lookup_key'))
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_lookup_hash'), ['lookup_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_dossier_procedure_id'), ['procedure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_status'), ['status'], unique=False)

    op.create_table('apology_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('new_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_apology_letter_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_apology_letter'))
    )
    with op.batch_alter_table('apology_letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_apology_letter_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('dossier_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('from_status', sa.String(length=24), nullable=False),
    sa.Column('to_status', sa.String(length=24), nullable=False),
    sa.Column('handed_to', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_dossier_event_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_event'))
    )
    with op.batch_alter_table('dossier_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_event_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('revoked_receipt_token',
    sa.Column('jti', sa.String(length=32), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_revoked_receipt_token_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('jti', name=op.f('pk_revoked_receipt_token'))
    )
    with op.batch_alter_table('revoked_receipt_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revoked_receipt_token_dossier_id'), ['dossier_id'], unique=False)

    _seed_catalogue()



def _seed_catalogue() -> None:
    """Seed version 1 of the catalogue (later seed versions: `motcua procedure seed`)."""
    from app.desk.catalogue import load_catalogue

    bind = op.get_bind()
    catalogue = load_catalogue()
    now = datetime.now(UTC)
    procedure = sa.table(
        "procedure", sa.column("id", sa.Integer), sa.column("code", sa.String),
        sa.column("national_code", sa.String), sa.column("groups", sa.JSON),
        sa.column("active", sa.Boolean), sa.column("created_at", sa.DateTime(timezone=True)),
    )
    version = sa.table(
        "procedure_version", sa.column("procedure_id", sa.Integer),
        sa.column("effective_from", sa.Date), sa.column("name_vi", sa.String),
        sa.column("name_en", sa.String), sa.column("processing_days", sa.Integer),
        sa.column("processing_hours", sa.Integer), sa.column("fee_vnd", sa.Integer),
        sa.column("fee_note_vi", sa.Text), sa.column("documents", sa.JSON),
        sa.column("created_by", sa.String), sa.column("created_at", sa.DateTime(timezone=True)),
    )
    for spec in catalogue.procedures:
        new_id = bind.execute(procedure.insert().values(
            code=spec.code, national_code=spec.national_code, groups=list(spec.groups),
            active=True, created_at=now,
        ).returning(procedure.c.id)).scalar_one()
        bind.execute(version.insert().values(
            procedure_id=new_id, effective_from=catalogue.effective_from, name_vi=spec.name_vi,
            name_en=spec.name_en, processing_days=spec.processing_days,
            processing_hours=spec.processing_hours, fee_vnd=spec.fee_vnd,
            fee_note_vi=spec.fee_note_vi, documents=[d.__dict__ for d in spec.documents],
            created_by="migration", created_at=now,
        ))


def downgrade() -> None:
    with op.batch_alter_table('revoked_receipt_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revoked_receipt_token_dossier_id'))

    op.drop_table('revoked_receipt_token')
    with op.batch_alter_table('dossier_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_event_dossier_id'))

    op.drop_table('dossier_event')
    with op.batch_alter_table('apology_letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_apology_letter_dossier_id'))

    op.drop_table('apology_letter')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_status'))
        batch_op.drop_index(batch_op.f('ix_dossier_received_at'))
        batch_op.drop_index(batch_op.f('ix_dossier_procedure_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_lookup_hash'))
        batch_op.drop_index(batch_op.f('ix_dossier_due_at'))

    op.drop_table('dossier')
    with op.batch_alter_table('procedure_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_version_procedure_id'))

    op.drop_table('procedure_version')
    op.drop_table('procedure')
    op.drop_table('dossier_counter')
    op.drop_table('calendar_day')
