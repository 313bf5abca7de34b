"""Domain actions of the signature check: verify an upload in a limited worker process.

Nothing here stores the upload: the bytes live in memory for the duration of the request.
Trust is the agency's store (app.admin.trust: the Vietnamese pack, minus anchors an admin turned
off, plus uploaded anchors, intermediates and CRLs).
"""

from __future__ import annotations

import atexit
import os
import threading
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Literal

from flask import current_app
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from esign.policy import ValidationPolicy
    from esign.report import DocumentReport
    from esign.trust import TrustStore
    from esign.worker import WorkerPool

__all__ = ["default_policy", "verify_upload", "worker_pool"]

Revocation = Literal["offline", "soft", "hard"]
_MB = 1024 * 1024


_pool: tuple[int, WorkerPool] | None = None
_pool_lock = threading.Lock()


def worker_pool() -> WorkerPool:
    """This process's pool of warm verification workers (made on first use, after any fork).

    One per OS process, shared by every app object in it; sized by ``VERIFY_WORKERS``.
    """
    global _pool
    from esign.worker import WorkerPool

    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            pool = WorkerPool(size=int(current_app.config["VERIFY_WORKERS"]))
            atexit.register(pool.close)
            _pool = (os.getpid(), pool)
        return _pool[1]


def default_policy(revocation: Revocation = "offline") -> ValidationPolicy:
    """The policy for uploads, with the limits from the app configuration."""
    from esign.policy import ValidationPolicy

    config = current_app.config
    return ValidationPolicy(
        revocation_mode=revocation,
        max_bytes=int(config["MAX_UPLOAD_MB"]) * _MB,
        time_limit_s=float(config["VERIFY_TIME_LIMIT"]),
        memory_limit_mb=int(config["VERIFY_MEMORY_MB"]),
    )


def _safe_name(filename: str) -> str:
    """The base name only (a browser may send a full path), bounded in length."""
    return PurePath(filename.replace("\\", "/")).name[:200]


def verify_upload(
    data: bytes,
    *,
    filename: str = "",
    detached_content: bytes | None = None,
    moment: datetime | None = None,
    revocation: Revocation = "offline",
    session: Session | None = None,
    trust: TrustStore | None = None,
    policy: ValidationPolicy | None = None,
) -> DocumentReport:
    """Verify an uploaded document in a worker process (size, time and memory limits).

    Used by the public page and ``POST /api/v1/verify``; needs an application context.
    ``trust`` defaults to the agency's store read through ``session`` (default ``db.session``).
    Always returns a report, never raises for bad input.
    """
    from esign.worker import verify_in_worker

    if trust is None:
        from app.admin.trust import trust_store
        from app.extensions import db

        trust = trust_store(session if session is not None else db.session)
    return verify_in_worker(
        data,
        filename=_safe_name(filename),
        detached_content=detached_content,
        trust=trust,
        moment=moment,
        policy=policy or default_policy(revocation),
        pool=worker_pool(),
    )
