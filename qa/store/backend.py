"""The storage interface: everything retrieval, answering and ingest ask of an index.

`Store` (SQLite + tantivy + FAISS in one folder) is the implementation here; another engine
(a distributed one) implements the same methods and nothing above the store changes. Chunks
are named by an integer key (`rowid`) that the backend assigns and that stays the same for
the chunk's life.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

import numpy as np

from qa.articles import Article
from qa.chunking import Chunk
from qa.store.filters import Filters
from qa.store.manifest import Manifest


class StoreUnavailableError(RuntimeError):
    """A remote backend cannot be reached (or keeps failing); the message names its URI."""


# (article, its chunks, each chunk's analyzed terms, each chunk's vector)
StoredArticle = tuple[Article, list[Chunk], list[list[str]], np.ndarray]


class Backend(Protocol):
    manifest: Manifest

    # -- writes: one writer at a time, inside `writing()` ---------------------
    def writing(
        self, timeout: float = 600.0, on_wait: Callable[[str], None] | None = None
    ) -> AbstractContextManager[None]: ...
    def article_hash(self, article_id: str) -> str | None: ...
    def put(self, items: Sequence[StoredArticle]) -> None: ...
    def remove(self, article_ids: Sequence[str]) -> list[str]: ...

    # -- search: (rowid, score) pairs, best first ------------------------------
    def dense_search(
        self, vector: np.ndarray, n: int, filters: Filters
    ) -> list[tuple[int, float]]: ...
    def dense_scores(self, vector: np.ndarray, rowids: Sequence[int]) -> dict[int, float]: ...
    def lexical_search(
        self, terms: Sequence[str], n: int, filters: Filters
    ) -> list[tuple[int, float]]: ...
    def document_frequencies(self, terms: Sequence[str]) -> tuple[int, dict[str, int]]: ...

    # -- reads -----------------------------------------------------------------
    def terms(self, rowids: Sequence[int]) -> dict[int, list[str]]: ...
    def chunks(self, rowids: Sequence[int]) -> dict[int, Chunk]: ...
    def chunk(self, chunk_id: str) -> Chunk | None: ...
    def article(self, article_id: str) -> Article | None: ...
    def article_ids(self) -> list[str]: ...
    def all_chunks(self) -> Iterator[Chunk]: ...
    def stats(self) -> dict: ...
    def close(self) -> None: ...
