"""Check a JSON request body against the same JSON Schema the OpenAPI document publishes.

One schema serves both purposes, so what we document is exactly what we accept. The first
violation becomes an :class:`InvalidInput` naming the field as a JSON Pointer
(``/applicant/phone``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jsonschema_rs

from app.api.problems import BodyTooLarge, InvalidInput, UnsupportedMediaType


def _pointer(path: list[str | int]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


@lru_cache(maxsize=64)
def _validator(schema_json: str) -> Any:
    return jsonschema_rs.validator_for(json.loads(schema_json), validate_formats=True)


def _field_of(error: Any) -> str:
    """The pointer of the field at fault: the unexpected or missing property itself if any."""
    path = list(error.instance_path)
    kind = error.kind
    for attribute in ("unexpected", "property"):
        names = getattr(kind, attribute, None)
        if isinstance(names, str):
            return _pointer([*path, names])
        if isinstance(names, list | tuple) and names:
            return _pointer([*path, str(names[0])])
    return _pointer(path)


def validate(instance: Any, schema: Mapping[str, Any]) -> None:
    """Raise InvalidInput for the first way ``instance`` breaks ``schema``."""
    validator = _validator(json.dumps(schema, sort_keys=True))
    for error in validator.iter_errors(instance):
        field = _field_of(error)
        message = error.message if len(error.message) <= 200 else error.message[:200] + "…"
        raise InvalidInput(f"{field or '/'}: {message}", field=field)


def parse_json_body(raw: bytes, content_type: str | None, max_bytes: int) -> Any:
    """Decode a JSON body after checking its size and media type (413/415/400 as problems)."""
    if len(raw) > max_bytes:
        raise BodyTooLarge(f"body is {len(raw)} bytes; at most {max_bytes} accepted", field="/")
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType("send Content-Type: application/json", field="/")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"body is not valid JSON: {exc}", field="/") from exc
