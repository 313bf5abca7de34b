"""200 intakes from several processes at once: codes unique and gap-free (SQLite, PostgreSQL)."""

from __future__ import annotations

import multiprocessing as mp
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import make_engine
from app.desk import operations as ops
from app.desk.codes import parse_dossier_code
from app.desk.intake_tx import commit_intake
from app.models.dossier import Dossier, DossierCounter
from tests.helpers import new_signing_key

AGENCY = "000.00.01.H26"
NOW = datetime(2026, 11, 30, 2, 30, tzinfo=UTC)  # Monday 09:30 in Hà Nội
PROCESSES = 4
PER_PROCESS = 50


Form = tuple[str, str]
"""An intake form as the tests submit it: (applicant name, idempotency key)."""


def _submitter(url: str, worker: int, forms: list[Form], start: mp.synchronize.Event,
               results: mp.Queue) -> None:  # type: ignore[type-arg]
    """Submit ``forms`` one after the other once ``start`` is set; put (idempotency key, code,
    created) per form on ``results``, or ("error", what, False) and stop."""
    engine = make_engine(url)
    key = new_signing_key()
    ctx = ops.DeskContext(AGENCY, "https://motcua.example.vn")
    start.wait()
    try:
        for name, form_key in forms:
            with Session(engine) as session:
                data = ops.IntakeData("1.001193", name, idempotency_key=form_key)
                result = commit_intake(
                    session,
                    lambda s=session, d=data: ops.receive_dossier(
                        s, ctx, d, key=key, cipher=None, actor=f"w{worker}", now=NOW
                    ),
                    data.idempotency_key,
                )
                results.put((form_key, result.code, result.created))
    except Exception as exc:
        results.put(("error", f"{worker}: {exc!r}", False))
    finally:
        engine.dispose()


def _submit_at_once(url: str, forms_of: list[list[Form]]) -> list[tuple[str, str, bool]]:
    """One process per list of forms, all started together; every answer, no error."""
    context = mp.get_context("fork")
    start, results = context.Event(), context.Queue()
    workers = [context.Process(target=_submitter, args=(url, n, forms, start, results))
               for n, forms in enumerate(forms_of)]
    for process in workers:
        process.start()
    start.set()
    answers = [results.get(timeout=120) for forms in forms_of for _ in forms]
    for process in workers:
        process.join(timeout=120)
        assert process.exitcode == 0
    assert not [a for a in answers if a[0] == "error"], answers
    return answers


def test_concurrent_intakes_unique_and_gap_free(db_url: str) -> None:
    _submit_at_once(db_url, [[(f"Người nộp {w}-{i}", f"w{w}-{i}") for i in range(PER_PROCESS)]
                             for w in range(PROCESSES)])

    engine = make_engine(db_url)
    with Session(engine) as session:
        rows = session.execute(
            select(Dossier.code, Dossier.seq, Dossier.register_entry, Dossier.lookup_key)
        ).all()
        counter = session.get(DossierCounter, ("day", AGENCY, NOW.date()))
    engine.dispose()
    total = PROCESSES * PER_PROCESS
    assert len(rows) == total
    assert sorted(seq for _, seq, _, _ in rows) == list(range(1, total + 1))
    assert sorted(entry for _, _, entry, _ in rows) == list(range(1, total + 1))
    assert len({code for code, *_ in rows}) == total
    assert len({key for *_, key in rows}) == total
    for code, seq, _, _ in rows:
        parsed = parse_dossier_code(code)
        assert (parsed.agency, parsed.day, parsed.seq) == (AGENCY, NOW.date(), seq)
    assert counter is not None
    assert counter.last_seq == total


FORMS = 15


def test_concurrent_double_submits_make_one_dossier_each(db_url: str) -> None:
    """Every worker submits the same forms at once: one dossier per form, numbers gap-free
    (a submit that loses the race gives its numbers back or rolls back)."""
    forms = [(f"Người nộp {i}", f"form-{i}") for i in range(FORMS)]
    answers = _submit_at_once(db_url, [forms] * PROCESSES)
    by_form: dict[str, set[str]] = {}
    for form, code, _created in answers:
        by_form.setdefault(form, set()).add(code)
    assert all(len(codes) == 1 for codes in by_form.values()), by_form
    assert sum(created for *_, created in answers) == FORMS
    engine = make_engine(db_url)
    with Session(engine) as session:
        seqs = sorted(session.scalars(select(Dossier.seq)))
        counter = session.get(DossierCounter, ("day", AGENCY, NOW.date()))
    engine.dispose()
    assert seqs == list(range(1, FORMS + 1))
    assert counter is not None
    assert counter.last_seq == FORMS


def test_rolled_back_intake_leaves_no_gap(db_url: str) -> None:
    engine = make_engine(db_url)
    key = new_signing_key()
    ctx = ops.DeskContext(AGENCY, "https://motcua.example.vn")
    with Session(engine) as session:
        first = ops.receive_dossier(
            session,
            ctx,
            ops.IntakeData("1.001193", "Trần Văn A"),
            key=key,
            cipher=None,
            actor="t",
            now=NOW,
        )
        assert first.dossier.seq == 1
        session.rollback()
        again = ops.receive_dossier(
            session,
            ctx,
            ops.IntakeData("1.001193", "Trần Văn B"),
            key=key,
            cipher=None,
            actor="t",
            now=NOW,
        )
        session.commit()
        assert again.dossier.seq == 1
        assert again.dossier.code.endswith("-261130-0001")
    engine.dispose()


@pytest.mark.parametrize("repeat", [2])
def test_double_submit_creates_one_dossier(db_url: str, repeat: int) -> None:
    engine = make_engine(db_url)
    key = new_signing_key()
    ctx = ops.DeskContext(AGENCY, "https://motcua.example.vn")
    data = ops.IntakeData("1.001193", "Lê Thị C", idempotency_key="form-123")
    results = []
    for _ in range(repeat):
        with Session(engine) as session:
            result = commit_intake(
                session,
                lambda s=session: ops.receive_dossier(
                    s, ctx, data, key=key, cipher=None, actor="t", now=NOW
                ),
                data.idempotency_key,
            )
            results.append((result.created, result.dossier.code))
    with Session(engine) as session:
        assert len(session.scalars(select(Dossier)).all()) == 1
    engine.dispose()
    assert [created for created, _ in results] == [True, False]
    assert results[0][1] == results[1][1]
