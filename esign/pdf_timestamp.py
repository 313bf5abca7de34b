"""RFC 3161 signature timestamp tokens attached to a CMS SignerInfo: integrity only.

The token must (1) carry a TSTInfo whose message imprint is the digest of the signature value it
timestamps and (2) be validly signed by the TSA certificate it embeds.  Trust in the TSA is
decided by the caller with the same chain validation as signers.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms, core, tsp, x509
from pyhanko.sign.validation.generic_cms import (
    extract_certs_for_validation,
    validate_sig_integrity,
)

from esign.pdf_cms import hash_bytes
from esign.report import Finding, Severity

__all__ = ["TokenCheck", "check_signature_timestamp", "find_signature_timestamp"]


@dataclass(frozen=True)
class TokenCheck:
    """Integrity facts of one timestamp token."""

    time: datetime | None
    tsa_cert: x509.Certificate | None
    other_certs: tuple[x509.Certificate, ...]
    intact: bool
    """Imprint matches and the TSA signature verifies."""
    errors: tuple[Finding, ...]


def find_signature_timestamp(signer_info: cms.SignerInfo) -> cms.SignedData | None:
    """The first signature-time-stamp-token unsigned attribute, if any."""
    attrs = signer_info["unsigned_attrs"]
    if attrs is core.VOID or attrs.native is None:
        return None
    for attr in attrs:
        if attr["type"].native == "signature_time_stamp_token":
            for value in attr["values"]:
                content = value["content"]
                if isinstance(content, cms.SignedData):
                    return content
    return None


def check_signature_timestamp(token: cms.SignedData, timestamped: bytes) -> TokenCheck:
    """Check a token over ``timestamped`` (the signature value bytes); never raises."""
    try:
        content = token["encap_content_info"]["content"]
        tst_info = content.parsed
        if not isinstance(tst_info, tsp.TSTInfo):
            raise ValueError("token does not encapsulate a TSTInfo")
        gen_time: datetime = tst_info["gen_time"].native
        imprint = tst_info["message_imprint"]
        expected = hash_bytes(imprint["hash_algorithm"]["algorithm"].native, timestamped)
        imprint_ok = hmac.compare_digest(expected, imprint["hashed_message"].native)
        certs = extract_certs_for_validation(token)
        signer_info = token["signer_infos"][0]
        md = signer_info["digest_algorithm"]["algorithm"].native
        intact, valid = validate_sig_integrity(
            signer_info, certs.signer_cert, "tst_info", hash_bytes(md, bytes(content))
        )
    except Exception as exc:
        return TokenCheck(
            None, None, (), False, (Finding("timestamp_unreadable", Severity.ERROR, str(exc)),)
        )
    errors: list[Finding] = []
    if not imprint_ok:
        errors.append(
            Finding(
                "timestamp_imprint_mismatch", Severity.ERROR, "token does not cover this signature"
            )
        )
    if not (intact and valid):
        errors.append(
            Finding("timestamp_signature_invalid", Severity.ERROR, "TSA signature does not verify")
        )
    return TokenCheck(
        gen_time,
        certs.signer_cert,
        tuple(certs.other_certs),
        imprint_ok and intact and valid,
        tuple(errors),
    )
