"""URL rules of the desk: intake, dossiers, receipts, workflow, catalogue and calendar."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request
from flask_babel import lazy_gettext as _l

from app.models.roles import Role
from app.navigation import NavItem
from app.routing import lazy_views

bp = Blueprint("desk", __name__, url_prefix="/desk")
view = lazy_views("app.desk.views")

NAV = [
    NavItem(
        "desk.choose_procedure",
        _l("Tiếp nhận"),
        _l("Tiếp nhận hồ sơ, in giấy hẹn"),
        Role.OFFICER,
        10,
    ),
    NavItem(
        "desk.index",
        _l("Hồ sơ"),
        _l("Hồ sơ đang giải quyết, cập nhật trạng thái"),
        Role.OFFICER,
        11,
    ),
    NavItem(
        "desk.procedures", _l("Thủ tục"), _l("Danh mục thủ tục, thời hạn, lệ phí"), Role.OFFICER, 12
    ),
    NavItem(
        "desk.calendar", _l("Lịch làm việc"), _l("Ngày nghỉ thêm, ngày làm bù"), Role.ADMIN, 80
    ),
]


# Endpoints that take signed documents: see _upload_allowance.
_UPLOAD_ENDPOINTS = frozenset({"desk.intake", "desk.attach"})


@bp.url_value_preprocessor
def _upload_allowance(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Let a slightly oversize attachment reach the form instead of a bare 413 page.

    Runs before the app's before_request hooks (CSRF parses the body there). The request may
    be up to twice MAX_CONTENT_LENGTH; the form then refuses files above MAX_UPLOAD_MB with a
    clear message and keeps everything the officer typed.
    """
    if request.method == "POST" and endpoint in _UPLOAD_ENDPOINTS:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        if limit:
            request.max_content_length = 2 * int(limit)


# ----- intake --------------------------------------------------------------------------------
bp.add_url_rule("/", view_func=view("index"))
bp.add_url_rule("/new", view_func=view("choose_procedure"))
bp.add_url_rule("/new/<code>", view_func=view("intake"), methods=["GET", "POST"])

# ----- one dossier ---------------------------------------------------------------------------
bp.add_url_rule("/d/<code>", view_func=view("dossier"))
bp.add_url_rule("/d/<code>/documents", view_func=view("attach"), methods=["POST"])
bp.add_url_rule("/d/<code>/documents/<int:doc_id>/report.json",
                view_func=view("document_report"))
bp.add_url_rule("/d/<code>/documents/<int:doc_id>/file", view_func=view("document_file"))
bp.add_url_rule("/d/<code>/status", view_func=view("change_status"), methods=["POST"])
bp.add_url_rule("/d/<code>/apology", view_func=view("apology"), methods=["POST"])
bp.add_url_rule("/d/<code>/apology/<int:letter_id>", view_func=view("apology_letter"))
bp.add_url_rule("/d/<code>/control-sheet", view_func=view("control_sheet"))
bp.add_url_rule("/d/<code>/reissue", view_func=view("reissue"), methods=["POST"])

# ----- receipts ------------------------------------------------------------------------------
bp.add_url_rule("/d/<code>/receipt", view_func=view("receipt"))
bp.add_url_rule("/d/<code>/receipt.pdf", view_func=view("receipt_pdf"))

# ----- catalogue and calendar ----------------------------------------------------------------
bp.add_url_rule("/procedures", view_func=view("procedures"))
bp.add_url_rule("/procedures/<code>/edit", view_func=view("edit_procedure"),
                methods=["GET", "POST"])
bp.add_url_rule("/calendar", view_func=view("calendar"), methods=["GET", "POST"])
