"""The OpenAPI 3.1 document of exactly what the blueprint serves, built from ``schemas``."""

from __future__ import annotations

from typing import Any

from app.api import schemas
from app.api.documents import DOCUMENT_MEDIA_TYPES
from app.api.scopes import SCOPES

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_PROBLEM_CONTENT = {"application/problem+json": {"schema": _PROBLEM_REF}}

_DESCRIPTIONS = {
    400: "Invalid input; `field` names the offending member (JSON Pointer).",
    401: "Missing, malformed, expired or revoked token, or bad client credentials.",
    403: "The token lacks the scope this operation needs.",
    404: "No such dossier.",
    409: "Not allowed in the dossier's current state (e.g. an impossible transition).",
    413: "Request body too large.",
    415: "Unsupported media type.",
    422: "Well-formed but refused by the desk's rules (e.g. unknown procedure code).",
    429: "Rate limit reached; retry after `Retry-After` seconds.",
}


def _problem(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {"description": _DESCRIPTIONS[status], "content": _PROBLEM_CONTENT}
    if status == 429:
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return response


def _problems(*statuses: int) -> dict[str, Any]:
    return {str(status): _problem(status) for status in statuses}


def _json(schema_name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}


def _ok(description: str, schema_name: str, status: int = 200) -> dict[str, Any]:
    return {str(status): {"description": description, "content": _json(schema_name)}}


def _protected(scope: str) -> list[dict[str, list[str]]]:
    return [{"oauth2": [scope]}]


_CODE_PARAM = {"name": "code", "in": "path", "required": True,
               "schema": {"type": "string", "minLength": 1, "maxLength": 64}}


def _paths() -> dict[str, Any]:
    auth = (401, 403, 429)
    return {
        "/oauth/token": {"post": {
            "operationId": "issueToken",
            "summary": "Client credentials grant (RFC 6749 §4.4)",
            "security": [{"clientBasic": []}, {}],
            "requestBody": {"required": True, "content": {
                "application/x-www-form-urlencoded": {"schema": schemas.TOKEN_REQUEST}}},
            "responses": {**_ok("A short-lived bearer token.", "Token"),
                          **_problems(400, 401, 429)},
        }},
        "/oauth/revoke": {"post": {
            "operationId": "revokeToken",
            "summary": "Revoke one of the client's tokens (RFC 7009)",
            "security": [{"clientBasic": []}, {}],
            "requestBody": {"required": True, "content": {
                "application/x-www-form-urlencoded": {"schema": schemas.REVOKE_REQUEST}}},
            "responses": {"200": {"description": "Revoked (or unknown: RFC 7009 §2.2)."},
                          **_problems(400, 401, 429)},
        }},
        "/api/v1/openapi.json": {"get": {
            "operationId": "openapi",
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {
                "application/json": {"schema": {"type": "object"}}}}},
        }},
        "/api/v1/dossiers": {"post": {
            "operationId": "createDossier",
            "summary": "Receive a dossier (same result as the desk)",
            "security": _protected("dossiers:write"),
            "requestBody": {"required": True, "content": _json("DossierCreate")},
            "responses": {
                "201": {"description": "Received: code, look-up URL, due time.",
                        "headers": {"Location": {"schema": {"type": "string"}}},
                        "content": _json("Dossier")},
                "200": {"description": "Already received with this idempotency_key.",
                        "headers": {"Location": {"schema": {"type": "string"}}},
                        "content": _json("Dossier")},
                **_problems(400, 413, 415, 422, *auth)},
        }},
        "/api/v1/dossiers/{code}": {"get": {
            "operationId": "readDossier",
            "summary": "Read one dossier by its code",
            "security": _protected("dossiers:read"),
            "parameters": [_CODE_PARAM],
            "responses": {**_ok("The dossier.", "Dossier"), **_problems(404, *auth)},
        }},
        "/api/v1/dossiers/{code}/transitions": {"post": {
            "operationId": "transitionDossier",
            "summary": "Apply a status transition",
            "security": _protected("dossiers:write"),
            "parameters": [_CODE_PARAM],
            "requestBody": {"required": True, "content": _json("Transition")},
            "responses": {**_ok("The dossier after the transition.", "Dossier"),
                          **_problems(400, 404, 409, 413, 415, *auth)},
        }},
        "/api/v1/stats": {"get": {
            "operationId": "statistics",
            "summary": "Figures for a period",
            "security": _protected("dossiers:read"),
            "parameters": [
                {"name": name, "in": "query", "required": True, "schema": schema}
                for name, schema in schemas.STATS_QUERY["properties"].items()],
            "responses": {**_ok("The period's figures.", "Statistics"), **_problems(400, *auth)},
        }},
        "/api/v1/verify": {"post": {
            "operationId": "verifyDocument",
            "summary": "Verify the signatures of a PDF, CMS or XML document",
            "security": _protected("verify"),
            "parameters": [
                {"name": name, "in": "query", "required": False, "schema": schema}
                for name, schema in schemas.VERIFY_QUERY["properties"].items()],
            "requestBody": {"required": True, "content": {
                media: {"schema": {"type": "string", "contentMediaType": media}}
                for media in DOCUMENT_MEDIA_TYPES}},
            "responses": {**_ok("The verification report.", "VerificationReport"),
                          **_problems(400, 413, *auth)},
        }},
    }


def document(base_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document for a server at ``base_url``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "motcua API",
            "version": "1.0.0",
            "description": "Một cửa số: dossiers, statistics and signature checks for the "
                           "province's systems. Authenticate with OAuth 2.0 client credentials.",
        },
        "servers": [{"url": base_url}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "oauth2": {"type": "oauth2", "flows": {"clientCredentials": {
                    "tokenUrl": base_url + "/oauth/token", "scopes": dict(SCOPES)}}},
                "clientBasic": {"type": "http", "scheme": "basic",
                                "description": "client_id and client_secret (token endpoints)."},
            },
            "schemas": {
                "Problem": schemas.PROBLEM,
                "Token": schemas.TOKEN_RESPONSE,
                "DossierCreate": schemas.DOSSIER_CREATE,
                "Dossier": schemas.DOSSIER,
                "Transition": schemas.TRANSITION,
                "Statistics": schemas.STATISTICS,
                "VerificationReport": schemas.VERIFY_REPORT,
            },
        },
    }
