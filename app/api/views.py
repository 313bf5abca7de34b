"""Handlers of the integrators' API: the OAuth2 token endpoints and ``/api/v1``.

The whole blueprint authenticates with bearer tokens itself (no staff session, no CSRF: there
are no cookies to ride on). Views stay thin: authorise, read input, call the operation, audit.
Authlib's server, the JSON Schema validator and esign are imported inside the views, so that
the first call pays only for what it uses. URL rules: ``blueprint.py``.
"""

from __future__ import annotations

from flask import Response, current_app, jsonify, request, url_for

from app.extensions import db, limiter


def _token_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


# --- OAuth2 ------------------------------------------------------------------------------
@limiter.limit(_token_limit)
def token() -> Response:
    from app.api import calls
    from app.api.oauth import authorization

    response: Response = authorization.create_token_response()
    if response.status_code == 200:
        db.session.commit()
    else:
        db.session.rollback()
        calls.record_token_refusal(response.status_code)
    return response


@limiter.limit(_token_limit)
def revoke() -> Response:
    from app.api.oauth import authorization

    response: Response = authorization.create_endpoint_response("revocation")
    db.session.commit()
    return response


# --- API v1 ------------------------------------------------------------------------------
def openapi_document() -> Response:
    from app.api import openapi

    return jsonify(openapi.document(request.url_root.rstrip("/")))


def create_dossier() -> tuple[Response, int, dict[str, str]]:
    from app.api import calls, dossiers, schemas

    client = calls.authorize("dossiers:write")
    body = calls.json_body(schemas.DOSSIER_CREATE)
    view, created = dossiers.create(db.session, body, actor=calls.actor(client))  # commits
    location = url_for("api.read_dossier", code=view["code"])
    return jsonify(view), 201 if created else 200, {"Location": location}


def read_dossier(code: str) -> Response:
    from app.api import calls, dossiers

    client = calls.authorize("dossiers:read")
    view = dossiers.read(db.session, code)
    calls.audit(client, "api.dossier.read", code)
    db.session.commit()
    return jsonify(view)


def transition_dossier(code: str) -> Response:
    from app.api import calls, dossiers, schemas

    client = calls.authorize("dossiers:write")
    body = calls.json_body(schemas.TRANSITION)
    view = dossiers.transition(db.session, code, body, actor=calls.actor(client))
    db.session.commit()  # the desk operation audited the move with the client as actor
    return jsonify(view)


def stats() -> Response:
    from app.api import calls, dossiers, schemas

    client = calls.authorize("dossiers:read")
    period = calls.query_params(schemas.STATS_QUERY)
    figures = dossiers.statistics(db.session, period)
    calls.audit(client, "api.stats", "", {"from": period["from"], "to": period["to"]})
    db.session.commit()
    return jsonify(figures)


def verify_document() -> Response:
    from app.api import calls, documents, schemas

    client = calls.authorize("verify")
    query = calls.query_params(schemas.VERIFY_QUERY)
    data = calls.document_body()
    report = documents.verify(data, filename=query.get("filename", ""))
    calls.audit(client, "api.verify", "", {"bytes": len(data),
                                           "indication": report.get("indication")})
    db.session.commit()
    return jsonify(report)
