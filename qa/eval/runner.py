"""The eval run: ask every gold question of an index and score its answer, one row each.

Produces the result dict (the rows, and their summary from qa.eval.summary) that `--json`
writes and qa.eval.report reads, so a saved run can be reported or compared without
asking again.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from qa.analysis import question_type
from qa.answering.citations import verify_citation
from qa.answers import Answer, Citation
from qa.eval.gold import GoldItem
from qa.eval.metrics import (
    DEPTH,
    best_f1,
    citation_correct,
    contains_answer,
    exact_match,
    hit_at_k,
    retrieval_scores,
    short_correct,
)
from qa.eval.summary import aggregate
from qa.render import to_text
from qa.retrieval import Hit


def question_kind(item: GoldItem) -> str:
    """The per-type report's label: the gold `type`, else the question's kind."""
    if item.unanswerable:
        return "unanswerable"
    if item.type:
        return item.type
    return question_type(item.question).value


def evaluate_question(index: Any, item: GoldItem, k: int, retriever: str | None) -> dict:
    """Retrieve, then answer (timed apart, as `Index.ask` chains them), then score. A
    follow-up's earlier questions are asked first, as a chat would, untimed."""
    turns: list[tuple[str, Answer]] = []
    for earlier in item.history:
        turns.append((earlier, index.ask(earlier, history=turns)))
    started = time.perf_counter()
    query = index.query(item.question, turns)
    hits = index.search(query, k=max(k, DEPTH), retriever=retriever)
    retrieved = time.perf_counter()
    answer = index.answer_hits(query, hits[:k])
    answered = time.perf_counter()
    row: dict[str, Any] = {
        "id": item.id,
        "question": item.question,
        "history": list(item.history),
        "type": question_kind(item),
        "lang": item.lang or query.lang,
        "unanswerable": item.unanswerable,
        "answers": list(item.answers),
        "doc_ids": list(item.doc_ids),
        "retrieved": [
            {
                "rank": rank,
                "article_id": h.article_id,
                "chunk_id": h.chunk_id,
                "score": round(h.score, 6),
                "relevant": h.article_id in item.doc_ids,
            }
            for rank, h in enumerate(hits, 1)
        ],
        "short_answer": answer.short_answer,
        "short_confidence": answer.short_confidence,
        "withheld": answer.withheld,
        "answer": to_text(answer),
        "abstained": answer.abstained,
        "evidence_score": answer.confidence,
        "retrieve_ms": (retrieved - started) * 1000,
        "answer_ms": (answered - retrieved) * 1000,
    }
    row.update(_scores(item, hits, answer, row["answer"]))
    texts = {c.article_id: index.article_text(c.article_id) for c in answer.citations}
    row["citations"] = [
        _citation_row(index, item, c, texts[c.article_id]) for c in answer.citations
    ]
    return row


def _scores(item: GoldItem, hits: Sequence[Hit], answer: Answer, text: str) -> dict[str, Any]:
    """Retrieval and answer metrics of one answerable question (None for an unanswerable one).

    "contains" looks in the whole text a reader sees (short answer, quotes, source titles)."""
    shown = not answer.abstained and bool(answer.short_answer)
    candidate = answer.short_answer or answer.withheld  # the best short answer, shown or not
    if item.unanswerable:
        none = ("em", "f1", "contains", "short_correct", "hit_curve", *retrieval_scores([], []))
        return {**dict.fromkeys(none), "short_shown": shown}
    article_ids = [h.article_id for h in hits]
    scores = [h.score for h in hits]
    return {
        **retrieval_scores(article_ids, item.doc_ids, scores),
        "hit_curve": [
            hit_at_k(article_ids, item.doc_ids, depth, scores) for depth in range(1, DEPTH + 1)
        ],
        "em": exact_match(answer.short_answer, item.answers),
        "f1": best_f1(answer.short_answer, item.answers),
        "contains": float(not answer.abstained and contains_answer(text, item.answers)),
        "short_shown": shown,
        "short_correct": shown and short_correct(answer.short_answer, item.answers),
        "candidate_correct": short_correct(candidate, item.answers) if candidate else None,
    }


def _citation_row(index: Any, item: GoldItem, c: Citation, article: str | None) -> dict[str, Any]:
    """A citation, with whether it is correct (gold article or gold answer) and verified again
    against its chunk and article as the store holds them, never as the answerer said."""
    chunk = index.store.chunk(c.chunk_id)
    same_article = chunk is not None and chunk.article_id == c.article_id
    return {
        "n": c.n,
        "article_id": c.article_id,
        "chunk_id": c.chunk_id,
        "quote": c.quote,
        "start": c.start,
        "end": c.end,
        "correct": not item.unanswerable
        and citation_correct(c.article_id, c.quote, item.doc_ids, item.answers),
        "verified": same_article and verify_citation(c, chunk.text, chunk.start, article),
    }


def evaluate(
    index: Any,
    gold: Sequence[GoldItem],
    k: int = DEPTH,
    retriever: str | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Ask every gold question; the whole result (what `--json` writes)."""
    from tqdm import tqdm

    index.search("pemanasan", k=1, retriever=retriever)  # load the model before timing
    rows = [
        evaluate_question(index, item, k, retriever)
        for item in tqdm(gold, desc="Questions", unit="q", disable=not progress)
    ]
    return aggregate(rows)
