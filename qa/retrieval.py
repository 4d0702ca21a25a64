"""Retrieval: dense (FAISS), lexical (BM25) and hybrid search over the store.

The hybrid fuses the two by a weighted sum of min-max normalized scores over
the union of both candidate lists. The weight was chosen on FacQA train and
checked on valid (`bench/retrieval.py`): with an English-only embedder on
Indonesian text, rank fusion (RRF) with equal weights loses to BM25 alone,
while a small dense weight fixes BM25's misses without disturbing its wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from qa.analysis import Analyzer
from qa.config import Config
from qa.embedding import Embedder
from qa.store import Filters, Store


class Mode(str, Enum):
    DENSE = "dense"
    BM25 = "bm25"
    HYBRID = "hybrid"


@dataclass
class Hit:
    chunk_id: str
    article_id: str
    score: float
    title: str
    text: str
    start: int  # character span of the chunk in the article text
    end: int
    date: str | None = None
    source: str | None = None
    url: str | None = None
    dense_score: float | None = None
    bm25_score: float | None = None


@dataclass
class Candidates:
    """Raw scores per chunk rowid from each retriever, before fusion."""

    dense: dict[int, float]
    bm25: dict[int, float]


def _normalize(scores: dict[int, float], keys: list[int]) -> dict[int, float]:
    values = [scores.get(key, 0.0) for key in keys]
    low, high = min(values), max(values)
    span = high - low
    return {key: (v - low) / span if span > 0 else 1.0 for key, v in zip(keys, values, strict=True)}


def fuse(candidates: Candidates, dense_weight: float) -> list[tuple[int, float]]:
    """Weighted sum of min-max normalized scores; chunks missing from BM25 score 0 there."""
    keys = list(dict.fromkeys([*candidates.bm25, *candidates.dense]))
    if not keys:
        return []
    dense = _normalize(candidates.dense, keys)
    bm25 = _normalize(candidates.bm25, keys) if candidates.bm25 else dict.fromkeys(keys, 0.0)
    fused = {k: dense_weight * dense[k] + (1 - dense_weight) * bm25[k] for k in keys}
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


class Retriever:
    def __init__(self, store: Store, embedder: Embedder, config: Config):
        self.store = store
        self.embedder = embedder
        self.config = config
        self.analyzer = Analyzer(stemming=config.stemming, stopwords=config.stopwords)

    def candidates(self, query: str, mode: Mode, filters: Filters) -> Candidates:
        n = self.config.candidates
        bm25: dict[int, float] = {}
        dense: dict[int, float] = {}
        if mode in (Mode.BM25, Mode.HYBRID):
            bm25 = dict(self.store.lexical_search(self.analyzer.terms(query), n, filters))
        if mode in (Mode.DENSE, Mode.HYBRID):
            vector = self.embedder.encode_query(query)
            dense = dict(self.store.dense_search(vector, n, filters))
            missing = [rowid for rowid in bm25 if rowid not in dense]
            dense.update(self.store.dense_scores(vector, missing))
        return Candidates(dense=dense, bm25=bm25)

    def search(
        self,
        query: str,
        k: int | None = None,
        mode: Mode | str | None = None,
        filters: Filters | None = None,
    ) -> list[Hit]:
        """Best chunks for the query, best first."""
        mode = Mode(mode or self.config.retriever)
        k = k or self.config.k
        found = self.candidates(query, mode, filters or Filters())
        if mode is Mode.BM25:
            ranked = sorted(found.bm25.items(), key=lambda kv: (-kv[1], kv[0]))
        elif mode is Mode.DENSE:
            ranked = sorted(found.dense.items(), key=lambda kv: (-kv[1], kv[0]))
        else:
            ranked = fuse(found, self.config.dense_weight)
        top = ranked[:k]
        chunks = self.store.chunks([rowid for rowid, _ in top])
        hits = []
        for rowid, score in top:
            c = chunks[rowid]
            hits.append(
                Hit(
                    chunk_id=c.id, article_id=c.article_id, score=round(score, 6), title=c.title,
                    text=c.text, start=c.start, end=c.end, date=c.date, source=c.source,
                    url=c.url, dense_score=found.dense.get(rowid), bm25_score=found.bm25.get(rowid),
                )
            )
        return hits
