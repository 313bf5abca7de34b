"""Desk domain actions: intake, receipts, status workflow, apology letters, catalogue.

No Flask here: callers pass the session, the moment `now`, the signing key and the desk
settings. Actions only *flush* (or write with Core statements in the session's transaction);
the request (or CLI command) commits once.

Functions used by the public look-up feature (app/lookup):
`find_by_lookup_key`, `probe_hash`, `is_jti_revoked`, `public_view`, `public_view_of`,
`verify_receipt_token`, `timeliness.classify` (re-exported here as `classify`).
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol, cast

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import (
    Connection,
    Date,
    Integer,
    String,
    TextClause,
    bindparam,
    insert,
    inspect,
    select,
    text,
    true,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session, make_transient_to_detached

from app.audit.operations import TAKE_SEQ_CTE
from app.audit.operations import record as audit
from app.desk import tokens
from app.desk.calendar import CalendarConfig, WorkCalendar
from app.desk.catalogue import CatalogueError, check_processing_time, load_catalogue
from app.desk.codes import (
    LookupKeyError,
    format_dossier_code,
    new_lookup_key,
    validate_agency_code,
    validate_lookup_key,
)
from app.desk.qr import receipt_url
from app.desk.timeliness import ZONE, Timeliness, classify
from app.desk.workflow import (
    Status,
    check_transition,
    ends_pause,
    finishes,
    starts_pause,
)
from app.errors import AppError
from app.models.base import from_values, utcnow
from app.models.desk_calendar import CalendarDay
from app.models.dossier import (
    ApologyLetter,
    Dossier,
    DossierCounter,
    DossierEvent,
    RevokedReceiptToken,
)
from app.models.procedure import Procedure, ProcedureVersion
from app.prepared import Prepared, space_joined

__all__ = ["Timeliness", "classify"]


# ----- errors ---------------------------------------------------------------------------
class DeskError(AppError):
    """Raised when a desk action cannot be done; `code` is stable for the web layer."""

    status = 400
    code = "desk_error"


class UnknownProcedureError(DeskError):
    """Raised when the procedure code is unknown, inactive or has no version in force."""

    status = 422
    code = "procedure_unknown"


class InvalidIntakeError(DeskError):
    """Raised when intake data breaks a rule the form should have caught (CLI, API)."""

    status = 422
    code = "intake_invalid"

    def __init__(self, field_name: str) -> None:
        super().__init__(field_name, field=field_name)


class InvalidProcedureVersionError(DeskError):
    """Raised when an admin's catalogue edit is malformed or dated in the past."""

    status = 422
    code = "procedure_version_invalid"


class NotOverdueError(DeskError):
    """Raised when an apology letter is asked for a dossier that is not overdue."""

    status = 409
    code = "not_overdue"


# ----- context --------------------------------------------------------------------------
class SigningKeyLike(Protocol):
    """app.keys.SigningKey, or any object with the same two read-only attributes."""

    @property
    def kid(self) -> str: ...

    @property
    def private_key(self) -> ec.EllipticCurvePrivateKey: ...


@dataclass(frozen=True)
class DeskContext:
    """What every desk action needs to know about this office."""

    agency_code: str
    base_url: str
    """Public base URL (token `iss`, QR host)."""
    calendar: WorkCalendar | CalendarConfig = field(default_factory=CalendarConfig)
    """The working calendar: a complete `WorkCalendar`, or the office's `CalendarConfig`, to
    which an intake adds the days off and make-up days declared by an admin, read with its own
    first statement (one statement fewer than `load_calendar` before it)."""


# Statements of the hot paths (intake, public look-up) are built once per process: building a
# SQLAlchemy statement costs more than running it. They run on the session's connection (Core),
# which skips the ORM layer where no mapped object is needed; those of the intake run through
# `Prepared` (app/prepared.py), which skips most of Core's per-statement work too.
_CALENDAR_DAYS = Prepared(select(CalendarDay.day, CalendarDay.kind))
_DEFAULT_CALENDAR = CalendarConfig()


def load_calendar(session: Session, base: CalendarConfig | None = None) -> WorkCalendar:
    """The working calendar with the admin-declared days off and make-up days."""
    rows = _CALENDAR_DAYS.run(session.connection())
    return _work_calendar(base or _DEFAULT_CALENDAR, frozenset(rows))


_DECLARED_DAYS = (
    select(space_joined(sql_cast(CalendarDay.day, String(10)) + ":" + CalendarDay.kind))
    .scalar_subquery()
)
"""The declared days as one string, "2026-12-31:off 2027-01-02:work" (None if there are none),
read as a column of the intake's first statement."""


