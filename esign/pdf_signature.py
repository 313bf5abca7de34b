"""Facts of one PDF signature: integrity, coverage, changes after signing, signer, chain, time.

Each step is measured separately and any failure becomes a fact (``format_error`` or a finding);
nothing raises out of :func:`signature_facts`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.pdf_embedded import extract_contents

from esign.pdf_chain import validate_path
from esign.pdf_cms import (
    KIND_DETACHED,
    KIND_DOC_TS,
    KIND_SHA1,
    CmsCheck,
    check_cms,
    key_usage_findings,
)
from esign.pdf_diff import DiffContext, ModificationCheck, analyse_modifications
from esign.pdf_fields import SigField, docmdp_of, fieldmdp_of, sub_filter
from esign.pdf_fingerprint import deref
from esign.pdf_legacy import check_legacy_signature
from esign.pdf_structure import (
    ByteRangeError,
    CoverageCheck,
    Ranges,
    check_coverage,
    digest_ranges,
    parse_byte_range,
    revision_covered,
)
from esign.pdf_timestamp import check_signature_timestamp, find_signature_timestamp
from esign.policy import ValidationPolicy
from esign.report import (
    CertificateInfo,
    Coverage,
    Finding,
    Modifications,
    Severity,
    SignatureFacts,
    TimestampInfo,
)
from esign.trust import TrustStore

__all__ = ["DocumentContext", "byte_ranges", "signature_facts", "unreadable_facts"]

KIND_LEGACY = "adbe.x509.rsa_sha1"
_SIGNER_USAGE: frozenset[str] = frozenset()  # usages are reported as warnings, see pdf_cms
_TSA_EKU = frozenset({"time_stamping"})


@dataclass
class DocumentContext:
    """What every signature of one document shares (bytes, parsed file, caches, inputs)."""

    data: memoryview
    reader: PdfFileReader
    boundaries: tuple[int, ...]
    diff: DiffContext
    trust: TrustStore
    moment: datetime
    policy: ValidationPolicy
    sha256_ranges: dict[Ranges, bytes] = field(default_factory=dict)
    """SHA-256 digests of byte ranges computed with the document hash (see shared_sha256)."""


@dataclass(frozen=True)
class _Integrity:
    """Integrity facts common to CMS and legacy signatures."""

    signer_cert: x509.Certificate | None
    other_certs: tuple[x509.Certificate, ...]
    digest_ok: bool | None
    signature_value_ok: bool | None
    digest_algorithm: str | None
    signature_algorithm: str | None
    key_size: int | None
    signing_time: datetime | None
    findings: tuple[Finding, ...]
    format_error: str | None
    cms: CmsCheck | None = None


def unreadable_facts(
    item: SigField, kind: str, error: str, coverage: Coverage = Coverage.PARTIAL
) -> SignatureFacts:
    return SignatureFacts(
        field=item.name,
        kind=kind,
        integrity=False,
        digest_ok=None,
        signature_value_ok=None,
        coverage=coverage,
        modifications=Modifications.NOT_PERMITTED,
        modification_findings=(),
        docmdp_level=None,
        signer=None,
        chain=(),
        anchor=None,
        trusted=False,
        chain_error=None,
        revocation="not_checked",
        revocation_mode="offline",
        signing_time=None,
        timestamp=None,
        digest_algorithm=None,
        signature_algorithm=None,
        key_size=None,
        findings=(Finding("signature_unreadable", Severity.ERROR, error),),
        format_error=error,
    )


def _claimed_time(item: SigField, strict: bool) -> datetime | None:
    if "/M" not in item.sig:
        return None
    try:
        value = generic.parse_pdf_date(str(item.sig["/M"]), strict=strict)
    except Exception:
        return None
    return value if isinstance(value, datetime) and value.tzinfo is not None else None


def _integrity(
    ctx: DocumentContext,
    item: SigField,
    kind: str,
    ranges: tuple[tuple[int, int], ...],
    contents: bytes,
) -> _Integrity:
    cache: dict[str, bytes] = {}

    def range_digest(algorithm: str) -> bytes:
        if algorithm not in cache:
            shared = ctx.sha256_ranges.get(ranges) if algorithm == "sha256" else None
            cache[algorithm] = shared or digest_ranges(ctx.data, ranges, algorithm)
        return cache[algorithm]

    if kind == KIND_LEGACY:
        legacy = check_legacy_signature(ctx.data, ranges, contents, item.sig.get("/Cert"))
        findings = legacy.findings + key_usage_findings(legacy.signer_cert)
        return _Integrity(
            legacy.signer_cert,
            legacy.other_certs,
            legacy.digest_ok,
            legacy.signature_value_ok,
            legacy.digest_algorithm,
            "rsassa_pkcs1v15",
            legacy.key_size,
            None,
            findings,
            None,
        )
    check = check_cms(contents, kind, range_digest)
    findings = check.findings
    if kind == KIND_SHA1:
        findings += (
            Finding("sha1_digest", Severity.WARNING, "adbe.pkcs7.sha1 signs a SHA-1 digest"),
        )
    return _Integrity(
        check.signer_cert,
        check.other_certs,
        check.digest_ok,
        check.signature_value_ok,
        check.digest_algorithm,
        check.signature_algorithm,
        check.key_size,
        check.signing_time or check.tst_time,
        findings,
        check.format_error,
        check,
    )


def _revisions_of(ctx: DocumentContext, item: SigField) -> tuple[int, int]:
    """(revision that introduced the signature dictionary, revision that last wrote it)."""
    last = int(ctx.reader.xrefs.total_revisions) - 1
    if item.sig_ref is None:
        return last, last
    try:
        changed = int(ctx.reader.xrefs.get_last_change(item.sig_ref))
        introduced = ctx.reader.xrefs.get_introducing_revision(item.sig_ref)
    except (KeyError, ValueError, TypeError):
        return last, last
    return (changed if introduced is None else int(introduced)), changed


def _coverage(
    ctx: DocumentContext, item: SigField, ranges: tuple[tuple[int, int], ...], contents: bytes
) -> tuple[CoverageCheck, int]:
    """Coverage and the revision the signature belongs to.

    A signature dictionary rewritten by a later update still belongs to the revision that
    introduced it when the byte range ends there; the rewrite is then reported as a change
    after signing (``signature_dict_changed``) rather than as a coverage anomaly.
    """
    introduced, signed_rev = _revisions_of(ctx, item)
    check = check_coverage(ctx.data, ranges, len(contents), ctx.boundaries)
    if check.coverage is not Coverage.ENTIRE_REVISION:
        return check, signed_rev
    if revision_covered(ctx.reader, signed_rev, check.signed_end):
        return check, signed_rev
    if introduced < signed_rev and revision_covered(ctx.reader, introduced, check.signed_end):
        return check, introduced
    partial = CoverageCheck(
        check.ranges,
        Coverage.PARTIAL,
        check.signed_end,
        (
            Finding(
                "revision_not_covered",
                Severity.ERROR,
                f"revision {signed_rev} is not entirely signed",
            ),
        ),
    )
    return partial, signed_rev


def _timestamp(
    ctx: DocumentContext,
    integ: _Integrity,
    kind: str,
    chain_trusted: bool,
    chain_errors: tuple[Finding, ...],
) -> TimestampInfo | None:
    check = integ.cms
    if check is None or check.signer_info is None:
        return None
    if kind == KIND_DOC_TS:
        if check.tst_time is None or integ.signer_cert is None:
            return None
        return TimestampInfo(
            time=check.tst_time,
            tsa=CertificateInfo.from_asn1(integ.signer_cert),
            intact=bool(integ.digest_ok and integ.signature_value_ok),
            trusted=chain_trusted,
            errors=chain_errors,
        )
    token = find_signature_timestamp(check.signer_info)
    if token is None:
        return None
    tok = check_signature_timestamp(token, bytes(check.signer_info["signature"].native))
    if tok.time is None:
        return None
    trusted = False
    errors = tok.errors
    if tok.tsa_cert is not None:
        result = validate_path(
            tok.tsa_cert,
            tok.other_certs,
            trust=ctx.trust,
            moment=ctx.moment,
            policy=ctx.policy,
            extended_key_usage=_TSA_EKU,
        )
        trusted = result.trusted
        errors += tuple(f for f in result.findings if f.severity is Severity.ERROR)
    return TimestampInfo(
        time=tok.time,
        tsa=None if tok.tsa_cert is None else CertificateInfo.from_asn1(tok.tsa_cert),
        intact=tok.intact,
        trusted=trusted and tok.intact,
        errors=errors,
    )


def _signer(cert: x509.Certificate) -> object | None:
    try:
        from esign.vn import signer_from_certificate
    except ImportError:  # pragma: no cover - esign.vn is written by another engineer
        return None
    try:
        return signer_from_certificate(cert)
    except Exception:
        return None


def _modifications(
    ctx: DocumentContext, item: SigField, coverage: CoverageCheck, signed_rev: int
) -> ModificationCheck:
    return analyse_modifications(
        ctx.diff,
        signed_revision=signed_rev,
        coverage=coverage.coverage,
        sig_ref=item.sig_ref,
        docmdp=docmdp_of(item),
        fieldmdp=fieldmdp_of(item),
    )


def byte_ranges(item: SigField, size: int) -> Ranges:
    """The signature's /ByteRange as (start, length) pairs; ByteRangeError when unusable."""
    raw_range = deref(item.sig.raw_get("/ByteRange"))
    if not isinstance(raw_range, list):
        raise ByteRangeError("/ByteRange is not an array")
    return parse_byte_range(raw_range, size)


