"""The packaged VN trust pack (pinned) and admin-managed trust stores."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest
from asn1crypto import crl, pem, x509
from hypothesis import given
from hypothesis import strategies as st

import esign.trust as trust_mod
from esign.errors import TrustPackIntegrityError, TrustStoreError
from esign.trust import VN_TRUST_PACK, TrustStore, fingerprint, load_objects
from tests.esign.pki import TestPKI

G2_ROOT = "f04ba4b459a7c9a1b971ad9b1cb833e695a80c79aea63b174b66a70edfe2fdb8"
NEAC_ROOT = "bac8bf609ab420a8ee1780d74f4de5c7f7184959d2a7375b0a75e4c29f0908e7"


def test_default_pack_has_the_three_roots_and_two_intermediates(vn_trust: TrustStore) -> None:
    names = {c.subject.native["common_name"] for c in vn_trust.anchors}
    assert names == {
        "RootCA chuyên dùng Chính phủ G2",
        "Co quan chung thuc so chuyen dung Chinh phu (RootCA)",
        "Vietnam National Root CA",
    }
    inter = {c.subject.native["common_name"] for c in vn_trust.intermediates}
    assert inter == {"CA phục vụ các cơ quan Nhà nước G2", "VNPT-CA SHA2"}
    assert vn_trust.anchor_fingerprints == {p.sha256 for p in VN_TRUST_PACK if p.role == "anchor"}


def test_packaged_files_match_the_shared_corpus(corpus_dir: Path) -> None:
    for entry in VN_TRUST_PACK:
        (obj,) = load_objects((corpus_dir / "trust/vn" / entry.filename).read_bytes())
        assert fingerprint(obj) == entry.sha256  # type: ignore[arg-type]


def test_tampered_pack_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Point the loader at a copy of the pack where one anchor was swapped for another.
    pkg = tmp_path / "esign"
    shutil.copytree(Path(trust_mod.__file__).parent / "data", pkg / "data")
    (pkg / "data/trust/vgca-rootca-g2.pem").write_bytes(
        (pkg / "data/trust/vn-national-root-ca.pem").read_bytes()
    )
    monkeypatch.setattr(trust_mod.resources, "files", lambda _name: pkg)
    trust_mod._packaged.cache_clear()
    try:
        with pytest.raises(TrustPackIntegrityError) as info:
            TrustStore.default()
        assert info.value.code == "trust_pack_integrity"
        assert "vgca-rootca-g2.pem" in str(info.value)
    finally:
        trust_mod._packaged.cache_clear()


def test_without_removes_an_anchor_by_fingerprint(vn_trust: TrustStore) -> None:
    colon = ":".join(G2_ROOT[i : i + 2] for i in range(0, 64, 2)).upper()
    smaller = vn_trust.without(colon)
    assert G2_ROOT not in smaller.anchor_fingerprints
    assert NEAC_ROOT in smaller.anchor_fingerprints
    assert G2_ROOT in vn_trust.anchor_fingerprints  # the original is untouched


def test_from_paths_reads_pem_der_and_crl_files_and_folders(tmp_path: Path, pki: TestPKI) -> None:
    folder = tmp_path / "trust"
    (folder / "sub").mkdir(parents=True)
    (folder / "root.der").write_bytes(pki.root.der)
    (folder / "sub" / "inter.pem").write_bytes(pem.armor("CERTIFICATE", pki.intermediate.der))
    (folder / "inter.crl").write_bytes(pki.crl.dump())
    (folder / "notes.txt").write_text("ignored")
    store = TrustStore.from_paths([folder], include_default=False)
    assert store.anchor_fingerprints == {
        fingerprint(pki.root.cert),
        fingerprint(pki.intermediate.cert),
    }
    assert len(store.crls) == 1
    with_default = TrustStore.from_paths([folder / "root.der"])
    assert G2_ROOT in with_default.anchor_fingerprints
    assert fingerprint(pki.root.cert) in with_default.anchor_fingerprints


def test_pem_bundle_with_several_blocks(pki: TestPKI) -> None:
    bundle = pem.armor("CERTIFICATE", pki.root.der) + pem.armor("X509 CRL", pki.crl.dump())
    objs = load_objects(bundle)
    assert len(objs) == 2


def test_duplicates_are_dropped(pki: TestPKI) -> None:
    store = (
        TrustStore.empty().with_anchors(pki.root.cert, pki.root.cert).with_crls(pki.crl, pki.crl)
    )
    assert len(store.anchors) == 1
    assert len(store.crls) == 1


@pytest.mark.parametrize("content", [b"", b"not a certificate", b"\x30\x03\x02\x01\x01"])
def test_garbage_file_raises_trust_store_error(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_bytes(content)
    with pytest.raises(TrustStoreError) as info:
        TrustStore.from_paths([bad])
    assert info.value.code == "trust_store_error"


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(TrustStoreError):
        TrustStore.from_paths([tmp_path / "nope"])


def test_repr_is_short(vn_trust: TrustStore) -> None:
    assert repr(vn_trust) == "TrustStore(anchors=3, intermediates=2, crls=0)"


@given(st.binary(max_size=300))
def test_loader_accepts_or_refuses_cleanly(data: bytes) -> None:
    try:
        objs = load_objects(data)
    except TrustStoreError:
        return
    assert all(isinstance(o, x509.Certificate | crl.CertificateList) for o in objs)


@given(st.data())
def test_mutated_der_certificate_never_escapes_as_another_error(data: st.DataObject) -> None:
    raw = bytearray(TrustStore.default().anchors[0].dump())
    pos = data.draw(st.integers(0, len(raw) - 1))
    raw[pos] ^= data.draw(st.integers(1, 255))
    with contextlib.suppress(TrustStoreError):
        load_objects(bytes(raw))
