"""Validation policy: the rules that turn raw signature facts into an ETSI verdict.

Kept apart from fact gathering so one set of facts can be judged under several policies, and so
the PDF, CMS and XML verifiers all reach verdicts the same way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from esign.report import (
    Coverage,
    Finding,
    Indication,
    Modifications,
    Severity,
    SignatureFacts,
    SignatureReport,
    SubIndication,
)

__all__ = [
    "BROKEN_RSA_BITS",
    "CRYPTO_ERROR_CODES",
    "RevocationMode",
    "ValidationPolicy",
    "evaluate",
]

RevocationMode = Literal["offline", "soft", "hard"]

# Finding codes (severity ERROR) that mean "algorithm not allowed" rather than a broken structure.
CRYPTO_ERROR_CODES = frozenset(
    {"disallowed_algorithm", "disallowed_digest", "weak_rsa_key", "weak_key", "md5_digest"}
)
# RSA keys: below 1024 bits broken outright (768 bits factored in public in 2010) -> failure;
# 1024 bits deprecated everywhere since 2013 -> not passed, but legacy files stay INDETERMINATE;
# between 1024 and ``min_rsa_bits`` only a warning.
BROKEN_RSA_BITS = 1024
_SHA1_NAMES = frozenset({"sha1", "sha-1", "sha1_rsa", "sha1withrsa"})


@dataclass(frozen=True)
class ValidationPolicy:
    """Knobs of one verification; the defaults suit a public desk with no network."""

    revocation_mode: RevocationMode = "offline"
    """``offline``: only CRLs in the trust store, never the network, missing data is tolerated;
    ``soft``: fetch OCSP/CRLs online, tolerate failures; ``hard``: fetch, and missing or
    unreachable revocation data makes the verdict INDETERMINATE/TRY_LATER."""
    allow_sha1: bool = False
    """SHA-1 signatures are still listed and checked; when not allowed the verdict is
    INDETERMINATE/CRYPTO_CONSTRAINTS_FAILURE_NO_POE rather than a pass."""
    min_rsa_bits: int = 2048
    """Smaller RSA keys give a ``weak_rsa_key`` warning; 1024 bits is INDETERMINATE
    (``deprecated_rsa_key``), fewer is TOTAL_FAILED."""
    require_non_repudiation: bool = False
    """When False, a signer certificate without nonRepudiation is only a warning."""
    max_bytes: int = 50 * 1024 * 1024
    time_limit_s: float = 30.0
    memory_limit_mb: int = 1024
    fetch_timeout_s: float = 10.0
    """Per-request timeout for online OCSP/CRL fetching (``soft``/``hard`` modes only)."""
    allow_fetching: bool = True
    """Master switch for the network in ``soft``/``hard`` modes; tests set it False so ``hard``
    means "require revocation data from the trust store's CRLs"."""

    @property
    def online(self) -> bool:
        """Whether revocation data may be fetched from the network."""
        return self.revocation_mode != "offline" and self.allow_fetching


def _has(findings: tuple[Finding, ...], code: str) -> bool:
    return any(f.code == code for f in findings)


def _is_rsa(facts: SignatureFacts) -> bool:
    algo = (facts.signature_algorithm or "").lower()
    return "rsa" in algo


def _crypto_findings(facts: SignatureFacts, policy: ValidationPolicy) -> tuple[Finding, ...]:
    """Findings every format must carry for weak algorithms, added here once for all."""
    extra: list[Finding] = []
    digest = (facts.digest_algorithm or "").lower()
    if digest in _SHA1_NAMES and not _has(facts.findings, "sha1_digest"):
        extra.append(Finding("sha1_digest", Severity.WARNING, "message digest is SHA-1"))
    if digest == "md5" and not _has(facts.findings, "md5_digest"):
        extra.append(Finding("md5_digest", Severity.ERROR, "message digest is MD5"))
    if facts.key_size is not None and _is_rsa(facts) and not _has(facts.findings, "weak_rsa_key"):
        if facts.key_size < BROKEN_RSA_BITS:
            extra.append(
                Finding("weak_rsa_key", Severity.ERROR, f"RSA key of {facts.key_size} bits")
            )
        elif facts.key_size == BROKEN_RSA_BITS:
            extra.append(Finding("deprecated_rsa_key", Severity.WARNING, "RSA key of 1024 bits"))
        elif facts.key_size < policy.min_rsa_bits:
            extra.append(
                Finding("weak_rsa_key", Severity.WARNING, f"RSA key of {facts.key_size} bits")
            )
    if not facts.timestamp and not _has(facts.findings, "no_timestamp"):
        extra.append(
            Finding("no_timestamp", Severity.INFO, "signing time is only claimed by the signer")
        )
    if facts.revocation in ("unknown", "not_checked") and not _has(
        facts.findings, "revocation_unchecked"
    ):
        extra.append(
            Finding(
                "revocation_unchecked",
                Severity.WARNING,
                f"revocation status {facts.revocation} (mode {facts.revocation_mode})",
            )
        )
    return tuple(extra)


def _proven_time(facts: SignatureFacts) -> bool:
    """A trusted, intact timestamp proves when the signature existed (a POE)."""
    ts = facts.timestamp
    return ts is not None and ts.intact and ts.trusted


_Verdict = tuple[Indication, SubIndication | None]


def _structural(facts: SignatureFacts) -> _Verdict | None:
    if facts.format_error is not None:
        return Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE
    unchecked = facts.digest_ok is None and facts.signature_value_ok is None
    if not facts.integrity and unchecked:
        if facts.chain_error is SubIndication.NO_SIGNING_CERTIFICATE_FOUND:
            return Indication.INDETERMINATE, SubIndication.NO_SIGNING_CERTIFICATE_FOUND
        if any(f.code in CRYPTO_ERROR_CODES for f in facts.findings):
            return Indication.TOTAL_FAILED, SubIndication.CRYPTO_CONSTRAINTS_FAILURE
    if not facts.integrity:
        if facts.digest_ok is False:
            return Indication.TOTAL_FAILED, SubIndication.HASH_FAILURE
        return Indication.TOTAL_FAILED, SubIndication.SIG_CRYPTO_FAILURE
    if facts.coverage is Coverage.PARTIAL:
        return Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE
    if facts.modifications is Modifications.NOT_PERMITTED:
        # ETSI has no dedicated code; DSS also reports changes outside the allowed paths as a
        # failed signature.  HASH_FAILURE would lie (the signed bytes still match).
        return Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE
    return None


def _errors(findings: tuple[Finding, ...]) -> _Verdict | None:
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if any(f.code in CRYPTO_ERROR_CODES for f in errors):
        return Indication.TOTAL_FAILED, SubIndication.CRYPTO_CONSTRAINTS_FAILURE
    if errors:
        return Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE
    return None


def _chain(facts: SignatureFacts) -> _Verdict | None:
    err = facts.chain_error
    proven = _proven_time(facts)
    if err is SubIndication.REVOKED_CA_NO_POE:
        return Indication.INDETERMINATE, SubIndication.REVOKED_CA_NO_POE
    if err is SubIndication.REVOKED or facts.revocation == "revoked":
        # Without proof that the signature predates the revocation, ETSI says INDETERMINATE.
        if proven:
            return Indication.TOTAL_FAILED, SubIndication.REVOKED
        return Indication.INDETERMINATE, SubIndication.REVOKED_NO_POE
    if err in (SubIndication.EXPIRED, SubIndication.OUT_OF_BOUNDS_NO_POE):
        if proven:
            return Indication.TOTAL_FAILED, SubIndication.EXPIRED
        return Indication.INDETERMINATE, SubIndication.OUT_OF_BOUNDS_NO_POE
    if err is SubIndication.NOT_YET_VALID:
        if proven:
            return Indication.TOTAL_FAILED, SubIndication.NOT_YET_VALID
        return Indication.INDETERMINATE, SubIndication.NOT_YET_VALID
    if err is SubIndication.SIG_CRYPTO_FAILURE:
        # A forged CA signature breaks the path, not the document signature itself.
        return Indication.INDETERMINATE, SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE
    if err is not None:
        if err in (SubIndication.HASH_FAILURE, SubIndication.FORMAT_FAILURE):
            return Indication.INDETERMINATE, SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE
        return Indication.INDETERMINATE, err
    if not facts.trusted:
        return Indication.INDETERMINATE, SubIndication.NO_CERTIFICATE_CHAIN_FOUND
    return None


def _constraints(
    facts: SignatureFacts, findings: tuple[Finding, ...], policy: ValidationPolicy
) -> _Verdict | None:
    if _has(findings, "deprecated_rsa_key"):
        return Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE
    if _has(findings, "sha1_digest") and not policy.allow_sha1:
        return Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE
    if policy.revocation_mode == "hard" and facts.revocation in ("unknown", "not_checked"):
        return Indication.INDETERMINATE, SubIndication.TRY_LATER
    if policy.require_non_repudiation and _has(findings, "no_non_repudiation"):
        return Indication.INDETERMINATE, SubIndication.SIG_CONSTRAINTS_FAILURE
    return None


def evaluate(facts: SignatureFacts, policy: ValidationPolicy) -> SignatureReport:
    """Judge one signature's facts under ``policy``.

    Order matters: a broken structure or signature beats everything, then disallowed
    algorithms, then the certificate path, then softer constraints.  The returned facts gain the
    findings every format must carry (SHA-1, weak RSA key, no timestamp, unchecked revocation).
    """
    findings = facts.findings + _crypto_findings(facts, policy)
    if findings != facts.findings:
        facts = dataclasses.replace(facts, findings=findings)
    verdict = (
        _structural(facts)
        or _errors(findings)
        or _chain(facts)
        or _constraints(facts, findings, policy)
        or (Indication.TOTAL_PASSED, None)
    )
    return SignatureReport(facts=facts, indication=verdict[0], sub_indication=verdict[1])
