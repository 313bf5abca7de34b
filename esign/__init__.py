"""esign: verify signed PDF, CMS and XML documents against a trust store, at a given moment.

A library (no web framework, no database): inputs are explicit, outputs are frozen reports.
``verify`` (the single entry point) is imported eagerly: ``esign.verify`` is also a submodule
name, and only a real binding here keeps ``from esign import verify`` the function.  The heavier
``verify_cms`` and ``validate_chain`` are imported lazily on first use.
"""

from typing import Any

from esign.errors import (
    ESignError,
    InvalidInputError,
    RevocationFetchError,
    TrustPackIntegrityError,
    TrustStoreError,
)
from esign.policy import ValidationPolicy, evaluate
from esign.report import (
    CertificateInfo,
    Coverage,
    DocumentFormat,
    DocumentReport,
    Finding,
    Indication,
    Modifications,
    Severity,
    SignatureFacts,
    SignatureReport,
    SubIndication,
    TimestampInfo,
    document_verdict,
)
from esign.trust import TrustStore
from esign.verify import verify
from esign.vn import Identifier, Signer, signer_from_certificate

_LAZY = {
    "verify_cms": "esign.cms",
    "validate_chain": "esign.chain",
    "ChainResult": "esign.chain",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'esign' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "CertificateInfo",
    "ChainResult",
    "Coverage",
    "DocumentFormat",
    "DocumentReport",
    "ESignError",
    "Finding",
    "Identifier",
    "Indication",
    "InvalidInputError",
    "Modifications",
    "RevocationFetchError",
    "Severity",
    "SignatureFacts",
    "SignatureReport",
    "Signer",
    "SubIndication",
    "TimestampInfo",
    "TrustPackIntegrityError",
    "TrustStore",
    "TrustStoreError",
    "ValidationPolicy",
    "document_verdict",
    "evaluate",
    "signer_from_certificate",
    "validate_chain",
    "verify",
    "verify_cms",
]
