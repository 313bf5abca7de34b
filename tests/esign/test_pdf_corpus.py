"""Every row of corpus/pdf/expected.csv gets its expected outcome from ``verify_pdf``.

ok        intact, whole file or revision, no forbidden change; INDETERMINATE without roots and
          TOTAL_PASSED when trusting the pyHanko testing CA for files that CA signed
reject    never TOTAL_PASSED, whatever the roots
unsigned  NO_SIGNATURE
listed    the legacy adbe.x509.rsa_sha1 signature is found and checked, SHA-1 flagged
"""

from __future__ import annotations

import csv
import functools
from datetime import UTC, datetime
from pathlib import Path

import pytest

from esign.pdf import verify_pdf
from esign.policy import ValidationPolicy
from esign.report import (
    Coverage,
    DocumentReport,
    Indication,
    Modifications,
    SignatureReport,
)
from esign.trust import TrustStore

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
PDF_DIR = CORPUS / "pdf"
TESTING_CA = CORPUS / "trust" / "pyhanko-testing-ca" / "root.cert.pem"
# Inside the validity of every pyHanko testing-CA signer in the corpus (Alice: 2020-2022,
# Lord Testerino: until 2021-01-01).
ROOTS_MOMENT = datetime(2020, 12, 1, tzinfo=UTC)
NO_ROOTS_MOMENT = datetime(2026, 6, 1, tzinfo=UTC)
# ok-signatures made by the pyHanko testing CA: they must reach TOTAL_PASSED with its root.
TESTING_CA_SIGNED = {
    ("pyhanko/certified-with-indirect-refs-in-dir.pdf", "Sig1"),
    ("pyhanko/sig-no-signed-attrs.pdf", "Sig1"),
    ("pyhanko/form-update-override-appearance-stream.pdf", "Sig1"),
    ("pyhanko/form-update-override-appearance-stream.pdf", "Sig2"),
    ("pyhanko/form-update-ap-indirect-sneaky-trailer.pdf", "Sig2"),
    ("pyhanko/form-update-override-appearance-stream-sneaky.pdf", "Sig2"),
}


