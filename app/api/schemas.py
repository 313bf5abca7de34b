"""JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of every API body and query.

The same objects validate requests (``app.api.validation``) and are published in the OpenAPI
document (``app.api.openapi``): what we document is exactly what we accept and return.
"""

from __future__ import annotations

from typing import Any

from app.desk.workflow import Status
from esign.report import Indication

_TEXT = {"type": "string"}
_DATETIME = {"type": "string", "format": "date-time"}
_DATE = {"type": "string", "format": "date"}
STATUSES = [s.value for s in Status]

PROBLEM: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details; `field` is a JSON Pointer to the faulty input.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": _TEXT,
        "title": _TEXT,
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": _TEXT,
        "code": _TEXT,
        "field": _TEXT,
        "error": {"type": "string", "description": "OAuth 2.0 error code (token endpoints)."},
        "error_description": _TEXT,
    },
}

TOKEN_REQUEST: dict[str, Any] = {
    "type": "object",
    "required": ["grant_type"],
    "properties": {
        "grant_type": {"const": "client_credentials"},
        "scope": {"type": "string", "description": "Space-separated; default: all granted."},
        "client_id": {"type": "string", "description": "Only with client_secret_post."},
        "client_secret": {"type": "string", "description": "Only with client_secret_post."},
    },
}

TOKEN_RESPONSE: dict[str, Any] = {
    "type": "object",
    "required": ["access_token", "token_type", "expires_in", "scope"],
    "properties": {
        "access_token": _TEXT,
        "token_type": {"const": "Bearer"},
        "expires_in": {"type": "integer", "minimum": 1},
        "scope": _TEXT,
    },
}

REVOKE_REQUEST: dict[str, Any] = {
    "type": "object",
    "required": ["token"],
    "properties": {"token": _TEXT, "token_type_hint": {"enum": ["access_token"]}},
}

TRANSITION: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["status"],
    "properties": {
        "status": {"enum": STATUSES, "description": "The status to move to."},
        "note": {"type": "string", "maxLength": 2000,
                 "description": "Required for waiting_supplement, refused and withdrawn."},
    },
}

STATS_QUERY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["from", "to"],
    "properties": {
        "from": {**_DATE, "description": "First day of the period (Asia/Ho_Chi_Minh)."},
        "to": {**_DATE, "description": "Last day of the period, inclusive (at most 3 years)."},
        "agency_code": {"type": "string", "minLength": 1, "maxLength": 32,
                        "description": "One desk (its agency code); default: all desks."},
        "procedure_code": {"type": "string", "minLength": 1, "maxLength": 32},
    },
}

VERIFY_QUERY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"filename": {"type": "string", "maxLength": 255,
                                "description": "Shown in the report; the format is sniffed."}},
}

VERIFY_REPORT: dict[str, Any] = {
    "type": "object",
    "description": "The esign report (same JSON as `motcua verify --json` gives per document).",
    "required": ["file", "format", "indication", "sub_indication", "errors", "signatures"],
    "properties": {
        "file": _TEXT,
        "format": _TEXT,
        "indication": {"enum": [i.value for i in Indication]},
        "sub_indication": {"type": ["string", "null"]},
        "errors": {"type": "array", "items": {"type": "object"}},
        "signatures": {"type": "array", "items": {"type": "object"}},
        "size": {"type": "integer", "minimum": 0},
        "sha256": _TEXT,
        "moment": _DATETIME,
    },
}

_NOT_BLANK = r"\S"

DOSSIER_CREATE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["procedure_code", "applicant"],
    "properties": {
        "procedure_code": {"type": "string", "minLength": 1, "maxLength": 32,
                           "description": "A code from the procedure catalogue "
                                          "(`motcua procedure list`)."},
        "applicant": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "maxLength": 200,
                         "pattern": r"^\s*\S[\s\S]*\S\s*$",
                         "description": "At least two characters."},
                "phone": {"type": "string", "maxLength": 20},
                "email": {"type": "string", "maxLength": 254},
                "address": {"type": "string", "maxLength": 500},
                "personal_id": {"type": "string", "pattern": "^[0-9]{12}$",
                                "description": "Stored encrypted; never returned."},
            },
        },
        "documents": {
            "type": "array",
            "maxItems": 50,
            "description": "Documents received; omitted: the procedure's required list.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "maxLength": 300, "pattern": _NOT_BLANK},
                    "sets": {"type": "integer", "minimum": 1, "maximum": 99},
                    "original": {"type": "boolean"},
                },
            },
        },
        "sets": {"type": "integer", "minimum": 1, "maximum": 99},
        "collect_method": {"enum": ["desk", "post"],
                           "description": "Where the result is collected."},
        "collect_address": {"type": "string", "maxLength": 500},
        "fee_vnd": {"type": "integer", "minimum": 0, "maximum": 1_000_000_000,
                    "description": "Omitted: the procedure's fee."},
        "idempotency_key": {"type": "string", "minLength": 8, "maxLength": 64,
                            "description": "Repeat it to get the first dossier back, not a "
                                           "second one."},
    },
    "if": {"properties": {"collect_method": {"const": "post"}},
           "required": ["collect_method"]},
    "then": {"required": ["collect_address"],
             "properties": {"collect_address": {"pattern": _NOT_BLANK}}},
}

