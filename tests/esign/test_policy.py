"""The policy turns facts into ETSI verdicts; each rule is pinned by one case."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from esign.policy import ValidationPolicy, evaluate
from esign.report import (
    CertificateInfo,
    Coverage,
    Finding,
    Indication,
    Modifications,
    Severity,
    SignatureFacts,
    SubIndication,
    TimestampInfo,
)
from tests.esign.pki import TestPKI

P = ValidationPolicy()


@pytest.fixture
def good(pki: TestPKI) -> SignatureFacts:
    return SignatureFacts(
        field="s",
        kind="cms.detached",
        integrity=True,
        digest_ok=True,
        signature_value_ok=True,
        coverage=Coverage.ENTIRE_FILE,
        modifications=Modifications.NONE,
        modification_findings=(),
        docmdp_level=None,
        signer=None,
        chain=(CertificateInfo.from_asn1(pki.signer.cert),),
        anchor=CertificateInfo.from_asn1(pki.root.cert),
        trusted=True,
        chain_error=None,
        revocation="good",
        revocation_mode="offline",
        signing_time=None,
        timestamp=None,
        digest_algorithm="sha256",
        signature_algorithm="sha256_rsa",
        key_size=2048,
        findings=(),
        format_error=None,
    )


def _ts(trusted: bool = True) -> TimestampInfo:
    return TimestampInfo(
        time=datetime(2025, 1, 1, tzinfo=UTC), tsa=None, intact=True, trusted=trusted
    )


def verdict(facts: SignatureFacts, policy: ValidationPolicy = P):
    r = evaluate(facts, policy)
    return r.indication, r.sub_indication


def test_good_passes_and_gains_informational_findings(good: SignatureFacts) -> None:
    report = evaluate(good, P)
    assert (report.indication, report.sub_indication) == (Indication.TOTAL_PASSED, None)
    assert [f.code for f in report.facts.findings] == ["no_timestamp"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"format_error": "broken"}, (Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE)),
        (
            {"integrity": False, "digest_ok": False},
            (Indication.TOTAL_FAILED, SubIndication.HASH_FAILURE),
        ),
        (
            {"integrity": False, "signature_value_ok": False},
            (Indication.TOTAL_FAILED, SubIndication.SIG_CRYPTO_FAILURE),
        ),
        ({"coverage": Coverage.PARTIAL}, (Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE)),
        (
            {"modifications": Modifications.NOT_PERMITTED},
            (Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE),
        ),
        (
            {"findings": (Finding("disallowed_algorithm", Severity.ERROR),)},
            (Indication.TOTAL_FAILED, SubIndication.CRYPTO_CONSTRAINTS_FAILURE),
        ),
        (
            {"findings": (Finding("byte_range_irregular", Severity.ERROR),)},
            (Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE),
        ),
        ({"key_size": 768}, (Indication.TOTAL_FAILED, SubIndication.CRYPTO_CONSTRAINTS_FAILURE)),
        (
            {"key_size": 1024},
            (Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE),
        ),
        (
            {"trusted": False, "chain_error": SubIndication.REVOKED, "revocation": "revoked"},
            (Indication.INDETERMINATE, SubIndication.REVOKED_NO_POE),
        ),
        (
            {"trusted": False, "chain_error": SubIndication.REVOKED, "timestamp": _ts()},
            (Indication.TOTAL_FAILED, SubIndication.REVOKED),
        ),
        (
            {"trusted": False, "chain_error": SubIndication.REVOKED_CA_NO_POE},
            (Indication.INDETERMINATE, SubIndication.REVOKED_CA_NO_POE),
        ),
        (
            {"trusted": False, "chain_error": SubIndication.EXPIRED},
            (Indication.INDETERMINATE, SubIndication.OUT_OF_BOUNDS_NO_POE),
        ),
        (
            {"trusted": False, "chain_error": SubIndication.EXPIRED, "timestamp": _ts()},
            (Indication.TOTAL_FAILED, SubIndication.EXPIRED),
        ),
        (
            {"trusted": False, "chain_error": SubIndication.EXPIRED, "timestamp": _ts(False)},
            (Indication.INDETERMINATE, SubIndication.OUT_OF_BOUNDS_NO_POE),
        ),
        (
            {"trusted": False, "chain_error": SubIndication.SIG_CRYPTO_FAILURE},
            (Indication.INDETERMINATE, SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE),
        ),
        (
            {"trusted": False, "chain_error": None},
            (Indication.INDETERMINATE, SubIndication.NO_CERTIFICATE_CHAIN_FOUND),
        ),
        (
            {"trusted": False, "chain_error": SubIndication.TRY_LATER},
            (Indication.INDETERMINATE, SubIndication.TRY_LATER),
        ),
        (
            {"digest_algorithm": "sha1"},
            (Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE),
        ),
        (
            {
                "integrity": False,
                "digest_ok": None,
                "signature_value_ok": None,
                "chain_error": SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
            },
            (Indication.INDETERMINATE, SubIndication.NO_SIGNING_CERTIFICATE_FOUND),
        ),
    ],
)
def test_rules(good: SignatureFacts, changes: dict[str, object], expected: tuple) -> None:
    assert verdict(replace(good, **changes)) == expected  # type: ignore[arg-type]


def test_integrity_beats_chain_problems(good: SignatureFacts) -> None:
    broken = replace(good, integrity=False, digest_ok=False, trusted=False, revocation="revoked")
    assert verdict(broken) == (Indication.TOTAL_FAILED, SubIndication.HASH_FAILURE)


def test_sha1_allowed_by_policy_passes_but_is_flagged(good: SignatureFacts) -> None:
    report = evaluate(replace(good, digest_algorithm="sha1"), ValidationPolicy(allow_sha1=True))
    assert report.indication is Indication.TOTAL_PASSED
    assert any(f.code == "sha1_digest" for f in report.facts.findings)


def test_rsa_below_minimum_is_a_warning_only(good: SignatureFacts) -> None:
    report = evaluate(replace(good, key_size=1536), P)
    assert report.indication is Indication.TOTAL_PASSED
    assert [f.severity for f in report.facts.findings if f.code == "weak_rsa_key"] == [
        Severity.WARNING
    ]


def test_small_ec_key_is_not_an_rsa_problem(good: SignatureFacts) -> None:
    report = evaluate(replace(good, key_size=256, signature_algorithm="ecdsa"), P)
    assert report.indication is Indication.TOTAL_PASSED


def test_missing_non_repudiation_warns_unless_required(good: SignatureFacts) -> None:
    facts = replace(good, findings=(Finding("no_non_repudiation", Severity.WARNING),))
    assert verdict(facts) == (Indication.TOTAL_PASSED, None)
    strict = ValidationPolicy(require_non_repudiation=True)
    assert verdict(facts, strict) == (
        Indication.INDETERMINATE,
        SubIndication.SIG_CONSTRAINTS_FAILURE,
    )


def test_hard_revocation_with_unknown_status_is_try_later(good: SignatureFacts) -> None:
    facts = replace(good, revocation="unknown", revocation_mode="hard")
    hard = ValidationPolicy(revocation_mode="hard")
    assert verdict(facts, hard) == (Indication.INDETERMINATE, SubIndication.TRY_LATER)
    soft = evaluate(
        replace(facts, revocation_mode="soft"), ValidationPolicy(revocation_mode="soft")
    )
    assert soft.indication is Indication.TOTAL_PASSED
    assert any(f.code == "revocation_unchecked" for f in soft.facts.findings)


def test_policy_online_flag() -> None:
    assert not ValidationPolicy().online
    assert ValidationPolicy(revocation_mode="soft").online
    assert not ValidationPolicy(revocation_mode="hard", allow_fetching=False).online
