"""Running an intake as one committed transaction, safely under concurrency.

Why a retry loop: on SQLite in WAL mode a transaction that has read before it writes gets
"database is locked" (SQLITE_BUSY_SNAPSHOT) if another intake committed in between; waiting
does not help, starting again does. Nothing is committed before the retry, and the idempotency
key makes a repeated submit return the first dossier, so retrying can never duplicate.

A retry starts a fresh transaction whose first statement is `receive_dossier`'s counter upsert,
a write: later writers then queue on the busy timeout instead of failing with a stale snapshot.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.desk.operations import IntakeResult, find_by_idempotency_key

ATTEMPTS = 12


def _retryable(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text or "deadlock" in text or "could not serialize" in text


def commit_intake(
    session: Session, action: Callable[[], IntakeResult], idempotency_key: str = ""
) -> IntakeResult:
    """Run `action` (a `receive_dossier` call) and commit, retrying transient lock errors."""
    for attempt in range(ATTEMPTS):
        try:
            result = action()
            session.commit()
            return result
        except OperationalError as exc:
            session.rollback()
            if not _retryable(exc) or attempt == ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0.002, 0.02) * (attempt + 1))  # noqa: S311 - jitter only
        except IntegrityError:
            # Two submits of the same form raced: the other one won; show its dossier.
            session.rollback()
            earlier = find_by_idempotency_key(session, idempotency_key)
            if earlier is None:
                raise
            return IntakeResult(earlier, created=False)
    raise AssertionError("unreachable")  # pragma: no cover
