"""Staff roles (officer < supervisor < admin): a plain enum without the ORM.

Request guards, the menu and the CLI need the role names at import time; they import them from
here so that starting the app does not build the models. :mod:`app.models.staff` re-exports it.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"officer": 1, "supervisor": 2, "admin": 3}[self.value]

    def covers(self, needed: Role) -> bool:
        """Roles are ordered: an admin may do what a supervisor or officer may."""
        return self.rank >= needed.rank
