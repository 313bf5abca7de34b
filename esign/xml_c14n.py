"""XMLDSig reference processing: ID lookup, the enveloped transform and canonicalisation.

Only the transforms that real signatures use are accepted (enveloped-signature, C14N 1.0/1.1
inclusive, exclusive C14N, each with or without comments).  XPath, XSLT and external URIs are
refused: they let a document decide what code runs or what gets fetched.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from lxml import etree

from esign.xml_safe import XmlRejected

__all__ = [
    "C14N10",
    "DSIG_NS",
    "ENVELOPED",
    "EXC_C14N",
    "IdIndex",
    "NodeSet",
    "canonicalize",
    "element_path",
]

DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
XML_NS = "http://www.w3.org/XML/1998/namespace"
C14N10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N11 = "http://www.w3.org/2006/12/xml-c14n11"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = DSIG_NS + "enveloped-signature"
_WITH_COMMENTS = "#WithComments"

# (exclusive, with_comments, c14n 1.1) per algorithm URI.
_C14N_ALGORITHMS: dict[str, tuple[bool, bool, bool]] = {
    C14N10: (False, False, False),
    C14N10 + _WITH_COMMENTS: (False, True, False),
    C14N11: (False, False, True),
    C14N11 + _WITH_COMMENTS: (False, True, True),
    EXC_C14N: (True, False, False),
    EXC_C14N + "WithComments": (True, True, False),
}

_ID_NAMES = frozenset({"Id", "ID", "id"})


def is_c14n(algorithm: str) -> bool:
    """True for a canonicalisation algorithm this module implements."""
    return algorithm in _C14N_ALGORITHMS


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def element_path(el: etree._Element) -> str:
    """Readable location of ``el``: local names from the root, with [n] where siblings repeat."""
    parts: list[str] = []
    node: etree._Element | None = el
    while node is not None:
        name = _local(node.tag)
        parent = node.getparent()
        if parent is not None:
            same = [c for c in parent if c.tag == node.tag]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))


class IdIndex:
    """Maps ID attribute values (Id, ID, id in any namespace, xml:id) to elements.

    Without a DTD or schema an XML document has no typed IDs, so every attribute named like one
    counts, and a value that occurs twice is refused when referenced: a classic signature-wrapping
    attack duplicates the signed element so the verifier and the application read different ones.
    """

    def __init__(self, root: etree._Element) -> None:
        self._ids: dict[str, list[etree._Element]] = {}
        for el in root.iter(tag=etree.Element):
            for name, value in el.attrib.items():
                local = etree.QName(name).localname
                if local in _ID_NAMES or name == f"{{{XML_NS}}}id":
                    self._ids.setdefault(value, []).append(el)

    def duplicates(self) -> tuple[str, ...]:
        """ID values carried by more than one element."""
        return tuple(sorted(v for v, els in self._ids.items() if len(els) > 1))

    def lookup(self, value: str) -> etree._Element:
        """The only element carrying ``value``.

        Raises XmlRejected ``reference_not_found`` or ``duplicate_id``.
        """
        found = self._ids.get(value, [])
        if not found:
            raise XmlRejected("reference_not_found", f"no element with ID {value!r}")
        if len(found) > 1 or len({id(e) for e in found}) != len(found):
            raise XmlRejected("duplicate_id", f"ID {value!r} occurs {len(found)} times")
        return found[0]


@dataclass
class NodeSet:
    """What a Reference points at: the whole document (``apex`` None) or one element subtree."""

    tree: etree._ElementTree
    apex: etree._Element | None
    with_comments: bool
    excluded: list[etree._Element]
    """Signature elements removed by enveloped-signature transforms."""

    @property
    def covered(self) -> etree._Element:
        return self.apex if self.apex is not None else self.tree.getroot()


@contextmanager
def _detached(elements: Sequence[etree._Element]) -> Iterator[None]:
    """Temporarily remove ``elements`` (keeping the text that follows each) and put them back."""
    undo: list[tuple[etree._Element, int, etree._Element, str | None, etree._Element | None]] = []
    try:
        for el in elements:
            parent = el.getparent()
            if parent is None:
                continue
            index = parent.index(el)
            prev = el.getprevious()
            tail = el.tail
            saved_text = prev.tail if prev is not None else parent.text
            if tail:
                if prev is not None:
                    prev.tail = (prev.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
            parent.remove(el)
            el.tail = tail
            undo.append((parent, index, el, saved_text, prev))
        yield
    finally:
        for parent, index, el, saved_text, prev in reversed(undo):
            if prev is not None:
                prev.tail = saved_text
            else:
                parent.text = saved_text
            parent.insert(index, el)


@contextmanager
def _inherited_xml_attrs(apex: etree._Element, c14n11: bool) -> Iterator[None]:
    """C14N inclusive of a subtree: ancestors' xml:* attributes are rendered on the apex."""
    added: list[str] = []
    wanted = {"lang", "space"} if c14n11 else {"lang", "space", "base", "id"}
    try:
        node = apex.getparent()
        while node is not None:
            for name, value in node.attrib.items():
                q = etree.QName(name)
                if q.namespace == XML_NS and q.localname in wanted and name not in apex.attrib:
                    apex.set(name, value)
                    added.append(name)
            node = node.getparent()
        yield
    finally:
        for name in added:
            del apex.attrib[name]


