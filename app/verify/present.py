"""Turn a DocumentReport into what the page and the printable report show (no Flask routes)."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.i18n import local_time
from app.verify.messages import (
    COVERAGE,
    FINDINGS,
    MODIFICATIONS,
    REVOCATION,
    ROLES,
    Verdict,
    finding_text,
    verdict,
)

if TYPE_CHECKING:
    from esign.report import DocumentReport, Finding, SignatureReport

__all__ = ["DocumentView", "SignatureView", "first_error", "mask_identifier", "present",
           "report_json"]

# Identifiers of a person are masked on screen; tax and budget codes are public.
_PERSONAL = frozenset({"CCCD", "CMND", "HC", "PID", "BHXH"})
_FORMATS = {"pdf": "PDF", "cms": "CMS (.p7s/.p7m)", "xml": "XML", "unknown": "?"}


def mask_identifier(kind: str, value: str) -> str:
    """``001099012345`` -> ``001******345`` for personal numbers; other kinds unchanged."""
    if kind.upper() not in _PERSONAL or len(value) <= 6:
        return value
    return value[:3] + "*" * (len(value) - 6) + value[-3:]


_PERSONAL_IN_TEXT = re.compile(r"\b(CCCD|CMND|HC|PID|BHXH):(\w+)")


def mask_subject(text: str) -> str:
    """A certificate subject with personal numbers masked (``UID=CCCD:001******345``)."""
    return _PERSONAL_IN_TEXT.sub(lambda m: f"{m[1]}:{mask_identifier(m[1], m[2])}", text)


@dataclass(frozen=True)
class Line:
    """A translated finding, with its code kept for support and its severity for styling."""

    code: str
    text: str
    severity: str
    detail: str


@dataclass(frozen=True)
class SignatureView:
    field: str
    verdict: Verdict
    role: str | None
    signer_name: str
    organization: str | None
    identifiers: list[tuple[str, str]]
    email: str | None
    chain: list[str]
    anchor: str | None
    trusted: bool
    signing_time: str
    timestamp: str | None
    timestamp_ok: bool
    coverage: str
    coverage_detail: str
    modifications: str
    changes: list[Line]
    errors: list[Line]
    warnings: list[Line]
    notes: list[Line]
    algorithms: str
    revocation: str
    kind: str


@dataclass(frozen=True)
class DocumentView:
    file: str
    format: str
    verdict: Verdict
    errors: list[Line]
    signatures: list[SignatureView] = field(default_factory=list)
    size: int = 0
    sha256: str = ""
    moment: str = ""


def _line(f: Finding) -> Line:
    return Line(f.code, finding_text(f.code), str(f.severity), mask_subject(f.detail))


def first_error(sig: SignatureReport) -> str | None:
    """The code of the first error-severity finding (changes first), for the verdict sentence."""
    for f in (*sig.facts.modification_findings, *sig.facts.findings):
        if str(f.severity) == "error" and f.code in FINDINGS:
            return f.code
    return None


def _signature(sig: SignatureReport) -> SignatureView:
    facts = sig.facts
    signer = facts.signer
    findings = list(facts.findings)
    role = next((f.detail for f in findings if f.code == "einvoice_role"), None)
    shown = [f for f in findings if f.code not in {"einvoice_role", "partial_coverage"}]
    coverage_detail = next((f.detail for f in findings if f.code == "partial_coverage"), "")
    ts = facts.timestamp
    algos = ", ".join(
        str(a)
        for a in (
            facts.digest_algorithm,
            facts.signature_algorithm,
            f"{facts.key_size} bit" if facts.key_size else None,
        )
        if a
    )
    return SignatureView(
        field=facts.field,
        verdict=verdict(
            str(sig.indication),
            None if sig.sub_indication is None else str(sig.sub_indication),
            first_error(sig),
        ),
        role=None if role is None else str(ROLES.get(role, role)),
        signer_name=(signer.common_name if signer and signer.common_name else facts.field),
        organization=signer.organization if signer else None,
        identifiers=[(i.kind, mask_identifier(i.kind, i.value)) for i in signer.identifiers]
        if signer
        else [],
        email=signer.email if signer else None,
        chain=[mask_subject(c.subject) for c in facts.chain],
        anchor=mask_subject(facts.anchor.subject) if facts.anchor else None,
        trusted=facts.trusted,
        signing_time=local_time(facts.signing_time) if facts.signing_time else "",
        timestamp=local_time(ts.time) if ts else None,
        timestamp_ok=bool(ts and ts.intact and ts.trusted),
        coverage=str(COVERAGE.get(str(facts.coverage), facts.coverage)),
        coverage_detail=coverage_detail.removeprefix("signed: "),
        modifications=str(MODIFICATIONS.get(str(facts.modifications), facts.modifications)),
        changes=[_line(f) for f in facts.modification_findings],
        errors=[_line(f) for f in shown if str(f.severity) == "error"],
        warnings=[_line(f) for f in shown if str(f.severity) == "warning"],
        notes=[_line(f) for f in shown if str(f.severity) == "info"],
        algorithms=algos,
        revocation=str(REVOCATION.get(facts.revocation, facts.revocation)),
        kind=facts.kind,
    )


def present(report: DocumentReport) -> DocumentView:
    """The view of one verified document."""
    worst = [s for s in report.signatures if s.indication == report.indication]
    error_code = report.errors[0].code if report.errors else None
    if error_code is None and worst:
        error_code = first_error(worst[0])
    return DocumentView(
        file=report.file,
        format=_FORMATS.get(str(report.format), str(report.format)),
        verdict=verdict(
            str(report.indication),
            None if report.sub_indication is None else str(report.sub_indication),
            error_code,
        ),
        errors=[_line(f) for f in report.errors],
        signatures=[_signature(s) for s in report.signatures],
        size=report.size,
        sha256=report.sha256,
        moment=local_time(report.moment),
    )


def report_json(reports: list[DocumentReport]) -> str:
    """The CLI/API JSON contract: ``{"documents": [...]}``."""
    return json.dumps({"documents": [r.to_dict() for r in reports]}, ensure_ascii=False, indent=2)


def json_data_uri(report: DocumentReport) -> str:
    """The report as a ``data:`` URI for a download link (nothing is stored server-side)."""
    payload = base64.b64encode(report_json([report]).encode()).decode()
    return f"data:application/json;charset=utf-8;base64,{payload}"


def as_dict(view: DocumentView) -> dict[str, Any]:
    """Plain data (for tests and debugging)."""
    from dataclasses import asdict

    return asdict(view)