@functools.lru_cache(maxsize=16)
def _calendar_from(config: CalendarConfig, declared: str | None) -> WorkCalendar:
    """The calendar for these settings and `_DECLARED_DAYS`' string."""
    rows = []
    for item in (declared or "").split():
        day, _, kind = item.partition(":")
        rows.append((date.fromisoformat(day), kind))
    return _work_calendar(config, frozenset(rows))


@functools.lru_cache(maxsize=16)
def _work_calendar(config: CalendarConfig, rows: frozenset[tuple[Any, ...]]) -> WorkCalendar:
    """The calendar for these settings and declared days, built once while they stay the
    same (a WorkCalendar is immutable; building one validates the settings again)."""
    off = frozenset(day for day, kind in rows if kind == "off") | config.extra_days_off
    work = frozenset(day for day, kind in rows if kind == "work") | config.makeup_days
    return WorkCalendar(
        CalendarConfig(
            weekday_sessions=config.weekday_sessions,
            saturday_sessions=config.saturday_sessions,
            cutoff=config.cutoff,
            extra_days_off=off,
            makeup_days=work,
            use_public_holidays=config.use_public_holidays,
            zone=config.zone,
        )
    )


# ----- catalogue ------------------------------------------------------------------------
def seed_catalogue(session: Session, actor: str = "seed") -> int:
    """Insert the seed procedures that are not there yet; returns how many were added."""
    catalogue = load_catalogue()
    existing = set(session.scalars(select(Procedure.code)))
    added = 0
    for spec in catalogue.procedures:
        if spec.code in existing:
            continue
        procedure = Procedure(
            code=spec.code, national_code=spec.national_code, groups=list(spec.groups)
        )
        procedure.versions.append(
            ProcedureVersion(
                effective_from=catalogue.effective_from,
                name_vi=spec.name_vi,
                name_en=spec.name_en,
                processing_days=spec.processing_days,
                processing_hours=spec.processing_hours,
                fee_vnd=spec.fee_vnd,
                fee_note_vi=spec.fee_note_vi,
                documents=[doc.__dict__ for doc in spec.documents],
                created_by=actor,
            )
        )
        session.add(procedure)
        added += 1
    session.flush()
    return added


def version_in_force(session: Session, procedure: Procedure, on: date) -> ProcedureVersion | None:
    return session.scalars(
        select(ProcedureVersion)
        .where(ProcedureVersion.procedure_id == procedure.id, ProcedureVersion.effective_from <= on)
        .order_by(ProcedureVersion.effective_from.desc())
        .limit(1)
    ).first()


@dataclass(frozen=True)
class ProcedureRow:
    """A procedure with the version in force on a given day (for lists and forms)."""

    code: str
    national_code: str | None
    groups: tuple[str, ...]
    name_vi: str
    name_en: str
    processing_days: int | None
    processing_hours: int | None
    fee_vnd: int
    documents: tuple[dict[str, Any], ...]
    effective_from: date


def list_procedures(session: Session, on: date) -> list[ProcedureRow]:
    rows = []
    for procedure in session.scalars(
        select(Procedure).where(Procedure.active).order_by(Procedure.id)
    ):
        version = version_in_force(session, procedure, on)
        if version is None:
            continue
        rows.append(
            ProcedureRow(
                procedure.code,
                procedure.national_code,
                tuple(procedure.groups),
                version.name_vi,
                version.name_en,
                version.processing_days,
                version.processing_hours,
                version.fee_vnd,
                tuple(version.documents),
                version.effective_from,
            )
        )
    return rows


def add_procedure_version(
    session: Session,
    code: str,
    *,
    effective_from: date,
    name_vi: str,
    name_en: str,
    processing_days: int | None,
    processing_hours: int | None,
    fee_vnd: int,
    documents: Sequence[dict[str, Any]],
    actor: str,
    today: date,
    fee_note_vi: str = "",
) -> ProcedureVersion:
    """An admin's edit: a new dated version. Past dates are refused so that dossiers already
    received are never re-explained by a version that did not exist when they came in."""
    procedure = session.scalars(select(Procedure).where(Procedure.code == code)).first()
    if procedure is None:
        raise UnknownProcedureError(code)
    if effective_from < today:
        raise InvalidProcedureVersionError("effective_from", field="effective_from")
    try:
        check_processing_time(processing_days, processing_hours)
    except CatalogueError as exc:
        raise InvalidProcedureVersionError("processing_time", field="processing_days") from exc
    if fee_vnd < 0 or not name_vi.strip():
        raise InvalidProcedureVersionError("fee_or_name", field="name_vi")
    version = session.scalars(
        select(ProcedureVersion).where(
            ProcedureVersion.procedure_id == procedure.id,
            ProcedureVersion.effective_from == effective_from,
        )
    ).first()
    if version is None:
        version = ProcedureVersion(procedure_id=procedure.id, effective_from=effective_from)
        session.add(version)
    version.name_vi, version.name_en = name_vi.strip(), name_en.strip()
    version.processing_days, version.processing_hours = processing_days, processing_hours
    version.fee_vnd, version.fee_note_vi = fee_vnd, fee_note_vi
    version.documents, version.created_by = [dict(d) for d in documents], actor
    session.flush()
    audit(
        session,
        actor=actor,
        action="procedure.version",
        target=code,
        details={"effective_from": effective_from.isoformat()},
    )
    return version


