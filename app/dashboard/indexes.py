"""Indexes the dashboard queries need, declared on the desk's tables.

``dossier_event(to_status, at)`` bounds every figure query to the period's events (an index
range per counted status) instead of scanning the whole history. Created by the migration
``20261129_dashboard``; declared here too so that models and migrations agree. The lead may
move this declaration into ``app/models/dossier.py`` (``__table_args__``) at merge.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Index, Table

from app.models.dossier import DossierEvent

EVENT_STATUS_AT = "ix_dossier_event_to_status_at"

_table = cast(Table, DossierEvent.__table__)
if EVENT_STATUS_AT not in {index.name for index in _table.indexes}:  # re-import safe
    Index(EVENT_STATUS_AT, _table.c.to_status, _table.c.at)