TIMELINE_ENTRY: dict[str, Any] = {
    "type": "object",
    "required": ["status", "at", "note"],
    "properties": {"status": {"enum": STATUSES}, "at": _DATETIME, "note": _TEXT},
}

DOSSIER: dict[str, Any] = {
    "type": "object",
    "description": "A dossier as integrators see it: no personal data beyond initials.",
    "required": ["code", "procedure_code", "procedure_name", "status", "received_at",
                 "due_at", "lookup_url", "receipt_pdf_url", "timeliness", "timeline"],
    "properties": {
        "code": {"type": "string", "description": "<agency code>-YYMMDD-XXXX"},
        "procedure_code": _TEXT,
        "procedure_name": _TEXT,
        "procedure_name_en": _TEXT,
        "applicant_initials": _TEXT,
        "status": {"enum": STATUSES},
        "received_at": _DATETIME,
        "due_at": {**_DATETIME, "description": "After any pause for supplements."},
        "lookup_url": {"type": "string", "format": "uri",
                       "description": "The receipt's QR link: look-up key and signed token."},
        "receipt_pdf_url": {"type": "string", "format": "uri"},
        "timeliness": {"enum": ["early", "on_time", "overdue", "in_progress", "not_timed"]},
        "collect_method": {"enum": ["desk", "post"]},
        "fee_vnd": {"type": "integer", "minimum": 0},
        "timeline": {"type": "array", "items": TIMELINE_ENTRY},
    },
}

_COUNT = {"type": "integer", "minimum": 0}
_SHARE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_TIMELINESS = {
    "type": "object",
    "required": ["early", "on_time", "overdue", "in_time_share"],
    "properties": {"early": _COUNT, "on_time": _COUNT, "overdue": _COUNT,
                   "early_share": _SHARE, "on_time_share": _SHARE, "overdue_share": _SHARE,
                   "in_time_share": _SHARE},
}
_COUNTS = {"received": _COUNT, "finished": _COUNT, "returned": _COUNT, "refused": _COUNT,
           "withdrawn": _COUNT, "timeliness": _TIMELINESS}

STATISTICS: dict[str, Any] = {
    "type": "object",
    "description": "The supervisor dashboard's figures for local days [from, to], computed "
                   "from the dossiers' history: codes and numbers only, no personal data.",
    "required": ["from", "to", "generated_at", "received", "finished", "returned",
                 "timeliness", "open", "ratings", "per_day", "per_procedure"],
    "properties": {
        "from": _DATE,
        "to": _DATE,
        "generated_at": _DATETIME,
        "filters": {"type": "object", "additionalProperties": {"type": "string"}},
        **_COUNTS,
        "open": {"type": "object",
                 "required": ["overdue", "due_today", "due_soon"],
                 "properties": {"overdue": _COUNT, "due_today": _COUNT, "due_soon": _COUNT,
                                "due_soon_until": _TEXT, "waiting_supplement": _COUNT}},
        "ratings": {"type": "object",
                    "required": ["total"],
                    "properties": {"total": _COUNT, "very_satisfied": _COUNT,
                                   "satisfied": _COUNT, "not_satisfied": _COUNT,
                                   "very_satisfied_share": _SHARE, "satisfied_share": _SHARE}},
        "per_day": {"type": "array", "items": {
            "type": "object", "required": ["day", "received", "finished"],
            "properties": {"day": _DATE, "received": _COUNT, "finished": _COUNT}}},
        "per_procedure": {"type": "array", "items": {
            "type": "object", "required": ["code", "received", "finished"],
            "properties": {"code": _TEXT, **_COUNTS}}},
        "activation": {"type": ["object", "null"]},
    },
}