# ----- counters -------------------------------------------------------------------------
def _counter_upsert(rows: int) -> TextClause:
    """One INSERT ... ON CONFLICT DO UPDATE ... RETURNING for ``rows`` counters (binds scope<i>,
    day<i>, agency). Written as SQL text because SQLAlchemy does not cache the compiled form of
    a multi-row upsert; the text is valid on PostgreSQL and on SQLite (3.35+) alike."""
    values = ", ".join(f"(:scope{i}, :agency, :day{i}, 1)" for i in range(rows))
    return (
        text(
            "INSERT INTO dossier_counter (scope, agency_code, day, last_seq) "  # noqa: S608
            f"VALUES {values} ON CONFLICT (scope, agency_code, day) "
            "DO UPDATE SET last_seq = dossier_counter.last_seq + 1 RETURNING scope, last_seq"
        )
        .bindparams(*(bindparam(f"day{i}", type_=Date()) for i in range(rows)))
        .columns(scope=String(), last_seq=Integer())
    )


_UPSERTS = {rows: Prepared(_counter_upsert(rows)) for rows in (1, 2)}


def _take_numbers(connection: Connection, agency_code: str,
                  counters: Sequence[tuple[str, date]]) -> dict[str, int]:
    """Atomically take the next number of each (scope, day) counter, in the order given, with
    one statement; returns {scope: number}."""
    rows = _UPSERTS[len(counters)].run(connection, _counter_params(agency_code, counters))
    return {scope: int(seq) for scope, seq in rows}


def _counter_params(agency_code: str, counters: Sequence[tuple[str, date]]) -> dict[str, Any]:
    """The binds of `_counter_upsert` (agency, scope<i>, day<i>) for these counters."""
    params: dict[str, Any] = {"agency": agency_code}
    for i, (scope, day) in enumerate(counters):
        params[f"scope{i}"], params[f"day{i}"] = scope, day
    return params


_GIVE_BACK = (
    update(DossierCounter.__table__)
    .where(DossierCounter.scope == bindparam("b_scope"),
           DossierCounter.agency_code == bindparam("b_agency"),
           DossierCounter.day == bindparam("b_day"))
    .values(last_seq=DossierCounter.last_seq - 1)
)


def _give_back(connection: Connection, agency_code: str,
               counters: Sequence[tuple[str, date]]) -> None:
    """Undo `_take_numbers` for an intake that will not happen (double submit, unknown
    procedure). Safe: this transaction still holds the counters' row locks, so nobody has taken
    a later number; the next intake gets the same number, as after a rollback."""
    connection.execute(
        _GIVE_BACK,
        [{"b_scope": scope, "b_agency": agency_code, "b_day": day} for scope, day in counters],
    )


def next_sequence(session: Session, agency_code: str, day: date, scope: str = "day") -> int:
    """Atomically take the next number: INSERT ... ON CONFLICT DO UPDATE ... RETURNING.

    The row stays locked until the transaction ends (PostgreSQL row lock; SQLite write lock),
    so concurrent intakes queue on it; a rolled-back intake gives its number back: no gaps.
    """
    return _take_numbers(session.connection(), agency_code, [(scope, day)])[scope]


# ----- intake ---------------------------------------------------------------------------
_PERSONAL_ID_RE = re.compile(r"\d{12}")


def mask_personal_id(number: str) -> str:
    """`001******789`: enough for the officer to recognise, useless to anyone else."""
    from identity.personal_id import mask_id  # lazy: keeps the blueprint import light

    return mask_id(number)


@dataclass(frozen=True)
class ReceivedItem:
    name: str
    sets: int = 1
    original: bool = False


@dataclass(frozen=True)
class IntakeData:
    """What the officer typed. Validated by the form; re-checked here for the CLI and API."""

    procedure_code: str
    applicant_name: str
    applicant_phone: str = ""
    applicant_email: str = ""
    applicant_address: str = ""
    personal_id: str = ""
    """12-digit personal ID, optional; stored encrypted, shown masked."""
    documents: tuple[ReceivedItem, ...] = ()
    """Empty means: the procedure's required documents, one set each."""
    sets: int = 1
    collect_method: str = "desk"
    collect_address: str = ""
    fee_vnd: int | None = None
    """None: the procedure's fee."""
    idempotency_key: str = ""


