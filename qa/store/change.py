"""What one committed transaction changed, for the derived indexes to mirror.

The database commits first; then the vector index (`vectors`) and the lexical index
(`lexical`) apply the same change. Every change is also logged in the database by
generation (see `schema`), so an index that missed some (a writer killed in between, or
another process's writes) catches up from the log instead of being rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class LexicalDoc:
    """One chunk as the lexical index sees it: its analyzed terms and its article's filters."""

    rowid: int
    terms: str
    date: int | None  # `date_key` of the article's date
    source: str | None


@dataclass
class Change:
    """Chunk rowids a transaction removed and added (with their vectors and terms)."""

    removed: list[int] = field(default_factory=list)
    added_ids: list[int] = field(default_factory=list)
    added_vecs: list[np.ndarray] = field(default_factory=list)
    added_docs: list[LexicalDoc] = field(default_factory=list)

    @property
    def rowids(self) -> list[int]:
        return [*self.removed, *self.added_ids]


def date_key(date: str | None, upper: bool = False) -> int | None:
    """An ISO date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, time ignored) as YYYYMMDD; missing
    parts are 00, or 99 for an inclusive upper bound, so integer order is the filters' order."""
    digits = (date or "")[:10].replace("-", "")
    if len(digits) not in (4, 6, 8) or not digits.isdigit():
        return None
    return int(digits.ljust(8, "9" if upper else "0"))
