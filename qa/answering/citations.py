"""Citations: a quote cut from a retrieved chunk, and the check every quote passes before it is
shown (the one home of that check: extractive answers, LLM answers and the eval all use it)."""

from __future__ import annotations

import re

from qa.answers import Citation
from qa.retrieval import Hit

_BACA_JUGA = re.compile(r"baca\s+juga", re.IGNORECASE)


# What a citation takes over from its hit, to name its article without another lookup.
_FROM_HIT = ("article_id", "chunk_id", "title", "date", "source", "url")


def cite(hit: Hit, start: int, end: int, n: int = 0) -> Citation:
    """Cites `hit.text[start:end]` with its offsets in the article, for `verify_citation`."""
    named = {name: getattr(hit, name) for name in _FROM_HIT}
    quote = hit.text[start:end]
    return Citation(n=n, quote=quote, start=hit.start + start, end=hit.start + end, **named)


def verify_citation(
    citation: Citation, chunk_text: str, chunk_start: int, article_text: str | None
) -> bool:
    """Is the quote verbatim in its chunk and article at its offsets, and not a "Baca juga"?

    Run on every citation before it is shown: a quote a reader cannot find is never shown.
    """
    quote = citation.quote
    if article_text is None or not quote.strip() or citation.end - citation.start != len(quote):
        return False
    local = citation.start - chunk_start
    if local < 0 or chunk_text[local : local + len(quote)] != quote:
        return False
    if article_text[citation.start : citation.end] != quote:
        return False
    line_start = chunk_text.rfind("\n", 0, local) + 1
    return not _BACA_JUGA.search(chunk_text[line_start : local + len(quote)])