def signature_facts(ctx: DocumentContext, item: SigField) -> SignatureFacts:
    """Measure one signature; every failure is returned as a fact."""
    kind = sub_filter(item.sig)
    if kind not in (*KIND_DETACHED, KIND_SHA1, KIND_DOC_TS, KIND_LEGACY):
        return unreadable_facts(
            item, kind or "unknown", f"unsupported sub-filter {kind or '(none)'}"
        )
    try:
        contents = extract_contents(item.sig)
        ranges = byte_ranges(item, len(ctx.data))
    except Exception as exc:
        return unreadable_facts(item, kind, f"{type(exc).__name__}: {exc}")
    coverage, signed_rev = _coverage(ctx, item, ranges, contents)
    try:
        integ = _integrity(ctx, item, kind, ranges, contents)
    except Exception as exc:
        integ = _Integrity(
            None, (), None, None, None, None, None, None, (), f"{type(exc).__name__}: {exc}"
        )
    mods = _modifications(ctx, item, coverage, signed_rev)
    findings = coverage.findings + integ.findings
    docmdp = docmdp_of(item)
    base = unreadable_facts(
        item, kind, integ.format_error or "no signing certificate", coverage.coverage
    )
    if integ.signer_cert is None:
        return _replace(
            base,
            modifications=mods.modifications,
            modification_findings=mods.findings,
            docmdp_level=None if docmdp is None else docmdp.value,
            findings=findings + base.findings,
        )
    return _trusted_facts(
        ctx, item, kind, integ, coverage, mods, findings, docmdp.value if docmdp else None
    )


