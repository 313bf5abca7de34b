"""One place that turns errors into responses: HTML pages, or problem+json under /api/.

Domain errors subclass :class:`AppError` with a stable ``code`` and an HTTP ``status``; the
message shown is looked up by code (Vietnamese first), never built from the exception text.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header

log = logging.getLogger(__name__)


class AppError(Exception):
    """Raised by operations for an expected failure that the user should be told about."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", *, code: str | None = None,
                 status: int | None = None, field: str | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        super().__init__(message or self.code)
        self.message = str(message)
        if code:
            self.code = code
        if status:
            self.status = status
        self.field = field
        self.extra = extra or {}


class NotFound(AppError):
    """Raised when the thing asked for does not exist (or may not be revealed)."""

    status = 404
    code = "not_found"


class Conflict(AppError):
    """Raised when the request clashes with the current state (e.g. an impossible transition)."""

    status = 409
    code = "conflict"


class Forbidden(AppError):
    """Raised when the caller is known but not allowed."""

    status = 403
    code = "forbidden"


def _titles() -> dict[int, str]:
    return {
        400: _("Yêu cầu không hợp lệ"),
        401: _("Cần đăng nhập"),
        403: _("Không có quyền truy cập"),
        404: _("Không tìm thấy trang"),
        405: _("Phương thức không được hỗ trợ"),
        409: _("Xung đột dữ liệu"),
        413: _("Tệp hoặc dữ liệu gửi lên quá lớn"),
        415: _("Định dạng không được hỗ trợ"),
        422: _("Dữ liệu không hợp lệ"),
        429: _("Quá nhiều yêu cầu, vui lòng thử lại sau"),
        500: _("Lỗi hệ thống"),
        503: _("Dịch vụ tạm thời không sẵn sàng"),
    }


def wants_json() -> bool:
    if request.path.startswith(("/api/", "/oauth/")):
        return True
    return _prefers_json(request.environ.get("HTTP_ACCEPT", ""))


@functools.lru_cache(maxsize=256)
def _prefers_json(accept: str) -> bool:
    """Whether this Accept header ranks JSON (or a problem document) above HTML; clients send
    few distinct headers, so each is parsed once."""
    best = parse_accept_header(accept, MIMEAccept).best_match(
        ["text/html", "application/json", "application/problem+json"])
    return best in {"application/json", "application/problem+json"}


def problem(status: int, detail: str = "", *, code: str | None = None,
            **extra: Any) -> Response:
    """An RFC 9457 problem document."""
    body: dict[str, Any] = {"type": f"about:blank#{code}" if code else "about:blank",
                            "title": _titles().get(status, str(status)), "status": status}
    if detail:
        body["detail"] = detail
    if code:
        body["code"] = code
    body.update({k: v for k, v in extra.items() if v is not None})
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def error_page(status: int, detail: str = "", **context: Any) -> str:
    """The HTML error page for ``status`` (``context`` goes to the template, e.g. lang_next)."""
    return render_template("errors/error.html", status=status,
                           title=_titles().get(status, str(status)), detail=detail, **context)


def _html(status: int, detail: str = "") -> tuple[str, int]:
    return error_page(status, detail), status


def _handle_http(exc: HTTPException) -> Any:
    status = exc.code or 500
    detail = exc.description if status in {400, 413, 415} and exc.description else ""
    response: Any = problem(status, detail) if wants_json() else _html(status, detail)
    if status == 429:
        retry = getattr(exc, "retry_after", None) or 60
        if isinstance(response, Response):
            response.headers["Retry-After"] = str(retry)
        else:
            response = (response[0], status, {"Retry-After": str(retry)})
    return response


def _handle_app_error(exc: AppError) -> Any:
    if wants_json():
        return problem(exc.status, exc.message, code=exc.code, field=exc.field, **exc.extra)
    return _html(exc.status, exc.message)


def _handle_unexpected(exc: Exception) -> Any:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem(500) if wants_json() else _html(500)


def register_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(AppError, _handle_app_error)
    app.register_error_handler(Exception, _handle_unexpected)
