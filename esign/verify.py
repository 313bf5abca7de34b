"""The single entry point: sniff the format, dispatch to the PDF, CMS or XML verifier.

``verify`` never raises for bad input: whatever goes wrong inside a format verifier becomes a
TOTAL_FAILED / FORMAT_FAILURE report that names the reason, so callers (web, CLI, worker) have
exactly one outcome type to handle.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import hashlib
import importlib
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from esign.policy import ValidationPolicy
from esign.report import DocumentFormat, DocumentReport

if TYPE_CHECKING:
    from esign.trust import TrustStore

__all__ = ["decode_cms", "sniff_format", "verify"]

_PDF_WINDOW = 1024  # Acrobat accepts the header anywhere in the first 1024 bytes
_PEM_RE = re.compile(rb"-----BEGIN [A-Z0-9 ]+-----(.*?)-----END [A-Z0-9 ]+-----", re.DOTALL)
_B64_RE = re.compile(rb"^[A-Za-z0-9+/=\s]+$")
_SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")  # 1.2.840.113549.1.7.2
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _looks_xml(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith(_BOMS[1:]):
        return True
    if head.startswith(_BOMS[0]):
        head = head[3:]
    return head.lstrip().startswith(b"<")


def _looks_der_cms(data: bytes) -> bool:
    # SEQUENCE whose first element is the signedData OID (possibly after a long length form).
    return len(data) > 16 and data[0] == 0x30 and _SIGNED_DATA_OID in data[:16]


def decode_cms(data: bytes) -> bytes | None:
    """DER bytes of a CMS given as DER, PEM or bare base64; None when it is none of them."""
    if _looks_der_cms(data):
        return data
    stripped = data.strip()
    match = _PEM_RE.search(stripped[:1_000_000]) if stripped.startswith(b"-----BEGIN") else None
    body = match.group(1) if match else stripped
    if not body or not _B64_RE.match(body):
        return None
    try:
        der = base64.b64decode(b"".join(body.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return der if _looks_der_cms(der) else None


def sniff_format(data: bytes, filename: str = "") -> DocumentFormat:
    """The container format by content; the file name only breaks ties the bytes leave open."""
    if not data:
        return DocumentFormat.UNKNOWN
    if b"%PDF-" in data[:_PDF_WINDOW]:
        return DocumentFormat.PDF
    if _looks_der_cms(data):
        return DocumentFormat.CMS
    if _looks_xml(data):
        return DocumentFormat.XML
    if decode_cms(data) is not None:
        return DocumentFormat.CMS
    return DocumentFormat.UNKNOWN


def _entry(module: str, name: str) -> Callable[..., DocumentReport] | None:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    fn = getattr(mod, name, None)
    return fn if callable(fn) else None


def _dispatch(
    fmt: DocumentFormat,
    data: bytes,
    *,
    detached_content: bytes | None,
    trust: TrustStore,
    moment: datetime,
    policy: ValidationPolicy,
) -> DocumentReport:
    common: dict[str, Any] = {"trust": trust, "moment": moment, "policy": policy}
    if fmt is DocumentFormat.PDF:
        fn = _entry("esign.pdf", "verify_pdf")
        args: tuple[bytes, ...] = (data,)
    elif fmt is DocumentFormat.CMS:
        fn = _entry("esign.cms", "verify_cms")
        der = decode_cms(data)
        args = (der if der is not None else data,)
        common["content"] = detached_content
    else:
        fn = _entry("esign.xml", "verify_xml")
        args = (data,)
    if fn is None:
        return DocumentReport.failed(
            "", fmt, "format_not_supported", f"no verifier for {fmt} is installed", moment=moment
        )
    return fn(*args, **common)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _default_trust() -> TrustStore:
    from esign.trust import TrustStore

    return TrustStore.default()


def verify(
    data: bytes,
    *,
    filename: str = "",
    detached_content: bytes | None = None,
    trust: TrustStore | None = None,
    moment: datetime | None = None,
    policy: ValidationPolicy | None = None,
) -> DocumentReport:
    """Verify every signature in ``data`` (PDF, CMS .p7s/.p7m, or XML) at ``moment``.

    ``trust`` defaults to the packaged Vietnamese trust pack.  Never raises for bad input.
    """
    policy = policy or ValidationPolicy()
    now = moment or datetime.now(UTC)
    size = len(data)

    def failed(fmt: DocumentFormat, code: str, detail: str) -> DocumentReport:
        digest = hashlib.sha256(data).hexdigest()
        return DocumentReport.failed(filename, fmt, code, detail, size, digest, moment=now)

    if now.tzinfo is None or now.utcoffset() is None:
        return failed(
            DocumentFormat.UNKNOWN, "naive_moment", "the validation moment has no time zone"
        )
    fmt = sniff_format(data, filename)
    if fmt is DocumentFormat.UNKNOWN:
        return failed(
            fmt, "unknown_format", "not a PDF, CMS or XML document" if data else "empty input"
        )
    kwargs: dict[str, Any] = {
        "detached_content": detached_content,
        "trust": trust,
        "moment": now,
        "policy": policy,
    }
    try:
        if kwargs["trust"] is None:
            kwargs["trust"] = _default_trust()
        if _loop_running():
            # Path validation runs its own event loop (asyncio.run), which cannot nest inside a
            # caller's running loop (an async server, Playwright's sync API): use a thread.
            with ThreadPoolExecutor(max_workers=1) as pool:
                report = pool.submit(_dispatch, fmt, data, **kwargs).result()
        else:
            report = _dispatch(fmt, data, **kwargs)
    except MemoryError:
        return failed(fmt, "memory_limit", "the document needs more memory than allowed")
    except RecursionError:
        return failed(fmt, "nesting_limit", "the document is nested too deeply")
    except Exception as exc:
        return failed(fmt, "verifier_error", f"{type(exc).__name__}: {str(exc)[:300]}")
    if not isinstance(report, DocumentReport):
        return failed(fmt, "verifier_error", "format verifier returned no report")
    # The PDF verifier hashes the file in the same pass as the signed ranges: reuse its digest
    # rather than reading 50 MB twice.
    reuse = fmt is DocumentFormat.PDF and report.sha256
    digest = report.sha256 if reuse else hashlib.sha256(data).hexdigest()
    return dataclasses.replace(report, file=filename, size=size, sha256=digest, moment=now)
