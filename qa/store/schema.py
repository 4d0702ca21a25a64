"""The SQLite database: its tables, how a connection is opened, and its write generation.

SQLite is the index's source of truth. `articles` and `chunks` hold the text (each chunk with
its vector), `chunk_terms` the analyzed terms for BM25 (FTS5, keyed by the chunk's rowid),
and `meta` the generation: a counter every committed write bumps, so that readers in any
process can tell their in-memory FAISS index is stale.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

DB_NAME = "store.sqlite"
# Part of the manifest: an index whose tables differ from these is refused, not misread.
SCHEMA_VERSION = 1

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
    db.executescript(_SCHEMA)
    db.execute(_VOCAB)
    return db


def db_generation(db: sqlite3.Connection) -> int:
    """The number of writes committed so far (0 for a new database)."""
    row = db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
    return int(row[0]) if row else 0
