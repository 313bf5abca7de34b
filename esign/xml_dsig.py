"""Cryptographic check of one XMLDSig ``<Signature>``: reference digests and the SignatureValue.

Returns raw measurements (:class:`SignatureCheck`); turning them into report facts, the chain and
the verdict is :mod:`esign.xml`'s job.  Algorithms are an explicit allow-list.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime, timedelta, timezone

from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from lxml import etree

from esign.xml_c14n import (
    C14N10,
    DSIG_NS,
    ENVELOPED,
    IdIndex,
    NodeSet,
    canonicalize,
    dereference,
    element_path,
    is_c14n,
)
from esign.xml_safe import XmlRejected

__all__ = ["ReferenceCheck", "SignatureCheck", "check_signature"]

_DS = f"{{{DSIG_NS}}}"
_MORE = "http://www.w3.org/2001/04/xmldsig-more#"
_ENC = "http://www.w3.org/2001/04/xmlenc#"
_DIGESTS: dict[str, str] = {
    DSIG_NS + "sha1": "sha1",
    _MORE + "sha224": "sha224",
    _ENC + "sha256": "sha256",
    _MORE + "sha384": "sha384",
    _ENC + "sha512": "sha512",
}
# signature method URI -> (key type, hash name, padding)
_SIG_METHODS: dict[str, tuple[str, str, str]] = {
    DSIG_NS + "rsa-sha1": ("rsa", "sha1", "pkcs1v15"),
    _MORE + "rsa-sha224": ("rsa", "sha224", "pkcs1v15"),
    _MORE + "rsa-sha256": ("rsa", "sha256", "pkcs1v15"),
    _MORE + "rsa-sha384": ("rsa", "sha384", "pkcs1v15"),
    _MORE + "rsa-sha512": ("rsa", "sha512", "pkcs1v15"),
    "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1": ("rsa", "sha256", "pss"),
    "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1": ("rsa", "sha384", "pss"),
    "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1": ("rsa", "sha512", "pss"),
    _MORE + "ecdsa-sha1": ("ecdsa", "sha1", ""),
    _MORE + "ecdsa-sha224": ("ecdsa", "sha224", ""),
    _MORE + "ecdsa-sha256": ("ecdsa", "sha256", ""),
    _MORE + "ecdsa-sha384": ("ecdsa", "sha384", ""),
    _MORE + "ecdsa-sha512": ("ecdsa", "sha512", ""),
}
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
_WEAKNESS = {"sha1": 0, "sha224": 1, "sha256": 2, "sha384": 3, "sha512": 4}
# Real signatures carry a handful of references; thousands of them are a way to make the
# verifier canonicalise the same large document over and over.
MAX_REFERENCES = 64
# Vietnamese e-invoice software writes SigningTime without an offset; it is local time.
VN_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class ReferenceCheck:
    """One ``<Reference>``: what it points at and whether its digest matched."""

    uri: str | None
    digest_algorithm: str | None
    ok: bool
    covered_path: str | None
    """Readable location of the signed element (``/`` for the whole document)."""
    whole_document: bool
    error: str | None = None
    """Stable code when the reference could not be processed."""


@dataclass
class SignatureCheck:
    """Raw measurements on one Signature element."""

    element: etree._Element
    name: str
    """Signature Id, else parent name and position."""
    references: list[ReferenceCheck] = dc_field(default_factory=list)
    signature_value_ok: bool | None = None
    signature_algorithm: str | None = None
    """``rsassa_pkcs1v15``, ``rsassa_pss`` or ``ecdsa``."""
    hash_algorithm: str | None = None
    certificates: list[asn1_x509.Certificate] = dc_field(default_factory=list)
    leaf: asn1_x509.Certificate | None = None
    key_size: int | None = None
    signing_time: datetime | None = None
    signing_time_signed: bool = False
    signing_time_naive: bool = False
    format_error: str | None = None
    format_detail: str = ""
    signed_elements: list[etree._Element] = dc_field(default_factory=list)

    @property
    def digest_ok(self) -> bool | None:
        if not self.references:
            return None
        return all(r.ok for r in self.references)

    @property
    def weakest_digest(self) -> str | None:
        names = [r.digest_algorithm for r in self.references if r.digest_algorithm]
        if self.hash_algorithm:
            names.append(self.hash_algorithm)
        return min(names, key=lambda n: _WEAKNESS.get(n, 9)) if names else None


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if c.tag == _DS + name]


def _one(el: etree._Element, name: str, *, required: bool = True) -> etree._Element | None:
    found = _children(el, name)
    if len(found) > 1 or (required and not found):
        raise XmlRejected(
            "malformed_signature", f"expected one {name} in {etree.QName(el).localname}"
        )
    return found[0] if found else None


def _b64(text: str | None) -> bytes:
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise XmlRejected("malformed_base64", str(exc)[:100]) from exc


def _prefix_list(transform: etree._Element) -> list[str]:
    for child in transform:
        if isinstance(child.tag, str) and etree.QName(child).localname == "InclusiveNamespaces":
            return (child.get("PrefixList") or "").split()
    return []


def _reference_octets(
    ref: etree._Element, sig: etree._Element, tree: etree._ElementTree, ids: IdIndex
) -> tuple[bytes, NodeSet]:
    nodes = dereference(ref.get("URI"), tree, ids)
    transforms_el = _one(ref, "Transforms", required=False)
    transforms = _children(transforms_el, "Transform") if transforms_el is not None else []
    octets: bytes | None = None
    for tr in transforms:
        algo = tr.get("Algorithm") or ""
        if octets is not None:
            raise XmlRejected(
                "unsupported_transform", f"transform after canonicalisation: {algo[:100]}"
            )
        if algo == ENVELOPED:
            nodes.excluded.append(sig)
        elif is_c14n(algo):
            octets = canonicalize(nodes, algo, _prefix_list(tr))
        else:
            raise XmlRejected("unsupported_transform", algo[:200])
    if octets is None:
        octets = canonicalize(nodes, C14N10)
    return octets, nodes


def _check_reference(
    ref: etree._Element, sig: etree._Element, tree: etree._ElementTree, ids: IdIndex
) -> tuple[ReferenceCheck, etree._Element | None]:
    uri = ref.get("URI")
    method = _one(ref, "DigestMethod")
    assert method is not None
    algo = _DIGESTS.get(method.get("Algorithm") or "")
    if algo is None:
        raise XmlRejected("unsupported_digest", (method.get("Algorithm") or "")[:200])
    value_el = _one(ref, "DigestValue")
    assert value_el is not None
    expected = _b64(value_el.text)
    octets, nodes = _reference_octets(ref, sig, tree, ids)
    actual = hashlib.new(algo, octets).digest()
    covered = nodes.covered
    whole = nodes.apex is None or nodes.apex is tree.getroot()
    check = ReferenceCheck(
        uri=uri,
        digest_algorithm=algo,
        ok=hmac.compare_digest(actual, expected),
        covered_path="/" if nodes.apex is None else element_path(covered),
        whole_document=whole,
    )
    return check, covered


def _load_certificates(sig: etree._Element) -> list[asn1_x509.Certificate]:
    certs: list[asn1_x509.Certificate] = []
    key_info = _one(sig, "KeyInfo", required=False)
    if key_info is None:
        return certs
    for data in _children(key_info, "X509Data"):
        for el in _children(data, "X509Certificate"):
            try:
                cert = asn1_x509.Certificate.load(_b64(el.text))
                cert.public_key.dump()  # parse what verification needs, so garbage fails here
            except XmlRejected:
                raise
            except Exception as exc:  # asn1crypto raises many types on garbage
                raise XmlRejected("malformed_certificate", str(exc)[:100]) from exc
            certs.append(cert)
    return certs


def _public_key(cert: asn1_x509.Certificate) -> object:
    try:
        return serialization.load_der_public_key(cert.public_key.dump())
    except (ValueError, UnsupportedAlgorithm):
        return None


def _verify_value(
    key: object, key_type: str, hash_name: str, pad: str, value: bytes, data: bytes
) -> bool:
    algo = _HASHES[hash_name]()
    try:
        if key_type == "rsa" and isinstance(key, rsa.RSAPublicKey):
            scheme: padding.AsymmetricPadding = (
                padding.PSS(mgf=padding.MGF1(_HASHES[hash_name]()), salt_length=padding.PSS.AUTO)
                if pad == "pss"
                else padding.PKCS1v15()
            )
            key.verify(value, data, scheme, algo)
            return True
        if key_type == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            size = (key.curve.key_size + 7) // 8
            if len(value) == 2 * size:  # XMLDSig: raw r || s
                r = int.from_bytes(value[:size], "big")
                s = int.from_bytes(value[size:], "big")
                value = utils.encode_dss_signature(r, s)
            key.verify(value, data, ec.ECDSA(algo))
            return True
    except (InvalidSignature, ValueError):
        return False
    return False


def _key_size(key: object) -> int | None:
    if isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        return key.key_size
    return None


def _check_signature_value(
    check: SignatureCheck, signed_info: etree._Element, tree: etree._ElementTree
) -> None:
    sig = check.element
    c14n_el = _one(signed_info, "CanonicalizationMethod")
    method_el = _one(signed_info, "SignatureMethod")
    assert c14n_el is not None
    assert method_el is not None
    c14n_algo = c14n_el.get("Algorithm") or ""
    if not is_c14n(c14n_algo):
        raise XmlRejected("unsupported_c14n", c14n_algo[:200])
    method = _SIG_METHODS.get(method_el.get("Algorithm") or "")
    if method is None:
        raise XmlRejected("unsupported_signature_method", (method_el.get("Algorithm") or "")[:200])
    key_type, hash_name, pad = method
    check.hash_algorithm = hash_name
    check.signature_algorithm = {"rsa": "rsassa_pkcs1v15", "ecdsa": "ecdsa"}[key_type]
    if pad == "pss":
        check.signature_algorithm = "rsassa_pss"
    value_el = _one(sig, "SignatureValue")
    assert value_el is not None
    value = _b64(value_el.text)
    octets = canonicalize(NodeSet(tree, signed_info, False, []), c14n_algo, _prefix_list(c14n_el))
    check.certificates = _load_certificates(sig)
    for cert in check.certificates:
        key = _public_key(cert)
        if _verify_value(key, key_type, hash_name, pad, value, octets):
            check.leaf, check.key_size, check.signature_value_ok = cert, _key_size(key), True
            return
    if check.certificates:
        # None verified: name the end-entity certificate as the would-be signer.
        leaf = next((c for c in check.certificates if not c.ca), check.certificates[0])
        check.leaf, check.key_size = leaf, _key_size(_public_key(leaf))
        check.signature_value_ok = False


def _parse_time(text: str) -> tuple[datetime, bool] | None:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=VN_TZ), True
    return moment, False


def _find_signing_time(check: SignatureCheck) -> None:
    """The first SigningTime (any namespace) in the Signature, and whether a reference signs it.

    Only a reference to the element or to one of its ancestors *inside* this Signature counts:
    a whole-document reference drops its own Signature through the enveloped transform.
    """
    sig = check.element
    for el in sig.iter("{*}SigningTime", "SigningTime"):
        parsed = _parse_time(el.text) if el.text else None
        if parsed is None:
            continue
        check.signing_time, check.signing_time_naive = parsed
        inside = [el, *(a for a in el.iterancestors() if a is not sig and sig in a.iterancestors())]
        check.signing_time_signed = any(
            signed is node for signed in check.signed_elements for node in inside
        )
        return


def signature_field(sig: etree._Element, index: int) -> str:
    """A name for the signature: its Id, else its parent's name and position."""
    ident = sig.get("Id")
    if ident:
        return str(ident)
    parent = sig.getparent()
    parent_name = etree.QName(parent).localname if parent is not None else "document"
    return f"{parent_name}-signature-{index}"


def check_signature(
    sig: etree._Element, tree: etree._ElementTree, ids: IdIndex, index: int
) -> SignatureCheck:
    """Check digests and the signature value; structural problems land in ``format_error``."""
    check = SignatureCheck(element=sig, name=signature_field(sig, index))
    try:
        signed_info = _one(sig, "SignedInfo")
        assert signed_info is not None
        refs = _children(signed_info, "Reference")
        if not refs:
            raise XmlRejected("malformed_signature", "SignedInfo has no Reference")
        if len(refs) > MAX_REFERENCES:
            raise XmlRejected(
                "too_many_references", f"{len(refs)} references (limit {MAX_REFERENCES})"
            )
        for ref in refs:
            result, covered = _check_reference(ref, sig, tree, ids)
            check.references.append(result)
            if result.ok and covered is not None:
                check.signed_elements.append(covered)
        _check_signature_value(check, signed_info, tree)
    except XmlRejected as exc:
        check.format_error, check.format_detail = exc.code, exc.detail
    _find_signing_time(check)
    return check
