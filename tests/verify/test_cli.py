"""``motcua verify``: JSON contract, folder walking, exit codes 0/1/2/3."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from flask.testing import FlaskCliRunner

from tests.esign.pki import TestPKI

AT = "2026-06-01T07:00:00+07:00"


@pytest.fixture
def root_pem(tmp_path: Path, pki: TestPKI) -> Path:
    path = tmp_path / "trust" / "root.pem"
    path.parent.mkdir()
    path.write_bytes(pki.root.crypto_cert.public_bytes(serialization.Encoding.PEM))
    return path


@pytest.fixture
def folder(tmp_path: Path, pki: TestPKI, invoice_xml: bytes, signed_pdf: bytes) -> Path:
    """An invoice, a signed PDF, and a detached signature next to its content."""
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "hoadon.xml").write_bytes(invoice_xml)
    (docs / "sub" / "giay.pdf").write_bytes(signed_pdf)
    content = b"noi dung don"
    (docs / "don.txt").write_bytes(content)
    (docs / "don.txt.p7s").write_bytes(
        pkcs7.PKCS7SignatureBuilder()
        .set_data(content)
        .add_signer(pki.signer.crypto_cert, pki.signer.key, hashes.SHA256())
        .add_certificate(pki.intermediate.crypto_cert)
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature])
    )
    (docs / "README.md").write_text("not a signed file")
    return docs


def _run(runner: FlaskCliRunner, *args: str) -> Any:
    return runner.invoke(args=["verify", *args])


def test_trusted_folder_passes_with_json(
    runner: FlaskCliRunner, folder: Path, root_pem: Path
) -> None:
    result = _run(runner, "--json", "--trust", str(root_pem), "--at", AT, str(folder))
    assert result.exit_code == 0, result.output
    docs = json.loads(result.stdout)["documents"]
    names = [Path(d["file"]).name for d in docs]
    assert sorted(names) == ["don.txt.p7s", "giay.pdf", "hoadon.xml"]  # don.txt is the content
    assert {d["format"] for d in docs} == {"pdf", "cms", "xml"}
    assert all(d["indication"] == "TOTAL_PASSED" for d in docs)
    keys = {"file", "format", "indication", "sub_indication", "errors", "signatures"}
    assert keys <= set(docs[0])
    sig_keys = {
        "field",
        "indication",
        "sub_indication",
        "integrity",
        "coverage",
        "modifications",
        "trusted",
        "signer",
        "signing_time",
        "timestamp",
        "warnings",
    }
    assert sig_keys <= set(docs[0]["signatures"][0])


def test_untrusted_is_indeterminate_exit_2(runner: FlaskCliRunner, folder: Path) -> None:
    result = _run(runner, "--at", AT, str(folder / "hoadon.xml"))
    assert result.exit_code == 2, result.output
    assert result.stdout.startswith("INDETERMINATE")


def test_no_default_trust_drops_the_vn_pack(runner: FlaskCliRunner, root_pem: Path) -> None:
    sample = (
        Path(__file__).resolve().parents[2].parent / "shared/corpus/pdf/endesive/pdf-acrobat.pdf"
    )
    result = _run(runner, "--json", "--no-default-trust", "--trust", str(root_pem), str(sample))
    assert result.exit_code in (1, 2)
    assert json.loads(result.stdout)["documents"][0]["signatures"][0]["trusted"] is False


def test_tampered_or_unsigned_exit_1(
    runner: FlaskCliRunner, tmp_path: Path, invoice_xml: bytes, root_pem: Path
) -> None:
    tampered = tmp_path / "sua.xml"
    tampered.write_bytes(invoice_xml.replace(b">1320000<", b">1<"))
    unsigned = tmp_path / "khong-ky.xml"
    unsigned.write_bytes(b"<HDon><DLHDon Id='x'/></HDon>")
    for path, indication in ((tampered, "TOTAL_FAILED"), (unsigned, "NO_SIGNATURE")):
        result = _run(runner, "--json", "--trust", str(root_pem), "--at", AT, str(path))
        assert result.exit_code == 1
        assert json.loads(result.stdout)["documents"][0]["indication"] == indication


def test_one_failure_among_passes_exits_1(
    runner: FlaskCliRunner, folder: Path, root_pem: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\ntruncated")
    result = _run(runner, "--trust", str(root_pem), "--at", AT, str(folder), str(broken))
    assert result.exit_code == 1
    assert "TOTAL_FAILED" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["/no/such/file.pdf"],
        ["--at", "yesterday", "x.pdf"],
        ["--revocation", "sometimes", "x.pdf"],
        ["--trust", "/no/such/anchor.pem", "x.pdf"],
        ["--bogus", "x.pdf"],
    ],
)
def test_usage_errors_exit_3(runner: FlaskCliRunner, args: list[str]) -> None:
    assert _run(runner, *args).exit_code == 3


def test_naive_at_is_vietnam_time() -> None:
    from app.verify.cli import parse_moment

    moment = parse_moment("2026-06-01T07:00:00")
    assert moment is not None
    assert moment.utcoffset() is not None
    assert moment.isoformat().endswith("+07:00")


def test_cli_uses_the_agency_trust_list(
    runner: FlaskCliRunner, folder: Path, trust_test_root: Any
) -> None:
    """An anchor an admin added in the web UI counts for `motcua verify` too."""
    target = str(folder / "hoadon.xml")
    assert _run(runner, "--at", AT, target).exit_code == 2  # not trusted yet
    trust_test_root()
    trusted = _run(runner, "--at", AT, target)
    assert trusted.exit_code == 0, trusted.output
    dropped = _run(runner, "--no-default-trust", "--at", AT, target)
    assert dropped.exit_code == 2  # --no-default-trust leaves the agency list out as well