class KeyedHasher(Protocol):
    def keyed_hash(self, value: str, context: str) -> str: ...


class CipherLike(KeyedHasher, Protocol):
    def encrypt(self, plaintext: str, context: str) -> str: ...


LOOKUP_HASH_CONTEXT = "dossier.lookup_key"


def lookup_hash(key: str, hasher: KeyedHasher | None) -> str:
    """What the public look-up searches by: the instance's keyed hash (HMAC) of the key, so the
    database never compares the raw key. Without a hasher (library use and tests that pass
    ``cipher=None``) a plain SHA-256 under the same context: still never the raw key; the web,
    CLI and API always pass the instance cipher."""
    if hasher is not None:
        return hasher.keyed_hash(key, LOOKUP_HASH_CONTEXT)
    return hashlib.sha256(f"{LOOKUP_HASH_CONTEXT}\x00{key}".encode()).hexdigest()


def _check(data: IntakeData) -> None:
    if not 2 <= len(data.applicant_name.strip()) <= 200:
        raise InvalidIntakeError("applicant_name")
    if data.personal_id and not _PERSONAL_ID_RE.fullmatch(data.personal_id):
        raise InvalidIntakeError("personal_id")
    if data.collect_method not in {"desk", "post"}:
        raise InvalidIntakeError("collect_method")
    if data.collect_method == "post" and not data.collect_address.strip():
        raise InvalidIntakeError("collect_address")
    if not 1 <= data.sets <= 99 or (data.fee_vnd is not None and data.fee_vnd < 0):
        raise InvalidIntakeError("sets")
    if any(not item.name.strip() or not 1 <= item.sets <= 99 for item in data.documents):
        raise InvalidIntakeError("documents")


_BY_IDEMPOTENCY_KEY = select(Dossier.id).where(Dossier.idempotency_key == bindparam("key"))


def find_by_idempotency_key(session: Session, key: str) -> Dossier | None:
    if not key:
        return None
    session.flush()  # an intake of this session not flushed yet must be found too
    found = session.connection().execute(_BY_IDEMPOTENCY_KEY, {"key": key}).scalar()
    return None if found is None else session.get(Dossier, found)


def due_time(
    calendar: WorkCalendar, received_at: datetime, days: int | None, hours: int | None
) -> datetime:
    if hours is not None:
        return calendar.due_in_working_hours(received_at, hours)
    if days is None:
        raise UnknownProcedureError("no processing time")
    return calendar.due_in_working_days(received_at, days)


def issue_token(dossier: Dossier, key: SigningKeyLike, base_url: str, now: datetime) -> str:
    """Sign a fresh receipt token for `dossier` and remember it (and its jti) on the row."""
    dossier.token, dossier.token_jti = _signed_token(
        key, base_url, now, code=dossier.code, procedure_code=dossier.procedure_code,
        received_at=dossier.received_at, due_at=dossier.original_due_at,
        agency_code=dossier.agency_code,
    )
    return dossier.token


def _signed_token(key: SigningKeyLike, base_url: str, now: datetime, *, code: str,
                  procedure_code: str, received_at: datetime, due_at: datetime,
                  agency_code: str) -> tuple[str, str]:
    """(token, jti) of a fresh receipt token for these dossier facts."""
    claims = tokens.ReceiptClaims(
        iss=base_url, sub=code, proc=procedure_code, rcv=int(received_at.timestamp()),
        due=int(due_at.timestamp()), agc=agency_code, iat=int(now.timestamp()),
        jti=tokens.new_jti(),
    )
    return tokens.sign(claims, key.private_key, kid=key.kid), claims.jti


def lookup_url(dossier: Dossier, base_url: str) -> str:
    """The QR content `<base>/r/<key>#<token>`."""
    return receipt_url(base_url, dossier.lookup_key, dossier.token)


_VERSION_SELECT = (
    select(
        _BY_IDEMPOTENCY_KEY.scalar_subquery().label("earlier"),
        Procedure.id.label("procedure_id"), Procedure.code, ProcedureVersion.id,
        ProcedureVersion.name_vi, ProcedureVersion.name_en, ProcedureVersion.processing_days,
        ProcedureVersion.processing_hours, ProcedureVersion.fee_vnd, ProcedureVersion.documents,
        _DECLARED_DAYS.label("declared_days"),
    )
    .join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
    .where(
        Procedure.code == bindparam("code"),
        Procedure.active,
        ProcedureVersion.effective_from <= bindparam("on"),
    )
    .order_by(ProcedureVersion.effective_from.desc())
    .limit(1)
)
_VERSION_IN_FORCE = Prepared(_VERSION_SELECT)
"""The active procedure's version in force on a day (the snapshot an intake copies), with
the id of the dossier already received under the idempotency key (``earlier``), if any."""


