"""The SQLite database: its tables, how a connection is opened, and its write generation.

SQLite is the index's source of truth. `articles` and `chunks` hold the text (each chunk with
its vector and its analyzed terms), `meta` the generation: a counter every committed write
bumps, so that readers in any process can tell their derived indexes are stale, and
`changes` the chunk rowids each generation added or removed, so that a derived index (the
FAISS vectors, the tantivy terms) catches up by the difference instead of being rebuilt.
`meta.log_from` is the oldest generation whose changes are all still logged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

DB_NAME = "store.sqlite"
# Part of the manifest: an index whose tables differ from these is refused, not misread.
SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, title TEXT, text TEXT NOT NULL, date TEXT, source TEXT,
    url TEXT, place TEXT, path TEXT, hash TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    article_id TEXT NOT NULL REFERENCES articles(id), ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, vector BLOB NOT NULL,
    terms TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
CREATE INDEX IF NOT EXISTS articles_date ON articles(date);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
CREATE TABLE IF NOT EXISTS changes (generation INTEGER NOT NULL, rowid INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS changes_generation ON changes(generation);
"""
# Version 1 kept the terms in an FTS5 table; `migrate_v1` moves them into `chunks.terms`.
_MIGRATE_V1 = """
ALTER TABLE chunks ADD COLUMN terms TEXT NOT NULL DEFAULT '';
UPDATE chunks SET terms = coalesce(
    (SELECT t.terms FROM chunk_terms t WHERE t.rowid = chunks.rowid), '');
DROP TABLE chunk_terms;
"""


def connect(index_dir: Path) -> sqlite3.Connection:
    """Open (creating if needed) the database, durable on commit and shared across threads.

    Autocommit mode (`isolation_level=None`): transactions are begun explicitly, one per
    write, so a killed process leaves exactly the last committed state.
    """
    db = sqlite3.connect(
        Path(index_dir) / DB_NAME, check_same_thread=False, isolation_level=None, timeout=60
    )
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    if _has_table(db, "chunk_terms"):
        return db  # version 1: `migrate_v1` first
    db.executescript(_SCHEMA)
    return db


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    row = db.execute("SELECT 1 FROM sqlite_master WHERE name=?", (name,)).fetchone()
    return row is not None


def migrate_v1(db: sqlite3.Connection) -> None:
    """Bring a version 1 database to this version, in one transaction (the caller holds the
    write lock); the derived indexes then rebuild from it, as the log starts after now."""
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in filter(str.strip, _MIGRATE_V1.split(";\n")):
            db.execute(statement)
        for statement in filter(str.strip, _SCHEMA.split(";\n")):
            db.execute(statement)
        set_log_from(db, db_generation(db) + 1)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def reanalyze(db: sqlite3.Connection, terms_of: Callable[[str], list[str]]) -> None:
    """Analyze every stored chunk text again (an index of an older analyzer version), in one
    transaction (the caller holds the write lock), a batch at a time; the lexical index then
    rebuilds, as the log starts after now. Vectors never read the terms: they stay."""
    db.execute("BEGIN IMMEDIATE")
    try:
        last = 0
        while rows := db.execute(
            "SELECT rowid, text FROM chunks WHERE rowid > ? ORDER BY rowid LIMIT 5000", (last,)
        ).fetchall():
            db.executemany(
                "UPDATE chunks SET terms=? WHERE rowid=?",
                [(" ".join(terms_of(text)), rowid) for rowid, text in rows],
            )
            last = rows[-1][0]
        generation = db_generation(db) + 1
        db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(generation),))
        set_log_from(db, generation + 1)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def db_generation(db: sqlite3.Connection) -> int:
    """The number of writes committed so far (0 for a new database)."""
    row = db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
    return int(row[0]) if row else 0


def log_from(db: sqlite3.Connection) -> int:
    """The oldest generation whose changes are all in `changes` (1 for a new database)."""
    row = db.execute("SELECT value FROM meta WHERE key='log_from'").fetchone()
    return int(row[0]) if row else 1


def set_log_from(db: sqlite3.Connection, generation: int) -> None:
    db.execute("INSERT OR REPLACE INTO meta VALUES ('log_from', ?)", (str(generation),))


def changed_since(db: sqlite3.Connection, generation: int) -> list[int] | None:
    """Chunk rowids added or removed after `generation`; None when the log no longer
    reaches back that far."""
    if generation + 1 < log_from(db):
        return None
    rows = db.execute("SELECT DISTINCT rowid FROM changes WHERE generation > ?", (generation,))
    return [r[0] for r in rows]
