"""Who signed: name fields and the Vietnamese identifiers carried in UID attributes.

Vietnamese CAs put tax codes and personal ID numbers in one or more UID attributes
(OID 0.9.2342.19200300.100.1.1) as ``KIND:value`` (``MST:0301519977-029``, ``CCCD:...``).
We read the attributes themselves; splitting the printed DN on commas breaks on values such as
"285/94B Cách mạng tháng 8, Phường 12" and is never done here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from asn1crypto import x509

from esign.report import CertificateInfo

__all__ = ["KNOWN_KINDS", "Identifier", "Signer", "parse_identifier", "signer_from_certificate"]

UID_OID = "0.9.2342.19200300.100.1.1"
_SERIAL_OID = "2.5.4.5"

KNOWN_KINDS: dict[str, str] = {
    "MST": "tax code (mã số thuế), optionally with a 3-digit branch suffix",
    "CCCD": "12-digit citizen identity card number",
    "CMND": "old 9- or 12-digit identity card number",
    "MNS": "budget-relation unit code (mã quan hệ ngân sách)",
    "BHXH": "social insurance number",
    "HC": "passport number (hộ chiếu)",
    "PID": "personal identification number",
}

_FORMATS: dict[str, re.Pattern[str]] = {
    "MST": re.compile(r"\d{10}(-\d{3})?|\d{13}"),
    "CCCD": re.compile(r"\d{12}"),
    "CMND": re.compile(r"\d{9}|\d{12}"),
    "MNS": re.compile(r"\d{7}"),
    "BHXH": re.compile(r"\d{10}"),
    "HC": re.compile(r"[A-Z]{1,2}\d{7,8}"),
    "PID": re.compile(r"\d{9,12}"),
}

_PREFIX = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]{0,15})\s*[:=]\s*(.*?)\s*", re.DOTALL)


@dataclass(frozen=True)
class Identifier:
    """One identifier from a UID attribute."""

    kind: str
    """Upper-case prefix (``MST``, ``CCCD``, ...); ``OTHER`` when the value has no prefix."""
    value: str
    """The value after the prefix, stripped; for MST it keeps the branch suffix."""
    raw: str
    """The attribute value exactly as in the certificate."""

    @property
    def known(self) -> bool:
        return self.kind in KNOWN_KINDS

    @property
    def well_formed(self) -> bool | None:
        """Whether the value has the usual shape for its kind; None for unknown kinds."""
        pattern = _FORMATS.get(self.kind)
        return None if pattern is None else pattern.fullmatch(self.value) is not None

    @property
    def branch(self) -> str | None:
        """MST branch suffix (``029`` in ``0301519977-029``), if any."""
        if self.kind == "MST" and re.fullmatch(r"\d{10}-\d{3}", self.value):
            return self.value[-3:]
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value}


def parse_identifier(raw: str) -> Identifier:
    """Parse one UID value; never raises (anything unrecognised becomes kind ``OTHER``)."""
    match = _PREFIX.fullmatch(raw)
    if match is None or not match.group(2):
        return Identifier(kind="OTHER", value=raw.strip(), raw=raw)
    kind = match.group(1).upper()
    return Identifier(kind=kind, value=match.group(2), raw=raw)


@dataclass(frozen=True)
class Signer:
    """The signer as named by its certificate."""

    common_name: str | None
    organization: str | None
    organizational_unit: str | None
    """Most specific OU (the last one in the certificate); all are in ``organizational_units``."""
    locality: str | None
    state: str | None
    country: str | None
    email: str | None
    identifiers: tuple[Identifier, ...]
    certificate: CertificateInfo
    organizational_units: tuple[str, ...] = ()

    def _first(self, *kinds: str) -> str | None:
        for kind in kinds:
            for ident in self.identifiers:
                if ident.kind == kind:
                    return ident.value
        return None

    @property
    def tax_code(self) -> str | None:
        """The first MST value, branch suffix included."""
        return self._first("MST")

    @property
    def personal_id(self) -> str | None:
        """CCCD, else PID, else CMND: the person's ID number if the certificate carries one."""
        return self._first("CCCD", "PID", "CMND")

    def to_dict(self) -> dict[str, Any]:
        return {
            "common_name": self.common_name,
            "organization": self.organization,
            "organizational_unit": self.organizational_unit,
            "organizational_units": list(self.organizational_units),
            "locality": self.locality,
            "state": self.state,
            "country": self.country,
            "email": self.email,
            "identifiers": [i.to_dict() for i in self.identifiers],
            "tax_code": self.tax_code,
            "personal_id": self.personal_id,
            "certificate": self.certificate.to_dict(),
        }


def _text(value: Any) -> str | None:
    native = value.native
    return native if isinstance(native, str) else None


def _attributes(name: x509.Name) -> list[tuple[str, str]]:
    """(dotted OID, text) pairs in certificate order, one per attribute value."""
    out: list[tuple[str, str]] = []
    for rdn in name.chosen:
        for ava in rdn:
            text = _text(ava["value"])
            if text is not None:
                out.append((ava["type"].dotted, text))
    return out


_FIELD_OIDS = {
    "common_name": "2.5.4.3",
    "organization": "2.5.4.10",
    "locality": "2.5.4.7",
    "state": "2.5.4.8",
    "country": "2.5.4.6",
    "email": "1.2.840.113549.1.9.1",
}


def _san_email(cert: x509.Certificate) -> str | None:
    san = cert.subject_alt_name_value
    if san is None:
        return None
    for general_name in san:
        if general_name.name == "rfc822_name":
            return str(general_name.native)
    return None


def signer_from_certificate(cert: x509.Certificate) -> Signer:
    """Read the signer's names and identifiers from the certificate's subject attributes."""
    attrs = _attributes(cert.subject)

    def first(oid: str) -> str | None:
        return next((text for dotted, text in attrs if dotted == oid), None)

    identifiers = [parse_identifier(text) for dotted, text in attrs if dotted == UID_OID]
    for dotted, text in attrs:
        # Some CAs use serialNumber for the same KIND:value convention.
        if dotted == _SERIAL_OID:
            ident = parse_identifier(text)
            if ident.known:
                identifiers.append(ident)
    units = tuple(text for dotted, text in attrs if dotted == "2.5.4.11")
    fields = {key: first(oid) for key, oid in _FIELD_OIDS.items()}
    return Signer(
        common_name=fields["common_name"],
        organization=fields["organization"],
        organizational_unit=units[-1] if units else None,
        locality=fields["locality"],
        state=fields["state"],
        country=fields["country"],
        email=fields["email"] or _san_email(cert),
        identifiers=tuple(identifiers),
        certificate=CertificateInfo.from_asn1(cert),
        organizational_units=units,
    )
