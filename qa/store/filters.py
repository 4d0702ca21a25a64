"""Search filters: the restrictions a query carries, and their rendering as SQL.

A plain value object, so the web chat, the CLI and the benchmarks can build one without
touching the store; lexical search puts it in its WHERE clause, dense search turns it into
the set of chunk rowids FAISS may return.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    """Restrict a search by article date (ISO, inclusive) and source (substring, any case)."""

    date_from: str | None = None
    date_to: str | None = None
    source: str | None = None

    def __bool__(self) -> bool:
        return bool(self.date_from or self.date_to or self.source)

    def sql(self) -> tuple[str, list[str]]:
        """A WHERE fragment over the `articles a` table, and its parameters."""
        clauses, params = [], []
        if self.date_from:
            clauses.append("a.date >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("a.date <= ?")
            params.append(self.date_to + "\uffff")  # inclusive of datetimes on that day
        if self.source:
            clauses.append("instr(lower(a.source), lower(?)) > 0")
            params.append(self.source)
        return (" AND ".join(clauses) or "1"), params
