"""Signer identity: UID attributes of Vietnamese certificates, parsed attribute by attribute."""

from __future__ import annotations

from pathlib import Path

import pytest
from asn1crypto import x509
from hypothesis import given
from hypothesis import strategies as st

from esign.vn import KNOWN_KINDS, Identifier, parse_identifier, signer_from_certificate
from tests.esign.pki import TestPKI


def _load(corpus_dir: Path, name: str) -> x509.Certificate:
    return x509.Certificate.load((corpus_dir / "certs/vn-samples" / name).read_bytes())


def test_tax_office_with_branch_suffix(corpus_dir: Path) -> None:
    signer = signer_from_certificate(
        _load(corpus_dir, "sample_leaf_vgca_btc_MST0301519977-029.der")
    )
    assert signer.identifiers == (
        Identifier(kind="MST", value="0301519977-029", raw="MST:0301519977-029"),
    )
    assert signer.tax_code == "0301519977-029"
    assert signer.identifiers[0].branch == "029"
    assert signer.identifiers[0].well_formed is True
    assert signer.personal_id is None
    assert signer.common_name == "Chi cục thuế Khu vực Quận 12 - Huyện Hóc Môn"
    assert signer.organization == "Bộ Tài chính"
    assert signer.organizational_units == ("Tổng Cục thuế", "Cục thuế Thành phố Hồ Chí Minh")
    assert signer.organizational_unit == "Cục thuế Thành phố Hồ Chí Minh"
    assert signer.email == "hc_q12_hmo.hcm@gdt.gov.vn"  # from subjectAltName


def test_locality_with_commas_is_one_value(corpus_dir: Path) -> None:
    signer = signer_from_certificate(_load(corpus_dir, "sample_leaf_safeca_MST0106324653.der"))
    assert signer.tax_code == "0106324653"
    assert signer.locality == "285/94B Cách mạng tháng 8, Phường 12, Quận 10, TP Hồ Chí Minh"
    assert signer.state == "TP Hồ Chí Minh"
    assert signer.email == "info@ts24.com.vn"
    assert signer.country == "VN"


def test_certificate_without_uid(corpus_dir: Path) -> None:
    signer = signer_from_certificate(_load(corpus_dir, "sample_leaf_vgca_cpcag2_TCT.der"))
    assert signer.identifiers == ()
    assert signer.tax_code is None
    assert signer.common_name == "TỔNG CỤC THUẾ"
    assert signer.certificate.issuer.startswith("CN=CA phục vụ các cơ quan Nhà nước G2")


def test_several_uids_in_one_certificate(pki: TestPKI) -> None:
    signer = signer_from_certificate(pki.signer.cert)
    assert [(i.kind, i.value) for i in signer.identifiers] == [
        ("MST", "0101234567-001"),
        ("CCCD", "001099012345"),
    ]
    assert signer.personal_id == "001099012345"
    data = signer.to_dict()
    assert data["tax_code"] == "0101234567-001"
    assert data["identifiers"] == [
        {"kind": "MST", "value": "0101234567-001"},
        {"kind": "CCCD", "value": "001099012345"},
    ]


@pytest.mark.parametrize(
    ("raw", "kind", "value", "well_formed"),
    [
        ("MST:0101234567", "MST", "0101234567", True),
        ("mst : 0101234567-001 ", "MST", "0101234567-001", True),
        ("CCCD:001099012345", "CCCD", "001099012345", True),
        ("CMND:012345678", "CMND", "012345678", True),
        ("MNS:1234567", "MNS", "1234567", True),
        ("BHXH:0123456789", "BHXH", "0123456789", True),
        ("HC:C1234567", "HC", "C1234567", True),
        ("PID:001099012345", "PID", "001099012345", True),
        ("CCCD:12345", "CCCD", "12345", False),
        ("MST=0101234567", "MST", "0101234567", True),
        ("XYZ:abc", "XYZ", "abc", None),
        ("just text", "OTHER", "just text", None),
        ("MST:", "OTHER", "MST:", None),
    ],
)
def test_parse_identifier(raw: str, kind: str, value: str, well_formed: bool | None) -> None:
    ident = parse_identifier(raw)
    assert (ident.kind, ident.value, ident.raw) == (kind, value, raw)
    assert ident.well_formed is well_formed


@given(st.text(max_size=80))
def test_parser_never_raises_and_keeps_raw(raw: str) -> None:
    ident = parse_identifier(raw)
    assert ident.raw == raw
    assert ident.kind == ident.kind.upper()
    assert ident.value == ident.value.strip()


@given(
    kind=st.sampled_from(sorted(KNOWN_KINDS)),
    value=st.from_regex(r"[0-9A-Z][0-9A-Z-]{0,20}", fullmatch=True),
    sep=st.sampled_from([":", " : ", "=", ": "]),
    lower=st.booleans(),
)
def test_prefixed_values_round_trip(kind: str, value: str, sep: str, lower: bool) -> None:
    raw = f"{kind.lower() if lower else kind}{sep}{value}"
    ident = parse_identifier(raw)
    assert ident.kind == kind
    assert ident.value == value
    assert ident.known


@given(st.from_regex(r"\d{10}(-\d{3})?", fullmatch=True))
def test_mst_shapes_are_well_formed(value: str) -> None:
    ident = parse_identifier("MST:" + value)
    assert ident.well_formed
    assert (ident.branch is not None) == ("-" in value)
