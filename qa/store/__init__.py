"""The index on disk: SQLite as the source of truth, FAISS as a cache, crash-safe.

One concept per module, each depending only on those above it:

- `files`: atomic writes and race-proof sizes for the index folder.
- `schema`: the SQLite tables, opening a connection, the write generation.
- `manifest`: the settings an index was built with, checked on every open.
- `filters`: the date and source restrictions a search carries, as SQL.
- `lock`: the write lock, one writer at a time, and whom a waiting writer waits for.
- `vectors`: the FAISS index of the stored vectors and its cache file.
- `store`: `Store`, which ties them together: transactions, put/remove, search, stats.
"""

from qa.store.files import DiskFullError
from qa.store.filters import Filters
from qa.store.lock import IndexBusyError
from qa.store.manifest import MANIFEST_NAME, IndexMismatchError, Manifest, read_manifest
from qa.store.schema import DB_NAME
from qa.store.store import Store

__all__ = [
    "DB_NAME",
    "DiskFullError",
    "MANIFEST_NAME",
    "Filters",
    "IndexBusyError",
    "IndexMismatchError",
    "Manifest",
    "Store",
    "read_manifest",
]
