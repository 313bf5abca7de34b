"""The models, one module per aggregate; :func:`load_all` imports them all.

Importing this package builds nothing: start-up (and ``/healthz``) must not pay for the ORM.
The whole set is loaded when it is needed: when an app makes its first session
(:mod:`app.db`), when the mappers are first configured (a hook in :mod:`app.models.base`, for
code that builds models without a session), and explicitly wherever ``Base.metadata`` must be
complete (Alembic, tests that create the schema). Feature helpers add theirs to ``MODULES``.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.models.base import Base

MODULES = ("staff", "agency", "audit", "procedure", "dossier", "activation", "api_client",
           "verification", "trust", "rating", "desk_calendar")


def load_all() -> type[Base]:
    """Import every model module, so that ``Base.metadata`` and the mappers are complete."""
    from app.models.base import Base

    for name in MODULES:
        if importlib.util.find_spec(f"app.models.{name}") is not None:
            importlib.import_module(f"app.models.{name}")
    return Base
