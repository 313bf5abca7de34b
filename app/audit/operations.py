"""Recording and verifying audit entries (no Flask: callers pass the session and the actor).

Writers first ``UPDATE audit_head``: on PostgreSQL that locks the row, on SQLite it takes the
write lock, so concurrent requests append one after another and the chain never forks.
(A missing head row is created by the first writer; creating it races only on an empty log.)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, inspect, select, update
from sqlalchemy.orm import Session

from app.models.audit import AuditEntry, AuditHead
from app.models.base import from_values
from app.prepared import Prepared

GENESIS = "0" * 64
_HEAD_ID = 1


_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                                   default=str)
"""The hashed form (json.dumps with these options, without building an encoder per call)."""
_PLAIN_JSON = json.JSONEncoder(default=str)


def _canonical(*, seq: int, at: datetime, actor: str, action: str, target: str,
               details: dict[str, Any], ip: str, prev_hash: str) -> bytes:
    body = {"seq": seq, "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor, "action": action, "target": target, "details": details, "ip": ip,
            "prev": prev_hash}
    return _CANONICAL_JSON.encode(body).encode("utf-8")


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(
        seq=entry.seq, at=entry.at, actor=entry.actor, action=entry.action, target=entry.target,
        details=entry.details, ip=entry.ip, prev_hash=entry.prev_hash,
    )).hexdigest()


def ensure_head(session: Session) -> None:
    if session.get(AuditHead, _HEAD_ID) is None:
        session.add(AuditHead(id=_HEAD_ID, seq=0, last_hash=GENESIS))
        session.flush()


# Built once per process (building a statement costs more than running it); run as Core
# statements on the session's connection: no ORM bookkeeping for an append-only row.
_HEAD = AuditHead.__table__
_TAKE = (update(_HEAD).where(_HEAD.c.id == _HEAD_ID).values(seq=_HEAD.c.seq + 1)
         .returning(_HEAD.c.seq, _HEAD.c.last_hash))
_TAKE_SEQ = Prepared(_TAKE)
_SET_LAST_HASH = Prepared(update(_HEAD).where(_HEAD.c.id == _HEAD_ID)
                          .values(last_hash=bindparam("last_hash")))
_APPEND = Prepared(insert(AuditEntry.__table__))
_HEAD_KEY = inspect(AuditHead).identity_key_from_primary_key((_HEAD_ID,))
_APPEND_AND_SET = Prepared(
    update(_HEAD).where(_HEAD.c.id == _HEAD_ID).values(last_hash=bindparam("last_hash"))
    .add_cte(insert(AuditEntry.__table__).values(
        {c.key: bindparam(f"e_{c.key}", type_=c.type) for c in AuditEntry.__table__.columns}
    ).cte("appended"))
)
"""PostgreSQL: the entry and the head's new hash in one statement (a data-modifying WITH), one
driver call and one round trip fewer; SQLite has no INSERT inside WITH."""


TAKE_SEQ_CTE = _TAKE.cte("audit_taken")
"""PostgreSQL: the number-taking UPDATE as a data-modifying WITH, for a caller that writes its
own rows and takes the audit number in the same statement (one round trip fewer); its `seq`
and `last_hash` then go to `record(..., taken=...)`. None of them if the head row is missing."""


def record(session: Session, *, actor: str, action: str, target: str = "",
           details: dict[str, Any] | None = None, ip: str = "",
           at: datetime | None = None, taken: tuple[int, str] | None = None) -> AuditEntry:
    """Append one entry in the caller's transaction (flushes; the request commits).

    Three statements (two on PostgreSQL): take the next number (the UPDATE locks the head row
    until commit, so writers queue and the chain never forks), insert the entry, store its hash
    in the head. ``taken``: the (seq, last_hash) that the caller's own statement took with
    `TAKE_SEQ_CTE`, in this transaction; then the first statement is skipped.
    The returned entry is not attached to the session (it is written already); it is built
    from the values written, as the ORM builds loaded rows (see `from_values`).
    """
    session.flush()  # the caller's pending changes first, as an autoflushing query would
    connection = session.connection()
    if taken is None:
        rows = _TAKE_SEQ.run(connection)
        if not rows:  # first entry ever: create the head, then take the number under its lock
            ensure_head(session)
            rows = _TAKE_SEQ.run(connection)
        taken = rows[0]
    seq, prev_hash = taken
    values: dict[str, Any] = {
        "seq": seq, "at": at or datetime.now(UTC), "actor": actor[:128], "action": action[:64],
        "target": target[:128], "details": _plain(details), "ip": ip[:64], "prev_hash": prev_hash,
    }
    values["hash"] = hashlib.sha256(_canonical(**values)).hexdigest()
    if connection.dialect.name == "postgresql":
        _APPEND_AND_SET.run(connection, {
            "last_hash": values["hash"], **{f"e_{name}": value for name, value in values.items()}
        })
    else:
        _APPEND.run(connection, values)
        _SET_LAST_HASH.run(connection, {"last_hash": values["hash"]})
    head = session.identity_map.get(_HEAD_KEY)
    if head is not None:  # a head object loaded in this session is stale now
        session.expire(head)
    return from_values(AuditEntry, values)


_JSON_LEAF = (str, int, bool, type(None))


def _plain(details: dict[str, Any] | None) -> dict[str, Any]:
    """`details` as JSON gives it back (what the database will return, and what is hashed):
    values that are not JSON become strings. A flat dict of strings and integers, the usual
    case, is already so."""
    if not details:
        return {}
    if all(type(value) in _JSON_LEAF and type(key) is str for key, value in details.items()):
        return dict(details)
    loaded: dict[str, Any] = json.loads(_PLAIN_JSON.encode(details))
    return loaded


@dataclass(frozen=True)
class ChainCheck:
    """Result of walking the chain: ``first_bad`` is the first tampered sequence number."""

    entries: int
    first_bad: int | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad is None


def verify_chain(session: Session, batch: int = 1000) -> ChainCheck:
    prev = GENESIS
    expected_seq = 1
    count = 0
    last_seq = 0
    while True:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.seq > last_seq)
                               .order_by(AuditEntry.seq).limit(batch)).all()
        if not rows:
            break
        for entry in rows:
            count += 1
            if entry.seq != expected_seq:
                return ChainCheck(count, expected_seq, "entry missing")
            if entry.prev_hash != prev:
                return ChainCheck(count, entry.seq, "link to previous entry broken")
            if entry_hash(entry) != entry.hash:
                return ChainCheck(count, entry.seq, "entry content altered")
            prev = entry.hash
            expected_seq += 1
            last_seq = entry.seq
    head = session.get(AuditHead, _HEAD_ID)
    if head is not None and (head.seq != last_seq or head.last_hash != prev):
        return ChainCheck(count, last_seq + 1 if head.seq > last_seq else last_seq,
                          "entries removed from the end")
    return ChainCheck(count, None)
