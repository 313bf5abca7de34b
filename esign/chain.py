"""Certification path validation on pyhanko-certvalidator, with our verdict vocabulary.

Why a wrapper: the engine raises a zoo of exceptions and, through pyHanko, distrusts a signer
certificate lacking nonRepudiation.  Here the moment, trust store and policy are explicit, errors
become ETSI sub-indications, missing nonRepudiation is a warning, and nothing escapes: every
input gives a ``ChainResult``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import x509
from pyhanko_certvalidator import CertificateValidator
from pyhanko_certvalidator.context import ValidationContext
from pyhanko_certvalidator.errors import (
    DisallowedAlgorithmError,
    ExpiredError,
    InsufficientPOEError,
    InsufficientRevinfoError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
    ValidationError,
)
from pyhanko_certvalidator.fetchers.api import FetcherBackend, OwnedFetcherBackend
from pyhanko_certvalidator.path import ValidationPath
from pyhanko_certvalidator.policy_decl import (
    DisallowWeakAlgorithmsPolicy,
    PKIXValidationParams,
)

from esign.errors import InvalidInputError
from esign.policy import BROKEN_RSA_BITS, ValidationPolicy
from esign.report import CertificateInfo, Finding, Severity, SubIndication
from esign.revocation import (
    RevocationStatus,
    certvalidator_mode,
    declares_revinfo,
    fetcher_backend,
    leaf_covered_by,
)
from esign.trust import TrustStore

__all__ = [
    "DEFAULT_KEY_USAGE",
    "ChainResult",
    "async_validate_chain",
    "map_engine_error",
    "validate_chain",
]

DEFAULT_KEY_USAGE: frozenset[str] = frozenset({"digital_signature"})
_SERVICE_EKUS = frozenset({"time_stamping", "ocsp_signing"})


@dataclass(frozen=True)
class ChainResult:
    """Outcome of path validation for one end-entity certificate."""

    chain: tuple[CertificateInfo, ...]
    """Path from the leaf to the anchor (leaf first); only the leaf if no path was built."""
    anchor: CertificateInfo | None
    """The trust anchor the path reached (set even when a later check failed)."""
    trusted: bool
    """True only when the path validated and every required key usage is present."""
    error: SubIndication | None
    """Why not trusted: NO_CERTIFICATE_CHAIN_FOUND, REVOKED, EXPIRED, SIG_CRYPTO_FAILURE, ..."""
    revocation: RevocationStatus
    findings: tuple[Finding, ...]
    """Warnings such as ``no_non_repudiation`` and the engine error as an ``error`` finding."""
    detail: str = ""
    """English engine message for logs/JSON (never shown untranslated to a citizen)."""
    certificates: tuple[x509.Certificate, ...] = ()
    """The same path as ASN.1 certificates (leaf first), for callers that need the objects."""


def _info(certs: Iterable[x509.Certificate]) -> tuple[CertificateInfo, ...]:
    return tuple(CertificateInfo.from_asn1(c) for c in certs)


def _path_certs(path: ValidationPath) -> tuple[x509.Certificate, ...]:
    """Leaf first, anchor last (a bare-key anchor is left out)."""
    certs = [c for c in path.iter_certs(include_root=True) if isinstance(c, x509.Certificate)]
    return tuple(reversed(certs))


def map_engine_error(exc: BaseException) -> SubIndication:
    """ETSI sub-indication for a pyhanko-certvalidator exception."""
    if isinstance(exc, RevokedError):
        return SubIndication.REVOKED if exc.is_ee_cert else SubIndication.REVOKED_CA_NO_POE
    if isinstance(exc, InsufficientRevinfoError):
        return SubIndication.TRY_LATER
    if isinstance(exc, ExpiredError):
        return SubIndication.EXPIRED
    if isinstance(exc, NotYetValidError):
        return SubIndication.NOT_YET_VALID
    if isinstance(exc, DisallowedAlgorithmError):
        return SubIndication.CRYPTO_CONSTRAINTS_FAILURE
    if isinstance(exc, InsufficientPOEError):
        return SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE
    if isinstance(exc, PathBuildingError | InvalidCertificateError):
        return SubIndication.NO_CERTIFICATE_CHAIN_FOUND
    if isinstance(exc, PathValidationError):
        msg = str(exc)
        if "could not be verified" in msg or "signature parameters" in msg:
            return SubIndication.SIG_CRYPTO_FAILURE
        return SubIndication.CHAIN_CONSTRAINTS_FAILURE
    return SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE


def _key_usage_findings(
    leaf: x509.Certificate,
    required: frozenset[str],
    extended: frozenset[str],
    *,
    warn_non_repudiation: bool = True,
) -> tuple[list[Finding], SubIndication | None]:
    """Check usages ourselves: required ones fail, a missing nonRepudiation only warns."""
    findings: list[Finding] = []
    present = leaf.key_usage_value.native if leaf.key_usage_value is not None else None
    if present is not None:
        missing = sorted(required - set(present))
        if missing:
            findings.append(
                Finding("key_usage_invalid", Severity.WARNING, f"missing key usage {missing}")
            )
            return findings, SubIndication.SIG_CONSTRAINTS_FAILURE
        if warn_non_repudiation and "non_repudiation" not in present:
            findings.append(
                Finding(
                    "no_non_repudiation",
                    Severity.WARNING,
                    "signer certificate lacks the nonRepudiation key usage",
                )
            )
    if extended:
        eku = leaf.extended_key_usage_value
        have = set() if eku is None else set(eku.native)
        if not extended <= have:
            findings.append(
                Finding(
                    "extended_key_usage_invalid",
                    Severity.WARNING,
                    f"missing extended key usage {sorted(extended - have)}",
                )
            )
            return findings, SubIndication.SIG_CONSTRAINTS_FAILURE
    return findings, None


def _context(
    trust: TrustStore,
    extra_certs: Iterable[x509.Certificate],
    moment: datetime,
    policy: ValidationPolicy,
) -> ValidationContext:
    weak = {"md2", "md5"} if policy.allow_sha1 else {"md2", "md5", "sha1"}
    return ValidationContext(
        trust_roots=list(trust.anchors),
        other_certs=[*trust.intermediates, *extra_certs],
        crls=list(trust.crls),
        moment=moment,
        allow_fetching=policy.online,
        fetcher_backend=_owned(fetcher_backend(policy)),
        revocation_mode=certvalidator_mode(policy),
        # When validating at a past moment (the time a timestamp proves), the CRLs at hand were
        # issued later; they are still the best evidence, so their thisUpdate is not held
        # against them.  A revocation dated after the moment still does not count.
        retroactive_revinfo=True,
        algorithm_usage_policy=DisallowWeakAlgorithmsPolicy(  # type: ignore[no-untyped-call]
            weak_hash_algos=frozenset(weak),
            rsa_key_size_threshold=BROKEN_RSA_BITS + 1,  # 1024-bit CAs: INDETERMINATE
            dsa_key_size_threshold=1024,
        ),
    )


def _owned(backend: FetcherBackend | None) -> OwnedFetcherBackend | None:
    """Hand the HTTP session to the context so ``aclose`` releases it after the call."""
    return None if backend is None else OwnedFetcherBackend(backend)


def _revocation_status(
    leaf: x509.Certificate,
    trust: TrustStore,
    context: ValidationContext,
    policy: ValidationPolicy,
) -> RevocationStatus:
    if policy.revocation_mode == "hard":
        return "good"  # "require" mode raised otherwise
    if policy.online:
        if context.soft_fail_exceptions:
            return "unknown"
        return "good" if declares_revinfo(leaf) else "not_checked"
    return "good" if leaf_covered_by(leaf, trust.crls) else "not_checked"


def _failure(
    exc: BaseException,
    leaf: x509.Certificate,
    trust: TrustStore,
    findings: list[Finding],
) -> ChainResult:
    error = map_engine_error(exc)
    certs: tuple[x509.Certificate, ...] = (leaf,)
    if isinstance(exc, PathValidationError):
        certs = _path_certs(exc.original_path) or certs
    anchor_cert = certs[-1] if len(certs) > 1 and trust.is_anchor(certs[-1]) else None
    revocation: RevocationStatus = "not_checked"
    if error in (SubIndication.REVOKED, SubIndication.REVOKED_CA_NO_POE):
        revocation = "revoked"
    elif error is SubIndication.TRY_LATER:
        revocation = "unknown"
    # INFO: the verdict comes from ``error``; the finding only carries the engine's words.
    findings.append(Finding("chain_invalid", Severity.INFO, str(exc)))
    try:
        described = _info(certs)
    except Exception:  # a certificate too broken to describe: report the failure without it
        described, certs = (), ()
    return ChainResult(
        chain=described,
        anchor=None if anchor_cert is None else CertificateInfo.from_asn1(anchor_cert),
        trusted=False,
        error=error,
        revocation=revocation,
        findings=tuple(findings),
        detail=str(exc),
        certificates=certs,
    )


async def async_validate_chain(
    leaf: x509.Certificate,
    *,
    extra_certs: Iterable[x509.Certificate] = (),
    trust: TrustStore,
    moment: datetime,
    policy: ValidationPolicy | None = None,
    key_usage: frozenset[str] | set[str] | None = DEFAULT_KEY_USAGE,
    extended_key_usage: frozenset[str] | set[str] | None = None,
    pkix_params: PKIXValidationParams | None = None,
    warn_non_repudiation: bool | None = None,
) -> ChainResult:
    """Async form of :func:`validate_chain` for callers already inside an event loop."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInputError("moment must be timezone-aware")
    policy = policy or ValidationPolicy()
    findings: list[Finding] = []
    context: ValidationContext | None = None
    try:
        context = _context(trust, extra_certs, moment, policy)
        validator = CertificateValidator(leaf, validation_context=context, pkix_params=pkix_params)
        path = await validator.async_validate_path()
    except (ValidationError, PathBuildingError) as exc:
        return _failure(exc, leaf, trust, findings)
    except Exception as exc:  # malformed certificates raise anything; report it
        return _failure(exc, leaf, trust, findings)
    finally:
        if context is not None and policy.online:
            await context.aclose()  # type: ignore[no-untyped-call]
    certs = _path_certs(path)
    anchor_cert = certs[-1] if certs and trust.is_anchor(certs[-1]) else None
    extended = frozenset(extended_key_usage or ())
    if warn_non_repudiation is None:
        # nonRepudiation matters for people signing documents, not for TSAs or OCSP responders.
        warn_non_repudiation = not extended & _SERVICE_EKUS
    usage_findings, usage_error = _key_usage_findings(
        leaf,
        frozenset(key_usage or ()),
        extended,
        warn_non_repudiation=warn_non_repudiation,
    )
    findings.extend(usage_findings)
    return ChainResult(
        chain=_info(certs),
        anchor=None if anchor_cert is None else CertificateInfo.from_asn1(anchor_cert),
        trusted=usage_error is None,
        error=usage_error,
        revocation=_revocation_status(leaf, trust, context, policy),
        findings=tuple(findings),
        detail="" if usage_error is None else usage_findings[-1].detail,
        certificates=certs,
    )


