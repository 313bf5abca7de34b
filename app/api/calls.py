"""What every API call does around its operation: authenticate, rate-limit, read input, audit.

Each view calls these in order, so the flow stays visible in the view itself:
``client = authorize(scope)`` → ``body = json_body(schema)`` → operation → ``audit(...)`` → commit.
"""

from __future__ import annotations

from typing import Any

from authlib.integrations.flask_oauth2 import current_token
from flask import current_app, request

from app.api import ratelimit
from app.api.oauth import authenticate
from app.api.problems import BodyTooLarge, InvalidInput
from app.api.validation import parse_json_body, validate
from app.audit.operations import record
from app.extensions import db
from app.models.api_client import ApiClient
from app.web import client_ip


def authorize(scope: str) -> ApiClient:
    """The client behind this request's bearer token, holding ``scope`` and within its limit."""
    client = authenticate(scope).client
    ratelimit.enforce(client)
    return client


def actor(client: ApiClient) -> str:
    return f"client:{client.client_id}"


def read_body(max_bytes: int) -> bytes:
    """The raw body, refusing (413) before reading more than ``max_bytes``."""
    declared = request.content_length
    if declared is not None and declared > max_bytes:
        raise BodyTooLarge(f"body is {declared} bytes; at most {max_bytes} accepted", field="/")
    raw = request.stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise BodyTooLarge(f"body is larger than {max_bytes} bytes", field="/")
    return raw


def json_body(schema: dict[str, Any]) -> Any:
    """The JSON body, checked against the schema the OpenAPI document publishes."""
    max_bytes = int(current_app.config["API_MAX_JSON_KB"]) * 1024
    body = parse_json_body(read_body(max_bytes), request.content_type, max_bytes)
    validate(body, schema)
    return body


def query_params(schema: dict[str, Any]) -> dict[str, Any]:
    """The query string as a dict checked against ``schema`` (repeated keys are refused)."""
    params: dict[str, Any] = {}
    for name in request.args:
        values = request.args.getlist(name)
        if len(values) > 1:
            raise InvalidInput(f"/{name}: given more than once", field=f"/{name}")
        params[name] = values[0]
    validate(params, schema)
    return params


def document_body() -> bytes:
    """A document upload (raw body), bounded by MAX_UPLOAD_MB."""
    raw = read_body(int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024)
    if not raw:
        raise InvalidInput("/: the document is empty", field="/")
    return raw


def audit(client: ApiClient, action: str, target: str = "",
          details: dict[str, Any] | None = None) -> None:
    """Record the call in the hash-chained audit log (the caller commits)."""
    record(db.session, actor=actor(client), action=action, target=target, details=details,
           ip=client_ip())


def record_token_refusal(status: int) -> None:
    """Audit a refused token request under the client id it claimed (never the secret)."""
    claimed = (request.authorization.username if request.authorization else None) or \
        request.form.get("client_id", "")
    record(db.session, actor="anon", action="api.token.refused", target=f"client:{claimed[:64]}",
           details={"status": status}, ip=client_ip())
    db.session.commit()


def audit_refusal(status: int, code: str) -> None:
    """After a failed call by an authenticated client: roll back its work, record the refusal."""
    token = current_token._get_current_object() if current_token else None
    db.session.rollback()
    if token is None:
        return
    endpoint = (request.endpoint or "unknown").removeprefix("api.")
    audit(token.client, f"api.{endpoint}.refused", request.path[:128],
          {"status": status, "code": code})
    db.session.commit()
