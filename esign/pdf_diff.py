"""What changed after a PDF signature, and whether it was allowed.

Two independent views are combined.  pyHanko's difference analysis (``DEFAULT_DIFF_POLICY``)
decides whether every object written after the signed revision is explained by form filling,
signing or validation data, honouring DocMDP and FieldMDP.  Our own comparison of the signed and
final revisions (pages, page content, annotations, form fields, signature dictionaries,
catalogue) names what changed in words an officer can read, and vetoes the pass when page content
changed even if pyHanko let it through.  When pyHanko crashes on a manipulated update, the
change is NOT_PERMITTED: an update we cannot read cannot be shown to be harmless.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    DiffResult,
    ModificationLevel,
    SuspiciousModification,
)
from pyhanko.sign.fields import FieldMDPSpec, MDPPerm

from esign.pdf_fastdiff import SignatureUpdate, signature_only_update
from esign.pdf_fingerprint import BudgetExceeded, Fingerprinter, deref
from esign.pdf_structure import revision_end
from esign.report import Coverage, Finding, Modifications, Severity

__all__ = ["DiffContext", "ModificationCheck", "analyse_modifications"]

_MAX_PAGES = 100_000
_MAX_FIELDS = 10_000
# Catalogue entries whose changes are judged elsewhere (pages, forms, DSS) or are harmless.
_CATALOG_HANDLED = frozenset({"/AcroForm", "/DSS", "/Pages", "/Metadata", "/Type"})
# Widget keys form filling legitimately rewrites.
_WIDGET_VOLATILE = ("/AP", "/AS", "/V", "/MK", "/Parent", "/P")
_INFO_CODES = frozenset(
    {"signature_added", "document_timestamp_added", "form_filled", "validation_data_added"}
)


@dataclass(frozen=True)
class ModificationCheck:
    """Classification of the changes made after one signature."""

    modifications: Modifications
    findings: tuple[Finding, ...]


@dataclass
class DiffContext:
    """Per-document caches shared by every signature of the document (not thread-safe)."""

    reader: PdfFileReader
    data: bytes = b""
    """The file bytes (for the fast signature-only update check)."""
    trailing_junk: int = 0
    """Bytes after the last revision that belong to no revision (not whitespace)."""
    fingerprints: Fingerprinter = field(default_factory=Fingerprinter)
    pyhanko_results: dict[tuple[int, str, str], DiffResult | SuspiciousModification | str] = field(
        default_factory=dict
    )

    fast_updates: dict[int, SignatureUpdate | None] = field(default_factory=dict)

    def signature_steps(self, signed_revision: int) -> list[SignatureUpdate] | None:
        """The updates after ``signed_revision`` if each provably only adds signatures."""
        steps: list[SignatureUpdate] = []
        for revision in range(signed_revision + 1, self.last_revision + 1):
            if revision not in self.fast_updates:
                end = revision_end(self.reader, self.data, revision - 1) if self.data else None
                self.fast_updates[revision] = (
                    None
                    if end is None
                    else signature_only_update(self.reader, revision, self.data, end)
                )
            step = self.fast_updates[revision]
            if step is None:
                return None
            steps.append(step)
        return steps

    def resolver(self, revision: int) -> HistoricalResolver:
        return self.reader.get_historical_resolver(revision)

    @property
    def last_revision(self) -> int:
        return int(self.reader.xrefs.total_revisions) - 1


# --------------------------------------------------------------------------- structure walks


def _pages(res: HistoricalResolver) -> list[generic.DictionaryObject]:
    """Leaf page dictionaries in order; cycle-safe and bounded."""
    out: list[generic.DictionaryObject] = []
    seen: set[tuple[int, int]] = set()
    root = deref(res.root.raw_get("/Pages"))
    stack: list[generic.PdfObject] = [root]
    while stack and len(out) < _MAX_PAGES:
        node = deref(stack.pop())
        if not isinstance(node, generic.DictionaryObject):
            continue
        kids = node.raw_get("/Kids") if "/Kids" in node else None
        if kids is None:
            out.append(node)
            continue
        kids = deref(kids)
        if not isinstance(kids, generic.ArrayObject):
            continue
        for kid in _items(kids)[::-1]:
            if isinstance(kid, generic.IndirectObject):
                key = (kid.idnum, kid.generation)
                if key in seen:
                    continue
                seen.add(key)
            stack.append(kid)
    return out


def _fields(
    res: HistoricalResolver,
) -> tuple[dict[str, generic.DictionaryObject], frozenset[tuple[int, int]]]:
    """Terminal form fields by qualified name, and every object of the field tree (widgets
    included); cycle-safe and bounded."""
    out: dict[str, generic.DictionaryObject] = {}
    seen: set[tuple[int, int]] = set()
    try:
        acro = deref(res.root.raw_get("/AcroForm"))
        top = deref(acro.raw_get("/Fields")) if isinstance(acro, generic.DictionaryObject) else None
    except KeyError:
        return out, frozenset()
    if not isinstance(top, generic.ArrayObject):
        return out, frozenset()
    stack: list[tuple[str, generic.PdfObject]] = [("", item) for item in _items(top)[::-1]]
    while stack and len(out) < _MAX_FIELDS:
        prefix, ref = stack.pop()
        if isinstance(ref, generic.IndirectObject):
            key = (ref.idnum, ref.generation)
            if key in seen:
                continue
            seen.add(key)
        node = deref(ref)
        if not isinstance(node, generic.DictionaryObject):
            continue
        partial = str(node.get("/T", "")) if "/T" in node else ""
        name = f"{prefix}.{partial}" if prefix and partial else (partial or prefix)
        kids = deref(node.raw_get("/Kids")) if "/Kids" in node else None
        kid_items = _items(kids) if isinstance(kids, generic.ArrayObject) else []
        named_kids = any(_has_name(deref(k)) for k in kid_items)
        if named_kids:
            stack.extend((name, k) for k in kid_items[::-1])
            continue
        out[name or f"#{len(out)}"] = node
        for widget in kid_items:  # unnamed kids are the field's widgets
            if isinstance(widget, generic.IndirectObject):
                seen.add((widget.idnum, widget.generation))
    return out, frozenset(seen)


def _has_name(obj: generic.PdfObject) -> bool:
    return isinstance(obj, generic.DictionaryObject) and "/T" in obj


def _items(array: generic.ArrayObject) -> list[generic.PdfObject]:
    """Raw (not dereferenced) items of a PDF array."""
    return list(list.__iter__(array))


def _annotation_prints(
    ctx: DiffContext,
    revision: int,
    page: generic.DictionaryObject,
    form_objects: frozenset[tuple[int, int]],
) -> list[bytes]:
    """Fingerprints of the page's annotations, except widgets of AcroForm fields (judged as
    form filling); a widget outside the form is an ordinary annotation."""
    if "/Annots" not in page:
        return []
    annots = deref(page.raw_get("/Annots"))
    if not isinstance(annots, generic.ArrayObject):
        return []
    prints: list[bytes] = []
    for item in _items(annots):
        if (
            isinstance(item, generic.IndirectObject)
            and (item.idnum, item.generation) in form_objects
        ):
            continue
        annot = deref(item)
        if not isinstance(annot, generic.DictionaryObject):
            continue
        prints.append(ctx.fingerprints.of(revision, item, skip=("/P", "/Parent", "/Popup", "/IRT")))
    return sorted(prints)


# --------------------------------------------------------------------------- explanation


def _explain_pages(ctx: DiffContext, old_rev: int, new_rev: int) -> Iterator[Finding]:
    old_pages = _pages(ctx.resolver(old_rev))
    new_pages = _pages(ctx.resolver(new_rev))
    old_form = _fields(ctx.resolver(old_rev))[1]
    new_form = _fields(ctx.resolver(new_rev))[1]
    if len(new_pages) > len(old_pages):
        yield Finding("pages_added", Severity.ERROR, f"{len(old_pages)} -> {len(new_pages)} pages")
    elif len(new_pages) < len(old_pages):
        yield Finding(
            "pages_removed", Severity.ERROR, f"{len(old_pages)} -> {len(new_pages)} pages"
        )
    changed: list[int] = []
    annotated: list[int] = []
    fp = ctx.fingerprints
    for index, (old, new) in enumerate(zip(old_pages, new_pages, strict=False)):
        if fp.of(old_rev, old, skip=("/Annots", "/Parent")) != fp.of(
            new_rev, new, skip=("/Annots", "/Parent")
        ):
            changed.append(index + 1)
        if _annotation_prints(ctx, old_rev, old, old_form) != _annotation_prints(
            ctx, new_rev, new, new_form
        ):
            annotated.append(index + 1)
    if changed:
        yield Finding(
            "page_content_changed", Severity.ERROR, f"page(s) {_pages_text(changed)} changed"
        )
    if annotated:
        yield Finding(
            "annotations_changed",
            Severity.WARNING,
            f"annotations added, removed or altered on page(s) {_pages_text(annotated)}",
        )


def _pages_text(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def _field_value_print(ctx: DiffContext, revision: int, node: generic.DictionaryObject) -> bytes:
    value = node.raw_get("/V") if "/V" in node else generic.NullObject()
    return ctx.fingerprints.of(revision, value)


def _explain_fields(
    ctx: DiffContext,
    old_rev: int,
    new_rev: int,
    fieldmdp: FieldMDPSpec | None,
) -> Iterator[Finding]:
    old_fields = _fields(ctx.resolver(old_rev))[0]
    new_fields = _fields(ctx.resolver(new_rev))[0]
    removed = sorted(set(old_fields) - set(new_fields))
    if removed:
        yield Finding("form_field_removed", Severity.ERROR, ", ".join(removed[:10]))
    signed: list[str] = []
    stamped: list[str] = []
    filled: list[str] = []
    restyled: list[str] = []
    fp = ctx.fingerprints
    for name, node in new_fields.items():
        old = old_fields.get(name)
        new_value = _field_value_print(ctx, new_rev, node)
        if old is not None and _field_value_print(ctx, old_rev, old) == new_value:
            old_ap = fp.of(old_rev, old.raw_get("/AP")) if "/AP" in old else b""
            new_ap = fp.of(new_rev, node.raw_get("/AP")) if "/AP" in node else b""
            if old_ap != new_ap:
                restyled.append(name)
            continue
        if old is None and "/V" not in node:
            continue  # an empty new field (e.g. a signature placeholder)
        value = deref(node.raw_get("/V")) if "/V" in node else None
        is_sig = isinstance(value, generic.DictionaryObject) and (
            "/ByteRange" in value or str(value.get("/Type", "")) in ("/Sig", "/DocTimeStamp")
        )
        if is_sig and isinstance(value, generic.DictionaryObject):
            if str(value.get("/Type", "")) == "/DocTimeStamp":
                stamped.append(name)
            else:
                signed.append(name)
        else:
            filled.append(name)
        if fieldmdp is not None and fieldmdp.is_locked(name) and old is not None:
            yield Finding(
                "locked_field_changed", Severity.ERROR, f"field {name} is locked by FieldMDP"
            )
    if signed:
        yield Finding("signature_added", Severity.INFO, ", ".join(signed[:10]))
    if stamped:
        yield Finding("document_timestamp_added", Severity.INFO, ", ".join(stamped[:10]))
    if filled:
        yield Finding("form_filled", Severity.INFO, ", ".join(filled[:10]))
    if restyled:
        yield Finding(
            "appearance_changed",
            Severity.WARNING,
            "appearance redrawn without a new value: " + ", ".join(restyled[:10]),
        )


def _indirect(ref: generic.Reference, res: HistoricalResolver) -> generic.IndirectObject:
    """The object ``ref`` as seen in the revision of ``res``."""
    return generic.IndirectObject(ref.idnum, ref.generation, res)  # type: ignore[no-untyped-call]


def _explain_catalog(
    ctx: DiffContext, old_rev: int, new_rev: int, sig_ref: generic.Reference | None
) -> Iterator[Finding]:
    fp = ctx.fingerprints
    old_root = ctx.resolver(old_rev).root
    new_root = ctx.resolver(new_rev).root
    if sig_ref is not None:
        old_sig = _indirect(sig_ref, ctx.resolver(old_rev))
        new_sig = _indirect(sig_ref, ctx.resolver(new_rev))
        if fp.of(old_rev, old_sig) != fp.of(new_rev, new_sig):
            yield Finding(
                "signature_dict_changed",
                Severity.ERROR,
                "the signature dictionary was rewritten after signing",
            )
    old_dss = fp.of(old_rev, old_root.raw_get("/DSS")) if "/DSS" in old_root else b""
    new_dss = fp.of(new_rev, new_root.raw_get("/DSS")) if "/DSS" in new_root else b""
    if old_dss != new_dss:
        yield Finding("validation_data_added", Severity.INFO, "DSS (certificates, OCSP, CRLs)")
    keys = (set(dict.keys(old_root)) | set(dict.keys(new_root))) - _CATALOG_HANDLED
    changed = sorted(
        str(k)
        for k in keys
        if (fp.of(old_rev, dict.__getitem__(old_root, k)) if k in old_root else b"")
        != (fp.of(new_rev, dict.__getitem__(new_root, k)) if k in new_root else b"")
    )
    if changed:
        yield Finding(
            "catalog_changed", Severity.WARNING, "document catalogue: " + ", ".join(changed)
        )


def explain_changes(
    ctx: DiffContext,
    signed_revision: int,
    sig_ref: generic.Reference | None,
    fieldmdp: FieldMDPSpec | None,
) -> tuple[Finding, ...]:
    """Plain findings about what differs between the signed and the final revision."""
    new_rev = ctx.last_revision
    try:
        return (
            *_explain_pages(ctx, signed_revision, new_rev),
            *_explain_fields(ctx, signed_revision, new_rev, fieldmdp),
            *_explain_catalog(ctx, signed_revision, new_rev, sig_ref),
        )
    except BudgetExceeded as exc:
        return (Finding("comparison_incomplete", Severity.INFO, str(exc)),)
    except Exception as exc:
        return (
            Finding(
                "update_unreadable",
                Severity.ERROR,
                f"a later revision cannot be compared: {type(exc).__name__}: {exc}",
            ),
        )


# --------------------------------------------------------------------------- pyHanko's verdict


def _pyhanko_review(
    ctx: DiffContext,
    signed_revision: int,
    docmdp: MDPPerm | None,
    fieldmdp: FieldMDPSpec | None,
) -> DiffResult | SuspiciousModification | str:
    key = (signed_revision, repr(docmdp), repr(fieldmdp))
    cached = ctx.pyhanko_results.get(key)
    if cached is not None:
        return cached
    result: DiffResult | SuspiciousModification | str
    try:
        result = DEFAULT_DIFF_POLICY.review_file(
            ctx.reader, signed_revision, field_mdp_spec=fieldmdp, doc_mdp=docmdp
        )
    except Exception as exc:
        result = f"{type(exc).__name__}: {exc}"
    ctx.pyhanko_results[key] = result
    return result


def _first_line(text: str, limit: int = 300) -> str:
    return text.strip().splitlines()[0][:limit] if text.strip() else ""


def analyse_modifications(
    ctx: DiffContext,
    *,
    signed_revision: int,
    coverage: Coverage,
    sig_ref: generic.Reference | None,
    docmdp: MDPPerm | None,
    fieldmdp: FieldMDPSpec | None,
) -> ModificationCheck:
    """Classify the changes after a signature as NONE, PERMITTED or NOT_PERMITTED."""
    if coverage is Coverage.ENTIRE_FILE:
        return ModificationCheck(Modifications.NONE, ())
    if coverage is Coverage.PARTIAL:
        return ModificationCheck(
            Modifications.NOT_PERMITTED,
            (
                Finding(
                    "unsigned_bytes", Severity.ERROR, "the signature does not cover its revision"
                ),
            ),
        )
    fast = None if ctx.trailing_junk else ctx.signature_steps(signed_revision)
    if fast is not None:
        return _fast_verdict(fast, docmdp)
    review = _pyhanko_review(ctx, signed_revision, docmdp, fieldmdp)
    findings = list(explain_changes(ctx, signed_revision, sig_ref, fieldmdp))
    if ctx.trailing_junk:
        findings.append(
            Finding(
                "unsigned_trailing_data",
                Severity.ERROR,
                f"{ctx.trailing_junk} bytes after the last revision belong to no revision",
            )
        )
    verdict = Modifications.PERMITTED
    if isinstance(review, str):
        verdict = Modifications.NOT_PERMITTED
        findings.append(Finding("update_unreadable", Severity.ERROR, _first_line(review)))
    elif isinstance(review, SuspiciousModification):
        verdict = Modifications.NOT_PERMITTED
        findings.append(Finding("unexplained_change", Severity.ERROR, _first_line(str(review))))
    else:
        level = review.modification_level
        if level is ModificationLevel.OTHER:
            verdict = Modifications.NOT_PERMITTED
            findings.append(Finding("unexplained_change", Severity.ERROR, "changes beyond forms"))
        elif docmdp is not None and level.value > docmdp.value:
            verdict = Modifications.NOT_PERMITTED
            findings.append(
                Finding(
                    "docmdp_violation",
                    Severity.ERROR,
                    f"certification allows level {docmdp.value}, changes reach {level.name}",
                )
            )
    if any(f.severity is Severity.ERROR for f in findings):
        verdict = Modifications.NOT_PERMITTED
    return ModificationCheck(verdict, _dedupe(findings))


def _fast_verdict(steps: list[SignatureUpdate], docmdp: MDPPerm | None) -> ModificationCheck:
    """Only signature fields were added after this signature (see pdf_fastdiff)."""
    signed = [name for step in steps for name in step.signatures]
    stamped = [name for step in steps for name in step.timestamps]
    findings: list[Finding] = []
    if signed:
        findings.append(Finding("signature_added", Severity.INFO, ", ".join(signed[:10])))
    if stamped:
        findings.append(Finding("document_timestamp_added", Severity.INFO, ", ".join(stamped[:10])))
    if signed and docmdp is MDPPerm.NO_CHANGES:
        findings.append(
            Finding(
                "docmdp_violation",
                Severity.ERROR,
                "certification allows no change, a signature was added",
            )
        )
        return ModificationCheck(Modifications.NOT_PERMITTED, tuple(findings))
    return ModificationCheck(Modifications.PERMITTED, tuple(findings))


def _dedupe(findings: list[Finding]) -> tuple[Finding, ...]:
    seen: set[tuple[str, str]] = set()
    out: list[Finding] = []
    for f in findings:
        if (f.code, f.detail) not in seen:
            seen.add((f.code, f.detail))
            out.append(f)
    return tuple(out)