_NUMBERS = _counter_upsert(2).cte("numbers")
_NUMBERS_AND_VERSION = Prepared(_VERSION_SELECT.add_columns(*(
    select(_NUMBERS.c.last_seq).where(_NUMBERS.c.scope == bindparam(f"scope{i}"))
    .scalar_subquery() for i in range(2)
)))
"""PostgreSQL: `_take_numbers` for two counters and `_VERSION_IN_FORCE` in one statement (the
upsert as a data-modifying WITH, which runs even when no version row comes back). The read
then shares the statement's snapshot, taken before any wait for the counter row: a double
submit committed meanwhile is not seen here but stopped by the unique idempotency key, and
commit_intake returns the first dossier, as for any race of two submits."""


def _numbers_and_version(connection: Connection, agency: str,
                         counters: Sequence[tuple[str, date]], version_params: dict[str, Any]
                         ) -> tuple[dict[str, int], _Snapshot | None]:
    """The numbers of the two `counters` (taken first: lock order) and the version in force
    (`version_params`: the binds of `_VERSION_IN_FORCE`)."""
    if connection.dialect.name != "postgresql":
        numbers = _take_numbers(connection, agency, counters)
        rows = _VERSION_IN_FORCE.run(connection, version_params)
        return numbers, _Snapshot(*rows[0]) if rows else None
    rows = _NUMBERS_AND_VERSION.run(connection,
                                    {**_counter_params(agency, counters), **version_params})
    if not rows:
        return {}, None
    *snapshot, day_seq, year_seq = rows[0]
    return {counters[0][0]: day_seq, counters[1][0]: year_seq}, _Snapshot(*snapshot)


class _Snapshot(NamedTuple):
    """A row of `_VERSION_IN_FORCE`, in its column order."""

    earlier: int | None
    procedure_id: int
    code: str
    id: int
    name_vi: str
    name_en: str
    processing_days: int | None
    processing_hours: int | None
    fee_vnd: int
    documents: list[dict[str, Any]]
    declared_days: str | None


_DOSSIER, _EVENT = Dossier.__table__, DossierEvent.__table__
_INSERT_DOSSIER = Prepared(insert(_DOSSIER).returning(_DOSSIER.c.id))
_INSERT_EVENT = Prepared(insert(_EVENT))
_EVENT_COLUMNS = tuple(c for c in _EVENT.columns if c.key not in ("id", "dossier_id"))
_RECEIVED = (
    insert(_DOSSIER)
    .values({c.key: bindparam(f"d_{c.key}", type_=c.type)
             for c in _DOSSIER.columns if c.key != "id"})
    .returning(_DOSSIER.c.id)
    .cte("received")
)
_FIRST_EVENT = (
    insert(_EVENT)
    .from_select(
        ["dossier_id", *(c.key for c in _EVENT_COLUMNS)],
        select(_RECEIVED.c.id, *(bindparam(f"e_{c.key}", type_=c.type) for c in _EVENT_COLUMNS)),
    )
    .returning(_EVENT.c.id)
    .cte("first_event")
)
_INSERT_ALL = Prepared(
    select(_RECEIVED.c.id, TAKE_SEQ_CTE.c.seq, TAKE_SEQ_CTE.c.last_hash)
    .select_from(_RECEIVED.outerjoin(TAKE_SEQ_CTE, true()))
    .add_cte(_FIRST_EVENT)
)
"""PostgreSQL: the dossier, its first event and the audit number (`TAKE_SEQ_CTE`) in one
statement (data-modifying WITHs), two round trips fewer; SQLite has no INSERT inside WITH."""


def _insert_received(connection: Connection, values: dict[str, Any],
                     event: dict[str, Any]) -> tuple[int, tuple[int, str] | None]:
    """Write the dossier (`values`: every column but id) and its first event (`event`: every
    column but id and dossier_id); returns the dossier id, and on PostgreSQL the audit number
    taken (seq, last_hash) for `audit(taken=...)` (None: not taken)."""
    if connection.dialect.name == "postgresql":
        params = {f"d_{name}": value for name, value in values.items()}
        params.update({f"e_{name}": value for name, value in event.items()})
        dossier_id, seq, last_hash = _INSERT_ALL.run(connection, params)[0]
        return int(dossier_id), None if seq is None else (seq, last_hash)
    dossier_id = int(_INSERT_DOSSIER.run(connection, values)[0][0])
    _INSERT_EVENT.run(connection, {**event, "dossier_id": dossier_id})
    return dossier_id, None


