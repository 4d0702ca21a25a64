"""`MilvusStore`: the `Backend` on Milvus (Milvus Lite in a file, its server, or a cluster).

Everything an index holds lives in Milvus (see `schema`), so several app processes can share
one server. Writes are idempotent and ordered so that a write cut off at any point (the
server killed, the network gone) leaves no duplicates and no article that looks complete but
is not: an article's old rows are deleted first, its chunks written, its record last; the
term statistics are marked stale before and rebuilt from the chunks if a write did not finish.
Dense search is Milvus' HNSW; lexical search is BM25 from our own sparse vectors (`bm25`);
both with the date and source filters as Milvus expressions.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from qa.articles import Article
from qa.chunking import Chunk
from qa.store.backend import StoredArticle
from qa.store.change import date_key
from qa.store.filters import Filters
from qa.store.manifest import IndexMismatchError, Manifest
from qa.store.milvus import bm25, schema
from qa.store.milvus.client import Collections
from qa.store.milvus.lease import Lease
from qa.store.milvus.rows import (
    CHUNK_FIELDS,
    article_rows,
    chunk_row,
    now,
    part_keys,
    record_key,
    to_article,
    to_chunk,
)
from qa.store.milvus.uri import MilvusLocation

HNSW = {"M": 16, "efConstruction": 128}
# Seconds that rows and term counts read for one question are reused by the next calls
# (a question reads the same candidates several times); a write here clears them, another
# process's write shows after at most this long.
FRESH_S = 2.0
TOTAL = "\0chunks"  # the chunk count, kept among the term counts (no term holds a NUL)


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _within(field: str, values: Sequence) -> str:
    return f"{field} in [{', '.join(_quote(v) if isinstance(v, str) else str(v) for v in values)}]"


class MilvusStore:
    """One index in Milvus, open for searching and, one writer at a time, for writing."""

    def __init__(self, location: MilvusLocation, prefix: str, manifest: Manifest):
        self.location = location
        self.prefix = prefix
        self.manifest = manifest
        self._db = Collections(location, prefix)
        self._writer = threading.Lock()
        self._rows_read: dict[int, tuple[float, dict]] = {}
        self._counts_read: dict[str, tuple[float, int]] = {}
        self._db.call(lambda c: schema.create(c, prefix, manifest.dim, HNSW))
        self._claim(manifest)
        self._lease = Lease(self._db.meta_get, self._db.meta_put, self._db.meta_delete, self.where)
        if self._state().get("stale"):
            with contextlib.suppress(Exception), self.writing(timeout=0):
                pass  # `writing` rebuilds stale statistics

    def _disk_size(self) -> int | None:
        """Bytes of a Milvus Lite file (all its indexes); None for a server."""
        if not self.location.is_file:
            return None
        with contextlib.suppress(OSError):
            return _folder_size(Path(self.location.address))
        return None

    @property
    def where(self) -> str:
        return f"{self.location.uri} (index {self.prefix})"

    # -- meta ------------------------------------------------------------------

    def _state(self) -> dict:
        return self._db.meta_get("state") or {"generation": 0, "sources": {}}

    def _claim(self, manifest: Manifest) -> None:
        existing = self._db.meta_get("manifest")
        if existing is None:
            self._db.meta_put("manifest", asdict(manifest))
            return
        differences = Manifest(**existing).differences(manifest)
        if differences:
            raise IndexMismatchError(
                f"index {self.where} was built with other settings: "
                + "; ".join(differences)
                + ". Use another --index, or remove this one and ingest again."
            )

    # -- lifecycle ---------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    @contextlib.contextmanager
    def writing(
        self, timeout: float = 600.0, on_wait: Callable[[str], None] | None = None
    ) -> Iterator[None]:
        """One writer at a time: a thread lock in this process, a lease row across
        processes (held while the holder lives; see `lease`). Statistics left stale by a
        write that did not finish are rebuilt first."""
        if not self._writer.acquire(blocking=False):
            if on_wait is not None:
                on_wait("another writer in this process")
            if not self._writer.acquire(timeout=timeout):
                raise self._lease.busy("another writer in this process", timeout)
        try:
            with self._lease.held(timeout, on_wait):
                if self._state().get("stale"):
                    self._rebuild_statistics()
                yield
                self._db.flush("chunks")  # searches over flushed rows are fast
        finally:
            self._writer.release()

    # -- writes ------------------------------------------------------------------

    def article_hash(self, article_id: str) -> str | None:
        rows = self._db.get("articles", [record_key(article_id)], ["info"])
        return rows[0]["info"].get("hash") if rows else None

    def put(self, items: Sequence[StoredArticle]) -> None:
        """Add or replace articles with their chunks, terms and vectors."""
        if not items:
            return
        # Terms are stored space-separated and read back split, as in the local store: a term
        # that holds a space counts as its words.
        items = [(a, c, [" ".join(t).split() for t in terms], v) for a, c, terms, v in items]
        state, old = self._begin(self._records([article.id for article, *_ in items]))
        if not state.get("avgdl"):  # the first chunks set BM25's average length
            lengths = [len(t) for _, _, terms, _ in items for t in terms]
            state["avgdl"] = sum(lengths) / max(len(lengths), 1)
        rows, added = [], []
        for article, chunks, terms, vectors in items:
            for chunk, chunk_terms, vector in zip(chunks, terms, vectors, strict=True):
                rows.append(chunk_row(article, chunk, chunk_terms, vector, state["avgdl"]))
                added.append(chunk_terms)
        self._db.upsert("chunks", rows)
        self._db.upsert("articles", [row for a, c, *_ in items for row in article_rows(a, c)])
        self._update_frequencies(bm25.frequency_changes(added, old))
        state["sources"].update(a.source or "" for a, *_ in items)
        state["dates"] = _date_range([*state.get("dates", []), *(a.date for a, *_ in items)])
        self._commit(state)

    def _records(self, article_ids: Sequence[str]) -> list[dict]:
        """The records of those articles that are stored, in one read."""
        keys = [record_key(i) for i in article_ids]
        return [r["info"] for r in self._db.get("articles", keys, ["info"])]

    def _begin(self, records: list[dict]) -> tuple[dict, list[list[str]]]:
        """Delete these articles' rows, after marking the statistics stale until `_commit`;
        returns the state (its sources without these articles) and the deleted chunks' terms.
        Rows are found by key from each article's record (its chunk ids and parts): a writer
        starts on clean statistics (`writing`), so no row lacks its record."""
        state = self._state()
        state["stale"] = True
        self._db.meta_put("state", state)
        sources = Counter(state.get("sources", {}))
        sources.subtract(Counter(info.get("source") or "" for info in records))
        state["sources"] = sources
        keys = [schema.chunk_key(c) for info in records for c in info["chunks"]]
        old = [r["terms"].split() for r in self._db.get("chunks", keys, ["terms"])]
        self._db.delete_ids("articles", [k for info in records for k in part_keys(info)])
        self._db.delete_ids("chunks", keys)
        return state, old

    def _commit(self, state: dict) -> None:
        self._rows_read.clear()
        self._counts_read.clear()
        state["sources"] = {s: n for s, n in state["sources"].items() if n > 0}
        state["stale"] = False
        state["generation"] = int(state.get("generation", 0)) + 1
        state["updated_at"] = now()
        self._db.meta_put("state", state)

    def _update_frequencies(self, change: Counter) -> None:
        terms = [t for t, n in change.items() if n]
        current = {r["key"]: r["df"] for r in self._db.get("terms", terms, ["df"])}
        rows, gone = [], []
        for term in terms:
            df = current.get(term, 0) + change[term]
            if df > 0:
                rows.append({"key": term, "df": df, "zero": schema.ZERO})
            elif term in current:
                gone.append(term)
        self._db.upsert("terms", rows)
        self._db.delete_ids("terms", gone)

    def _rebuild_statistics(self) -> None:
        """After a write that did not finish: delete the rows of articles left without a
        record (a record is written last), then count document frequencies and sources again
        from what remains."""
        records = list(self._db.iterate("articles", "part == 0", ["article_id", "info"]))
        recorded = {r["article_id"] for r in records}
        parts = self._db.iterate("articles", "part > 0", ["article_id"])
        self._db.delete_ids(
            "articles", [r["key"] for r in parts if r["article_id"] not in recorded]
        )
        counts: Counter = Counter()
        orphans = []
        for row in self._db.iterate("chunks", "", ["article_id", "terms"]):
            if row["article_id"] in recorded:
                counts.update(set(row["terms"].split()))
            else:
                orphans.append(row["id"])
        self._db.delete_ids("chunks", orphans)
        self._db.delete("terms", 'key != ""')
        self._db.upsert(
            "terms", [{"key": t, "df": n, "zero": schema.ZERO} for t, n in counts.items()]
        )
        state = self._state()
        state["sources"] = Counter(r["info"].get("source") or "" for r in records)
        state["dates"] = _date_range([r["info"].get("date") for r in records])
        self._commit(state)

    def remove(self, article_ids: Sequence[str]) -> list[str]:
        """Delete articles and their chunks; returns the ids that existed."""
        records = self._records(article_ids)
        if records:
            state, old = self._begin(records)
            self._update_frequencies(bm25.frequency_changes([], old))
            self._commit(state)
        stored = {r["id"] for r in records}
        return [i for i in article_ids if i in stored]

    # -- search ------------------------------------------------------------------

    def _filter(self, filters: Filters) -> str:
        clauses = []
        if filters.date_from:
            clauses.append(f"date >= {date_key(filters.date_from) or 0}")
        if filters.date_to:
            clauses.append(f"date > 0 and date <= {date_key(filters.date_to, upper=True) or 0}")
        if filters.source:
            part = filters.source.lower()
            matching = [s for s in self._state().get("sources", {}) if s and part in s.lower()]
            clauses.append(_within("source", matching) if matching else "id < 0")
        return " and ".join(clauses)

    def dense_search(self, vector: np.ndarray, n: int, filters: Filters) -> list[tuple[int, float]]:
        expr = self._filter(filters)
        hits = self._db.search(
            "chunks",
            data=[np.asarray(vector, dtype=np.float32).tolist()],
            anns_field="vector",
            limit=n,
            filter=expr,
            search_params={"params": {"ef": max(128, 2 * n)}},
        )
        return [(int(h["id"]), float(h["distance"])) for h in hits]

    def dense_scores(self, vector: np.ndarray, rowids: Sequence[int]) -> dict[int, float]:
        if not rowids:
            return {}
        rows = self._db.get("chunks", list(rowids), ["vector"])
        if not rows:
            return {}
        vectors = np.asarray([r["vector"] for r in rows], dtype=np.float32)
        scores = vectors @ np.asarray(vector, dtype=np.float32)
        return {int(r["id"]): float(s) for r, s in zip(rows, scores, strict=True)}

    def lexical_search(
        self, terms: Sequence[str], n: int, filters: Filters
    ) -> list[tuple[int, float]]:
        total, dfs = self.document_frequencies(terms)
        weights = bm25.query_weights(terms, dfs, total)
        if not weights:
            return []
        expr = self._filter(filters)
        hits = self._db.search("chunks", data=[weights], anns_field="bm25", limit=n, filter=expr)
        return [(int(h["id"]), float(h["distance"])) for h in hits if h["distance"] > 0]

    def document_frequencies(self, terms: Sequence[str]) -> tuple[int, dict[str, int]]:
        """Number of chunks, and how many hold each term (reused for `FRESH_S` seconds)."""
        now = time.monotonic()
        kept = self._counts_read
        unique = list(dict.fromkeys(t for t in terms if t))
        missing = [t for t in [TOTAL, *unique] if now - kept.get(t, (-FRESH_S, 0))[0] >= FRESH_S]
        if len(kept) > 50_000:
            kept.clear()
        if missing[:1] == [TOTAL]:
            kept[TOTAL] = (now, self._db.count("chunks"))
            missing = missing[1:]
        found = {r["key"]: int(r["df"]) for r in self._db.get("terms", missing, ["df"])}
        for term in missing:
            kept[term] = (now, found.get(term, 0))
        return kept[TOTAL][1], {t: kept[t][1] for t in unique}

    # -- reads -------------------------------------------------------------------

    def _rows(self, rowids: Sequence[int]) -> dict[int, dict]:
        """Chunk rows (text, citation fields, terms), reused for `FRESH_S` seconds."""
        now = time.monotonic()
        found, missing = {}, []
        for rowid in rowids:
            kept = self._rows_read.get(rowid)
            if kept is not None and now - kept[0] < FRESH_S:
                found[rowid] = kept[1]
            else:
                missing.append(rowid)
        if len(self._rows_read) > 50_000:
            self._rows_read.clear()
        for row in self._db.get("chunks", missing, [*CHUNK_FIELDS, "terms"]) if missing else []:
            found[int(row["id"])] = row
            self._rows_read[int(row["id"])] = (now, row)
        return found

    def terms(self, rowids: Sequence[int]) -> dict[int, list[str]]:
        return {rowid: row["terms"].split() for rowid, row in self._rows(rowids).items()}

    def chunks(self, rowids: Sequence[int]) -> dict[int, Chunk]:
        return {rowid: to_chunk(row) for rowid, row in self._rows(rowids).items()}

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self.chunks([schema.chunk_key(chunk_id)]).get(schema.chunk_key(chunk_id))

    def article(self, article_id: str) -> Article | None:
        records = self._db.get("articles", [record_key(article_id)], ["text", "info"])
        if not records:
            return None
        rest = self._db.get("articles", part_keys(records[0]["info"])[1:], ["part", "text"])
        return to_article(records[0], rest)

    def article_ids(self) -> list[str]:
        return sorted(
            r["article_id"] for r in self._db.iterate("articles", "part == 0", ["article_id"])
        )

    def all_chunks(self) -> Iterator[Chunk]:
        rows = list(self._db.iterate("chunks", "", CHUNK_FIELDS))
        rows.sort(key=lambda r: (r["article_id"], r["ordinal"]))
        yield from (to_chunk(r) for r in rows)

    def stats(self) -> dict:
        state = self._state()
        chunks = self._db.count("chunks")
        counts = sorted(state.get("sources", {}).items(), key=lambda kv: -kv[1])
        sources = {source or "?": n for source, n in counts}
        return {
            "index": self.where,
            "articles": sum(sources.values()),
            "chunks": chunks,
            "vectors": chunks,
            "lexical": chunks,
            "vector_index": "milvus-hnsw",
            "sources": sources,
            "date_range": state.get("dates") or [None, None],
            "updated_at": state.get("updated_at"),
            "generation": state.get("generation", 0),
            "size_bytes": self._disk_size(),
            "manifest": asdict(self.manifest),
        }


def _date_range(dates: list[str | None]) -> list[str | None]:
    """The earliest and latest dates; kept in the index state (removing an article does not
    narrow it until the statistics are next rebuilt)."""
    known = [d for d in dates if d]
    return [min(known, default=None), max(known, default=None)]


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
