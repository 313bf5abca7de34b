"""Public look-up and ratings: what the citizen's page may show, and the one rating per dossier.

Timing: a known and an unknown key run the same statements (an unknown key is replaced by a
decoy dossier with id -1 whose related rows are queried just the same, and the decoy page is
rendered too), so the answer time adds nothing to the answer itself. The key is looked up by
its keyed hash (desk's lookup_hash column), so the database never compares the raw key.
Misses are rate-limited by the web layer (app/lookup/misses.py).

Cost: the page is read with two prebuilt Core statements on a plain connection (only the
columns shown, no ORM objects or session): the agency joined with the dossier and its
latest promise, revoked receipts and rating; then its timeline. Building a statement per request
cost more than running it, and each further statement cost about as much as the whole template.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.operations import record as audit
from app.desk.operations import (
    KeyedHasher,
    PublicView,
    dossier_timeliness,
    mask_name,
    probe_hash,
    public_view_of,
)
from app.desk.workflow import Status
from app.errors import AppError, Conflict
from app.models.agency import AgencySettings
from app.models.dossier import ApologyLetter, Dossier, DossierEvent, RevokedReceiptToken
from app.models.rating import COMMENT_MAX, Rating, Score
from app.prepared import Prepared, space_joined

NO_DOSSIER = -1
"""Id used for the decoy's queries: never a real row, so the statements match but find nothing."""


@dataclass(frozen=True)
class CollectPlace:
    """Where the result is handed over (the desk's public address; never the applicant's)."""

    method: str
    """"desk" or "post"."""
    agency_name: str
    desk_name: str
    address: str


@dataclass(frozen=True)
class LookupPage:
    """Everything the public page shows; built the same way for hits and misses."""

    found: bool
    view: PublicView
    collect: CollectPlace
    revoked_jtis: tuple[str, ...]
    """Token ids of receipts that were reissued: the page's script reports them as revoked."""
    rated: bool
    issuer: str
    """The public base URL receipts name as ``iss`` (the agency's, else the configured one)."""
    dossier_id: int
    """Internal id (NO_DOSSIER for a miss); never shown."""


_FACTS = (
    Dossier.id, Dossier.code, Dossier.procedure_code, Dossier.procedure_name_vi,
    Dossier.procedure_name_en, Dossier.applicant_name, Dossier.received_at, Dossier.due_at,
    Dossier.status, Dossier.collect_method, Dossier.paused_since, Dossier.finished_at,
)
_Facts = namedtuple("_Facts", [column.key for column in _FACTS])  # type: ignore[misc]
_PROMISED = (select(ApologyLetter.new_due_at).where(ApologyLetter.dossier_id == Dossier.id)
             .order_by(ApologyLetter.id.desc()).limit(1).correlate(Dossier).scalar_subquery())
_REVOKED = (select(space_joined(RevokedReceiptToken.jti))
            .where(RevokedReceiptToken.dossier_id == Dossier.id).correlate(Dossier)
            .scalar_subquery())
_RATED = select(Rating.id).where(Rating.dossier_id == Dossier.id).correlate(Dossier).exists()
_LAST_EVENT = (select(func.max(DossierEvent.id)).where(DossierEvent.dossier_id == Dossier.id)
               .correlate(Dossier).scalar_subquery())
_STATE = Prepared(
    select(AgencySettings.name, AgencySettings.desk_name, AgencySettings.address,
           AgencySettings.public_base_url, _PROMISED.label("promised_at"),
           _REVOKED.label("revoked"), _RATED.label("rated"), _LAST_EVENT.label("last_event"),
           *_FACTS)
    .select_from(AgencySettings)
    .outerjoin(Dossier, Dossier.lookup_hash == bindparam("hash"))
    .order_by(AgencySettings.id).limit(1)
)
"""The agency's row with the dossier's (all NULL for an unknown key): one indexed statement, run
on the DBAPI cursor (app/prepared.py): SQLAlchemy's own execution cost more than the query."""
_TIMELINE = Prepared(select(DossierEvent.at, DossierEvent.to_status)
                     .where(DossierEvent.dossier_id == bindparam("dossier_id"),
                            DossierEvent.id <= bindparam("last_event"))
                     .order_by(DossierEvent.id))
"""Up to the state's newest event: events are only appended, so this is the timeline as of the
state even when a step is committed between the two statements (no transaction needed)."""


def _decoy(now: datetime) -> _Facts:
    """A stand-in with the shape of a real dossier's row (never stored)."""
    return _Facts(id=NO_DOSSIER, code="", procedure_code="", procedure_name_vi="",
                  procedure_name_en="", applicant_name="", received_at=now, due_at=now,
                  status=Status.RECEIVED.value, collect_method="desk", paused_since=None,
                  finished_at=None)


class AgencyMissing(LookupError):
    """Raised by :func:`read_state` on a new instance whose agency row does not exist yet (the
    caller creates it with ``app.admin.agency.get_agency`` and asks again)."""


@dataclass(frozen=True)
class PageState:
    """Everything the page depends on but its timeline, from one statement.

    Equal states (with the same ``timeliness``) give the same page: events are only ever
    appended, so the newest event id stands for the whole timeline.
    """

    found: bool
    facts: Any
    """The dossier's columns (a decoy's for an unknown key)."""
    promised_at: datetime | None
    revoked_jtis: tuple[str, ...]
    rated: bool
    last_event: int | None
    collect: CollectPlace
    issuer: str
    timeliness: str
    """Depends on the time asked, so it is part of the state."""

    def fingerprint(self) -> tuple[Any, ...]:
        """A hashable value equal for equal states (see app/lookup/pages.py), holding only
        what the page shows (the applicant as initials). Every unknown key has the same one:
        the decoy's page is never sent, only built."""
        if not self.found:
            return (False,)
        shown = self.facts._replace(applicant_name=mask_name(self.facts.applicant_name))
        return (self.found, shown, self.promised_at, self.revoked_jtis, self.rated,
                self.last_event, self.collect, self.issuer, self.timeliness)


