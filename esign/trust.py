"""Trust store: the anchors, intermediates and CRLs a validation may rely on.

The Vietnamese trust pack ships inside the package; each file's SHA-256 is pinned here so a
tampered or swapped file stops the load instead of silently widening trust.  Admins add anchors
and CRLs from files or folders; nothing is read from the operating system's TLS store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal, TypeAlias

from asn1crypto import crl, pem, x509

from esign.errors import TrustPackIntegrityError, TrustStoreError

__all__ = ["VN_TRUST_PACK", "PackedCertificate", "TrustStore", "fingerprint", "load_objects"]

Role = Literal["anchor", "intermediate"]


@dataclass(frozen=True)
class PackedCertificate:
    """One certificate of the packaged trust pack and the fingerprint it must have."""

    filename: str
    sha256: str
    role: Role
    label: str
    """Short English label for logs; the UI names anchors from their subject."""


VN_TRUST_PACK: tuple[PackedCertificate, ...] = (
    PackedCertificate(
        "vgca-rootca-g2.pem",
        "f04ba4b459a7c9a1b971ad9b1cb833e695a80c79aea63b174b66a70edfe2fdb8",
        "anchor",
        "VGCA RootCA chuyen dung Chinh phu G2 (2018-2048)",
    ),
    PackedCertificate(
        "vgca-rootca-2010.pem",
        "f7bc89054cec7f12730d7b8cd3eb7955b163835087e5eb873edfb584763b3f90",
        "anchor",
        "VGCA RootCA 2010 (SHA-1, until 2030)",
    ),
    PackedCertificate(
        "vn-national-root-ca.pem",
        "bac8bf609ab420a8ee1780d74f4de5c7f7184959d2a7375b0a75e4c29f0908e7",
        "anchor",
        "NEAC Vietnam National Root CA (2014-2039)",
    ),
    PackedCertificate(
        "vgca-cpca-g2.pem",
        "d8cab7a4aef92e6bb2509d7c61cee7b44f3731b2d21074963530277b366fae4b",
        "intermediate",
        "VGCA CA phuc vu cac co quan Nha nuoc G2",
    ),
    PackedCertificate(
        "vnpt-ca-sha2.pem",
        "7d6ba5245317f9ed5d8bc765a4634d26ac6340d36b9f584df3b52d9c4a81a306",
        "intermediate",
        "VNPT-CA SHA2 (under the national root)",
    ),
)


def fingerprint(cert: x509.Certificate) -> str:
    """Hex SHA-256 of the DER certificate, the identity used to add and remove anchors."""
    return hashlib.sha256(cert.dump()).hexdigest()


def _parse_der(der: bytes, origin: str) -> x509.Certificate | crl.CertificateList:
    """A DER blob is a certificate or a CRL; tell them apart by the inner structure."""
    for spec in (x509.Certificate, crl.CertificateList):
        try:
            obj = spec.load(der, strict=True)
            obj.native  # noqa: B018 - force a full parse so garbage is rejected here
        except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
            last = exc
            continue
        return obj
    raise TrustStoreError(f"{origin}: neither a certificate nor a CRL ({last})")


_Obj: TypeAlias = x509.Certificate | crl.CertificateList


def load_objects(data: bytes, origin: str = "<bytes>") -> list[_Obj]:
    """Certificates and CRLs from PEM (several blocks allowed) or DER bytes."""
    if pem.detect(data):
        out: list[_Obj] = []
        try:
            blocks = list(pem.unarmor(data, multiple=True))
        except ValueError as exc:
            raise TrustStoreError(f"{origin}: bad PEM ({exc})") from exc
        for kind, _headers, der in blocks:
            if kind in ("CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE", "X509 CRL"):
                out.append(_parse_der(der, origin))
        return out
    return [_parse_der(data, origin)]


_SUFFIXES = frozenset({".pem", ".crt", ".cer", ".der", ".crl"})


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _SUFFIXES)
    if path.is_file():
        return [path]
    raise TrustStoreError(f"{path}: no such file or directory")


def _dedup_certs(certs: Iterable[x509.Certificate]) -> tuple[x509.Certificate, ...]:
    seen: dict[str, x509.Certificate] = {}
    for cert in certs:
        seen.setdefault(fingerprint(cert), cert)
    return tuple(seen.values())


def _dedup_crls(crls: Iterable[crl.CertificateList]) -> tuple[crl.CertificateList, ...]:
    seen: dict[bytes, crl.CertificateList] = {}
    for item in crls:
        seen.setdefault(hashlib.sha256(item.dump()).digest(), item)
    return tuple(seen.values())


@cache
def _packaged() -> tuple[tuple[x509.Certificate, ...], tuple[x509.Certificate, ...]]:
    """Load and pin-check the packaged pack once; the result is immutable."""
    anchors: list[x509.Certificate] = []
    intermediates: list[x509.Certificate] = []
    folder = resources.files("esign") / "data" / "trust"
    for entry in VN_TRUST_PACK:
        try:
            data = (folder / entry.filename).read_bytes()
        except OSError as exc:
            raise TrustPackIntegrityError(f"{entry.filename}: missing from the package") from exc
        objs = load_objects(data, entry.filename)
        if len(objs) != 1 or not isinstance(objs[0], x509.Certificate):
            raise TrustPackIntegrityError(f"{entry.filename}: expected exactly one certificate")
        cert = objs[0]
        if fingerprint(cert) != entry.sha256:
            raise TrustPackIntegrityError(
                f"{entry.filename}: SHA-256 {fingerprint(cert)} != pinned {entry.sha256}"
            )
        (anchors if entry.role == "anchor" else intermediates).append(cert)
    return tuple(anchors), tuple(intermediates)


@dataclass(frozen=True, repr=False)
class TrustStore:
    """What a validation may rely on; immutable, so one store can serve many threads."""

    anchors: tuple[x509.Certificate, ...]
    """Trust anchors: a path must end at one of these."""
    intermediates: tuple[x509.Certificate, ...] = ()
    """CA certificates offered to path building but not trusted by themselves."""
    crls: tuple[crl.CertificateList, ...] = ()
    """CRLs imported by an admin, used for offline revocation checking."""

    @classmethod
    def empty(cls) -> TrustStore:
        """No anchors: every chain is untrusted (facts are still reported)."""
        return cls(anchors=())

    @classmethod
    def default(cls) -> TrustStore:
        """The packaged Vietnamese pack; raises TrustPackIntegrityError if a file was altered."""
        anchors, intermediates = _packaged()
        return cls(anchors=anchors, intermediates=intermediates)

    @classmethod
    def from_paths(cls, paths: Sequence[str | Path], *, include_default: bool = True) -> TrustStore:
        """Anchors and CRLs from PEM/DER files or folders (walked recursively).

        Every certificate found becomes an anchor: naming a file here is the act of trusting it.
        """
        store = cls.default() if include_default else cls.empty()
        certs: list[x509.Certificate] = []
        crls: list[crl.CertificateList] = []
        for raw in paths:
            for file in _files(Path(raw)):
                try:
                    data = file.read_bytes()
                except OSError as exc:
                    raise TrustStoreError(f"{file}: cannot read ({exc})") from exc
                for obj in load_objects(data, str(file)):
                    if isinstance(obj, x509.Certificate):
                        certs.append(obj)
                    else:
                        crls.append(obj)
        return store.with_anchors(*certs).with_crls(*crls)

    def with_anchors(self, *certs: x509.Certificate) -> TrustStore:
        """A copy that also trusts ``certs``."""
        return TrustStore(_dedup_certs((*self.anchors, *certs)), self.intermediates, self.crls)

    def with_intermediates(self, *certs: x509.Certificate) -> TrustStore:
        """A copy that offers ``certs`` to path building without trusting them."""
        return TrustStore(self.anchors, _dedup_certs((*self.intermediates, *certs)), self.crls)

    def with_crls(self, *crls: crl.CertificateList) -> TrustStore:
        """A copy that also uses ``crls`` for revocation checking."""
        return TrustStore(self.anchors, self.intermediates, _dedup_crls((*self.crls, *crls)))

    def without(self, *fingerprints: str) -> TrustStore:
        """A copy without the anchors and intermediates whose SHA-256 (hex) is given."""
        drop = {f.lower().replace(":", "") for f in fingerprints}
        return TrustStore(
            tuple(c for c in self.anchors if fingerprint(c) not in drop),
            tuple(c for c in self.intermediates if fingerprint(c) not in drop),
            self.crls,
        )

    def __repr__(self) -> str:
        return (
            f"TrustStore(anchors={len(self.anchors)}, intermediates={len(self.intermediates)}, "
            f"crls={len(self.crls)})"
        )

    @property
    def anchor_fingerprints(self) -> frozenset[str]:
        return frozenset(fingerprint(c) for c in self.anchors)

    def is_anchor(self, cert: x509.Certificate) -> bool:
        return fingerprint(cert) in self.anchor_fingerprints
