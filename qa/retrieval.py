"""Retrieval: dense (FAISS), lexical (BM25) and hybrid search over the store.

The hybrid re-scores the union of both candidate lists with a weighted sum of
a few features: BM25 relative to the best BM25 score, cosine relative to the
best cosine, idf-weighted share of the query terms the chunk contains, share
of query bigrams it contains, and whether it holds the kind of thing the
question asks for (a date for "kapan", a number for "berapa", a name for
"siapa"). The weights were chosen on FacQA train and checked on valid
(`python bench/retrieval.py --tune`). With an English-only embedder on
Indonesian text, plain rank fusion (RRF) loses to BM25 alone; these features
let the hybrid beat it instead.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Container
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from qa.analysis import Analyzer
from qa.chunking import Chunk
from qa.config import Config, RetrieverKind
from qa.embedding.embedder import Embedder
from qa.passage import PassageView, PassageViews
from qa.query import Query
from qa.store import Backend

BM25_K1, BM25_B = 1.2, 0.75
# A translated query's BM25 candidates are re-scored from this many times more index hits.
TRANSLATED_WIDENING = 3
_SLACK = 1e-9  # float rounding between a score added up in parts and whole
_UNREAD, _TERMS, _SCORED = 0, 1, 2  # what `Retriever.ranked` knows of a candidate


@dataclass
class Hit:
    """A retrieved chunk. `score` is BM25, cosine or the fused score, depending on the
    retriever: comparable within one result list, not across retrievers."""

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


@dataclass(frozen=True)
class Signals:
    """What a chunk holds of the question, apart from the retrievers' scores."""

    coverage: float  # idf-weighted share of query terms present
    bigrams: float  # share of query term bigrams present
    answer_type: float  # 1 when the chunk holds the kind of answer asked for
    answer_near: float  # 1 when such a word stands within 3 words of a query term


@dataclass
class Candidates:
    """Raw scores per chunk rowid from each retriever, before fusion; the candidates'
    analyses and term signals (`Retriever.term_signals`), the BM25 ones worked out while the
    question was being encoded; and the chunks read so far, so that none is read twice."""

    dense: dict[int, float]
    bm25: dict[int, float]
    signals: dict[int, Signals] = field(default_factory=dict)
    chunks: dict[int, Chunk] = field(default_factory=dict)
    views: dict[int, PassageView] = field(default_factory=dict)


@dataclass
class Features:
    """Per-candidate signals the hybrid weighs, each in [0, 1] or <= 0."""

    bm25: float  # BM25 / best BM25 among candidates
    dense: float  # cosine - best cosine among candidates
    held: Signals  # what the chunk holds of the question


@dataclass(frozen=True)
class Weights:
    dense: float
    coverage: float
    bigrams: float
    answer_type: float
    answer_near: float

    @classmethod
    def from_config(cls, config: Config) -> Weights:
        return cls(
            config.weight_dense,
            config.weight_coverage,
            config.weight_bigrams,
            config.weight_answer_type,
            config.weight_answer_near,
        )

    def score(self, f: Features) -> float:
        held = f.held
        return (
            f.bm25
            + self.dense * f.dense
            + self.coverage * held.coverage
            + self.bigrams * held.bigrams
            + self.answer_type * held.answer_type
            + self.answer_near * held.answer_near
        )


def group_bm25(query: Query, chunk_terms: dict[int, list[str]]) -> dict[int, float]:
    """Okapi BM25 (k1 1.2, b 0.75, as SQLite FTS5) over the folded terms, lengths relative
    to these chunks' mean: a translated word's group is one term, its count the count of
    all its alternatives."""
    if not chunk_terms:
        return {}
    lengths = {rowid: len(terms) for rowid, terms in chunk_terms.items()}
    mean = sum(lengths.values()) / len(lengths) or 1.0
    scores = {}
    for rowid, terms in chunk_terms.items():
        counts = Counter(query.fold(terms))
        norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[rowid] / mean)
        scores[rowid] = sum(
            idf * counts[t] * (BM25_K1 + 1) / (counts[t] + norm)
            for t, idf in query.idf.items()
            if counts[t]
        )
    return scores


_NOTHING = Signals(0.0, 0.0, 0.0, 0.0)


def _featurizer(found: Candidates) -> Callable[[int, Signals], Features]:
    """A candidate's `Features` from its signals, its scores taken relative to the best."""
    best_bm25 = max(found.bm25.values(), default=0.0) or 1.0
    best_dense = max(found.dense.values(), default=0.0)

    def features(rowid: int, held: Signals) -> Features:
        return Features(
            bm25=found.bm25.get(rowid, 0.0) / best_bm25,
            dense=found.dense.get(rowid, best_dense) - best_dense,
            held=held,
        )

    return features


