"""Evidence: the sentences of the retrieved chunks, scored by how well they answer the question.

A sentence's score is the weighted share of the question's terms it holds (terms in the
sentences around it count at `sentence_context`), plus the share of question bigrams, whether
it holds the kind of thing asked for, and its hit's rank. The best sentences are where short
answers are looked for and what is quoted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from qa.analysis import Analyzer, has_answer_type
from qa.chunking import split_sentences
from qa.config import Config
from qa.query import Query
from qa.retrieval import Hit


@dataclass
class Evidence:
    """A candidate sentence inside a hit's chunk (offsets relative to the chunk text)."""

    hit: Hit
    start: int
    end: int
    score: float
    coverage: float  # weighted share of the question's terms in and around the sentence
    hit_rank: int = 0  # the hit's place in the retrieved list
    terms: frozenset[str] = frozenset()  # the sentence's terms (folded as the query's)
    context: frozenset[str] = frozenset()  # the terms of the sentence and its two neighbours

    @property
    def text(self) -> str:
        return self.hit.text[self.start : self.end]


@lru_cache(maxsize=4096)
def _sentences(text: str, analyzer: Analyzer) -> tuple[list[tuple[int, int]], list[list[str]]]:
    """A chunk's sentences and their terms: the same chunks come back question after
    question, and analyzing them again was a tenth of an answer's time. (Read only.)"""
    spans = split_sentences(text)
    return spans, [analyzer.terms(text[start:end]) for start, end in spans]


def score_sentences(
    query: Query, hits: Sequence[Hit], analyzer: Analyzer, config: Config
) -> list[Evidence]:
    """Every sentence of the first `answer_hits` hits, best evidence first.

    A question's words in the neighbouring sentences count at `sentence_context`: "Kapal
    tersebut masih berada di dermaga ..." answers "Di manakah kapal Yo To berada?" because the
    sentence before names the ship.
    """
    weights = query.idf
    total = query.idf_total
    bigrams = query.bigrams
    found: list[Evidence] = []
    seen: set[tuple[str, int]] = set()  # overlapping chunks repeat sentences
    for rank, hit in enumerate(hits[: config.answer_hits]):
        spans, analyzed = _sentences(hit.text, analyzer)
        term_lists = [query.fold(terms) for terms in analyzed] if query.groups else analyzed
        term_sets = [frozenset(terms) for terms in term_lists]
        for k, (start, end) in enumerate(spans):
            key = (hit.article_id, hit.start + start)
            if key in seen:
                continue
            seen.add(key)
            text = hit.text[start:end]
            terms = term_lists[k]
            present = term_sets[k]
            context = frozenset().union(*term_sets[max(k - 1, 0) : k + 2])
            around = context - present
            coverage = (
                sum(w for t, w in weights.items() if t in present)
                + config.sentence_context * sum(w for t, w in weights.items() if t in around)
            ) / total
            shared = set(zip(terms, terms[1:], strict=False))
            score = (
                coverage
                + config.sentence_bigrams * (len(bigrams & shared) / len(bigrams) if bigrams else 0)
                + config.sentence_answer_type * has_answer_type(query.kind, text, query.question)
                + config.sentence_rank / (rank + 1)
            )
            found.append(Evidence(hit, start, end, score, coverage, rank, present, context))
    found.sort(key=lambda e: -e.score)
    return found