_DOSSIER_MAPPER = inspect(Dossier)


def _persistent(session: Session, values: dict[str, Any]) -> Dossier:
    """The dossier just written by a Core INSERT (`values`: every column), put in the session
    in the state a query leaves a row in: columns loaded, relationships (events, apologies)
    loaded on first access. Built as the ORM builds loaded rows (see `from_values`): on the
    intake path the unit-of-work bookkeeping cost more than the SQL."""
    dossier = from_values(Dossier, values)
    make_transient_to_detached(dossier)  # "loaded" with the values just written
    key = _DOSSIER_MAPPER.identity_key_from_primary_key((values["id"],))
    stale = session.identity_map.get(key)
    if stale is not None:  # left by a rolled-back intake whose id the database reused
        session.expunge(stale)
    session.add(dossier)
    return dossier


class IntakeResult:
    """What an intake gives back: the dossier, and whether this call created it (False when
    the idempotency key matched an earlier intake: a double submit).

    The ORM object of a dossier just written is built on first use of `dossier` (see
    `_persistent`): the row is committed either way, and a caller that only needs `code`
    (bulk import, scripts) does not pay for the object and its session bookkeeping.
    """

    __slots__ = ("_dossier", "_written", "created")

    def __init__(self, dossier: Dossier, created: bool) -> None:
        self._dossier: Dossier | None = dossier
        self._written: tuple[Session, dict[str, Any]] | None = None
        self.created = created

    @classmethod
    def written(cls, session: Session, values: dict[str, Any]) -> IntakeResult:
        """A dossier just written with `values` (every column) in `session`'s transaction."""
        result = cls.__new__(cls)
        result._dossier, result._written, result.created = None, (session, values), True
        return result

    @property
    def dossier(self) -> Dossier:
        if self._dossier is None and self._written is not None:
            self._dossier = _persistent(*self._written)
        return cast(Dossier, self._dossier)

    @property
    def code(self) -> str:
        return str(self._written[1]["code"]) if self._written else self.dossier.code


def receive_dossier(
    session: Session,
    ctx: DeskContext,
    data: IntakeData,
    *,
    key: SigningKeyLike,
    cipher: CipherLike | None,
    actor: str,
    now: datetime,
) -> IntakeResult:
    """Register a dossier: code, due time, look-up key and signed token, in one transaction.

    The day sequence (the code) and the register-book entry are taken first, in that lock
    order, with one statement: it is the transaction's first write, so concurrent intakes queue
    on it (PostgreSQL row lock, SQLite write lock) before reading anything they will rely on.
    The rows are then written with Core INSERTs and the returned dossier built from the values
    written (see `_persistent`): the object a query would return, at a fraction of the cost.
    """
    _check(data)
    local_now = now.astimezone(ZONE)
    today = local_now.date()
    agency = validate_agency_code(ctx.agency_code)
    session.flush()  # an intake of this session not flushed yet must be found too
    counters = [("day", today), ("year", date(local_now.year, 1, 1))]
    connection = session.connection()
    # One query answers both "was this form submitted already?" and "which version applies?".
    numbers, version = _numbers_and_version(
        connection, agency, counters,
        {"code": data.procedure_code, "on": today, "key": data.idempotency_key},
    )
    if version is None or (version.earlier is not None and data.idempotency_key):
        _give_back(connection, agency, counters)
        earlier = find_by_idempotency_key(session, data.idempotency_key)
        if earlier is not None:  # a double submit returns its first dossier
            return IntakeResult(earlier, created=False)
        raise UnknownProcedureError(data.procedure_code)
    calendar = (ctx.calendar if isinstance(ctx.calendar, WorkCalendar)
                else _calendar_from(ctx.calendar, version.declared_days))
    due = due_time(calendar, now, version.processing_days, version.processing_hours)
    code = format_dossier_code(agency, today, numbers["day"])
    token, jti = _signed_token(key, ctx.base_url, now, code=code, procedure_code=version.code,
                               received_at=now, due_at=due, agency_code=agency)
    documents = data.documents or tuple(
        ReceivedItem(str(doc["name_vi"]), 1, bool(doc.get("original")))
        for doc in version.documents
        if doc.get("required", True)
    )
    lookup_key = new_lookup_key()
    values: dict[str, Any] = {
        "code": code,
        "agency_code": agency,
        "day": today,
        "seq": numbers["day"],
        "lookup_key": lookup_key,
        "lookup_hash": lookup_hash(lookup_key, cipher),
        "idempotency_key": data.idempotency_key or None,
        "procedure_id": version.procedure_id,
        "procedure_version_id": version.id,
        "procedure_code": version.code,
        "procedure_name_vi": version.name_vi,
        "procedure_name_en": version.name_en,
        "processing_days": version.processing_days,
        "processing_hours": version.processing_hours,
        "applicant_name": data.applicant_name.strip(),
        "applicant_phone": data.applicant_phone.strip(),
        "applicant_email": data.applicant_email.strip(),
        "applicant_address": data.applicant_address.strip(),
        "personal_id_enc": (
            cipher.encrypt(data.personal_id, "dossier.personal_id")
            if data.personal_id and cipher
            else None
        ),
        "personal_id_masked": mask_personal_id(data.personal_id) if data.personal_id else "",
        "documents": [
            {"name": d.name.strip(), "sets": d.sets, "original": d.original} for d in documents
        ],
        "sets": data.sets,
        "collect_method": data.collect_method,
        "collect_address": data.collect_address.strip(),
        "fee_vnd": version.fee_vnd if data.fee_vnd is None else data.fee_vnd,
        "register_book": str(local_now.year),
        "register_entry": numbers["year"],
        "received_at": now,
        "original_due_at": due,
        "due_at": due,
        "status": Status.RECEIVED.value,
        "received_by": actor,
        "paused_since": None,
        "finished_at": None,
        "returned_at": None,
        "token": token,
        "token_jti": jti,
        "created_at": utcnow(),
    }
    event_values: dict[str, Any] = {
        "at": now, "actor": actor, "from_status": "", "to_status": Status.RECEIVED.value,
        "handed_to": "", "note": "", "due_at": due,
    }
    values["id"], taken = _insert_received(connection, values, event_values)
    audit(
        session,
        actor=actor,
        action="dossier.receive",
        target=code,
        details={"procedure": version.code},
        at=now,
        taken=taken,
    )
    return IntakeResult.written(session, values)


