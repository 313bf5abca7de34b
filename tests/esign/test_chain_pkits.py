"""Path validation through ``esign.chain.validate_chain``: NIST PKITS (246 cases), the real
Vietnamese chain, and the throw-away test PKI (key usage, revocation modes, forged certificates).

Parameters follow pyhanko-certvalidator's own PKITS run: the validation moment is 2022-05-01,
revocation is required unless the case says ``"revocation": false``, SHA-1 and 1024-bit DSA are
allowed (the suite predates their deprecation), and no key usage is demanded of the leaf.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import crl, x509
from pyhanko_certvalidator.policy_decl import PKIXValidationParams

from esign.chain import ChainResult, validate_chain
from esign.errors import InvalidInputError
from esign.policy import ValidationPolicy
from esign.report import SubIndication
from esign.revocation import fetcher_backend
from esign.trust import TrustStore
from tests.esign.pki import TestPKI, issue, new_key, resign_sha1

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
PKITS = CORPUS / "pkits"
VN = CORPUS / "certs" / "vn-samples"
PKITS_MOMENT = datetime(2022, 5, 1, tzinfo=UTC)
G2_ROOT = "f04ba4b459a7c9a1b971ad9b1cb833e695a80c79aea63b174b66a70edfe2fdb8"

# Expected engine error class -> the sub-indications our wrapper may give for it.
EXPECTED: dict[str, set[SubIndication]] = {
    "RevokedError": {SubIndication.REVOKED, SubIndication.REVOKED_CA_NO_POE},
    "InsufficientRevinfoError": {SubIndication.TRY_LATER},
    "StaleRevinfoError": {SubIndication.TRY_LATER},
    "PathValidationError": {
        SubIndication.CHAIN_CONSTRAINTS_FAILURE,
        SubIndication.SIG_CRYPTO_FAILURE,
        SubIndication.EXPIRED,
        SubIndication.NOT_YET_VALID,
        SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
    },
}


def _cert(name: str) -> x509.Certificate:
    return x509.Certificate.load((PKITS / "certs" / name).read_bytes())


def _crl(name: str) -> crl.CertificateList:
    return crl.CertificateList.load((PKITS / "crls" / name).read_bytes())


def _params(obj: dict[str, Any]) -> PKIXValidationParams | None:
    if "params" not in obj:
        return None
    raw = obj["params"]
    kwargs: dict[str, Any] = {
        "initial_policy_mapping_inhibit": bool(raw.get("initial_policy_mapping_inhibit", False)),
        "initial_explicit_policy": bool(raw.get("initial_explicit_policy", False)),
        "initial_any_policy_inhibit": bool(raw.get("initial_any_policy_inhibit", False)),
    }
    if "user_initial_policy_set" in raw:
        kwargs["user_initial_policy_set"] = frozenset(raw["user_initial_policy_set"])
    return PKIXValidationParams(**kwargs)


def _cases(filename: str) -> list[dict[str, Any]]:
    return list(json.loads((PKITS / filename).read_text()))


def _run(obj: dict[str, Any]) -> ChainResult:
    trust = TrustStore(anchors=(_cert("TrustAnchorRootCertificate.crt"),)).with_crls(
        _crl("TrustAnchorRootCRL.crl"), *(_crl(n) for n in obj.get("crls", ()))
    )
    mode = "hard" if obj.get("revocation", True) else "offline"
    policy = ValidationPolicy(revocation_mode=mode, allow_fetching=False, allow_sha1=True)
    extra = [_cert(n) for n in (*obj.get("other_certs", ()), *obj.get("path_intermediates", ()))]
    return validate_chain(
        _cert(obj["cert"]),
        extra_certs=extra,
        trust=trust,
        moment=PKITS_MOMENT,
        policy=policy,
        key_usage=frozenset(),
        pkix_params=_params(obj),
    )


def test_corpus_has_all_246_cases() -> None:
    assert len(_cases("pkits.json")) == 246


@pytest.mark.parametrize("case", _cases("pkits.json"), ids=lambda c: f"{c['id']}-{c['name']}")
def test_pkits(case: dict[str, Any]) -> None:
    result = _run(case)
    error = case.get("error")
    if error is None:
        assert result.trusted, result.detail
        assert result.error is None
        assert len(result.chain) == case["path_len"]
        assert result.anchor is not None
        assert result.anchor.subject.endswith("CN=Trust Anchor,O=Test Certificates 2011,C=US")
    elif "path_intermediates" in case:
        # pyHanko's suite forces a pre-built path whose names do not chain, to exercise the
        # validator's name check.  Our function builds paths itself and refuses to build this
        # one at all: still a rejection, reported as "no chain".
        assert not result.trusted
        assert result.error is SubIndication.NO_CERTIFICATE_CHAIN_FOUND
        assert "no issuer matching" in result.detail
    else:
        assert not result.trusted
        assert result.error in EXPECTED[error["class"]], (result.error, result.detail)
        assert re.search(error["msg_regex"], result.detail), result.detail
        assert any(f.code == "chain_invalid" for f in result.findings)


@pytest.mark.parametrize(
    "case", _cases("pkits-user-notice.json"), ids=lambda c: f"{c['id']}-{c['name']}"
)
def test_pkits_user_notice_paths_validate(case: dict[str, Any]) -> None:
    result = _run(case)
    assert result.trusted, result.detail


# --- the real Vietnamese chain -----------------------------------------------------------------


def _vn(name: str) -> x509.Certificate:
    return x509.Certificate.load((VN / name).read_bytes())


def test_vgca_g2_leaf_validates_to_the_packaged_g2_root() -> None:
    leaf = _vn("sample_leaf_vgca_cpcag2_TCT.der")
    result = validate_chain(
        leaf, trust=TrustStore.default(), moment=datetime(2024, 3, 1, tzinfo=UTC)
    )
    assert result.trusted, result.detail
    assert result.revocation == "not_checked"  # offline, no CRL imported
    assert len(result.chain) == 3
    assert result.anchor is not None
    assert result.anchor.sha256 == G2_ROOT
    assert "CA phục vụ các cơ quan Nhà nước G2" in result.chain[1].subject


def test_vgca_g2_leaf_untrusted_when_g2_root_removed() -> None:
    store = TrustStore.default().without(G2_ROOT)
    result = validate_chain(
        _vn("sample_leaf_vgca_cpcag2_TCT.der"),
        trust=store,
        moment=datetime(2024, 3, 1, tzinfo=UTC),
    )
    assert not result.trusted
    assert result.error is SubIndication.NO_CERTIFICATE_CHAIN_FOUND


def test_vgca_g2_leaf_expired_after_its_validity() -> None:
    result = validate_chain(
        _vn("sample_leaf_vgca_cpcag2_TCT.der"),
        trust=TrustStore.default(),
        moment=datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert result.error is SubIndication.EXPIRED


@pytest.mark.parametrize(
    "name", ["sample_leaf_vgca_btc_MST0301519977-029.der", "sample_leaf_safeca_MST0106324653.der"]
)
def test_samples_whose_issuing_ca_is_not_packed_report_no_chain(name: str) -> None:
    # The Ministry of Finance sub-CA and SAFE-CA are not in the pack: a clear "no chain" result,
    # with the leaf still described.
    leaf = _vn(name)
    moment = datetime(2022, 6, 1, tzinfo=UTC)
    result = validate_chain(leaf, trust=TrustStore.default(), moment=moment)
    assert not result.trusted
    assert result.error is SubIndication.NO_CERTIFICATE_CHAIN_FOUND
    assert "UID=MST:" in result.chain[0].subject
    assert result.anchor is None


# --- the throw-away PKI: key usage, revocation modes, forged and weak certificates ---------------


def _codes(result: ChainResult) -> list[str]:
    return [f.code for f in result.findings]


def test_good_signer_is_trusted_with_revocation_checked(pki: TestPKI) -> None:
    result = validate_chain(pki.signer.cert, trust=pki.trust(), moment=pki.moment)
    assert result.trusted
    assert result.revocation == "good"
    assert _codes(result) == []
    assert [c.subject.split(",")[0] for c in result.chain[1:]] == [
        "CN=motcua Test CA G2",
        "CN=motcua Test Root CA",
    ]


def test_missing_non_repudiation_is_only_a_warning(pki: TestPKI) -> None:
    result = validate_chain(pki.signer_no_nr.cert, trust=pki.trust(), moment=pki.moment)
    assert result.trusted
    assert result.error is None
    assert _codes(result) == ["no_non_repudiation"]


def test_tsa_certificate_gets_no_non_repudiation_warning(pki: TestPKI) -> None:
    result = validate_chain(
        pki.tsa.cert,
        trust=pki.trust(),
        moment=pki.moment,
        extended_key_usage={"time_stamping"},
    )
    assert result.trusted
    assert _codes(result) == []


def test_missing_required_usage_is_a_constraint_failure(pki: TestPKI) -> None:
    result = validate_chain(
        pki.signer.cert,
        trust=pki.trust(),
        moment=pki.moment,
        extended_key_usage={"time_stamping"},
    )
    assert not result.trusted
    assert result.error is SubIndication.SIG_CONSTRAINTS_FAILURE
    no_ds = issue(
        pki.intermediate,
        "Key agreement only",
        not_before=pki.moment.replace(year=2024),
        not_after=pki.moment.replace(year=2028),
        key_usage=frozenset({"key_agreement"}),
    )
    result = validate_chain(no_ds.cert, trust=pki.trust(), moment=pki.moment)
    assert result.error is SubIndication.SIG_CONSTRAINTS_FAILURE
    assert "key_usage_invalid" in _codes(result)


def test_revoked_signer(pki: TestPKI) -> None:
    result = validate_chain(pki.revoked.cert, trust=pki.trust(), moment=pki.moment)
    assert result.error is SubIndication.REVOKED
    assert result.revocation == "revoked"
    assert result.anchor is not None  # the path was built; revocation broke it
    before = validate_chain(
        pki.revoked.cert, trust=pki.trust(), moment=datetime(2025, 5, 1, tzinfo=UTC)
    )
    assert before.trusted  # a later CRL, but the revocation is dated after this moment


def test_expired_signer_and_point_in_time_validation(pki: TestPKI) -> None:
    now = validate_chain(pki.expired.cert, trust=pki.trust(), moment=pki.moment)
    assert now.error is SubIndication.EXPIRED
    then = validate_chain(pki.expired.cert, trust=pki.trust(), moment=pki.expired_moment)
    assert then.trusted


def test_not_yet_valid(pki: TestPKI) -> None:
    result = validate_chain(
        pki.signer.cert, trust=pki.trust(), moment=datetime(2023, 1, 1, tzinfo=UTC)
    )
    assert result.error is SubIndication.NOT_YET_VALID


def test_offline_without_crl_is_not_checked(pki: TestPKI) -> None:
    result = validate_chain(pki.signer.cert, trust=pki.trust(with_crls=False), moment=pki.moment)
    assert result.trusted
    assert result.revocation == "not_checked"


def test_hard_mode_requires_revocation_data(pki: TestPKI) -> None:
    hard = ValidationPolicy(revocation_mode="hard", allow_fetching=False)
    missing = validate_chain(
        pki.signer.cert, trust=pki.trust(with_crls=False), moment=pki.moment, policy=hard
    )
    assert missing.error is SubIndication.TRY_LATER
    assert missing.revocation == "unknown"
    present = validate_chain(pki.signer.cert, trust=pki.trust(), moment=pki.moment, policy=hard)
    assert present.trusted
    assert present.revocation == "good"


def test_forged_ca_signature_is_sig_crypto_failure(pki: TestPKI) -> None:
    forged = issue(
        pki.intermediate,
        "Forged signer",
        not_before=datetime(2024, 1, 1, tzinfo=UTC),
        not_after=datetime(2028, 1, 1, tzinfo=UTC),
        signing_key=new_key(),
    )
    result = validate_chain(forged.cert, trust=pki.trust(), moment=pki.moment)
    assert result.error is SubIndication.SIG_CRYPTO_FAILURE


def test_sha1_signed_certificate_needs_allow_sha1(pki: TestPKI) -> None:
    old = resign_sha1(pki.signer.cert, pki.intermediate)
    strict = validate_chain(old, trust=pki.trust(), moment=pki.moment)
    assert strict.error is SubIndication.CRYPTO_CONSTRAINTS_FAILURE
    lenient = validate_chain(
        old, trust=pki.trust(), moment=pki.moment, policy=ValidationPolicy(allow_sha1=True)
    )
    assert lenient.trusted


def test_naive_moment_is_refused(pki: TestPKI) -> None:
    with pytest.raises(InvalidInputError):
        validate_chain(pki.signer.cert, trust=pki.trust(), moment=datetime(2026, 1, 1))


def test_self_signed_untrusted_leaf(pki: TestPKI) -> None:
    result = validate_chain(pki.root.cert, trust=TrustStore.empty(), moment=pki.moment)
    assert result.error is SubIndication.NO_CERTIFICATE_CHAIN_FOUND


def test_network_only_when_policy_allows() -> None:
    assert fetcher_backend(ValidationPolicy()) is None
    assert fetcher_backend(ValidationPolicy(revocation_mode="hard", allow_fetching=False)) is None
    backend = fetcher_backend(ValidationPolicy(revocation_mode="soft", fetch_timeout_s=3.5))
    assert backend is not None
    assert backend.per_request_timeout == 3.5  # type: ignore[attr-defined]
