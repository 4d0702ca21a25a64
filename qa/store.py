"""Store: articles, chunks, BM25 postings and vectors on disk, crash-safe.

SQLite is the source of truth: one database holds the articles, their chunks
(with each chunk's vector), an FTS5 table of analyzed terms for BM25, and the
manifest. Every change is one SQLite transaction, so a process killed at any
moment leaves the previous state readable.

The FAISS index (`dense-<generation>.faiss`) is a cache of the vectors in the
database, saved atomically (temp file + rename). Each write bumps the
database's generation. On open, the newest readable cache file is brought up to
date by comparing its chunk ids with the database's and applying only the
difference (a writer that died before saving, or a small write that did not
rewrite the file); an unreadable or missing file is rebuilt from the stored
vectors. Never by re-embedding. Small writes (under 5% of the vectors, such as
`qa remove` of one article) do not rewrite the file, so their cost follows the
size of the change, not of the index.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import faiss
import numpy as np

from qa.analysis import ANALYZER_VERSION
from qa.articles import Article
from qa.chunking import Chunk

# Searches are one query at a time: FAISS's OpenMP threads would only spin
# against torch's own threads (measured: hybrid p50 14 ms -> 6 ms on 2 cores).
faiss.omp_set_num_threads(1)

SCHEMA_VERSION = 1
DB_NAME = "store.sqlite"
MANIFEST_NAME = "manifest.json"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, title TEXT, text TEXT NOT NULL, date TEXT, source TEXT,
    url TEXT, place TEXT, path TEXT, hash TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    article_id TEXT NOT NULL REFERENCES articles(id), ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, vector BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
CREATE INDEX IF NOT EXISTS articles_date ON articles(date);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_terms USING fts5(terms, tokenize='unicode61');
"""
# Document frequencies straight from the FTS5 index (for idf-weighted features).
_VOCAB = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunk_vocab USING fts5vocab(main, chunk_terms, 'row')"
)


class IndexMismatchError(RuntimeError):
    """The index on disk was built with settings that differ from the ones asked for."""


@dataclass(frozen=True)
class Manifest:
    """Settings an index is built with; opening it with other ones would give garbage."""

    model: str
    dim: int
    chunk_tokens: int
    chunk_overlap: int
    encoding: str
    stemmer: str
    stopwords: bool
    schema_version: int = SCHEMA_VERSION
    analyzer_version: int = ANALYZER_VERSION

    def differences(self, other: Manifest) -> list[str]:
        mine, theirs = asdict(self), asdict(other)
        return [
            f"{k}: index has {mine[k]!r}, asked for {theirs[k]!r}"
            for k in mine
            if mine[k] != theirs[k]
        ]


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


