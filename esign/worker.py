"""Run a verification in a separate process with size, time and memory limits.

A decompression bomb, a reference loop or a pathological XML file must not take a web worker
with it.  Each verification runs in a fresh child forked from a multiprocessing *forkserver* that
has the verifier modules preloaded, so a call costs a fork (milliseconds), not an interpreter
start, and no document's state survives into the next one.  The child caps its own address
space (RLIMIT_AS); the parent kills it at the wall-time limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from esign.policy import ValidationPolicy
from esign.report import DocumentFormat, DocumentReport
from esign.verify import verify

if TYPE_CHECKING:
    from esign.trust import TrustStore

__all__ = ["WorkerPool", "verify_in_worker"]

Target = Callable[..., DocumentReport]

# Modules every child needs: imported once in the forkserver, inherited by each fork.
_PRELOAD = ["esign.verify", "esign.xml", "esign.pdf", "esign.cms", "esign.chain", "esign.trust"]
_MB = 1024 * 1024


def _context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def _address_space() -> int:
    """Current virtual size of this process in bytes (0 when unknown)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(extra_mb: int) -> None:
    """Cap the address space at what the process maps now plus ``extra_mb``.

    Only the soft limit moves, so a long-lived pool worker can set a new cap for each job
    without privileges (the hard limit stays where it was).
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return
    limit = _address_space() + extra_mb * _MB
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _failed(code: str, detail: str, data: bytes, filename: str, moment: datetime) -> DocumentReport:
    return DocumentReport.failed(
        filename,
        DocumentFormat.UNKNOWN,
        code,
        detail,
        len(data),
        hashlib.sha256(data).hexdigest(),
        moment=moment,
    )


_PackedTrust = tuple[tuple[bytes, ...], tuple[bytes, ...], tuple[bytes, ...]]


def _pack_trust(trust: TrustStore | None) -> _PackedTrust | None:
    """DER bytes of the store: asn1crypto objects do not survive pickling intact (CRLs break)."""
    if trust is None:
        return None
    return (
        tuple(c.dump() for c in trust.anchors),
        tuple(c.dump() for c in trust.intermediates),
        tuple(c.dump() for c in trust.crls),
    )


def _unpack_trust(packed: _PackedTrust | None) -> TrustStore | None:
    if packed is None:
        return None
    from asn1crypto import crl, x509

    from esign.trust import TrustStore

    anchors, intermediates, crls = packed
    return TrustStore(
        anchors=tuple(x509.Certificate.load(d) for d in anchors),
        intermediates=tuple(x509.Certificate.load(d) for d in intermediates),
        crls=tuple(crl.CertificateList.load(d) for d in crls),
    )


@dataclass(frozen=True)
class _Job:
    """One verification as sent to a worker process (everything picklable)."""

    target: Target
    data: bytes
    kwargs: dict[str, Any]
    memory_mb: int

    def failed(self, code: str, detail: str) -> DocumentReport:
        return _failed(code, detail, self.data, self.kwargs["filename"], self.kwargs["moment"])


def _quiet_engine_logs() -> None:
    """pyHanko logs a traceback for every manipulated file it rejects; the report already says
    why, so inside the worker those records go nowhere instead of to the caller's stderr."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
            logger.propagate = False


def _run_job(job: _Job) -> DocumentReport:
    """Inside the worker: cap memory, verify, and turn any escape into a report."""
    try:
        _quiet_engine_logs()
        _limit_memory(job.memory_mb)
        kwargs = dict(job.kwargs, trust=_unpack_trust(job.kwargs["trust"]))
        return job.target(job.data, **kwargs)
    except MemoryError:
        return job.failed("memory_limit", "the document needs more memory than allowed")
    except Exception as exc:
        return job.failed("worker_error", f"{type(exc).__name__}: {str(exc)[:200]}")


def _send(conn: Connection, job: _Job, report: DocumentReport) -> None:
    try:
        conn.send(report)
    except MemoryError:
        conn.send(job.failed("memory_limit", "the report needs more memory than allowed"))


def _child(conn: Connection, job: _Job) -> None:
    """Entry point of a one-shot worker process."""
    try:
        _send(conn, job, _run_job(job))
    finally:
        conn.close()


def _serve(conn: Connection) -> None:
    """Entry point of a pool worker: verify jobs until told to stop or a job hit a limit."""
    try:
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                return
            if job is None:
                return
            report = _run_job(job)
            _send(conn, job, report)
            if any(e.code == "memory_limit" for e in report.errors):
                return  # a process that ran out of memory is not trusted with the next job
    finally:
        conn.close()


def _prepare(
    data: bytes,
    *,
    filename: str,
    detached_content: bytes | None,
    trust: TrustStore | None,
    moment: datetime | None,
    policy: ValidationPolicy | None,
    target: Target,
) -> tuple[_Job, ValidationPolicy, DocumentReport | None]:
    """The job, its policy, and the size-limit report when the input is too big to send."""
    policy = policy or ValidationPolicy()
    moment = moment or datetime.now(UTC)
    kwargs: dict[str, Any] = {
        "filename": filename,
        "detached_content": detached_content,
        "trust": None,
        "moment": moment,
        "policy": policy,
    }
    job = _Job(target, data, kwargs, policy.memory_limit_mb)
    total = len(data) + len(detached_content or b"")
    if total > policy.max_bytes:
        detail = f"{total} bytes exceed the limit of {policy.max_bytes}"
        return job, policy, job.failed("size_limit", detail)
    kwargs["trust"] = _pack_trust(trust)
    return job, policy, None


