"""The Store: articles, chunks, BM25 terms and vectors of one index folder, crash-safe.

Every change is one SQLite transaction (see `schema`), so a process killed at any moment
leaves the previous state readable; once committed, the change is mirrored into the FAISS
cache (see `vectors`, saved when a writer is done) and the tantivy index (see `lexical`,
committed at once). Both are derived: on open and before each write they catch up with the
database from its change log. Lexical search is tantivy's BM25 with the filters inside the
query; dense search is FAISS, filtered by the rowids the SQL filters allow, its candidates
re-scored with the exact stored vectors.

One writer at a time, across threads and processes (`writing`); readers never wait for a
whole write and see each commit on their next search, whichever process made it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from qa.analysis import Analyzer
from qa.articles import Article
from qa.chunking import Chunk
from qa.store.backend import StoredArticle
from qa.store.change import Change, LexicalDoc, date_key
from qa.store.derived import (
    catch_up_lexical,
    prune_log,
    read_vectors,
    scan_vectors,
    sync_vectors,
)
from qa.store.files import DiskFullError, file_size, free_mb, is_disk_full
from qa.store.filters import Filters
from qa.store.lexical import LexicalIndex
from qa.store.lock import IndexBusyError, busy, write_lock
from qa.store.manifest import Manifest, claim_manifest, read_manifest, save_manifest
from qa.store.schema import SCHEMA_VERSION, connect, db_generation, migrate_v1, reanalyze
from qa.store.vectors import VectorCache


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _upgraded(existing: Manifest, manifest: Manifest) -> Manifest:
    """What an index's manifest becomes once `Store._upgrade` has brought it up to date
    (a newer schema or analyzer stays as it is, for `claim_manifest` to refuse)."""
    return replace(
        existing,
        schema_version=SCHEMA_VERSION if existing.schema_version == 1 else existing.schema_version,
        analyzer_version=max(existing.analyzer_version, manifest.analyzer_version),
    )


class Store:
    """One index folder, open for searching and, one writer at a time, for writing."""

    def __init__(self, index_dir: Path, manifest: Manifest):
        self.dir = Path(index_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._db = connect(self.dir)
        self._upgrade(manifest)
        claim_manifest(self.dir, manifest)
        self.manifest = manifest
        # `_lock` guards the shared SQLite connection and the in-memory FAISS index; it is
        # held only for single reads and commits. `_writer` serializes this process's
        # writers for a whole ingest, so asks keep running while an upload embeds.
        self._lock = threading.RLock()
        self._writer = threading.Lock()
        self._lexical = LexicalIndex(self.dir)
        self._cache = VectorCache(self.dir, manifest.dim, db_generation(self._db))
        self._sources: tuple[int, list[str]] = (-1, [])
        self._sync()
        self._repair_lexical()

    def _upgrade(self, manifest: Manifest) -> None:
        """Bring an index made by an older qa to this one, once, under the write lock: schema
        version 1 (terms in SQLite FTS5) is migrated, and the chunks of an older analyzer are
        analyzed again from their stored texts (no embedding); the lexical index then
        rebuilds from the stored terms. Each step's manifest is saved once it is done."""
        existing = read_manifest(self.dir)
        upgraded = None if existing is None else _upgraded(existing, manifest)
        if upgraded is None or upgraded == existing:
            return
        if upgraded.differences(manifest):
            return  # other settings differ too: `claim_manifest` says which
        with write_lock(self.dir, 600.0):
            existing = read_manifest(self.dir)  # another process may have done it
            if existing.schema_version == 1:
                migrate_v1(self._db)
                existing = replace(existing, schema_version=SCHEMA_VERSION)
                save_manifest(self.dir, existing)
            if existing.analyzer_version < manifest.analyzer_version:
                print(
                    f"qa: index {self.dir} was analyzed by analyzer version "
                    f"{existing.analyzer_version}; analyzing its chunks again (once, no "
                    "embedding)",
                    file=sys.stderr,
                )
                reanalyze(self._db, Analyzer(existing.stemmer, existing.stopwords).terms)
                save_manifest(self.dir, _upgraded(existing, manifest))

    def _repair_lexical(self) -> None:
        """Catch the lexical index up now if a writer died before mirroring its last commit;
        if another writer is at work, it does so itself (`writing`)."""
        if self._lexical.generation() == db_generation(self._db):
            return
        with (
            contextlib.suppress(IndexBusyError, OSError),
            write_lock(self.dir, 0.0),
            self._lexical.writing(),
            self._lock,
        ):
            catch_up_lexical(self._db, self._lexical)

    # -- lifecycle -----------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextlib.contextmanager
    def writing(
        self, timeout: float = 600.0, on_wait: Callable[[str], None] | None = None
    ) -> Iterator[None]:
        """Exclusive writer across threads and processes; saves the FAISS cache when done.

        A writer that finds the lock taken calls `on_wait(holder)` and waits up to `timeout`
        seconds (`IndexBusyError` after). Readers are not locked out for the whole write:
        between commits (while the writer embeds) they search the last committed state.
        """
        self._take_writer(timeout, on_wait)
        try:
            with write_lock(self.dir, timeout, on_wait), self._lexical.writing():
                with self._lock:
                    self._sync()
                    catch_up_lexical(self._db, self._lexical)
                try:
                    yield
                except BaseException:
                    with self._lock, contextlib.suppress(OSError, DiskFullError):
                        self._save_cache()  # best effort: the write's own error is what counts
                    raise
                with self._lock:
                    self._save_cache()
                    prune_log(self._db, self._lexical, self._cache)
        finally:
            self._writer.release()

    def _save_cache(self) -> None:
        """Save the FAISS cache; on a full disk, say that the database holds everything and
        the cache is rebuilt from it on the next open."""
        try:
            self._cache.save(lambda step: scan_vectors(self._db, self.manifest.dim, step))
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            raise DiskFullError(
                f"index {self.dir}: the disk is full ({free_mb(self.dir):.1f} MB free): every "
                "article is committed, but the vector cache file could not be saved; it is "
                "rebuilt from the database the next time the index is opened"
            ) from exc

    def _sync(self) -> None:
        """Bring the in-memory indexes up to the database (another process may have written)."""
        if sync_vectors(self._db, self._cache, self.manifest.dim):
            self._lexical.refresh()

    def _take_writer(self, timeout: float, on_wait: Callable[[str], None] | None) -> None:
        """This process's writer slot (an upload behind another upload), on the same terms."""
        if self._writer.acquire(blocking=False):
            return
        holder = "another writer in this process"
        if on_wait is not None:
            on_wait(holder)
        if not self._writer.acquire(timeout=timeout):
            raise busy(self.dir, holder, timeout)

    # -- writes --------------------------------------------------------------

    def article_hash(self, article_id: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT hash FROM articles WHERE id=?", (article_id,)).fetchone()
        return row[0] if row else None

    def put(self, items: Sequence[StoredArticle]) -> None:
        """Add or replace articles with their chunks, terms and vectors, in one transaction."""
        now = _now()
        with self._lock, self._transaction() as change:
            for article, chunks, terms, vectors in items:
                change.removed += self._delete_article(article.id)
                self._insert_article(article, now)
                date, source = date_key(article.date), article.source
                for chunk, chunk_terms, vector in zip(chunks, terms, vectors, strict=True):
                    text = " ".join(chunk_terms)
                    rowid = self._insert_chunk(article.id, chunk, text, vector)
                    change.added_ids.append(rowid)
                    change.added_vecs.append(vector)
                    change.added_docs.append(LexicalDoc(rowid, text, date, source))

    def _insert_article(self, article: Article, now: str) -> None:
        self._db.execute(
            "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                article.id,
                article.title,
                article.text,
                article.date,
                article.source,
                article.url,
                article.place,
                article.path,
                article.content_hash(),
                now,
            ),
        )

    def _insert_chunk(self, article_id: str, chunk: Chunk, terms: str, vector: np.ndarray) -> int:
        """Insert a chunk with its vector and BM25 terms; returns its rowid."""
        return self._db.execute(
            'INSERT INTO chunks (id, article_id, ordinal, start, "end", text,'
            " vector, terms) VALUES (?,?,?,?,?,?,?,?)",
            (
                chunk.id,
                article_id,
                chunk.ordinal,
                chunk.start,
                chunk.end,
                chunk.text,
                np.asarray(vector, dtype=np.float32).tobytes(),
                terms,
            ),
        ).lastrowid

    def remove(self, article_ids: Sequence[str]) -> list[str]:
        """Delete articles and their chunks; returns the ids that existed."""
        with self._lock:
            found = [i for i in article_ids if self.article_hash(i) is not None]
            if found:
                with self._transaction() as change:
                    for article_id in found:
                        change.removed += self._delete_article(article_id)
            return found

    def _delete_article(self, article_id: str) -> list[int]:
        rowids = [
            r[0]
            for r in self._db.execute("SELECT rowid FROM chunks WHERE article_id=?", (article_id,))
        ]
        self._db.execute("DELETE FROM chunks WHERE article_id=?", (article_id,))
        self._db.execute("DELETE FROM articles WHERE id=?", (article_id,))
        return rowids

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Change]:
        """One SQLite transaction, its changed rowids logged; once committed, mirrored into
        the in-memory FAISS index and the lexical index."""
        change = Change()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield change
            generation = db_generation(self._db) + 1
            self._db.executemany(
                "INSERT INTO changes VALUES (?,?)", [(generation, r) for r in change.rowids]
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?,?)",
                [("generation", str(generation)), ("updated_at", _now())],
            )
            self._db.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already
                self._db.execute("ROLLBACK")
            if is_disk_full(exc):
                raise DiskFullError(
                    f"index {self.dir}: the disk is full ({free_mb(self.dir):.1f} MB free); "
                    "this batch was not committed, and everything committed before it is intact"
                ) from exc
            raise
        self._cache.apply(change, generation)
        self._lexical.apply(change, generation)

    # -- search --------------------------------------------------------------

    def dense_search(self, vector: np.ndarray, n: int, filters: Filters) -> list[tuple[int, float]]:
        with self._lock:
            self._sync()
            if self._cache.size == 0:
                return []
            allowed = None
            if filters:
                allowed = self._filtered_rowids(filters)
                if allowed.size == 0:
                    return []
            if not self._cache.approximate:
                return self._cache.search(vector, n, allowed)
            found = self._cache.search(vector, max(2 * n, 64), allowed)
        exact = self.dense_scores(vector, [rowid for rowid, _ in found])
        return sorted(exact.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    def dense_scores(self, vector: np.ndarray, rowids: Sequence[int]) -> dict[int, float]:
        """Exact cosine scores from the stored vectors (for lexical candidates the dense
        search missed, and to re-score approximate candidates)."""
        if not rowids:
            return {}
        with self._lock:
            ids, vectors = read_vectors(self._db, self.manifest.dim, list(rowids))
        return dict(zip(ids.tolist(), (vectors @ vector).tolist(), strict=True))

    def _filtered_rowids(self, filters: Filters) -> np.ndarray:
        where, params = filters.sql()
        rows = self._db.execute(
            f"SELECT c.rowid FROM chunks c JOIN articles a ON a.id = c.article_id WHERE {where}",
            params,
        ).fetchall()
        return np.array([r[0] for r in rows], dtype=np.int64)

    def lexical_search(
        self, terms: Sequence[str], n: int, filters: Filters
    ) -> list[tuple[int, float]]:
        """BM25 over the analyzed terms (any of them), within the filters."""
        unique = list(dict.fromkeys(t for t in terms if t))
        if not unique:
            return []
        dates = (date_key(filters.date_from), date_key(filters.date_to, upper=True))
        with self._lock:
            self._sync()
            sources = self._matching_sources(filters.source) if filters.source else None
        return self._lexical.search(unique, n, dates, sources)

    def _matching_sources(self, part: str) -> list[str]:
        """The stored sources that contain `part`, any case (listed once per generation)."""
        generation = db_generation(self._db)
        if self._sources[0] != generation:
            rows = self._db.execute("SELECT DISTINCT source FROM articles WHERE source NOT NULL")
            self._sources = (generation, [r[0] for r in rows])
        return [s for s in self._sources[1] if part.lower() in s.lower()]

    def terms(self, rowids: Sequence[int]) -> dict[int, list[str]]:
        """The analyzed terms stored for each chunk, in text order."""
        if not rowids:
            return {}
        marks = ",".join("?" * len(rowids))
        with self._lock:
            rows = self._db.execute(
                f"SELECT rowid, terms FROM chunks WHERE rowid IN ({marks})", list(rowids)
            ).fetchall()
        return {r: t.split() for r, t in rows}

    def document_frequencies(self, terms: Sequence[str]) -> tuple[int, dict[str, int]]:
        """Number of chunks, and how many of them contain each term."""
        unique = list(dict.fromkeys(terms))
        with self._lock:
            self._sync()
        return self._lexical.size(), self._lexical.document_frequencies(unique)

    # -- reads ---------------------------------------------------------------

    def chunks(self, rowids: Sequence[int]) -> dict[int, Chunk]:
        if not rowids:
            return {}
        marks = ",".join("?" * len(rowids))
        with self._lock:
            rows = self._db.execute(
                'SELECT c.rowid, c.id, c.article_id, c.ordinal, c.text, c.start, c."end",'
                " a.title, a.date, a.source, a.url FROM chunks c"
                f" JOIN articles a ON a.id = c.article_id WHERE c.rowid IN ({marks})",
                list(rowids),
            ).fetchall()
        return {r[0]: Chunk(*r[1:]) for r in rows}

    def chunk(self, chunk_id: str) -> Chunk | None:
        """One chunk by its id, read from the database (to check a citation independently)."""
        with self._lock:
            row = self._db.execute("SELECT rowid FROM chunks WHERE id=?", (chunk_id,)).fetchone()
        return self.chunks([row[0]]).get(row[0]) if row else None

    def article(self, article_id: str) -> Article | None:
        with self._lock:
            row = self._db.execute(
                "SELECT id, title, text, date, source, url, place, path FROM articles WHERE id=?",
                (article_id,),
            ).fetchone()
        return Article(*row) if row else None

    def all_chunks(self) -> Iterator[Chunk]:
        """Every chunk, in insertion order (for benchmarks and exports)."""
        with self._lock:
            rowids = [r[0] for r in self._db.execute("SELECT rowid FROM chunks ORDER BY rowid")]
        for start in range(0, len(rowids), 500):
            part = rowids[start : start + 500]
            found = self.chunks(part)
            yield from (found[r] for r in part)

    def article_ids(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT id FROM articles ORDER BY id")]

    def _chunk_count(self) -> int:
        return self._db.execute("SELECT count(*) FROM chunks").fetchone()[0]

    def stats(self) -> dict:
        with self._lock:
            self._sync()
            articles = self._db.execute("SELECT count(*) FROM articles").fetchone()[0]
            sources = self._db.execute(
                "SELECT coalesce(source, '?'), count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC"
            ).fetchall()
            dates = self._db.execute("SELECT min(date), max(date) FROM articles").fetchone()
            updated = self._db.execute("SELECT value FROM meta WHERE key='updated_at'").fetchone()
            chunks = self._chunk_count()
            vectors = self._cache.size
        size = sum(file_size(p) for p in self.dir.rglob("*"))
        return {
            "index": str(self.dir),
            "articles": articles,
            "chunks": chunks,
            "vectors": vectors,
            "lexical": self._lexical.size(),
            "vector_index": "ivf-fp16" if self._cache.approximate else "flat",
            "sources": dict(sources),
            "date_range": list(dates),
            "updated_at": updated[0] if updated else None,
            "generation": self._cache.generation,
            "size_bytes": size,
            "manifest": asdict(self.manifest),
        }
