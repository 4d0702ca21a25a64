"""The index on disk: SQLite as the source of truth, tantivy and FAISS derived from it,
crash-safe.

One concept per module, each depending only on those above it:

- `files`: atomic writes and race-proof sizes for the index folder.
- `schema`: the SQLite tables, opening a connection, the write generation, the change log.
- `manifest`: the settings an index was built with, checked on every open.
- `filters`: the date and source restrictions a search carries, as SQL.
- `lock`: the write lock, one writer at a time, and whom a waiting writer waits for.
- `change`: what one transaction changed, for the derived indexes to mirror.
- `lexical`: BM25 over the analyzed terms in tantivy, with the filters inside the query.
- `vectors`: the FAISS index of the stored vectors (flat, or IVF when large) and its file.
- `backend`: the interface retrieval and ingest talk to (`Backend`).
- `store`: `Store`, which ties them together: transactions, put/remove, search, stats.
- `location`: which backend holds an index (this folder, or Milvus: the `milvus` package).
"""

from qa.store.backend import Backend, StoreUnavailableError
from qa.store.files import DiskFullError
from qa.store.filters import Filters
from qa.store.location import describe, open_store, stored_manifest
from qa.store.lock import IndexBusyError
from qa.store.manifest import MANIFEST_NAME, IndexMismatchError, Manifest, read_manifest
from qa.store.schema import DB_NAME
from qa.store.store import Store

__all__ = [
    "Backend",
    "DB_NAME",
    "DiskFullError",
    "MANIFEST_NAME",
    "Filters",
    "IndexBusyError",
    "IndexMismatchError",
    "Manifest",
    "Store",
    "StoreUnavailableError",
    "describe",
    "open_store",
    "read_manifest",
    "stored_manifest",
]
