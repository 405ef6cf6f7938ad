"""Finding a secret in any form it can take on the way out: raw, percent-encoded (both
``quote`` flavours), yarl's query encoding, XML-escaped."""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator
from urllib.parse import quote, quote_plus
from xml.sax.saxutils import escape

from yarl import URL


def forms(secret: str) -> set[str]:
    """Every encoding of ``secret`` worth searching for."""
    yarl_query = URL("http://h/").with_query({"p": secret}).raw_query_string[2:]
    yarl_path = URL.build(scheme="http", host="h", path="/" + secret).raw_path[1:]
    return {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret, safe=""),
        quote_plus(secret),
        yarl_query,
        yarl_path,
        escape(secret),
    }


def chain(err: BaseException) -> Iterator[BaseException]:
    """``err`` and every exception behind it (cause and context), each once."""
    seen: set[int] = set()
    todo = [err]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)


def renderings(err: BaseException) -> str:
    """Everything a user could print about ``err``: str, repr, args and the traceback."""
    parts = ["".join(traceback.format_exception(err))]
    for link in chain(err):
        parts += [str(link), repr(link), repr(link.args), repr(vars(link))]
    return "\n".join(parts)


def find_leaks(texts: Iterable[str], secrets: Iterable[str]) -> list[str]:
    """The forms of ``secrets`` found in ``texts`` (empty when nothing leaked)."""
    wanted = {form for secret in secrets for form in forms(secret)}
    return sorted({form for text in texts for form in wanted if form in text})