def reissue_receipt(
    session: Session,
    dossier: Dossier,
    *,
    key: SigningKeyLike,
    base_url: str,
    actor: str,
    reason: str,
    now: datetime,
) -> str:
    """New token (same code and key); the old token is reported as revoked from now on."""
    session.add(
        RevokedReceiptToken(
            jti=dossier.token_jti, dossier_id=dossier.id, revoked_at=now, reason=reason[:255]
        )
    )
    token = issue_token(dossier, key, base_url, now)
    session.flush()
    audit(session, actor=actor, action="dossier.receipt_reissue", target=dossier.code, at=now)
    return token


# ----- workflow -------------------------------------------------------------------------
def change_status(
    session: Session,
    dossier: Dossier,
    target: Status,
    *,
    calendar: WorkCalendar,
    actor: str,
    now: datetime,
    note: str = "",
    handed_to: str = "",
) -> DossierEvent:
    """Move a dossier along the workflow, pausing/resuming the clock as the move requires."""
    current = Status(dossier.status)
    check_transition(current, target, note)
    if starts_pause(current, target):
        dossier.paused_since = now
    elif ends_pause(current, target) and dossier.paused_since is not None:
        dossier.due_at = calendar.shift_due(dossier.due_at, dossier.paused_since, now)
        dossier.paused_since = None
    if finishes(target):
        dossier.finished_at = now
    if target is Status.RETURNED:
        dossier.returned_at = now
    dossier.status = target.value
    event = DossierEvent(
        at=now,
        actor=actor,
        from_status=current.value,
        to_status=target.value,
        note=note.strip(),
        handed_to=handed_to.strip(),
        due_at=dossier.due_at,
    )
    dossier.events.append(event)
    session.flush()
    audit(
        session,
        actor=actor,
        action="dossier.status",
        target=dossier.code,
        details={"from": current.value, "to": target.value},
        at=now,
    )
    return event


def dossier_timeliness(dossier: Dossier, now: datetime) -> Timeliness:
    """Early / on time / overdue (or in progress) against the due time after pauses.

    While paused for a supplement the clock is stopped, so a paused dossier is not overdue.
    """
    if dossier.status in (Status.WITHDRAWN.value, Status.REFUSED.value):
        # Refused and withdrawn dossiers have no result to time (the dashboard counts them apart).
        return Timeliness.NOT_TIMED
    if dossier.paused_since is not None:
        return Timeliness.IN_PROGRESS
    return classify(dossier.due_at, dossier.finished_at, now)


