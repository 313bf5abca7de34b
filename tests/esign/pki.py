"""A throw-away PKI built in memory for esign tests (no real keys are shipped).

Import it as ``from tests.esign.pki import get_pki`` (pytest is run from the repo root with
``python -m pytest``, which puts the root on ``sys.path``).

API
---
``get_pki() -> TestPKI``   the shared, cached PKI (RSA-2048, SHA-256); build cost ~1 s once.
``build_pki() -> TestPKI`` a fresh one (new keys) when a test must not share.
``TestPKI`` fields (each an ``Issued``): ``root``, ``intermediate``, ``signer`` (digitalSignature +
    nonRepudiation, UID=MST:0101234567-001 and UID=CCCD:001099012345), ``signer_no_nr``
    (digitalSignature only), ``revoked`` (listed in ``crl``), ``expired`` (valid 2020 only),
    ``tsa`` (EKU timeStamping); plus ``crl`` (intermediate's CRL, revoked serial inside),
    ``root_crl`` (root's CRL, empty), and moments:
    ``moment`` 2026-06-01Z (everything but ``expired`` valid, ``revoked`` already revoked),
    ``revoked_at`` 2025-06-01Z, ``expired_moment`` 2020-06-01Z (inside ``expired``'s validity).
``TestPKI.trust(with_crls=True) -> TrustStore``   root as anchor, intermediate offered, CRLs.
``TestPKI.chain(issued) -> list[Certificate]`` issued cert + intermediate (what a signer embeds).
``Issued.cert`` asn1crypto certificate; ``.key`` cryptography private key;
``Issued.key_info`` asn1crypto PrivateKeyInfo; ``Issued.simple_signer(pki)`` pyHanko SimpleSigner
    with the chain registered.
``TestPKI.timestamper(at=None)`` pyHanko DummyTimeStamper signed by ``tsa`` (fixed time if given).
``issue(issuer, subject_cn, ...)`` issue any extra certificate (weak keys, odd key usage, forged
    signature with ``signing_key=new_key()``); ``resign_sha1(cert, issuer)`` a SHA-1 signed copy.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from esign.trust import TrustStore

__all__ = ["Issued", "TestPKI", "build_pki", "get_pki", "issue", "new_key", "resign_sha1"]

CRL_URL = "http://127.0.0.1:9/intermediate.crl"
ROOT_CRL_URL = "http://127.0.0.1:9/root.crl"


def _t(year: int, month: int = 1, day: int = 1) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


def new_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@dataclass(frozen=True)
class Issued:
    """A certificate and its private key."""

    cert: asn1_x509.Certificate
    key: rsa.RSAPrivateKey
    crypto_cert: x509.Certificate

    @property
    def key_info(self) -> asn1_keys.PrivateKeyInfo:
        der = self.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return asn1_keys.PrivateKeyInfo.load(der)

    @property
    def der(self) -> bytes:
        return bytes(self.cert.dump())

    def simple_signer(self, pki: TestPKI, **kwargs: Any) -> Any:
        from pyhanko.sign.signers import SimpleSigner
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        store = SimpleCertificateStore.from_certs([pki.intermediate.cert, pki.root.cert])
        return SimpleSigner(self.cert, self.key_info, store, **kwargs)


def _name(cn: str, *, org: str = "motcua test PKI", uids: tuple[str, ...] = ()) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ]
    attrs += [x509.NameAttribute(NameOID.USER_ID, uid) for uid in uids]
    return x509.Name([x509.RelativeDistinguishedName([a]) for a in attrs])


def issue(
    issuer: Issued | None,
    subject_cn: str,
    *,
    not_before: datetime,
    not_after: datetime,
    ca: bool = False,
    key: rsa.RSAPrivateKey | None = None,
    key_usage: frozenset[str] = frozenset({"digital_signature", "non_repudiation"}),
    eku: tuple[x509.ObjectIdentifier, ...] = (),
    uids: tuple[str, ...] = (),
    org: str = "motcua test PKI",
    crl_url: str | None = CRL_URL,
    hash_algorithm: hashes.HashAlgorithm | None = None,
    serial: int | None = None,
    signing_key: rsa.RSAPrivateKey | None = None,
) -> Issued:
    """Issue a certificate (self-signed when ``issuer`` is None).

    ``signing_key`` overrides the issuer's key while keeping its name and key identifier: a
    forged certificate whose signature does not verify.
    """
    key = key or new_key()
    subject = _name(subject_cn, org=org, uids=uids)
    issuer_name = subject if issuer is None else issuer.crypto_cert.subject
    authority_key = key if issuer is None else issuer.key
    signing_key = signing_key or authority_key
    ku = {name: name in key_usage for name in _KU_NAMES}
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**ku), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()),
            critical=False,
        )
    )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=True)
    if issuer is not None and crl_url:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    crypto_cert = builder.sign(signing_key, hash_algorithm or hashes.SHA256())
    cert = asn1_x509.Certificate.load(crypto_cert.public_bytes(serialization.Encoding.DER))
    return Issued(cert=cert, key=key, crypto_cert=crypto_cert)


def resign_sha1(cert: asn1_x509.Certificate, issuer: Issued) -> asn1_x509.Certificate:
    """A copy of ``cert`` signed with SHA-1 (cryptography's builder refuses SHA-1 now)."""
    from cryptography.hazmat.primitives.asymmetric import padding

    tbs = asn1_x509.TbsCertificate.load(cert["tbs_certificate"].dump())
    algo = asn1_x509.SignedDigestAlgorithm({"algorithm": "sha1_rsa"})
    tbs["signature"] = algo
    tbs_der = tbs.dump(force=True)
    signature = issuer.key.sign(tbs_der, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    return asn1_x509.Certificate(
        {"tbs_certificate": tbs, "signature_algorithm": algo, "signature_value": signature}
    )


_KU_NAMES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)


def _ku(*names: str) -> frozenset[str]:
    # cryptography calls nonRepudiation "content_commitment"
    return frozenset("content_commitment" if n == "non_repudiation" else n for n in names)


def make_crl(
    issuer: Issued, revoked: list[tuple[int, datetime]], *, this_update: datetime
) -> asn1_crl.CertificateList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.crypto_cert.subject)
        .last_update(this_update)
        .next_update(_t(2036))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    )
    for serial, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        )
    der = builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    return asn1_crl.CertificateList.load(der)