def validate_chain(
    leaf: x509.Certificate,
    *,
    extra_certs: Iterable[x509.Certificate] = (),
    trust: TrustStore,
    moment: datetime,
    policy: ValidationPolicy | None = None,
    key_usage: frozenset[str] | set[str] | None = DEFAULT_KEY_USAGE,
    extended_key_usage: frozenset[str] | set[str] | None = None,
    pkix_params: PKIXValidationParams | None = None,
    warn_non_repudiation: bool | None = None,
) -> ChainResult:
    """Build and validate the path from ``leaf`` to an anchor of ``trust`` at ``moment``.

    ``extra_certs`` are untrusted helpers (certificates embedded in the signature).  Revocation
    follows ``policy.revocation_mode``; nothing touches the network unless the policy is ``soft``
    or ``hard`` with ``allow_fetching``.  ``key_usage`` lists usages the leaf must carry (pass an
    empty set for none); a missing nonRepudiation is reported as a ``no_non_repudiation`` warning
    (by default not for certificates checked for the timeStamping or OCSPSigning EKU).
    """
    return asyncio.run(
        async_validate_chain(
            leaf,
            extra_certs=extra_certs,
            trust=trust,
            moment=moment,
            policy=policy,
            key_usage=key_usage,
            extended_key_usage=extended_key_usage,
            pkix_params=pkix_params,
            warn_non_repudiation=warn_non_repudiation,
        )
    )
