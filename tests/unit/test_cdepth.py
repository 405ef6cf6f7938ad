"""The compiled depth check (``reporting/_cbuild.pyx``'s ``deeper_than``) answers what
lxml's XPath ``boolean(*/*/…/*)`` answers (``_xml.parsing.lxml_deeper_than``): generated
trees of every shape (text, CDATA, comments, processing instructions, entity references,
deeper siblings and cousins of the element asked about), every number of levels; and the
report stream uses it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bomgar_async._xml import tree
from bomgar_async._xml.limits import MAX_DEPTH
from bomgar_async._xml.parsing import lxml_deeper_than
from bomgar_async.errors import BomgarProtocolError
from bomgar_async.reporting import accel, session_stream
from bomgar_async.reporting.session_stream import SessionStreamParser

pytestmark = pytest.mark.skipif(
    accel.cbuild is None or "lxml" not in tree.BACKENDS,
    reason="the compiled builder is not built here (tests/unit/test_accel.py says why)",
)

LEAVES = ("", "t", "<![CDATA[c]]>", "<!--k-->", "<?p i?>", "&e;", "<z/>", " ")


def _tree(depth: int) -> st.SearchStrategy[str]:
    """XML content: leaves, and elements holding up to 4 pieces, at most ``depth`` deep."""
    leaf = st.sampled_from(LEAVES)
    if depth == 0:
        return leaf
    inner = st.lists(_tree(depth - 1), max_size=4).map("".join)
    element = st.tuples(st.sampled_from("abq"), inner).map(lambda p: f"<{p[0]}>{p[1]}</{p[0]}>")
    return st.one_of(leaf, element)


def _parse(content: str) -> object:
    etree = tree.lxml_etree
    # comments, PIs and unexpanded entity references stay in the tree (the SDK's own parser
    # removes the first two and refuses DTDs; the check must not depend on that)
    parser = etree.XMLParser(resolve_entities=False, remove_comments=False, remove_pis=False)
    document = f'<!DOCTYPE r [<!ENTITY e "<y><y/></y>">]><r>{content}</r>'
    return etree.fromstring(document.encode(), parser)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.lists(_tree(6), max_size=5).map("".join))
@pytest.mark.timeout(120)
def test_generated_trees_give_the_xpath_answer(content: str) -> None:
    deeper = accel.cbuild.deeper_than
    root = _parse(content)
    # the root, and every element under it (XPath refuses to start from a comment)
    for element in root.iter(tree.lxml_etree.Element):
        for levels in range(-1, 10):
            assert deeper(element, levels) is lxml_deeper_than(element, levels), (
                content,
                element,
                levels,
            )


@pytest.mark.timeout(30)
def test_a_deeper_sibling_does_not_count() -> None:
    root = _parse("<a><b/></a><a><b><c><d/></c></b></a><a/>")
    first, middle, last = root
    assert accel.cbuild.deeper_than(first, 1) is True
    assert accel.cbuild.deeper_than(first, 2) is False
    assert accel.cbuild.deeper_than(middle, 3) is True
    assert accel.cbuild.deeper_than(middle, 4) is False
    assert accel.cbuild.deeper_than(last, 1) is False
    assert accel.cbuild.deeper_than(root, 4) is True
    assert accel.cbuild.deeper_than(root, 5) is False


@pytest.mark.timeout(30)
def test_the_limit_itself_is_found_below_a_tower() -> None:
    tower = "<t>" * (MAX_DEPTH + 5) + "</t>" * (MAX_DEPTH + 5)
    root = _parse(tower)
    assert accel.cbuild.deeper_than(root, MAX_DEPTH + 5) is True
    assert accel.cbuild.deeper_than(root, MAX_DEPTH + 6) is False


@pytest.mark.timeout(30)
def test_an_element_of_the_standard_library_is_refused() -> None:
    from xml.etree.ElementTree import fromstring

    with pytest.raises(TypeError, match="needs an lxml element, not Element"):
        accel.cbuild.deeper_than(fromstring("<r><a/></r>"), 1)  # noqa: S314 - a literal


@pytest.mark.timeout(30)
def test_the_report_stream_uses_it_and_refuses_a_deep_session() -> None:
    assert session_stream._DEEPER is accel.cbuild.deeper_than
    inside = "<x>" * (MAX_DEPTH - 1) + "</x>" * (MAX_DEPTH - 1)  # the session's 64th level
    body = f"<session_list><session lsid='a'>{inside}</session></session_list>"
    parser = SessionStreamParser(backend="lxml")
    with pytest.raises(BomgarProtocolError, match="nested deeper than 64 levels"):
        parser.feed(body.encode())
        parser.close()
