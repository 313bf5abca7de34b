"""Words and JSON for the public page: status and timeliness codes in plain Vietnamese/English.

The page and its JSON variant are built from the same :func:`page_data` so they never differ.
Only what the public may see goes in: no phone, address, ID number, e-mail or staff notes.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale

from app.i18n import local_time, request_translations
from app.lookup.operations import LookupPage


def _l(message: str) -> str:
    """Marks ``message`` for extraction (a gettext keyword); :func:`_label` translates it when
    the page is built, through the request's translations (cheaper than a lazy string)."""
    return message


STATUS_LABELS = {
    "received": _l("Đã tiếp nhận hồ sơ"),
    "processing": _l("Đang giải quyết"),
    "waiting_supplement": _l("Chờ công dân bổ sung hồ sơ"),
    "result_ready": _l("Đã có kết quả, mời đến nhận"),
    "returned": _l("Đã trả kết quả"),
    "refused": _l("Từ chối giải quyết (có văn bản nêu lý do)"),
    "withdrawn": _l("Công dân đã rút hồ sơ"),
}

TIMELINESS_LABELS = {
    "early": _l("Trước hạn"),
    "on_time": _l("Đúng hạn"),
    "overdue": _l("Quá hạn"),
    "in_progress": _l("Đang trong hạn"),
    "not_timed": _l("Không tính hạn"),
}

COLLECT_LABELS = {
    "desk": _l("Nhận trực tiếp tại Bộ phận một cửa"),
    "post": _l("Trả qua dịch vụ bưu chính công ích"),
}


def _label(table: dict[str, str], code: str) -> str:
    message = table.get(code)
    return code if message is None else str(request_translations().ugettext(message))


def _moment(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    return {"utc": value.isoformat(), "local": local_time(value)}


def page_data(page: LookupPage) -> dict[str, Any]:
    """The public facts of one dossier, ready for the template or ``jsonify``."""
    view = page.view
    english = str(get_locale()) == "en" and view.procedure_name_en
    collect: dict[str, Any] = {"method": view.collect_method,
                               "label": _label(COLLECT_LABELS, view.collect_method)}
    if view.collect_method == "desk":
        collect.update(agency=page.collect.agency_name, desk=page.collect.desk_name,
                       address=page.collect.address)
    return {
        "code": view.code,
        "procedure": {"code": view.procedure_code,
                      "name": view.procedure_name_en if english else view.procedure_name_vi},
        "applicant": view.applicant_initials,
        "received_at": _moment(view.received_at),
        "due_at": _moment(view.due_at),
        "promised_at": _moment(view.promised_at),
        "status": {"code": view.status, "label": _label(STATUS_LABELS, view.status)},
        "timeliness": {"code": view.timeliness,
                       "label": _label(TIMELINESS_LABELS, view.timeliness)},
        "timeline": [{"at": _moment(entry.at), "status": entry.status,
                      "label": _label(STATUS_LABELS, entry.status)} for entry in view.timeline],
        "collect": collect,
        "receipt": {"issuer": page.issuer, "jwks": "/.well-known/jwks.json",
                    "revoked_jti": list(page.revoked_jtis)},
        "rating": {"open": view.can_rate and not page.rated, "given": page.rated},
    }
