"""Fixtures for the activation desk: a signed-in officer and a helper that opens a case."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.helpers import csrf_token

# Nam Định (now Ninh Bình), male, born 1989: consistent with DOB 01/04/1989 and sex M.
VALID_ID = "036089012345"
VALID_DOB = "01/04/1989"
CASE_URL = re.compile(r"/kich-hoat/ca/(\d+)$")


@pytest.fixture
def officer(login: Callable[..., str]) -> str:
    return login("officer")


def intake_data(token: str, **overrides: str) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "number": VALID_ID,
        "dob": VALID_DOB,
        "sex": "M",
        "card": "chip_cccd",
        "citizenship": "vietnamese",
        "guardian": "not_needed",
        "phone": "",
        "level": "2",
        "action": "check",
    }
    data.update(overrides)
    return data


@pytest.fixture
def open_case(client: FlaskClient, officer: str) -> Callable[..., int]:
    """Open a case through the desk form; returns its id."""

    def _open(**overrides: str) -> int:
        token = csrf_token(client, "/kich-hoat/")
        response = client.post("/kich-hoat/", data=intake_data(token, action="start", **overrides))
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        match = CASE_URL.search(response.headers["Location"])
        assert match, response.headers["Location"]
        return int(match.group(1))

    return _open