def fuse(features: dict[int, Features], weights: Weights) -> list[tuple[int, float]]:
    scored = {rowid: weights.score(f) for rowid, f in features.items()}
    return sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))


class Retriever:
    def __init__(self, store: Backend, embedder: Embedder, analyzer: Analyzer, config: Config):
        self.store = store
        self.embedder = embedder
        self.analyzer = analyzer
        self.config = config
        self.passages = PassageViews(analyzer)
        # The query is encoded while BM25 runs: both leave Python's lock to C (onnxruntime,
        # SQLite), so a hybrid search costs about the longer of the two, not their sum.
        self._encoding = ThreadPoolExecutor(max_workers=4, thread_name_prefix="qa-encode")

    def candidates(self, query: Query, kind: RetrieverKind, k: int | None = None) -> Candidates:
        n = max(self.config.candidates, k or 0)
        bm25: dict[int, float] = {}
        if kind in (RetrieverKind.DENSE, RetrieverKind.HYBRID):
            encoding = self._encoding.submit(self.embedder.encode_query, query.text)
        if kind in (RetrieverKind.BM25, RetrieverKind.HYBRID):
            bm25 = self.lexical(query, n)
        found = Candidates(dense={}, bm25=bm25)
        if kind is RetrieverKind.HYBRID:
            self.term_signals(query, found, list(bm25))
        if kind in (RetrieverKind.DENSE, RetrieverKind.HYBRID):
            vector = encoding.result()
            found.dense.update(self.store.dense_search(vector, n, query.filters))
            missing = [rowid for rowid in bm25 if rowid not in found.dense]
            found.dense.update(self.store.dense_scores(vector, missing))
        return found

    def lexical(self, query: Query, n: int) -> dict[int, float]:
        """BM25 candidates. A translated query is searched with every alternative, then
        re-scored with each group counted as one term (`group_bm25`): the index alone would
        add up a group's synonyms as if the question said each of them. A chunk that holds
        only part of a phrase ("Lampung" of "Bandar Lampung") matches no term: it is dropped."""
        if not query.groups:
            return dict(self.store.lexical_search(query.terms, n, query.filters))
        wide = self.store.lexical_search(
            query.lexical_terms, n * TRANSLATED_WIDENING, query.filters
        )
        rescored = group_bm25(query, self.store.terms([rowid for rowid, _ in wide]))
        matched = [(rowid, score) for rowid, score in rescored.items() if score > 0]
        return dict(sorted(matched, key=lambda kv: (-kv[1], kv[0]))[:n])

    def features(self, query: Query, found: Candidates) -> dict[int, Features]:
        """The hybrid's signals for every candidate chunk (what `bench/retrieval.py --tune`
        weighs)."""
        self.term_signals(query, found, [*found.bm25, *found.dense])
        features = _featurizer(found)
        return {
            rowid: features(rowid, self._kinds(query, found.views[rowid], held))
            for rowid, held in found.signals.items()
        }

    def ranked(self, query: Query, found: Candidates, k: int) -> list[tuple[int, float]]:
        """The k best candidates by the fused score, best first: the same k, in the same
        order, as `fuse` over every candidate's `features`.

        Most of a hybrid search's time goes into the signals, and the costliest ones are
        bounded: the answer-type signals add at most their two weights, and a chunk only
        the dense search found (its terms not read yet) at most the term weights on top.
        So candidates are taken best bound first (a heap), and a bound is replaced by the
        score only when it comes out on top: the answer-type signals are worked out only
        for candidates that could still enter the first k, and the dense search's own
        candidates are read only when one of them could (then all at once).
        """
        weights = Weights.from_config(self.config)
        features = _featurizer(found)
        answer_most = max(weights.answer_type, 0.0) + max(weights.answer_near, 0.0)
        terms_most = max(weights.coverage, 0.0) + max(weights.bigrams, 0.0)

        def bounded(rowid: int) -> tuple[float, int, int]:  # (-bound, rowid, stage)
            held = found.signals.get(rowid)
            if held is None:  # not read yet
                bound = weights.score(features(rowid, _NOTHING)) + terms_most + answer_most
                return -bound - _SLACK, rowid, _UNREAD
            return -(weights.score(features(rowid, held)) + answer_most) - _SLACK, rowid, _TERMS

        heap = [bounded(rowid) for rowid in dict.fromkeys([*found.bm25, *found.dense])]
        heapq.heapify(heap)
        best: list[tuple[int, float]] = []
        while heap and len(best) < k:
            key, rowid, stage = heap[0]
            if stage == _SCORED:
                heapq.heappop(heap)
                best.append((rowid, -key))
            elif stage == _TERMS:
                held = self._kinds(query, found.views[rowid], found.signals[rowid])
                heapq.heapreplace(heap, (-weights.score(features(rowid, held)), rowid, _SCORED))
            else:
                unread = [item[1] for item in heap if item[2] == _UNREAD]
                self.term_signals(query, found, unread)
                heap = [item if item[2] != _UNREAD else bounded(item[1]) for item in heap]
                heap = [item for item in heap if item[2] != _UNREAD]  # removed meanwhile
                heapq.heapify(heap)
        return best

    def term_signals(self, query: Query, found: Candidates, rowids: list[int]) -> None:
        """Read the chunks not read yet, and add their term signals to `found` (a chunk
        removed since it was found has none)."""
        new = [rowid for rowid in dict.fromkeys(rowids) if rowid not in found.signals]
        views = self._views(new, found.chunks)
        found.views.update(views)
        found.signals.update((rowid, self._terms(query, view)) for rowid, view in views.items())

    def _terms(self, query: Query, view: PassageView) -> Signals:
        """The cheap signals: the share of the question's terms and bigrams a chunk holds
        (the answer-type signals left at 0)."""
        idf = query.idf
        query_bigrams = query.bigrams
        if query.groups:  # a translated query: its groups count as one term each
            terms = query.fold(view.terms)
            present: Container[str] = set(terms)
            bigrams = len(query_bigrams & set(zip(terms, terms[1:], strict=False)))
        else:
            present = view.term_set
            bigrams = sum(view.holds_bigram(a, b) for a, b in query_bigrams)
        return Signals(
            coverage=sum(w for t, w in idf.items() if t in present) / query.idf_total,
            bigrams=bigrams / len(query_bigrams) if query_bigrams else 0.0,
            answer_type=0.0,
            answer_near=0.0,
        )

    @staticmethod
    def _kinds(query: Query, view: PassageView, held: Signals) -> Signals:
        """`held` with the costly signals added: a word of the kind asked for, and one near
        a question term."""
        return replace(
            held,
            answer_type=float(view.has_answer_type(query.kind, query.text)),
            answer_near=float(view.answer_near(query.kind, query.text, query.wanted)),
        )

    def _views(self, rowids: list[int], chunks: dict[int, Chunk]) -> dict[int, PassageView]:
        """Each chunk's analysis; the stored terms are read only for chunks not seen lately.
        A chunk removed since it was found has none."""
        chunks.update(self.store.chunks([rowid for rowid in rowids if rowid not in chunks]))
        texts = {rowid: chunks[rowid].text for rowid in rowids if rowid in chunks}
        known = self.passages.known(texts.values())
        new = [rowid for rowid, text in texts.items() if text not in known]
        for rowid, terms in self.store.terms(new).items():
            known[texts[rowid]] = self.passages.add(texts[rowid], terms)
        return {rowid: known[texts[rowid]] for rowid in rowids if texts.get(rowid) in known}

    def search(
        self, query: Query, k: int | None = None, retriever: RetrieverKind | str | None = None
    ) -> list[Hit]:
        """Best chunks for the query, best first."""
        kind = RetrieverKind(retriever or self.config.retriever)
        k = k or self.config.k
        found = self.candidates(query, kind, k)
        if kind is RetrieverKind.BM25:
            ranked = sorted(found.bm25.items(), key=lambda kv: (-kv[1], kv[0]))
        elif kind is RetrieverKind.DENSE:
            ranked = sorted(found.dense.items(), key=lambda kv: (-kv[1], kv[0]))
        else:
            ranked = self.ranked(query, found, k)
        top = ranked[:k]
        chunks = found.chunks
        chunks.update(self.store.chunks([rowid for rowid, _ in top if rowid not in chunks]))
        hits = []
        for rowid, score in top:
            c = chunks.get(rowid)
            if c is None:  # removed by a concurrent writer since the candidates were found
                continue
            hits.append(
                Hit(
                    chunk_id=c.id,
                    article_id=c.article_id,
                    score=round(score, 6),
                    title=c.title,
                    text=c.text,
                    start=c.start,
                    end=c.end,
                    date=c.date,
                    source=c.source,
                    url=c.url,
                    dense_score=found.dense.get(rowid),
                    bm25_score=found.bm25.get(rowid),
                )
            )
        return hits