def add_apology(
    session: Session,
    dossier: Dossier,
    *,
    reason: str,
    new_due_at: datetime,
    actor: str,
    now: datetime,
) -> ApologyLetter:
    """Thư xin lỗi with a new date; only for an overdue dossier, the new date in the future."""
    if dossier_timeliness(dossier, now) is not Timeliness.OVERDUE:
        raise NotOverdueError(dossier.code)
    if new_due_at <= now or not reason.strip():
        raise InvalidIntakeError("new_due_at")
    letter = ApologyLetter(
        dossier_id=dossier.id,
        created_at=now,
        created_by=actor,
        reason=reason.strip(),
        new_due_at=new_due_at,
    )
    dossier.apologies.append(letter)
    session.flush()
    audit(
        session,
        actor=actor,
        action="dossier.apology",
        target=dossier.code,
        details={"new_due_at": new_due_at.isoformat()},
        at=now,
    )
    return letter


# ----- public look-up (used by app/lookup) ----------------------------------------------
def probe_hash(key: str, hasher: KeyedHasher | None) -> str:
    """The lookup_hash to search for ``key``. A malformed key is replaced by one that is never
    issued, so it still costs one hash and one indexed query: the answer time does not tell a
    well-shaped key from a badly shaped one."""
    try:
        validate_lookup_key(key)
    except LookupKeyError:
        key = "-" * 22  # never a real key (shape check is skipped for the probe)
    return lookup_hash(key, hasher)


_BY_LOOKUP_HASH = select(Dossier).where(Dossier.lookup_hash == bindparam("hash"))


def find_by_lookup_key(session: Session, key: str,
                       hasher: KeyedHasher | None = None) -> Dossier | None:
    """The dossier for a look-up key, or None; searched by its keyed hash (see lookup_hash:
    pass the cipher the dossier was received with)."""
    return session.scalars(_BY_LOOKUP_HASH, {"hash": probe_hash(key, hasher)}).first()


def is_jti_revoked(session: Session, jti: str) -> bool:
    """Callback for `tokens.verify(..., is_revoked=...)`."""
    return session.get(RevokedReceiptToken, jti) is not None


def verify_receipt_token(
    session: Session, token: str, jwks: dict[str, Any], issuer: str
) -> tokens.VerifiedReceipt:
    """Server-side check of a receipt token including revocation; raises ReceiptTokenError."""
    return tokens.verify(token, jwks, issuer, is_revoked=lambda jti: is_jti_revoked(session, jti))


def mask_name(name: str) -> str:
    """Initials only: "Nguyễn Thị Hằng" -> "N. T. H." (the look-up page is public)."""
    return " ".join(f"{part[0].upper()}." for part in name.split() if part)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    status: str
    """Workflow status reached (see workflow.Status)."""


@dataclass(frozen=True)
class PublicView:
    """What the public page may show: no contact data, no ID, no internal notes."""

    code: str
    procedure_code: str
    procedure_name_vi: str
    procedure_name_en: str
    applicant_initials: str
    received_at: datetime
    due_at: datetime
    """Current due time (moved by supplement pauses)."""
    promised_at: datetime | None
    """New date promised in the latest apology letter, if any."""
    status: str
    timeliness: str
    collect_method: str
    timeline: tuple[TimelineEntry, ...]
    can_rate: bool
    """True once the result has been returned (the page then offers the rating)."""


def public_view(dossier: Dossier, now: datetime) -> PublicView:
    apologies = dossier.apologies
    return public_view_of(
        dossier,
        ((e.at, e.to_status) for e in dossier.events),
        apologies[-1].new_due_at if apologies else None,
        now,
    )


def public_view_of(
    facts: Any,
    timeline: Iterable[tuple[datetime, str]],
    promised_at: datetime | None,
    now: datetime,
) -> PublicView:
    """The public view from a dossier's columns (a Dossier or a row with the same names:
    code, procedure_*, applicant_name, received_at, due_at, status, collect_method,
    paused_since, finished_at), its (time, status) steps and the latest promised date."""
    return PublicView(
        code=facts.code,
        procedure_code=facts.procedure_code,
        procedure_name_vi=facts.procedure_name_vi,
        procedure_name_en=facts.procedure_name_en,
        applicant_initials=mask_name(facts.applicant_name),
        received_at=facts.received_at,
        due_at=facts.due_at,
        promised_at=promised_at,
        status=facts.status,
        timeliness=dossier_timeliness(facts, now).value,
        collect_method=facts.collect_method,
        timeline=tuple(TimelineEntry(at, status) for at, status in timeline),
        can_rate=facts.status == Status.RETURNED.value,
    )


def new_idempotency_key() -> str:
    """Put in the intake form when it is shown; the POST carries it back once."""
    return secrets.token_urlsafe(18)
