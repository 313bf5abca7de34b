"""Signed documents made with the throw-away test PKI, and the agency trusting its root."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from tests.esign.pki import TestPKI, get_pki
from tests.esign.test_pdf_support import base_pdf, sign
from tests.esign.xml_signing import identity, signed_invoice


@pytest.fixture(scope="session")
def pki() -> TestPKI:
    return get_pki()


@pytest.fixture(scope="session")
def signed_pdf(pki: TestPKI) -> bytes:
    return sign(base_pdf(), pki.signer.simple_signer(pki), "Signature1")


@pytest.fixture(scope="session")
def invoice_xml(pki: TestPKI) -> bytes:
    seller = identity(pki, pki.signer)
    return signed_invoice(seller, identity(pki, pki.signer_no_nr))


@pytest.fixture
def trust_test_root(app: Flask, pki: TestPKI) -> Callable[[], None]:
    """Make the agency trust the test PKI's root, as an admin would."""

    def add() -> None:
        from app.admin.trust import add_items
        from app.extensions import db

        with app.app_context():
            add_items(db.session, pki.root.der, "anchor", actor="test")
            db.session.commit()

    return add
