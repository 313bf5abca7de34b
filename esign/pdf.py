"""Verify every signature of a PDF: ``verify_pdf(data, trust=..., moment=..., policy=...)``.

pyHanko parses the file and analyses incremental updates; everything it gets wrong or does not
do is handled in the ``pdf_*`` modules (legacy sub-filters, coverage from raw bytes, crashes on
manipulated files, readable explanations of changes).  The document's SHA-256 and the signed
ranges' SHA-256 digests share one pass over the bytes (see ``shared_sha256``), so a large file
costs about one hashing pass.
"""

from __future__ import annotations

import hashlib
import io
from datetime import datetime

from pyhanko.pdf_utils.reader import PdfFileReader

from esign.pdf_diff import DiffContext
from esign.pdf_fastparse import preload_signature_dicts
from esign.pdf_fields import SigField, signature_fields
from esign.pdf_signature import DocumentContext, byte_ranges, signature_facts, unreadable_facts
from esign.pdf_structure import Ranges, reader_revision_ends, shared_sha256, trailing_junk
from esign.policy import ValidationPolicy, evaluate
from esign.report import (
    DocumentFormat,
    DocumentReport,
    Finding,
    Severity,
    SignatureReport,
    document_verdict,
)
from esign.trust import TrustStore

__all__ = ["verify_pdf"]


def _signatures(ctx: DocumentContext, fields: list[SigField]) -> tuple[SignatureReport, ...]:
    reports: list[SignatureReport] = []
    for item in fields:
        try:
            facts = signature_facts(ctx, item)
        except Exception as exc:
            facts = unreadable_facts(item, "unknown", f"{type(exc).__name__}: {str(exc)[:300]}")
        reports.append(evaluate(facts, ctx.policy))
    return tuple(reports)


def _hash_once(data: bytes, fields: list[SigField]) -> tuple[str, dict[Ranges, bytes]]:
    """Document SHA-256 and the signatures' SHA-256 range digests in one pass."""
    range_sets: list[Ranges] = []
    for item in fields:
        try:
            range_sets.append(byte_ranges(item, len(data)))
        except Exception:  # noqa: S112 - a broken /ByteRange is reported by signature_facts
            continue
    return shared_sha256(data, range_sets)


class _Outcome:
    """What _verify hands back: reports, document findings, the document hash."""

    def __init__(
        self, reports: tuple[SignatureReport, ...], errors: tuple[Finding, ...], sha256: str
    ) -> None:
        self.reports = reports
        self.errors = errors
        self.sha256 = sha256


def _verify(
    data: bytes, *, trust: TrustStore, moment: datetime, policy: ValidationPolicy
) -> _Outcome:
    view = memoryview(data)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
    except Exception as exc:
        raise _Unreadable(f"{type(exc).__name__}: {str(exc)[:300]}") from exc
    preload_signature_dicts(reader, data)
    try:
        fields = signature_fields(reader)
    except Exception as exc:
        raise _Unreadable(f"signature fields unreadable: {type(exc).__name__}: {exc}") from exc
    sha256, range_digests = _hash_once(data, fields)
    boundaries = reader_revision_ends(reader, data)
    ctx = DocumentContext(
        data=view,
        reader=reader,
        boundaries=boundaries,
        diff=DiffContext(reader, data=data, trailing_junk=trailing_junk(view, boundaries)),
        trust=trust,
        moment=moment,
        policy=policy,
        sha256_ranges=range_digests,
    )
    errors: list[Finding] = []
    if reader.encrypted:
        errors.append(Finding("encrypted", Severity.INFO, "the PDF is encrypted"))
    return _Outcome(_signatures(ctx, fields), tuple(errors), sha256)


class _Unreadable(Exception):
    """Raised inside this module when the PDF cannot be parsed at all."""


def verify_pdf(
    data: bytes,
    *,
    trust: TrustStore,
    moment: datetime,
    policy: ValidationPolicy | None = None,
    file: str = "",
) -> DocumentReport:
    """Report on every signature of a PDF at ``moment``; never raises for bad input."""
    policy = policy or ValidationPolicy()

    def digest() -> str:
        return hashlib.sha256(data).hexdigest()

    try:
        outcome = _verify(data, trust=trust, moment=moment, policy=policy)
    except _Unreadable as exc:
        return DocumentReport.failed(
            file,
            DocumentFormat.PDF,
            "pdf_unreadable",
            str(exc),
            len(data),
            digest(),
            moment=moment,
        )
    except RecursionError:
        return DocumentReport.failed(
            file,
            DocumentFormat.PDF,
            "nesting_limit",
            "objects nested too deeply",
            len(data),
            digest(),
            moment=moment,
        )
    except Exception as exc:
        return DocumentReport.failed(
            file,
            DocumentFormat.PDF,
            "verifier_error",
            f"{type(exc).__name__}: {str(exc)[:300]}",
            len(data),
            digest(),
            moment=moment,
        )
    indication, sub = document_verdict(outcome.reports)
    return DocumentReport(
        file=file,
        format=DocumentFormat.PDF,
        indication=indication,
        sub_indication=sub,
        errors=outcome.errors,
        signatures=outcome.reports,
        size=len(data),
        sha256=outcome.sha256,
        moment=moment,
    )
