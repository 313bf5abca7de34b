"""Signature verification for the API: the verify feature's own operation.

``app.verify.operations.verify_upload`` is what the public verify page uses (the agency's trust
store, the configured size/time/memory limits, a worker process), so the API and the page give
the same answer for the same file.
"""

from __future__ import annotations

from typing import Any

#: Media types the endpoint takes (the format is sniffed from the bytes, not trusted from these).
DOCUMENT_MEDIA_TYPES = ("application/pdf", "application/pkcs7-signature", "application/pkcs7-mime",
                        "application/xml", "text/xml", "application/octet-stream")


def verify(data: bytes, *, filename: str) -> dict[str, Any]:
    """The esign JSON report of one document (never raises for a bad document)."""
    from app.verify.operations import verify_upload

    result: dict[str, Any] = verify_upload(data, filename=filename).to_dict()
    return result
