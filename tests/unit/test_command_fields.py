"""``command.fields.from_children``: each field read from its child element by its annotation,
the fields a caller gives taken as given, and a model field no reader handles refused."""

from __future__ import annotations

from datetime import datetime, timezone

import attrs
import pytest

from bomgar_async._xml.core import parse_document
from bomgar_async.command.fields import from_children


@attrs.frozen(kw_only=True)
class Sample:
    name: str | None = None
    count: int | None = None
    flag: bool | None = None
    when: datetime | None = None
    given: tuple[str, ...] = ()


def node(body: bytes) -> object:
    return parse_document(body)[1]


def test_each_field_is_read_by_its_annotation() -> None:
    body = (
        b"<r><name> n1 </name><count>42</count><flag>1</flag>"
        b'<when ts="1700000000">ignored</when><other>x</other></r>'
    )
    sample = from_children(Sample, node(body), given=("a",))
    assert sample == Sample(
        name="n1",
        count=42,
        flag=True,
        when=datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc),
        given=("a",),
    )


def test_absent_children_read_as_none_and_given_fields_win() -> None:
    sample = from_children(Sample, node(b"<r><name>read</name></r>"), name="given", given=())
    assert sample == Sample(name="given")


def test_a_field_no_reader_handles_must_be_given() -> None:
    with pytest.raises(TypeError, match=r"Sample\.given: no reader"):
        from_children(Sample, node(b"<r/>"))
