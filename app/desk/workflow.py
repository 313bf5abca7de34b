"""Dossier status workflow: which transitions exist and what they do to the clock.

Pure (no Flask, no database) so the rules are testable on their own and shared by the web
form, the CLI and the API.
"""

from __future__ import annotations

import enum


class Status(enum.StrEnum):
    RECEIVED = "received"
    PROCESSING = "processing"
    WAITING_SUPPLEMENT = "waiting_supplement"
    RESULT_READY = "result_ready"
    RETURNED = "returned"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def is_open(self) -> bool:
        """Still being handled: counts towards "overdue" when past the due time."""
        return self not in FINAL and self is not Status.RESULT_READY

    @property
    def is_final(self) -> bool:
        return self in FINAL


FINAL = frozenset({Status.RETURNED, Status.REFUSED, Status.WITHDRAWN})

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset(
        {
            Status.PROCESSING,
            Status.WAITING_SUPPLEMENT,
            Status.REFUSED,
            Status.WITHDRAWN,
            Status.RESULT_READY,
        }
    ),
    Status.PROCESSING: frozenset(
        {Status.WAITING_SUPPLEMENT, Status.RESULT_READY, Status.REFUSED, Status.WITHDRAWN}
    ),
    Status.WAITING_SUPPLEMENT: frozenset({Status.PROCESSING, Status.REFUSED, Status.WITHDRAWN}),
    Status.RESULT_READY: frozenset({Status.RETURNED}),
    Status.RETURNED: frozenset(),
    Status.REFUSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
"""Allowed moves. RECEIVED -> RESULT_READY covers "làm ngay" procedures finished on the spot."""

NOTE_REQUIRED = frozenset({Status.WAITING_SUPPLEMENT, Status.REFUSED, Status.WITHDRAWN})
"""Moves that need a reason (Mẫu 02 supplement request, Mẫu 03 refusal, withdrawal request)."""


class TransitionError(ValueError):
    """Raised when a status change is not allowed; `code` is stable for the web layer."""

    code = "transition_invalid"


class ImpossibleTransitionError(TransitionError):
    """Raised when the workflow has no arrow from the current status to the requested one."""

    code = "transition_impossible"


class NoteRequiredError(TransitionError):
    """Raised when a supplement request, refusal or withdrawal comes without a reason."""

    code = "note_required"


def check_transition(current: Status, target: Status, note: str) -> None:
    """Raise unless `current -> target` is allowed with this note."""
    if target not in TRANSITIONS[current]:
        raise ImpossibleTransitionError(f"{current} -> {target}")
    if target in NOTE_REQUIRED and not note.strip():
        raise NoteRequiredError(str(target))


def starts_pause(current: Status, target: Status) -> bool:
    """The statutory clock stops while the applicant is asked for a supplement."""
    return target is Status.WAITING_SUPPLEMENT and current is not Status.WAITING_SUPPLEMENT


def ends_pause(current: Status, target: Status) -> bool:
    return current is Status.WAITING_SUPPLEMENT and target is not Status.WAITING_SUPPLEMENT


def finishes(target: Status) -> bool:
    """Moves that fix the timeliness of the dossier (its result time)."""
    return target in {Status.RESULT_READY, Status.REFUSED}