def read_manifest(index_dir: Path) -> Manifest | None:
    path = Path(index_dir) / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        return Manifest(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise IndexMismatchError(f"{path}: unreadable manifest ({exc})") from exc


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@dataclass
class _Change:
    """Chunk rowids a transaction removed and added (with their vectors)."""

    removed: list[int] = field(default_factory=list)
    added_ids: list[int] = field(default_factory=list)
    added_vecs: list[np.ndarray] = field(default_factory=list)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _size(path: Path) -> int:
    """A file's size, 0 when a concurrent writer renamed or removed it meanwhile."""
    try:
        return path.stat().st_size if path.is_file() else 0
    except FileNotFoundError:
        return 0


def _generation_of(path: Path) -> int:
    number = path.stem.removeprefix("dense-")
    return int(number) if number.isdigit() else -1


class Store:
    def __init__(self, index_dir: Path, manifest: Manifest):
        self.dir = Path(index_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        existing = read_manifest(self.dir)
        if existing is None:
            text = json.dumps(asdict(manifest), indent=2) + "\n"
            _write_atomic(self.dir / MANIFEST_NAME, text.encode("utf-8"))
        elif existing.differences(manifest):
            raise IndexMismatchError(
                f"index {self.dir} was built with other settings: "
                + "; ".join(existing.differences(manifest))
                + ". Use another --index, or remove this one and ingest again."
            )
        self.manifest = manifest
        # `_lock` guards the shared SQLite connection and the in-memory FAISS index; it is
        # held only for single reads and commits. `_writer` serializes this process's
        # writers for a whole ingest, so asks keep running while an upload embeds.
        self._lock = threading.RLock()
        self._writer = threading.Lock()
        self._db = sqlite3.connect(
            self.dir / DB_NAME, check_same_thread=False, isolation_level=None, timeout=60
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._db.execute(_VOCAB)
        self._generation = -1
        self._vectors: faiss.IndexIDMap2 | None = None
        self._unsaved = 0  # vector changes since the cache file was written; -1: no file
        self._sync()

    # -- lifecycle -----------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Exclusive writer across threads and processes; saves the FAISS cache when done.

        Readers are not locked out for the whole write: between commits (while the
        writer embeds) they search the last committed state.
        """
        with self._writer, open(self.dir / ".write.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with self._lock:
                self._sync()
            try:
                yield
            finally:
                with self._lock:
                    self._save_vectors()

    def _db_generation(self) -> int:
        row = self._db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    def _vector_path(self, generation: int) -> Path:
        return self.dir / f"dense-{generation}.faiss"

    def _sync(self) -> None:
        """Bring the in-memory FAISS index up to the database's generation."""
        generation = self._db_generation()
        if generation == self._generation and self._vectors is not None:
            return
        if self._vectors is None:
            self._vectors = self._load_cache()
        self._reconcile()
        self._generation = generation

    def _load_cache(self) -> faiss.IndexIDMap2:
        """The newest readable cache file, or an empty index (filled by `_reconcile`)."""
        files = sorted(self.dir.glob("dense-*.faiss"), key=_generation_of, reverse=True)
        for path in files:
            with contextlib.suppress(RuntimeError):  # torn or foreign file: try the next
                index = faiss.read_index(str(path))
                if isinstance(index, faiss.IndexIDMap2) and index.d == self.manifest.dim:
                    self._unsaved = 0 if path == self._vector_path(self._db_generation()) else 1
                    return index
        self._unsaved = -1  # no usable file: the next write saves one whatever its size
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.manifest.dim))

    def _reconcile(self) -> None:
        """Apply the difference between the cached chunk ids and the database's."""
        cached = faiss.vector_to_array(self._vectors.id_map)
        stored = np.array(
            [r[0] for r in self._db.execute("SELECT rowid FROM chunks")], dtype=np.int64
        )
        extra = np.setdiff1d(cached, stored, assume_unique=True)
        missing = np.setdiff1d(stored, cached, assume_unique=True)
        if extra.size:
            self._vectors.remove_ids(extra)
        for start in range(0, missing.size, 10_000):
            ids = missing[start : start + 10_000].tolist()
            rows = self._db.execute(
                f"SELECT rowid, vector FROM chunks WHERE rowid IN ({','.join('?' * len(ids))})",
                ids,
            ).fetchall()
            vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
            self._vectors.add_with_ids(
                vectors.reshape(len(rows), -1), np.array([r[0] for r in rows], dtype=np.int64)
            )
        self._count_unsaved(int(extra.size + missing.size))

    def _count_unsaved(self, changes: int) -> None:
        if self._unsaved >= 0:
            self._unsaved += changes

    def _save_vectors(self) -> None:
        """Rewrite the cache file unless the change since the last one is small."""
        small = 0 <= self._unsaved <= 0.05 * self._vectors.ntotal
        if small and any(self.dir.glob("dense-*.faiss")):
            return
        path = self._vector_path(self._generation)
        _write_atomic(path, faiss.serialize_index(self._vectors).tobytes())
        self._unsaved = 0
        for old in self.dir.glob("dense-*.faiss"):
            if old != path:
                old.unlink(missing_ok=True)

    # -- writes --------------------------------------------------------------

    def article_hash(self, article_id: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT hash FROM articles WHERE id=?", (article_id,)).fetchone()
        return row[0] if row else None

    def put(
        self, items: Sequence[tuple[Article, list[Chunk], list[list[str]], np.ndarray]]
    ) -> None:
        """Add or replace articles with their chunks, terms and vectors, in one transaction."""
        now = _now()
        with self._lock, self._transaction() as change:
            for article, chunks, terms, vectors in items:
                change.removed += self._delete_article(article.id)
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
                for chunk, chunk_terms, vector in zip(chunks, terms, vectors, strict=True):
                    rowid = self._db.execute(
                        'INSERT INTO chunks (id, article_id, ordinal, start, "end", text,'
                        " vector) VALUES (?,?,?,?,?,?,?)",
                        (
                            chunk.id,
                            article.id,
                            chunk.ordinal,
                            chunk.start,
                            chunk.end,
                            chunk.text,
                            np.asarray(vector, dtype=np.float32).tobytes(),
                        ),
                    ).lastrowid
                    self._db.execute(
                        "INSERT INTO chunk_terms (rowid, terms) VALUES (?,?)",
                        (rowid, " ".join(chunk_terms)),
                    )
                    change.added_ids.append(rowid)
                    change.added_vecs.append(vector)

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
        for rowid in rowids:
            self._db.execute("DELETE FROM chunk_terms WHERE rowid=?", (rowid,))
        self._db.execute("DELETE FROM chunks WHERE article_id=?", (article_id,))
        self._db.execute("DELETE FROM articles WHERE id=?", (article_id,))
        return rowids

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[_Change]:
        """One SQLite transaction; once committed, mirrored into the in-memory FAISS index."""
        change = _Change()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield change
            generation = self._db_generation() + 1
            self._db.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?,?)",
                [("generation", str(generation)), ("updated_at", _now())],
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        if change.removed:
            self._vectors.remove_ids(np.array(change.removed, dtype=np.int64))
        if change.added_ids:
            self._vectors.add_with_ids(
                np.vstack(change.added_vecs).astype(np.float32),
                np.array(change.added_ids, dtype=np.int64),
            )
        self._count_unsaved(len(change.removed) + len(change.added_ids))
        self._generation = generation

    # -- reads ---------------------------------------------------------------

    def dense_search(self, vector: np.ndarray, n: int, filters: Filters) -> list[tuple[int, float]]:
        with self._lock:
            self._sync()
            if self._vectors.ntotal == 0:
                return []
            params = None
            if filters:
                allowed = self._filtered_rowids(filters)
                if allowed.size == 0:
                    return []
                params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))
            scores, ids = self._vectors.search(
                vector.reshape(1, -1).astype(np.float32),
                min(n, self._vectors.ntotal),
                params=params,
            )
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def dense_scores(self, vector: np.ndarray, rowids: Sequence[int]) -> dict[int, float]:
        """Exact cosine scores for given chunks (lexical candidates the dense search missed)."""
        if not rowids:
            return {}
        with self._lock:
            self._sync()
            vecs = self._vectors.reconstruct_batch(np.array(rowids, dtype=np.int64))
        return dict(zip(rowids, (vecs @ vector).tolist(), strict=True))

    def lexical_search(
        self, terms: Sequence[str], n: int, filters: Filters
    ) -> list[tuple[int, float]]:
        unique = list(dict.fromkeys(t for t in terms if t))
        if not unique:
            return []
        query = " OR ".join(f'"{t}"' for t in unique)
        where, params = filters.sql()
        sql = (
            "SELECT f.rowid, -bm25(chunk_terms) AS s FROM chunk_terms f"
            + (
                " JOIN chunks c ON c.rowid = f.rowid JOIN articles a ON a.id = c.article_id"
                f" WHERE chunk_terms MATCH ? AND {where}"
                if filters
                else " WHERE chunk_terms MATCH ?"
            )
            + " ORDER BY bm25(chunk_terms) LIMIT ?"
        )
        with self._lock:
            rows = self._db.execute(sql, [query, *params, n]).fetchall()
        return [(int(r), float(s)) for r, s in rows]

    def terms(self, rowids: Sequence[int]) -> dict[int, list[str]]:
        """The analyzed terms stored for each chunk, in text order."""
        if not rowids:
            return {}
        marks = ",".join("?" * len(rowids))
        with self._lock:
            rows = self._db.execute(
                f"SELECT rowid, terms FROM chunk_terms WHERE rowid IN ({marks})", list(rowids)
            ).fetchall()
        return {r: t.split() for r, t in rows}

    def document_frequencies(self, terms: Sequence[str]) -> tuple[int, dict[str, int]]:
        """Number of chunks, and how many of them contain each term."""
        unique = list(dict.fromkeys(terms))
        marks = ",".join("?" * len(unique))
        with self._lock:
            rows = (
                self._db.execute(
                    f"SELECT term, doc FROM chunk_vocab WHERE term IN ({marks})", unique
                ).fetchall()
                if unique
                else []
            )
            return self._chunk_count(), dict(rows)

    def _filtered_rowids(self, filters: Filters) -> np.ndarray:
        where, params = filters.sql()
        rows = self._db.execute(
            f"SELECT c.rowid FROM chunks c JOIN articles a ON a.id = c.article_id WHERE {where}",
            params,
        ).fetchall()
        return np.array([r[0] for r in rows], dtype=np.int64)

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
            vectors = self._vectors.ntotal
        size = sum(_size(p) for p in self.dir.iterdir())
        return {
            "index": str(self.dir),
            "articles": articles,
            "chunks": chunks,
            "vectors": vectors,
            "sources": dict(sources),
            "date_range": list(dates),
            "updated_at": updated[0] if updated else None,
            "generation": self._generation,
            "size_bytes": size,
            "manifest": asdict(self.manifest),
        }