def read_state(connection: Connection, key: str, now: datetime, configured_base: str,
               hasher: KeyedHasher | None = None) -> PageState:
    """The state for ``key``; an unknown key gets a decoy's (the same statement either way).

    ``configured_base`` is the PUBLIC_BASE_URL setting, used when the agency set none;
    ``hasher`` is the instance cipher the dossiers were received with (desk's lookup_hash).
    """
    rows = _STATE.run(connection, {"hash": probe_hash(key, hasher)})
    if not rows:
        raise AgencyMissing("no agency row")
    row = rows[0]
    name, desk_name, address, agency_base, promised, revoked, rated, last_event = row[:8]
    decoy = _decoy(now)  # built on both paths so they cost the same
    found = row[8] is not None
    facts = _Facts(*row[8:]) if found else decoy
    return PageState(
        found=found, facts=facts, promised_at=promised,
        revoked_jtis=tuple(sorted(revoked.split())) if revoked else (), rated=bool(rated),
        last_event=last_event,
        collect=CollectPlace(facts.collect_method, name, desk_name, address),
        # Same rule as app.admin.agency.public_base_url, without querying the agency twice.
        issuer=(agency_base or configured_base).rstrip("/"),
        timeliness=dossier_timeliness(facts, now).value,
    )


def complete_page(connection: Connection, state: PageState, now: datetime) -> LookupPage:
    """The page for ``state``: its timeline is the second and last statement."""
    timeline = _TIMELINE.run(connection, {"dossier_id": state.facts.id,
                                          "last_event": state.last_event or 0})
    return LookupPage(
        found=state.found, view=public_view_of(state.facts, timeline, state.promised_at, now),
        collect=state.collect, revoked_jtis=state.revoked_jtis, rated=state.rated,
        issuer=state.issuer, dossier_id=state.facts.id,
    )


def load_page(connection: Connection, key: str, now: datetime, configured_base: str,
              hasher: KeyedHasher | None = None) -> LookupPage:
    """The page for ``key``; ``found`` is False for an unknown key (same statements)."""
    state = read_state(connection, key, now, configured_base, hasher)
    return complete_page(connection, state, now)


# ----- ratings ----------------------------------------------------------------------------
class RatingError(AppError):
    """Raised when a rating is refused (not returned yet, already rated, bad input)."""

    status = 409
    code = "rating_refused"


def rate_dossier(session: Session, dossier: Dossier, *, score: str, comment: str,
                 now: datetime, ip: str = "") -> Rating:
    """Record the citizen's one rating of a returned dossier (flushes; audit actor "citizen")."""
    if dossier.status != Status.RETURNED.value:
        raise RatingError(_l("Chỉ có thể đánh giá sau khi đã nhận kết quả hồ sơ."),
                          code="rating_not_returned")
    if session.scalar(select(Rating.id).where(Rating.dossier_id == dossier.id)) is not None:
        raise _already_rated()
    if score not in {s.value for s in Score}:
        raise RatingError(_l("Vui lòng chọn mức độ hài lòng."), code="rating_invalid",
                          status=422, field="score")
    text = comment.strip()
    if len(text) > COMMENT_MAX:
        raise RatingError(_l("Góp ý tối đa %(n)s ký tự.", n=COMMENT_MAX), code="rating_invalid",
                          status=422, field="comment")
    rating = Rating(dossier_id=dossier.id, score=score, comment=text, created_at=now)
    try:
        with session.begin_nested():
            session.add(rating)
            session.flush()
    except IntegrityError as exc:  # a concurrent submit won the unique constraint
        raise _already_rated() from exc
    # The comment may name people: it stays in the rating table, not in the audit log.
    audit(session, actor="citizen", action="dossier.rating", target=dossier.code,
          details={"score": score, "comment": bool(text)}, ip=ip, at=now)
    return rating


def _already_rated() -> Conflict:
    return Conflict(_l("Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần."),
                    code="rating_exists")


@dataclass(frozen=True)
class RatingsSummary:
    """Ratings given in [start, end) (by the time the citizen rated), for the dashboard."""

    start: datetime
    end: datetime
    total: int
    very_satisfied: int
    satisfied: int
    not_satisfied: int
    with_comment: int

    @property
    def satisfied_share(self) -> float | None:
        """Share of "very satisfied" + "satisfied" (the Decree 118 satisfaction index), 0..1."""
        return (self.very_satisfied + self.satisfied) / self.total if self.total else None


def ratings_summary(session: Session, start: datetime, end: datetime) -> RatingsSummary:
    """Count ratings per score between ``start`` (inclusive) and ``end`` (exclusive)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("aware datetimes required")
    window = (Rating.created_at >= start.astimezone(UTC), Rating.created_at < end.astimezone(UTC))
    counts: dict[str, int] = {score: int(n) for score, n in session.execute(
        select(Rating.score, func.count()).where(*window).group_by(Rating.score))}
    commented = session.scalar(select(func.count()).select_from(Rating)
                               .where(*window, Rating.comment != "")) or 0
    return RatingsSummary(
        start=start, end=end, total=sum(counts.values()),
        very_satisfied=counts.get(Score.VERY_SATISFIED.value, 0),
        satisfied=counts.get(Score.SATISFIED.value, 0),
        not_satisfied=counts.get(Score.NOT_SATISFIED.value, 0),
        with_comment=int(commented),
    )
