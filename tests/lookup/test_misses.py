"""Unknown keys are rate-limited per client; a citizen's real key never is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.lookup.conftest import Received


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"LOOKUP_MISS_LIMIT": "3 per minute"}


def test_misses_get_429_with_retry_after_while_known_key_keeps_working(
        client: FlaskClient, receive: Callable[..., Received]) -> None:
    found = receive()
    for _ in range(10):  # refreshing one's own page is never counted
        assert client.get(found.path).status_code == 200
    for n in range(3):
        assert client.get(f"/r/{'Z' * 21}{n}").status_code == 404
    blocked = client.get("/r/" + "Y" * 22)
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60
    as_json = client.get("/r/" + "X" * 22, headers={"Accept": "application/json"})
    assert as_json.status_code == 429
    assert as_json.headers["Retry-After"].isdigit()
    # the same client still reaches its real dossier, page and JSON
    assert client.get(found.path).status_code == 200
    assert client.get(found.path, headers={"Accept": "application/json"}).status_code == 200


def test_misses_are_counted_per_client(client: FlaskClient) -> None:
    for _ in range(4):
        client.get("/r/" + "Q" * 22, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert client.get("/r/" + "Q" * 22,
                      environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 429
    assert client.get("/r/" + "Q" * 22,
                      environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 404


class TestAnyKey:
    """Whatever a scanner or a fuzzer puts in the path, the answer is a clean 404."""

    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"LOOKUP_MISS_LIMIT": "100000 per minute"}

    def test_arbitrary_keys_are_404_never_500(self, client: FlaskClient,
                                              receive: Callable[..., Received]) -> None:
        from urllib.parse import quote

        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st

        found = receive()

        @settings(max_examples=60, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])
        # "/" is the router's business (it merges slashes with a 308), not the look-up's.
        @given(st.text(st.characters(exclude_characters="/"), min_size=1, max_size=80)
               .filter(lambda s: s != found.key),
               st.sampled_from(["text/html", "application/json"]))
        def check(key: str, accept: str) -> None:
            response = client.get("/r/" + quote(key, safe=""), headers={"Accept": accept})
            assert response.status_code == 404, (key, response.status_code)
            assert found.code not in response.get_data(as_text=True)

        check()