def _rows() -> list[dict[str, str]]:
    if not (PDF_DIR / "expected.csv").exists():
        return []
    with (PDF_DIR / "expected.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


ROWS = _rows()


@functools.cache
def _trust(with_roots: bool) -> TrustStore:
    if with_roots:
        return TrustStore.from_paths([TESTING_CA], include_default=False)
    return TrustStore.from_paths([], include_default=False)


@functools.cache
def report_for(file: str, with_roots: bool) -> DocumentReport:
    data = (PDF_DIR / file).read_bytes()
    moment = ROOTS_MOMENT if with_roots else NO_ROOTS_MOMENT
    return verify_pdf(data, trust=_trust(with_roots), moment=moment, policy=ValidationPolicy())


def _signature(report: DocumentReport, field: str) -> SignatureReport:
    matches = [s for s in report.signatures if s.facts.field == field]
    assert matches, f"signature {field} not listed: {[s.facts.field for s in report.signatures]}"
    return matches[0]


def _assert_ok(row: dict[str, str]) -> None:
    bare = _signature(report_for(row["file"], False), row["signature_field"])
    facts = bare.facts
    assert facts.integrity, facts
    assert facts.coverage in (Coverage.ENTIRE_FILE, Coverage.ENTIRE_REVISION)
    assert facts.modifications in (Modifications.NONE, Modifications.PERMITTED), (
        facts.modification_findings
    )
    assert bare.indication is Indication.INDETERMINATE, (bare.sub_indication, facts.findings)
    rooted = _signature(report_for(row["file"], True), row["signature_field"])
    if (row["file"], row["signature_field"]) in TESTING_CA_SIGNED:
        assert rooted.facts.anchor is not None
    if rooted.facts.anchor is not None:
        assert rooted.indication is Indication.TOTAL_PASSED, (
            rooted.sub_indication,
            rooted.facts.findings,
        )


def _assert_reject(row: dict[str, str]) -> None:
    for with_roots in (False, True):
        report = report_for(row["file"], with_roots)
        assert report.indication is not Indication.TOTAL_PASSED
        if row["signature_field"]:
            sig = _signature(report, row["signature_field"])
            assert sig.indication is not Indication.TOTAL_PASSED
        else:
            assert report.signatures, "a broken signature must still be listed"


def _assert_listed(row: dict[str, str]) -> None:
    report = report_for(row["file"], False)
    legacy = [s for s in report.signatures if s.facts.kind == "adbe.x509.rsa_sha1"]
    assert legacy, [s.facts.kind for s in report.signatures]
    facts = legacy[0].facts
    assert facts.digest_ok is True
    assert facts.signature_value_ok is True
    assert facts.digest_algorithm == "sha1"
    assert "sha1_digest" in {f.code for f in facts.findings}
    assert legacy[0].indication is not Indication.TOTAL_PASSED


@pytest.mark.parametrize(
    "row", ROWS, ids=[f"{r['file'].split('/')[-1][:60]}:{r['signature_field']}" for r in ROWS]
)
def test_expected_outcome(row: dict[str, str]) -> None:
    expect = row["expect"]
    if expect == "unsigned":
        assert report_for(row["file"], False).indication is Indication.NO_SIGNATURE
    elif expect == "ok":
        _assert_ok(row)
    elif expect == "reject":
        _assert_reject(row)
    elif expect == "listed":
        _assert_listed(row)
    else:  # pragma: no cover - a new expectation kind must be handled here first
        pytest.fail(f"unknown expectation {expect}")


def test_corpus_is_present() -> None:
    assert len(ROWS) >= 40


@pytest.mark.parametrize(
    "name",
    [
        "shadow/hide-and-replace__variant-1_change_object_references__4_original-document-shadowed-signed-manipulated.pdf",
        "shadow/replace__variant-1_replace-via-overlay__4_original-document-shadowed-signed-manipulated.pdf",
        "shadow/hide__variant-1_hide-via-referenced-object__4_original-document-shadowed-signed-manipulated_v1.pdf",
    ],
)
def test_shadow_attacks_are_not_permitted_changes(name: str) -> None:
    facts = report_for(name, False).signatures[0].facts
    assert facts.integrity  # the signed bytes are untouched ...
    assert facts.modifications is Modifications.NOT_PERMITTED  # ... what was added is the attack
    assert facts.modification_findings


def test_hide_and_replace_names_the_page_change() -> None:
    report = report_for(
        "shadow/hide-and-replace__variant-1_change_object_references__4_original-document-shadowed-signed-manipulated.pdf",
        False,
    )
    codes = {f.code for f in report.signatures[0].facts.modification_findings}
    assert "page_content_changed" in codes


def test_form_filling_after_signing_is_permitted() -> None:
    report = report_for("pyhanko/form-update-override-appearance-stream.pdf", True)
    sig1 = _signature(report, "Sig1")
    assert sig1.facts.modifications is Modifications.PERMITTED
    assert sig1.indication is Indication.TOTAL_PASSED


def test_coverage_anomalies_are_named() -> None:
    expected = {
        "coverage-anomalies__signature-gap-too-big.pdf": "signature_gap_too_big",
        "coverage-anomalies__tail-uncovered.pdf": "tail_uncovered",
        "coverage-anomalies__one-byterange.pdf": "byte_range_irregular",
    }
    for name, code in expected.items():
        facts = report_for(f"pyhanko/{name}", False).signatures[0].facts
        assert facts.coverage is Coverage.PARTIAL
        assert code in {f.code for f in facts.findings}, (name, facts.findings)


def test_ed448_with_wrong_digest_fails_crypto_constraints() -> None:
    sig = report_for("pyhanko/ed448-disallowed-hash.pdf", False).signatures[0]
    assert "disallowed_digest" in {f.code for f in sig.facts.findings}
    assert sig.indication is Indication.TOTAL_FAILED
