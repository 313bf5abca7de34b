"""Canonicalisation details that decide whether real signatures verify."""

from __future__ import annotations

import pytest
from lxml import etree

from esign.xml_c14n import (
    C14N10,
    EXC_C14N,
    IdIndex,
    NodeSet,
    canonicalize,
    dereference,
    element_path,
)
from esign.xml_safe import XmlRejected, parse_xml


def _tree(xml: bytes) -> etree._ElementTree:
    return parse_xml(xml)


def test_subtree_keeps_inherited_namespaces_and_xml_attributes() -> None:
    tree = _tree(
        b'<r xmlns:a="urn:a" xml:lang="vi"><p xmlns:b="urn:b"><c Id="x" b="2" a="1"/></p></r>'
    )
    apex = tree.getroot()[0][0]
    out = canonicalize(NodeSet(tree, apex, False, []), C14N10)
    assert out == b'<c xmlns:a="urn:a" xmlns:b="urn:b" Id="x" a="1" b="2" xml:lang="vi"></c>'
    assert "lang" not in str(apex.attrib)  # the document is left as it was
    assert canonicalize(NodeSet(tree, apex, False, []), EXC_C14N) == b'<c Id="x" a="1" b="2"></c>'


def test_enveloped_transform_removes_only_the_signature_and_keeps_following_text() -> None:
    tree = _tree(b"<r>a<!--c--><Sig><x/></Sig>tail<b/>end</r>")
    sig = tree.getroot().find("Sig")
    nodes = NodeSet(tree, None, False, [sig])
    assert canonicalize(nodes, C14N10) == b"<r>atail<b></b>end</r>"
    assert etree.tostring(tree) == b"<r>a<!--c--><Sig><x/></Sig>tail<b/>end</r>"


def test_enveloped_transform_on_content_inside_the_signature_leaves_nothing() -> None:
    tree = _tree(b'<r><Sig><Object Id="o">t</Object></Sig></r>')
    sig = tree.getroot()[0]
    assert canonicalize(NodeSet(tree, sig[0], False, [sig]), C14N10) == b""


def test_comments_follow_the_reference_type() -> None:
    tree = _tree(b'<r Id="r"><!--c--><a/></r>')
    ids = IdIndex(tree.getroot())
    with_comments = C14N10 + "#WithComments"
    assert b"<!--c-->" not in canonicalize(dereference("", tree, ids), with_comments)
    assert b"<!--c-->" in canonicalize(dereference("#xpointer(/)", tree, ids), with_comments)
    assert b"<!--c-->" in canonicalize(dereference("#xpointer(id('r'))", tree, ids), with_comments)


def test_duplicate_ids_are_refused_when_referenced() -> None:
    tree = _tree(b'<r><a Id="x"/><b ID="x"/><c id="y"/></r>')
    ids = IdIndex(tree.getroot())
    assert ids.duplicates() == ("x",)
    with pytest.raises(XmlRejected) as err:
        ids.lookup("x")
    assert err.value.code == "duplicate_id"
    assert ids.lookup("y").tag == "c"


def test_element_path_marks_repeated_siblings() -> None:
    tree = _tree(b"<r><a/><a><b/></a></r>")
    assert element_path(tree.getroot()[1][0]) == "/r/a[2]/b"


@pytest.mark.parametrize(
    "uri", ["http://127.0.0.1/x", "file:///etc/passwd", "#xpointer(//a)", "#x(y)"]
)
def test_only_same_document_references_are_followed(uri: str) -> None:
    tree = _tree(b"<r/>")
    with pytest.raises(XmlRejected):
        dereference(uri, tree, IdIndex(tree.getroot()))