def canonicalize(
    nodes: NodeSet,
    algorithm: str,
    inclusive_prefixes: Sequence[str] = (),
) -> bytes:
    """Octets of ``nodes`` under the canonicalisation ``algorithm``."""
    try:
        exclusive, with_comments, c14n11 = _C14N_ALGORITHMS[algorithm]
    except KeyError:
        raise XmlRejected("unsupported_c14n", algorithm[:200]) from None
    comments = with_comments and nodes.with_comments
    if nodes.apex is not None and any(
        ex is nodes.apex or ex in nodes.apex.iterancestors() for ex in nodes.excluded
    ):
        return b""  # the enveloped transform removed the whole node-set
    prefixes = [p for p in inclusive_prefixes if p and p != "#default"] or None
    inside = nodes.covered
    excluded = [ex for ex in nodes.excluded if inside in ex.iterancestors()]
    with _detached(excluded):
        if nodes.apex is None:
            out = etree.tostring(
                nodes.tree,
                method="c14n",
                exclusive=exclusive,
                with_comments=comments,
                inclusive_ns_prefixes=prefixes if exclusive else None,
            )
        elif exclusive:
            out = etree.tostring(
                nodes.apex,
                method="c14n",
                exclusive=True,
                with_comments=comments,
                inclusive_ns_prefixes=prefixes,
                with_tail=False,
            )
        else:
            with _inherited_xml_attrs(nodes.apex, c14n11):
                out = etree.tostring(
                    nodes.apex,
                    method="c14n",
                    exclusive=False,
                    with_comments=comments,
                    with_tail=False,
                )
    return bytes(out)


def dereference(uri: str | None, tree: etree._ElementTree, ids: IdIndex) -> NodeSet:
    """The node-set a same-document Reference URI selects; anything else is refused."""
    if uri is None:
        raise XmlRejected(
            "reference_without_uri", "a Reference without URI needs an application context"
        )
    if uri == "":
        return NodeSet(tree, None, with_comments=False, excluded=[])
    if not uri.startswith("#"):
        raise XmlRejected("external_reference", f"reference to {uri[:200]!r} is not fetched")
    frag = uri[1:]
    if frag == "xpointer(/)":
        return NodeSet(tree, None, with_comments=True, excluded=[])
    if frag.startswith("xpointer(id(") and frag.endswith("))"):
        inner = frag[len("xpointer(id(") : -2].strip()
        if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
            el = ids.lookup(inner[1:-1])
            return NodeSet(tree, el, with_comments=True, excluded=[])
        raise XmlRejected("unsupported_reference", uri[:200])
    if "(" in frag:
        raise XmlRejected("unsupported_reference", uri[:200])
    return NodeSet(tree, ids.lookup(frag), with_comments=False, excluded=[])
