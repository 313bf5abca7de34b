"""Test helper: sign XML the way Vietnamese e-invoice software does, with a throw-away PKI.

Uses lxml's own C14N and ``cryptography`` directly (not esign's code) so the tests check the
verifier against an independent signer.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from lxml import etree

from tests.esign.pki import Issued, TestPKI, issue

DS = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
METHODS = {
    "rsa-sha256": ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", hashes.SHA256),
    "rsa-sha1": (DS + "rsa-sha1", hashes.SHA1),
    "ecdsa-sha256": ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", hashes.SHA256),
}
DIGESTS = {"sha256": "http://www.w3.org/2001/04/xmlenc#sha256", "sha1": DS + "sha1"}

Key = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class Identity:
    """A signing key and the certificates embedded in KeyInfo (leaf first)."""

    key: Key
    certs: tuple[x509.Certificate, ...]


def identity(pki: TestPKI, issued: Issued) -> Identity:
    """``issued`` from the shared test PKI, embedding its intermediate like real signers do."""
    return Identity(issued.key, (issued.crypto_cert, pki.intermediate.crypto_cert))


def ec_identity(pki: TestPKI) -> Identity:
    """An ECDSA P-256 signer under the test intermediate."""
    key = ec.generate_private_key(ec.SECP256R1())
    issued = issue(
        pki.intermediate,
        "ECDSA Signer",
        key=key,  # type: ignore[arg-type]
        not_before=datetime(2024, 1, 1, tzinfo=UTC),
        not_after=datetime(2029, 1, 1, tzinfo=UTC),
        uids=("MST:0312345678",),
    )
    return Identity(key, (issued.crypto_cert, pki.intermediate.crypto_cert))


INVOICE = """<?xml version="1.0" encoding="UTF-8"?>
<TDiep><TTChung><PBan>2.0.0</PBan><MST>0106324653</MST></TTChung><DLieu>
<HDon xmlns:inv="http://laphoadon.gdt.gov.vn/2014/09/invoicexml/v1" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
  <DLHDon Id="DL-0001"><TTChung><THDon>Hóa đơn giá trị gia tăng</THDon><SHDon>14</SHDon></TTChung>
    <NDHDon><NBan><Ten>Công ty Test</Ten><MST>0106324653</MST></NBan>
      <TToan><TgTCThue>1200000</TgTCThue><TgTThue>120000</TgTThue><TgTTTBSo>1320000</TgTTTBSo></TToan>
    </NDHDon></DLHDon>
  <MCCQT Id="MCCQT-1">00474597512BE94B7BAB367996EF464828</MCCQT>
  <DSCKS><NBan/><NMua/><CQT/></DSCKS>
</HDon></DLieu></TDiep>"""


def _sub(parent: etree._Element, name: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{DS}}}{name}", attrs)


def _c14n(el: etree._Element, algo: str) -> bytes:
    return etree.tostring(el, method="c14n", exclusive=(algo == EXC), with_comments=False)


def sign(
    root: etree._Element,
    holder: etree._Element,
    who: Identity,
    uris: list[str],
    *,
    sig_id: str,
    method: str = "rsa-sha256",
    digest: str = "sha256",
    c14n: str = C14N,
    signing_time: str = "2025-11-05T14:48:47",
    sign_time_object: bool = True,
) -> etree._Element:
    """Append an enveloped Signature to ``holder`` covering ``uris`` and its SigningTime Object."""
    if isinstance(who.key, ec.EllipticCurvePrivateKey) and method.startswith("rsa"):
        method = "ecdsa-sha256"
    sig = etree.SubElement(holder, f"{{{DS}}}Signature", {"Id": sig_id}, nsmap={None: DS})
    info = _sub(sig, "SignedInfo")
    _sub(info, "CanonicalizationMethod", Algorithm=c14n)
    _sub(info, "SignatureMethod", Algorithm=METHODS[method][0])
    value = _sub(sig, "SignatureValue")
    key_info = _sub(sig, "KeyInfo")
    data = _sub(key_info, "X509Data")
    for cert in who.certs:
        _sub(data, "X509Certificate").text = base64.b64encode(
            cert.public_bytes(serialization.Encoding.DER)
        ).decode()
    all_uris = list(uris)
    if sign_time_object:
        obj = _sub(sig, "Object", Id=f"ST-{sig_id}")
        props = _sub(obj, "SignatureProperties")
        prop = _sub(props, "SignatureProperty", Target=f"#{sig_id}")
        _sub(prop, "SigningTime").text = signing_time
        all_uris.append(f"#ST-{sig_id}")
    for uri in all_uris:
        ref = _sub(info, "Reference", URI=uri)
        transforms = _sub(ref, "Transforms")
        if not uri.startswith("#ST-"):
            _sub(transforms, "Transform", Algorithm=DS + "enveloped-signature")
        if c14n == EXC:
            _sub(transforms, "Transform", Algorithm=EXC)
        _sub(ref, "DigestMethod", Algorithm=DIGESTS[digest])
        target = root if uri == "" else root.xpath("//*[@Id=$v]", v=uri[1:])[0]
        if uri == "":
            with_sig_removed = etree.fromstring(etree.tostring(root))
            for s in with_sig_removed.iter(f"{{{DS}}}Signature"):
                if s.get("Id") == sig_id:
                    s.getparent().remove(s)
            octets = _c14n(with_sig_removed, c14n)
        else:
            octets = _c14n(target, c14n)
        _sub(ref, "DigestValue").text = base64.b64encode(
            hashlib.new(digest, octets).digest()
        ).decode()
    payload = _c14n(info, c14n)
    algo = METHODS[method][1]()
    if isinstance(who.key, rsa.RSAPrivateKey):
        raw = who.key.sign(payload, padding.PKCS1v15(), algo)
    else:
        r, s = utils.decode_dss_signature(who.key.sign(payload, ec.ECDSA(algo)))
        raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    value.text = base64.b64encode(raw).decode()
    return sig


def signed_invoice(seller: Identity, tax: Identity, **kw: object) -> bytes:
    """The e-invoice with the seller's and then the tax authority's signature."""
    root = etree.fromstring(INVOICE.encode())
    sign(root, root.find(".//DSCKS/NBan"), seller, ["#DL-0001"], sig_id="NBan-sig", **kw)  # type: ignore[arg-type]
    sign(root, root.find(".//DSCKS/CQT"), tax, ["#DL-0001", "#MCCQT-1"], sig_id="CQT-sig", **kw)  # type: ignore[arg-type]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def signed_whole(seller: Identity, **kw: object) -> bytes:
    """A small document signed as a whole (URI="" with the enveloped transform)."""
    root = etree.fromstring(b"<Doc><!-- note --><Amount>100</Amount>\n  <Note>x</Note>\n</Doc>")
    sign(root, root, seller, [""], sig_id="S1", **kw)  # type: ignore[arg-type]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
