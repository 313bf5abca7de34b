"""Offline translation tooling with Babel: extract Vietnamese source strings, keep the English
catalogue in step, compile .po into .mo (no network)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from app.i18n import APP_DIR, translation_directories

ROOT = APP_DIR.parent
MAIN_PO = APP_DIR / "translations" / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None,
            "ngettext": (1, 2), "lazy_ngettext": (1, 2)}
METHODS = [("app/**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.do", "trimmed": "true"}}


def po_files() -> list[Path]:
    return sorted(p for d in translation_directories() for p in Path(d).glob("*/LC_MESSAGES/*.po"))


def compiled_bytes(po_path: Path) -> bytes:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> list[Path]:
    written = []
    for po in po_files():
        mo = po.with_suffix(".mo")
        data = compiled_bytes(po)
        if not mo.exists() or mo.read_bytes() != data:
            mo.write_bytes(data)
            written.append(mo)
    return written


def extract() -> Catalog:
    """Every translatable string in app/ and templates/ (source language: Vietnamese)."""
    catalog = Catalog(locale="vi", project="motcua", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), METHODS, options_map=OPTIONS, keywords=KEYWORDS, strip_comment_tags=True):
        if ".venv" in filename or "node_modules" in filename:
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments,
                    context=context)
    return catalog


def translated_elsewhere() -> set[str]:
    """Message ids already translated by a feature's own catalogue (app/<feature>/translations)."""
    done: set[str] = set()
    for po in po_files():
        if po.resolve() == MAIN_PO.resolve() or "/en/" not in str(po):
            continue
        with po.open("rb") as handle:
            done.update(str(m.id) for m in read_po(handle) if m.id and m.string)
    return done


def update_english() -> tuple[int, int]:
    """Merge new strings into the English catalogue; returns (total, untranslated)."""
    MAIN_PO.parent.mkdir(parents=True, exist_ok=True)
    if MAIN_PO.exists():
        with MAIN_PO.open("rb") as handle:
            english = read_po(handle, locale="en")
    else:
        english = Catalog(locale="en", project="motcua", charset="utf-8")
    template = extract()
    for message_id in translated_elsewhere():
        if message_id in template:
            template.delete(message_id)
    english.update(template, no_fuzzy_matching=True)
    english.obsolete.clear()
    english.fuzzy = False
    english.project, english.version = "motcua", "1"
    english.msgid_bugs_address = ""
    english.last_translator = english.language_team = "motcua"
    with MAIN_PO.open("wb") as handle:
        write_po(handle, english, width=100, omit_header=False, sort_output=True)
    missing = sum(1 for m in english if m.id and not m.string)
    return len([m for m in english if m.id]), missing
