"""The vector cache: an in-memory FAISS index of the stored vectors, and its file on disk.

The database holds every chunk's vector; FAISS only makes searching them fast. Its file,
`dense-<generation>.faiss`, is a cache: written atomically, named after the database
generation it mirrors, and never trusted blindly. On open the newest readable file is
brought up to date by the difference between its chunk ids and the database's (a writer
that died before saving costs only that difference); an unreadable or missing file is
rebuilt from the stored vectors, never by re-embedding. Writes that change under 5% of the
vectors do not rewrite the file, so their cost follows the size of the change.

Nothing here speaks SQL: the store hands in the stored rowids and a reader for their vectors.
The store's lock guards every call.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

from qa.store.files import write_atomic

# Searches are one query at a time: FAISS's OpenMP threads would only spin
# against torch's own threads (measured: hybrid p50 14 ms -> 6 ms on 2 cores).
faiss.omp_set_num_threads(1)

# Chunk rowids -> (those found, as int64; their vectors, one float32 row each).
VectorReader = Callable[[list[int]], tuple[np.ndarray, np.ndarray]]
_READ_BATCH = 10_000  # rowids per read, under SQLite's limit on query parameters
_SMALL_CHANGE = 0.05  # share of the vectors a write may change without rewriting the file


@dataclass
class VectorChange:
    """Chunk rowids a transaction removed and added (with their vectors)."""

    removed: list[int] = field(default_factory=list)
    added_ids: list[int] = field(default_factory=list)
    added_vecs: list[np.ndarray] = field(default_factory=list)


def _generation_of(path: Path) -> int:
    number = path.stem.removeprefix("dense-")
    return int(number) if number.isdigit() else -1


class VectorCache:
    """The FAISS index (inner product over normalized vectors, keyed by chunk rowid)."""

    def __init__(self, index_dir: Path, dim: int, db_generation: int):
        """Load the newest readable cache file, or start empty (`reconcile` fills it)."""
        self.dir = Path(index_dir)
        self.generation = -1  # the database generation mirrored; -1: not reconciled yet
        self._unsaved = 0  # vector changes since the cache file was written; -1: no file
        self._index = self._load(dim, db_generation)

    @property
    def size(self) -> int:
        return self._index.ntotal

    def _path(self, generation: int) -> Path:
        return self.dir / f"dense-{generation}.faiss"

    def _files(self) -> list[Path]:
        return list(self.dir.glob("dense-*.faiss"))

    def _load(self, dim: int, db_generation: int) -> faiss.IndexIDMap2:
        for path in sorted(self._files(), key=_generation_of, reverse=True):
            with contextlib.suppress(RuntimeError):  # torn or foreign file: try the next
                index = faiss.read_index(str(path))
                if isinstance(index, faiss.IndexIDMap2) and index.d == dim:
                    self._unsaved = 0 if path == self._path(db_generation) else 1
                    return index
        self._unsaved = -1  # no usable file: the next write saves one whatever its size
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    def _count_unsaved(self, changes: int) -> None:
        if self._unsaved >= 0:
            self._unsaved += changes

    # -- keeping up with the database ----------------------------------------

    def reconcile(self, stored: np.ndarray, read: VectorReader, generation: int) -> None:
        """Apply the difference between the cached chunk ids and the `stored` ones."""
        cached = faiss.vector_to_array(self._index.id_map)
        extra = np.setdiff1d(cached, stored, assume_unique=True)
        missing = np.setdiff1d(stored, cached, assume_unique=True)
        if extra.size:
            self._index.remove_ids(extra)
        for start in range(0, missing.size, _READ_BATCH):
            ids, vectors = read(missing[start : start + _READ_BATCH].tolist())
            self._index.add_with_ids(vectors, ids)
        self._count_unsaved(int(extra.size + missing.size))
        self.generation = generation

    def apply(self, change: VectorChange, generation: int) -> None:
        """Mirror a committed transaction."""
        if change.removed:
            self._index.remove_ids(np.array(change.removed, dtype=np.int64))
        if change.added_ids:
            self._index.add_with_ids(
                np.vstack(change.added_vecs).astype(np.float32),
                np.array(change.added_ids, dtype=np.int64),
            )
        self._count_unsaved(len(change.removed) + len(change.added_ids))
        self.generation = generation

    def save(self) -> None:
        """Rewrite the cache file unless the change since the last one is small."""
        small = 0 <= self._unsaved <= _SMALL_CHANGE * self._index.ntotal
        if small and self._files():
            return
        path = self._path(self.generation)
        write_atomic(path, faiss.serialize_index(self._index).tobytes())
        self._unsaved = 0
        for old in self._files():
            if old != path:
                old.unlink(missing_ok=True)

    # -- reads ---------------------------------------------------------------

    def search(
        self, vector: np.ndarray, n: int, allowed: np.ndarray | None
    ) -> list[tuple[int, float]]:
        """The `n` best (rowid, score) pairs, among the `allowed` rowids if given."""
        params = None
        if allowed is not None:
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))
        scores, ids = self._index.search(
            vector.reshape(1, -1).astype(np.float32), min(n, self._index.ntotal), params=params
        )
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def vectors(self, rowids: Sequence[int]) -> np.ndarray:
        """The cached vectors of these chunks, one row each."""
        return self._index.reconstruct_batch(np.array(rowids, dtype=np.int64))