def _await(
    conn: Connection, proc: Any, job: _Job, policy: ValidationPolicy
) -> DocumentReport | None:
    """The worker's report, or None when the time limit passed (the caller kills the worker)."""
    if not conn.poll(policy.time_limit_s):
        return None
    received: object = None
    with contextlib.suppress(EOFError, OSError):
        received = conn.recv()
    if isinstance(received, DocumentReport):
        return received
    proc.join(1.0)
    code = proc.exitcode
    return job.failed(
        "memory_limit" if code in (-9, -11, 137) else "worker_error",
        f"worker ended without a report (exit code {code})",
    )


def _time_limit(job: _Job, policy: ValidationPolicy) -> DocumentReport:
    return job.failed("time_limit", f"verification took longer than {policy.time_limit_s:g} s")


def _stop(proc: Any) -> None:
    if proc.is_alive():
        proc.kill()
    proc.join(5.0)
    with contextlib.suppress(ValueError):
        proc.close()


def verify_in_worker(
    data: bytes,
    *,
    filename: str = "",
    detached_content: bytes | None = None,
    trust: TrustStore | None = None,
    moment: datetime | None = None,
    policy: ValidationPolicy | None = None,
    target: Target = verify,
    pool: WorkerPool | None = None,
) -> DocumentReport:
    """``esign.verify.verify`` in a child process bounded by ``policy`` (max_bytes, time_limit_s,
    memory_limit_mb).  A breach yields a TOTAL_FAILED / FORMAT_FAILURE report with the code
    ``size_limit``, ``time_limit`` or ``memory_limit``; never an exception, never a hang.

    With ``pool`` the job runs in one of its warm workers; without, in a fresh fork.
    ``target`` exists for tests; it must be picklable (a module-level function).
    """
    job, policy, refused = _prepare(
        data,
        filename=filename,
        detached_content=detached_content,
        trust=trust,
        moment=moment,
        policy=policy,
        target=target,
    )
    if refused is not None:
        return refused
    if pool is not None:
        return pool.run(job, policy)
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(sender, job), daemon=True)
    try:
        proc.start()
    except Exception as exc:
        return job.failed("worker_error", f"cannot start worker: {exc}"[:200])
    sender.close()
    try:
        return _await(receiver, proc, job, policy) or _time_limit(job, policy)
    finally:
        receiver.close()
        _stop(proc)


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    jobs: int = 0


class WorkerPool:
    """Warm worker processes reused across verifications (restarted after a kill or a limit).

    Owned by the caller (the web app keeps one per process; the CLI one per run).  A job takes
    an idle worker, or starts one while fewer than ``size`` exist; workers are recycled after
    ``max_jobs`` jobs so no process lives forever.
    """

    def __init__(self, size: int = 2, *, max_jobs: int = 200) -> None:
        self.size = max(1, size)
        self.max_jobs = max_jobs
        self._idle: list[_Worker] = []
        self._count = 0
        self._cond = threading.Condition()
        self._closed = False

    def _spawn(self) -> _Worker:
        ctx = _context()
        parent, child = ctx.Pipe(duplex=True)
        proc = ctx.Process(target=_serve, args=(child,), daemon=True)
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def _take(self) -> _Worker | None:
        with self._cond:
            while not self._idle and self._count >= self.size and not self._closed:
                self._cond.wait()
            if self._closed:
                return None
            if self._idle:
                return self._idle.pop()
            self._count += 1
        try:
            return self._spawn()
        except Exception:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def _give_back(self, worker: _Worker, healthy: bool) -> None:
        if not healthy or worker.jobs >= self.max_jobs or self._closed:
            with contextlib.suppress(Exception):
                worker.conn.close()
            _stop(worker.proc)
            with self._cond:
                self._count -= 1
                self._cond.notify()
            return
        with self._cond:
            self._idle.append(worker)
            self._cond.notify()

    def _checkout(self, job: _Job) -> _Worker | DocumentReport:
        """An idle worker that accepted ``job``; a worker that died while idle is replaced once."""
        for _attempt in range(2):
            try:
                worker = self._take()
            except Exception as exc:
                return job.failed("worker_error", f"cannot start worker: {exc}"[:200])
            if worker is None:
                return job.failed("worker_error", "the worker pool is closed")
            try:
                worker.conn.send(job)
            except (OSError, ValueError):
                self._give_back(worker, healthy=False)
                continue
            worker.jobs += 1
            return worker
        return job.failed("worker_error", "no worker accepted the job")

    def run(self, job: _Job, policy: ValidationPolicy) -> DocumentReport:
        """Run one prepared job; see :func:`verify_in_worker`."""
        worker = self._checkout(job)
        if isinstance(worker, DocumentReport):
            return worker
        healthy = False
        try:
            report = _await(worker.conn, worker.proc, job, policy)
            if report is None:
                return _time_limit(job, policy)
            healthy = worker.proc.is_alive() and not any(
                e.code in ("memory_limit", "worker_error") for e in report.errors
            )
            return report
        except (OSError, EOFError, ValueError) as exc:
            return job.failed("worker_error", f"{type(exc).__name__}: {exc}"[:200])
        finally:
            self._give_back(worker, healthy)

    def close(self) -> None:
        """Stop every idle worker; busy ones stop when their job ends."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            with contextlib.suppress(Exception):
                worker.conn.send(None)
                worker.conn.close()
            _stop(worker.proc)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
