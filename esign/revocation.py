"""Revocation settings: offline by default, online OCSP/CRL fetching only when the policy says so.

``offline`` uses only the CRLs in the trust store and never opens a socket; ``soft`` fetches with
a timeout and tolerates failures; ``hard`` fetches and requires revocation data for every
certificate of the path.  The report records which mode ran.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from asn1crypto import crl, x509
from pyhanko_certvalidator.fetchers.api import FetcherBackend

from esign.policy import ValidationPolicy

__all__ = [
    "RevocationStatus",
    "certvalidator_mode",
    "declares_revinfo",
    "fetcher_backend",
    "leaf_covered_by",
]

RevocationStatus = Literal["good", "revoked", "unknown", "not_checked"]


def certvalidator_mode(policy: ValidationPolicy) -> str:
    """pyhanko-certvalidator's legacy revocation mode for our policy."""
    return "require" if policy.revocation_mode == "hard" else "soft-fail"


def fetcher_backend(policy: ValidationPolicy) -> FetcherBackend | None:
    """A network fetcher with the policy's timeout, or None when fetching is off."""
    if not policy.online:
        return None
    from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

    return RequestsFetcherBackend(per_request_timeout=policy.fetch_timeout_s)


def declares_revinfo(cert: x509.Certificate) -> bool:
    """Whether the certificate names a CRL distribution point or an OCSP responder."""
    return bool(cert.crl_distribution_points or cert.ocsp_urls)


def leaf_covered_by(leaf: x509.Certificate, crls: Sequence[crl.CertificateList]) -> bool:
    """Whether the validator checked the leaf against a CRL at hand.

    pyhanko-certvalidator consults CRLs only for certificates that declare a distribution point,
    so a CRL from the right issuer counts only then.
    """
    if not leaf.crl_distribution_points:
        return False
    issuer = leaf.issuer
    return any(item["tbs_cert_list"]["issuer"] == issuer for item in crls)
