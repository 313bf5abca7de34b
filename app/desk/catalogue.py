"""Procedure catalogue seed: the versioned JSON in `catalogue_data/`, parsed and checked.

Pure: the database seeding lives in `operations.seed_catalogue`; this module only turns the
file into frozen values and refuses a malformed entry with the entry's code in the message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

SEED_FILE = Path(__file__).resolve().parent / "catalogue_data" / "procedures.json"
GROUPS = ("lam_ngay", "5_tai_cho", "de_an_06", "dinh_danh")


class CatalogueError(ValueError):
    """Raised when the catalogue file or an edited procedure version is malformed."""

    code = "catalogue_invalid"


@dataclass(frozen=True)
class RequiredDocument:
    name_vi: str
    name_en: str
    original: bool = True
    """True when the original (bản chính) is presented, False for a copy."""
    required: bool = True


@dataclass(frozen=True)
class ProcedureSpec:
    """One procedure as the catalogue describes it at `effective_from`."""

    code: str
    """Catalogue code: the national code where known, else a local code."""
    national_code: str | None
    groups: tuple[str, ...]
    name_vi: str
    name_en: str
    processing_days: int | None
    """Statutory time in working days; exactly one of days/hours is set."""
    processing_hours: int | None
    fee_vnd: int
    fee_note_vi: str
    documents: tuple[RequiredDocument, ...]
    e_id_accepted: bool = True


@dataclass(frozen=True)
class Catalogue:
    version: int
    effective_from: date
    procedures: tuple[ProcedureSpec, ...]


def check_processing_time(days: int | None, hours: int | None) -> None:
    """Exactly one of days/hours, positive and plausible (≤ 90 days, ≤ 40 hours)."""
    if (days is None) == (hours is None):
        raise CatalogueError("exactly one of processing_days / processing_hours")
    if days is not None and not 1 <= days <= 90:
        raise CatalogueError("processing_days must be 1..90")
    if hours is not None and not 1 <= hours <= 40:
        raise CatalogueError("processing_hours must be 1..40")


def _spec(raw: dict[str, Any]) -> ProcedureSpec:
    code = str(raw.get("code", "?"))
    try:
        spec = ProcedureSpec(
            code=code,
            national_code=raw["national_code"],
            groups=tuple(raw["groups"]),
            name_vi=raw["name_vi"],
            name_en=raw["name_en"],
            processing_days=raw["processing_days"],
            processing_hours=raw["processing_hours"],
            fee_vnd=int(raw["fee_vnd"]),
            fee_note_vi=raw.get("fee_note_vi", ""),
            documents=tuple(RequiredDocument(**doc) for doc in raw["documents"]),
            e_id_accepted=bool(raw.get("e_id_accepted", True)),
        )
        check_processing_time(spec.processing_days, spec.processing_hours)
    except (KeyError, TypeError, ValueError) as exc:
        raise CatalogueError(f"{code}: {exc}") from exc
    if not set(spec.groups) <= set(GROUPS) or not spec.documents or spec.fee_vnd < 0:
        raise CatalogueError(f"{code}: groups/documents/fee")
    return spec


def load_catalogue(path: Path = SEED_FILE) -> Catalogue:
    raw = json.loads(path.read_text(encoding="utf-8"))
    procedures = tuple(_spec(item) for item in raw["procedures"])
    codes = [p.code for p in procedures]
    if len(set(codes)) != len(codes):
        raise CatalogueError("duplicate procedure code")
    return Catalogue(int(raw["version"]), date.fromisoformat(raw["effective_from"]), procedures)
