"""Keeping the derived indexes (FAISS vectors, tantivy terms) in step with the database.

The database commits first and logs each generation's changed chunk rowids (see `schema`);
an index that missed some generations (another process wrote, or a writer died between
its commits) replays the log from its own generation, and only where the log no longer
reaches back compares every chunk id (vectors) or indexes everything again (terms).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import numpy as np

from qa.store.change import LexicalDoc, date_key
from qa.store.lexical import LexicalIndex
from qa.store.schema import changed_since, db_generation, log_from, set_log_from
from qa.store.vectors import READ_BATCH, VectorCache

# Generations of changes kept in the log behind the derived indexes' files, so that a
# reader that fell behind catches up from the log rather than by comparing every chunk id.
KEEP_LOG = 100


def read_vectors(
    db: sqlite3.Connection, dim: int, rowids: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """The stored vectors of these chunks (those still stored), one row each."""
    rows = db.execute(
        f"SELECT rowid, vector FROM chunks WHERE rowid IN ({','.join('?' * len(rowids))})",
        rowids,
    ).fetchall()
    return _unpack(rows, dim)


def scan_vectors(
    db: sqlite3.Connection, dim: int, step: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Every `step`-th stored vector, in batches (for the vector index to be rebuilt)."""
    rows = db.execute(
        "SELECT rowid, vector FROM chunks WHERE rowid % ? = 0 ORDER BY rowid", (step,)
    )
    while batch := rows.fetchmany(READ_BATCH):
        yield _unpack(batch, dim)


def _unpack(rows: list, dim: int) -> tuple[np.ndarray, np.ndarray]:
    vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
    return np.array([r[0] for r in rows], dtype=np.int64), vectors.reshape(len(rows), dim)


def sync_vectors(db: sqlite3.Connection, cache: VectorCache, dim: int) -> bool:
    """Bring the in-memory vector index up to the database's generation; True if it was
    behind (so other in-memory views are too)."""
    generation = db_generation(db)
    if generation == cache.generation:
        return False
    if cache.newest_file() > cache.generation:  # another process saved a newer file
        cache.reload(generation)
    changed = changed_since(db, cache.generation)
    if changed is not None and cache.generation >= 0:
        cache.catch_up(changed, lambda ids: read_vectors(db, dim, ids), generation)
    else:
        stored = np.array([r[0] for r in db.execute("SELECT rowid FROM chunks")], dtype=np.int64)
        cache.reconcile(stored, lambda ids: read_vectors(db, dim, ids), generation)
    return True


def catch_up_lexical(db: sqlite3.Connection, lexical: LexicalIndex) -> None:
    """Bring the lexical index to the database's generation (the caller writes)."""
    generation, mirrored = db_generation(db), lexical.generation()
    if mirrored == generation:
        return
    changed = changed_since(db, mirrored) if mirrored < generation else None
    if changed is None:
        lexical.rebuild(lexical_docs(db, None), generation)
    else:
        lexical.catch_up(changed, lexical_docs(db, changed), generation)


def lexical_docs(db: sqlite3.Connection, rowids: list[int] | None) -> Iterator[LexicalDoc]:
    """The lexical index's view of these chunks (None: of all), read in batches."""
    sql = (
        "SELECT c.rowid, c.terms, a.date, a.source FROM chunks c"
        " JOIN articles a ON a.id = c.article_id"
    )
    if rowids is None:
        batches = [db.execute(sql + " ORDER BY c.rowid")]
    else:
        parts = (rowids[i : i + READ_BATCH] for i in range(0, len(rowids), READ_BATCH))
        batches = (
            db.execute(sql + f" WHERE c.rowid IN ({','.join('?' * len(p))})", p) for p in parts
        )
    for rows in batches:
        for rowid, terms, date, source in rows:
            yield LexicalDoc(rowid, terms, date_key(date), source)


def prune_log(db: sqlite3.Connection, lexical: LexicalIndex, cache: VectorCache) -> None:
    """Drop logged changes that every derived index's file is well past."""
    oldest = min(lexical.generation(), cache.newest_file()) - KEEP_LOG
    if oldest > log_from(db):
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM changes WHERE generation < ?", (oldest,))
        set_log_from(db, oldest)
        db.execute("COMMIT")
