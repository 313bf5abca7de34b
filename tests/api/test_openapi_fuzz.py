"""The served OpenAPI 3.1 document is exact: schemathesis drives every operation with generated
requests (bounded examples) and finds no server error and no response that breaks the schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Invalid input may be refused as too large (413) too, as the document says.
CONFIG = SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {
    "expected-statuses": [400, 401, 403, 404, 405, 409, 413, 415, 422, 429]}}})
MAX_EXAMPLES = 15  # per operation and mode: bounded, so the suite stays fast
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, negative_data_rejection]


def test_document_is_openapi_3_1_and_lists_what_is_served(app: Flask,
                                                          client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    served = {rule.rule.replace("<", "{").replace(">", "}")
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert set(document["paths"]) == served
    for path, operations in document["paths"].items():
        rule = next(r for r in app.url_map.iter_rules()
                    if r.rule.replace("<", "{").replace(">", "}") == path)
        assert set(operations) == {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}}


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"API_MAX_JSON_KB": 4}


@pytest.fixture
def all_scopes(bearer: Callable[..., dict[str, str]]) -> dict[str, str]:
    return bearer("dossiers:read dossiers:write verify", rate_limit="100000 per minute")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_openapi_document(app: Flask, all_scopes: dict[str, str],
                                              mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7, [op.label for op in operations]

    for operation in operations:
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            case.call_and_validate(headers=all_scopes, checks=CHECKS)

        run()


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/api/v1/nothing-here", 404),
    ("DELETE", "/api/v1/dossiers/X-1", 405),
    ("GET", "/oauth/token", 405),
])
def test_errors_outside_the_operations_are_problem_documents_too(
        client: FlaskClient, method: str, path: str, status: int) -> None:
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == status