def _trusted_facts(
    ctx: DocumentContext,
    item: SigField,
    kind: str,
    integ: _Integrity,
    coverage: CoverageCheck,
    mods: ModificationCheck,
    findings: tuple[Finding, ...],
    docmdp: int | None,
) -> SignatureFacts:
    assert integ.signer_cert is not None
    intact = bool(integ.digest_ok and integ.signature_value_ok) and integ.format_error is None
    is_doc_ts = kind == KIND_DOC_TS
    # a signature timestamp proves when the signature existed: validate the signer at that time
    ts_pre = None if is_doc_ts else _timestamp(ctx, integ, kind, False, ())
    # (a token dated after the validation moment proves nothing about that moment)
    proven = ts_pre is not None and ts_pre.trusted and ts_pre.time <= ctx.moment
    at = ts_pre.time if proven and ts_pre is not None else ctx.moment
    chain = validate_path(
        integ.signer_cert,
        integ.other_certs,
        trust=ctx.trust,
        moment=at,
        policy=ctx.policy,
        key_usage=_SIGNER_USAGE,
        extended_key_usage=_TSA_EKU if is_doc_ts else frozenset(),
    )
    chain_codes = {f.code for f in chain.findings}
    extra = tuple(f for f in findings if f.code not in chain_codes)
    if "no_non_repudiation" not in chain_codes and not is_doc_ts and kind != KIND_LEGACY:
        extra = extra + tuple(
            f
            for f in key_usage_findings(integ.signer_cert)
            if f.code not in {g.code for g in extra}
        )
    timestamp = (
        _timestamp(
            ctx,
            integ,
            kind,
            chain.trusted,
            tuple(f for f in chain.findings if f.severity is Severity.ERROR),
        )
        if is_doc_ts
        else ts_pre
    )
    signing_time = integ.signing_time if not is_doc_ts else (timestamp.time if timestamp else None)
    if signing_time is None:
        signing_time = _claimed_time(item, ctx.reader.strict)
    signer = _signer(integ.signer_cert)
    return SignatureFacts(
        field=item.name,
        kind=kind,
        integrity=intact,
        digest_ok=integ.digest_ok,
        signature_value_ok=integ.signature_value_ok,
        coverage=coverage.coverage,
        modifications=mods.modifications,
        modification_findings=mods.findings,
        docmdp_level=docmdp,
        signer=signer,  # type: ignore[arg-type]
        chain=chain.chain,
        anchor=chain.anchor,
        trusted=chain.trusted,
        chain_error=chain.error,
        revocation=chain.revocation,
        revocation_mode=ctx.policy.revocation_mode,
        signing_time=signing_time,
        timestamp=timestamp,
        digest_algorithm=integ.digest_algorithm,
        signature_algorithm=integ.signature_algorithm,
        key_size=integ.key_size,
        findings=_as_warnings(chain.findings) + extra,
        format_error=integ.format_error,
    )


def _as_warnings(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Chain problems are judged through ``chain_error``; as findings they only inform."""
    return tuple(
        Finding(f.code, Severity.WARNING, f.detail) if f.severity is Severity.ERROR else f
        for f in findings
    )


def _replace(facts: SignatureFacts, **changes: object) -> SignatureFacts:
    return dataclasses.replace(facts, **changes)  # type: ignore[arg-type]
