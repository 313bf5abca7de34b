"""Shared esign fixtures: the throw-away test PKI, the packaged VN trust store, the corpus path."""

from __future__ import annotations

from pathlib import Path

import pytest

from esign.trust import TrustStore
from tests.esign.pki import TestPKI, get_pki

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def pki() -> TestPKI:
    """Root -> intermediate -> signers/TSA, CRLs and fixed moments (see tests/esign/pki.py)."""
    return get_pki()


@pytest.fixture(scope="session")
def vn_trust() -> TrustStore:
    return TrustStore.default()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """Read-only shared corpus (../shared/corpus from the repository root)."""
    return CORPUS