@dataclass(frozen=True)
class TestPKI:
    """Root -> intermediate -> end entities, with CRLs and fixed moments."""

    __test__ = False  # not a pytest test class

    root: Issued
    intermediate: Issued
    signer: Issued
    signer_no_nr: Issued
    revoked: Issued
    expired: Issued
    tsa: Issued
    crl: asn1_crl.CertificateList
    root_crl: asn1_crl.CertificateList
    moment: datetime
    revoked_at: datetime
    expired_moment: datetime

    def trust(self, *, with_crls: bool = True) -> TrustStore:
        store = TrustStore(anchors=(self.root.cert,), intermediates=(self.intermediate.cert,))
        return store.with_crls(self.crl, self.root_crl) if with_crls else store

    def chain(self, issued: Issued) -> list[asn1_x509.Certificate]:
        return [issued.cert, self.intermediate.cert]

    def timestamper(self, at: datetime | None = None) -> Any:
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        return DummyTimeStamper(
            tsa_cert=self.tsa.cert,
            tsa_key=self.tsa.key_info,
            certs_to_embed=[self.intermediate.cert],
            fixed_dt=at,
        )


def build_pki() -> TestPKI:
    """Build a fresh PKI; prefer ``get_pki()`` in tests (keys are slow to make)."""
    ee = _ku("digital_signature", "non_repudiation")
    root = issue(
        None,
        "motcua Test Root CA",
        not_before=_t(2019),
        not_after=_t(2045),
        ca=True,
        key_usage=_ku("key_cert_sign", "crl_sign"),
        crl_url=None,
    )
    inter = issue(
        root,
        "motcua Test CA G2",
        not_before=_t(2019, 6),
        not_after=_t(2040),
        ca=True,
        key_usage=_ku("key_cert_sign", "crl_sign"),
        crl_url=ROOT_CRL_URL,
    )
    signer = issue(
        inter,
        "Nguyễn Văn An",
        not_before=_t(2024),
        not_after=_t(2029),
        key_usage=ee,
        uids=("MST:0101234567-001", "CCCD:001099012345"),
        org="UBND phường Ba Đình",
    )
    signer_no_nr = issue(
        inter,
        "Trần Thị Bình",
        not_before=_t(2024),
        not_after=_t(2029),
        key_usage=_ku("digital_signature"),
        uids=("CCCD:079199012345",),
    )
    revoked = issue(inter, "Lê Văn Cường", not_before=_t(2024), not_after=_t(2029), key_usage=ee)
    expired = issue(inter, "Phạm Thị Dung", not_before=_t(2020), not_after=_t(2021), key_usage=ee)
    tsa = issue(
        inter,
        "motcua Test TSA",
        not_before=_t(2019, 7),
        not_after=_t(2040),
        key_usage=_ku("digital_signature"),
        eku=(ExtendedKeyUsageOID.TIME_STAMPING,),
    )
    revoked_at = _t(2025, 6)
    crl = make_crl(inter, [(revoked.cert.serial_number, revoked_at)], this_update=_t(2025, 7))
    root_crl = make_crl(root, [], this_update=_t(2019, 7))
    return TestPKI(
        root=root,
        intermediate=inter,
        signer=signer,
        signer_no_nr=signer_no_nr,
        revoked=revoked,
        expired=expired,
        tsa=tsa,
        crl=crl,
        root_crl=root_crl,
        moment=_t(2026, 6),
        revoked_at=revoked_at,
        expired_moment=_t(2020, 6),
    )


@functools.cache
def get_pki() -> TestPKI:
    """The PKI shared by every test in the session (immutable)."""
    return build_pki()


def later(moment: datetime, days: int) -> datetime:
    return moment + timedelta(days=days)
