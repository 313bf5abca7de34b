"""All models, imported so that ``Base.metadata`` is complete (Alembic, tests).

Each aggregate lives in its own module; feature helpers add theirs to ``MODULES``.
"""

from __future__ import annotations

import importlib
import importlib.util

from app.models.base import Base

MODULES = ("staff", "agency", "audit", "procedure", "dossier", "activation", "api_client",
           "verification", "trust", "rating", "desk_calendar")


def load_all() -> type[Base]:
    for name in MODULES:
        if importlib.util.find_spec(f"app.models.{name}") is not None:
            importlib.import_module(f"app.models.{name}")
    return Base


load_all()
