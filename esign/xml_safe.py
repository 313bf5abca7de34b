"""Safe XML parsing: no DTD, no entities, no network, bounded depth.

An XML signature verifier parses hostile documents.  A DOCTYPE is never needed by XMLDSig or by
Vietnamese e-invoices, so any DOCTYPE is refused outright: this closes entity expansion bombs,
external entities (XXE) and DTD-declared ID attributes (which would otherwise change what a
``#id`` reference points to).
"""

from __future__ import annotations

import re

from lxml import etree

__all__ = ["XmlRejected", "parse_xml"]

# A DOCTYPE may hide behind a UTF-16 encoding; the raw scan is a cheap first filter and the
# docinfo check after parsing is the authoritative one.
_DOCTYPE_RE = re.compile(rb"<!\s*DOCTYPE|<\x00!\x00D\x00O\x00C\x00T\x00Y\x00P\x00E", re.IGNORECASE)
_ENTITY_RE = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)


class XmlRejected(Exception):
    """Raised when an XML input is unsafe or not well-formed; ``code`` is stable."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers keep state and are not safe to share across threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=False,
        remove_pis=False,
        collect_ids=False,
    )


def parse_xml(data: bytes) -> etree._ElementTree:
    """Parse ``data``; raises XmlRejected (``xml_doctype``, ``xml_entity``, ``xml_syntax``)."""
    if _DOCTYPE_RE.search(data):
        raise XmlRejected("xml_doctype", "a DOCTYPE declaration is not allowed")
    if _ENTITY_RE.search(data):
        raise XmlRejected("xml_entity", "an ENTITY declaration is not allowed")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        if "Memory allocation failed" in str(exc) or any(
            e.type_name == "ERR_NO_MEMORY" for e in exc.error_log
        ):
            raise MemoryError(str(exc)[:200]) from exc
        raise XmlRejected("xml_syntax", str(exc)[:200]) from exc
    except (ValueError, TypeError) as exc:  # e.g. unsupported encoding declarations
        raise XmlRejected("xml_syntax", str(exc)[:200]) from exc
    if root is None:
        raise XmlRejected("xml_syntax", "empty document")
    tree = root.getroottree()
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XmlRejected("xml_doctype", "a DOCTYPE declaration is not allowed")
    for node in root.iter(etree.Entity):
        raise XmlRejected("xml_entity", f"entity reference {node.text!r} is not allowed")
    return tree
