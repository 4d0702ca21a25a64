"""The vector cache: a FAISS index of the stored vectors, its kind following the collection's
size, and its file on disk.

The database holds every chunk's vector; FAISS only makes searching them fast. Up to
`FLAT_MAX` vectors the index is exact (flat inner product); above, it is IVF with the vectors
stored in 16-bit floats (half the memory; only the lists nearest the question scanned, on
every core), trained on a sample of the stored vectors when the collection first crosses
`FLAT_MAX` and trained again each time it grows `GROWTH` times past the size it was trained
for. The store re-scores its candidates with the exact stored vectors, so only recall is
approximate. (8-bit codes lost recall among near-duplicates: see the README's scale
benchmark.)

Its file, `dense-<generation>.faiss`, is a cache: written atomically, named after the database
generation it mirrors, and never trusted blindly. On open the newest readable file is brought
up to date with the chunks changed since its generation (from the database's change log, or
by comparing chunk ids when the log does not reach back); an unreadable or missing file is
rebuilt from the stored vectors, never by re-embedding. Writes that change under 5% of the
vectors do not rewrite the file, so their cost follows the size of the change.

Nothing here speaks SQL: the store hands in readers for stored vectors. The store's lock
guards every call.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import faiss
import numpy as np

from qa.store.change import Change
from qa.store.files import write_atomic

# Flat searches are one query at a time: FAISS's OpenMP threads would only spin against the
# encoder's own threads (measured: hybrid p50 14 ms -> 6 ms on 2 cores). IVF searches scan
# their lists on every core (2x faster at 1M on 2 cores), as do training and bulk adds.
faiss.omp_set_num_threads(1)

# Chunk rowids -> (those found, as int64; their vectors, one float32 row each).
VectorReader = Callable[[list[int]], tuple[np.ndarray, np.ndarray]]
# Every `step`-th stored vector (1: all), in batches of (rowids, vectors).
VectorScan = Callable[[int], Iterator[tuple[np.ndarray, np.ndarray]]]
READ_BATCH = 10_000  # rowids per read, under SQLite's limit on query parameters
_SMALL_CHANGE = 0.05  # share of the vectors a write may change without rewriting the file
FLAT_MAX = 50_000  # exact search up to this many vectors (see the README's scale benchmark)
GROWTH = 4  # IVF is trained again when the collection grows this many times past its size
_TRAIN_PER_LIST = 40  # training vectors per inverted list (FAISS warns under 39)
_LISTS_PER_ROOT = 8  # inverted lists per square root of the collection's size
# Lists probed per query: those whose centroid scores within `_PROBE_MARGIN` of the best one
# (near-duplicate stories spread over many neighbouring lists), at least nlist/64 and at
# most nlist/8. At 1M (scale benchmark, 200 questions, 8,192 lists) this reaches recall@10
# 1.0 probing 307 lists at the median; with 4,096 lists and at most nlist/4, 0.968 (a margin
# of 0.12: 0.955), and the dense search took twice as long (see the README's scale benchmark).
_PROBE_MARGIN = 0.13
_PROBE_MIN_SHARE = 64
_PROBE_MAX_SHARE = 8
_TRAIN_ITERATIONS = 10  # k-means rounds (FAISS's default 25 takes 2.5x as long)


def _generation_of(path: Path) -> int:
    number = path.stem.removeprefix("dense-")
    return int(number) if number.isdigit() else -1


def lists_for(size: int) -> int:
    """Inverted lists for a collection of `size` vectors: about `_LISTS_PER_ROOT` sqrt(size),
    a power of 2, with at least `_TRAIN_PER_LIST` vectors to train each list on."""
    size = max(size, _TRAIN_PER_LIST)
    by_root = 2 ** round(math.log2(_LISTS_PER_ROOT * math.sqrt(size)))
    return min(by_root, 2 ** int(math.log2(size // _TRAIN_PER_LIST)))


def trained_size(lists: int) -> int:
    """About the smallest collection `lists_for` gives this many lists: the least they were
    trained for. (Its root term rounds up to `lists` from lists/sqrt(2) on.)"""
    return max(lists**2 // (2 * _LISTS_PER_ROOT**2), lists * _TRAIN_PER_LIST)


@contextlib.contextmanager
def _all_cores() -> Iterator[None]:
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(1)


class VectorCache:
    """The FAISS index (inner product over normalized vectors, keyed by chunk rowid)."""

    def __init__(self, index_dir: Path, dim: int, db_generation: int):
        """Load the newest readable cache file, or start empty (`reconcile` fills it)."""
        self.dir = Path(index_dir)
        self.dim = dim
        self.generation = -1  # the database generation mirrored; -1: nothing loaded
        self._unsaved = 0  # vector changes since the cache file was written; -1: no file
        self._index = self._load(db_generation)

    @property
    def size(self) -> int:
        return self._index.ntotal

    @property
    def approximate(self) -> bool:
        """IVF: scores are rounded and a few vectors may be missed."""
        return isinstance(self._index, faiss.IndexIVF)

    def _path(self, generation: int) -> Path:
        return self.dir / f"dense-{generation}.faiss"

    def _files(self) -> list[Path]:
        return list(self.dir.glob("dense-*.faiss"))

    def newest_file(self) -> int:
        """The generation of the newest cache file (-1: none)."""
        return max((_generation_of(p) for p in self._files()), default=-1)

    def _load(self, db_generation: int) -> faiss.Index:
        for path in sorted(self._files(), key=_generation_of, reverse=True):
            with contextlib.suppress(RuntimeError):  # torn or foreign file: try the next
                index = faiss.read_index(str(path))
                if isinstance(index, faiss.IndexIDMap2 | faiss.IndexIVF) and index.d == self.dim:
                    self._unsaved = 0 if path == self._path(db_generation) else 1
                    self.generation = _generation_of(path)
                    return index
        self._unsaved = -1  # no usable file: the next write saves one whatever its size
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))

    def reload(self, db_generation: int) -> None:
        """Take the newest cache file (another process saved one since this was loaded)."""
        self.generation = -1
        self._index = self._load(db_generation)

    def _count_unsaved(self, changes: int) -> None:
        if self._unsaved >= 0:
            self._unsaved += changes

    # -- keeping up with the database ----------------------------------------

    def _ids(self) -> np.ndarray:
        """Every chunk rowid in the index."""
        if not self.approximate:
            return faiss.vector_to_array(self._index.id_map)
        lists = self._index.invlists
        parts = [
            faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).copy()
            for i in range(lists.nlist)
            if lists.list_size(i)
        ]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    def reconcile(self, stored: np.ndarray, read: VectorReader, generation: int) -> None:
        """Apply the difference between the cached chunk ids and the `stored` ones."""
        cached = self._ids()
        extra = np.setdiff1d(cached, stored, assume_unique=True)
        missing = np.setdiff1d(stored, cached, assume_unique=True)
        if extra.size:
            self._index.remove_ids(extra)
        self._add(missing.tolist(), read)
        self._count_unsaved(int(extra.size + missing.size))
        self.generation = generation

    def catch_up(self, changed: list[int], read: VectorReader, generation: int) -> None:
        """Replace these chunks: removed, then added again where the database still has them."""
        if changed:
            self._index.remove_ids(np.array(changed, dtype=np.int64))
        self._add(changed, read)
        self._count_unsaved(len(changed))
        self.generation = generation

    def _add(self, rowids: list[int], read: VectorReader) -> None:
        for start in range(0, len(rowids), READ_BATCH):
            ids, vectors = read(rowids[start : start + READ_BATCH])
            if ids.size:
                self._index.add_with_ids(vectors, ids)

    def apply(self, change: Change, generation: int) -> None:
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

    # -- the index's kind ----------------------------------------------------

    def _wanted_lists(self) -> int:
        """0 for exact search, else the inverted lists the collection's size calls for."""
        size = self.size
        if self.approximate:
            trained = trained_size(self._index.nlist)
            if size < FLAT_MAX // 2:
                return 0
            if size > GROWTH * trained:
                return lists_for(size)
            return self._index.nlist
        return lists_for(size) if size > FLAT_MAX else 0

    def fit(self, scan: VectorScan) -> bool:
        """Rebuild as the kind of index the collection's size calls for, if it changed
        (every stored vector is read again); True when it did."""
        lists = self._wanted_lists()
        if lists == (self._index.nlist if self.approximate else 0):
            return False
        with _all_cores():
            if lists == 0:
                index = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
            else:
                index = faiss.index_factory(
                    self.dim, f"IVF{lists},SQfp16", faiss.METRIC_INNER_PRODUCT
                )
                index.cp.niter = _TRAIN_ITERATIONS
                step = max(1, self.size // (lists * _TRAIN_PER_LIST))
                index.train(np.vstack([vectors for _, vectors in scan(step)]))
                # Removing ids looks them up instead of scanning every list: a removal
                # costs time in proportion to the chunks removed.
                index.set_direct_map_type(faiss.DirectMap.Hashtable)
            for ids, vectors in scan(1):
                index.add_with_ids(vectors, ids)
        self._index = index
        self._unsaved = -1
        return True

    def save(self, scan: VectorScan) -> None:
        """Rewrite the cache file unless the change since the last one is small; first
        rebuild the index if the collection outgrew (or shrank below) its kind."""
        self.fit(scan)
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
        selector = None if allowed is None else faiss.IDSelectorBatch(allowed)
        query = vector.reshape(1, -1).astype(np.float32)
        k = min(n, self._index.ntotal)
        if not self.approximate:
            params = None if selector is None else faiss.SearchParameters(sel=selector)
            scores, ids = self._index.search(query, k, params=params)
        else:
            scores, ids = self._search_lists(query, k, selector, allowed)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def _search_lists(
        self, query: np.ndarray, k: int, selector, allowed: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """IVF search over the lists near the query (`_PROBE_MARGIN`); a filter that keeps a
        small share of the vectors probes more lists in proportion."""
        index = self._index
        most = max(1, index.nlist // _PROBE_MAX_SHARE)
        near, lists = index.quantizer.search(query, most)
        count = int((near[0] >= near[0][0] - _PROBE_MARGIN).sum())
        count = max(count, index.nlist // _PROBE_MIN_SHARE, 1)
        if allowed is not None:
            share = max(allowed.size / max(self.size, 1), 1e-9)
            count = math.ceil(count / share)
            if count > most:
                near, lists = index.quantizer.search(query, min(count, index.nlist))
        count = min(count, lists.shape[1])
        params = faiss.SearchParametersIVF(sel=selector, nprobe=count)
        index.parallel_mode = 1  # one query's lists split among the threads
        assign = np.ascontiguousarray(lists[:, :count])
        centroid = np.ascontiguousarray(near[:, :count])
        scores = np.empty((1, k), dtype=np.float32)
        ids = np.empty((1, k), dtype=np.int64)
        with _all_cores():  # the Python wrapper of search_preassigned takes no parameters
            index.search_preassigned_c(
                1,
                faiss.swig_ptr(query),
                k,
                faiss.swig_ptr(assign),
                faiss.swig_ptr(centroid),
                faiss.swig_ptr(scores),
                faiss.swig_ptr(ids),
                False,  # labels, not list positions
                params,
            )
        return scores, ids
