"""The API's own failures, as :class:`app.errors.AppError` subclasses (rendered once, as
``application/problem+json``, by :func:`render_problem`), with the HTTP headers some of them need
(``WWW-Authenticate``, ``Retry-After``). Input problems name the ``field`` as a JSON Pointer.
"""

from __future__ import annotations

from flask import Response

from app.errors import AppError, problem

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ApiProblem(AppError):
    """Raised when an API request cannot be served; carries the response headers it needs."""

    def __init__(self, message: str = "", *, field: str | None = None, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message, code=code, field=field)
        self.headers = headers or {}


class InvalidInput(ApiProblem):
    """Raised when the body or a parameter breaks the documented schema (the field is named)."""

    status = 400
    code = "invalid_input"


class BodyTooLarge(ApiProblem):
    """Raised when a request body is larger than the endpoint accepts."""

    status = 413
    code = "body_too_large"


class UnsupportedMediaType(ApiProblem):
    """Raised when an endpoint receives a media type it does not take."""

    status = 415
    code = "unsupported_media_type"


class Unauthorized(ApiProblem):
    """Raised when the bearer token is missing, malformed, expired or revoked."""

    status = 401
    code = "invalid_token"


class InsufficientScope(ApiProblem):
    """Raised when the token is valid but lacks the scope the endpoint needs."""

    status = 403
    code = "insufficient_scope"


class RateLimited(ApiProblem):
    """Raised when a client exceeds its rate limit (``Retry-After`` says when to come back)."""

    status = 429
    code = "rate_limited"


def render_problem(exc: AppError) -> Response:
    """The problem document for ``exc``, with any headers it carries."""
    response = problem(exc.status, exc.message, code=exc.code, field=exc.field, **exc.extra)
    for name, value in getattr(exc, "headers", {}).items():
        response.headers[name] = value
    return response
