"""The records reading produces: `Article` (one readable article) and `Problem` (one that is not).

Also the ids every format gives an article that lacks one, so an id never depends on which
reader saw it or where its file lies.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass
class Article:
    id: str
    title: str
    text: str  # cleaned body; chunk offsets index into this string
    date: str | None = None  # ISO date, YYYY-MM-DD
    source: str | None = None
    url: str | None = None
    place: str | None = None  # dateline place, e.g. "Bandarlampung"
    path: str | None = None  # file the article was read from

    def content_hash(self) -> str:
        """Hash of everything that ends up in the index; unchanged hash = no-op re-ingest."""
        parts = [self.title, self.text, self.date, self.source, self.url, self.place]
        joined = "\x1f".join(p or "" for p in parts)
        return hashlib.sha256(joined.encode("utf-8")).hexdigest()


@dataclass
class Problem:
    """A file (or one line of it) that could not be read; the rest of the batch goes on."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


# An article with the 1-based line of its record (None for whole-file formats), so a
# duplicate id can be reported by line.
Located = tuple[Article, int | None]


def whole(result: Article | Problem) -> Located | Problem:
    """A whole-file article has no line number."""
    return result if isinstance(result, Problem) else (result, None)


def make_id(given: str | None, url: str | None, raw_text: str) -> str:
    """The record's own id unchanged; else one derived from the url; else from the raw text.

    Both fallbacks hash inputs, not file paths, so moving a file keeps its id.
    """
    if given:
        return given
    if url:
        return _hash_id("url", url.strip())
    return _hash_id("sha", raw_text)


def _hash_id(prefix: str, value: str) -> str:
    return f"{prefix}-{hashlib.sha256(value.encode('utf-8')).hexdigest()[:16]}"
