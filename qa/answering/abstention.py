"""Do the articles answer the question at all? A calibrated probability, so that a question
the evidence does not support gets "not found" instead of the nearest sentence.

How much of the question the best sentence covers is the first sign, but not enough: "Siapa
juara Piala Dunia 1998?" is covered by a sentence about another year's cup, and an English
question loses words in translation. So the model also reads what is missing: the most
important question term that the best sentence and its neighbours lack, the share of the
question no read passage holds, the share no article holds at all, a number of the question
the best sentence does not say; how much the question says at all (two words covered are
weak evidence); the best passage's meaning-level similarity (dense cosine), the best short
answer's scores, the question's language and kind. A logistic regression over these, fit by
`python bench/abstention.py` on answerable questions (FacQA train in both languages, the news
dev set) and unanswerable ones (off-topic questions, `eval/offtopic/train.jsonl`, and FacQA
train asked without its gold passages), gives the probability; the reader abstains below its
language's `answerable_above`.
"""

from __future__ import annotations

from collections.abc import Sequence

from qa.answering.evidence import Evidence
from qa.answering.model import AnswerModel
from qa.answering.spans import Candidate
from qa.query import Query
from qa.retrieval import Hit

SPAN_FLOOR = -10.0  # a question with no candidate at all scores as the worst candidate


def best_span_score(candidates: Sequence[Candidate]) -> float:
    """The best short-answer candidate's log-odds, floored."""
    return max(candidates[0].score, SPAN_FLOOR) if candidates else SPAN_FLOOR


def features(
    query: Query,
    hits: Sequence[Hit],
    evidence: Sequence[Evidence],
    candidates: Sequence[Candidate],
    right: float | None,
    model: AnswerModel,
) -> dict[str, float]:
    """What the abstention model reads (`evidence` best first, `right`: the top candidate's
    probability of being right, see `correctness`)."""
    weights = query.idf
    total = query.idf_total
    top = max(weights.values(), default=1.0) or 1.0
    best = evidence[0]
    read = frozenset().union(*(e.terms for e in evidence))
    missing = [w for t, w in weights.items() if t not in best.context]
    dense = [h.dense_score for h in hits if h.dense_score is not None]
    found = {
        "coverage": best.coverage,
        "span": best_span_score(candidates),
        "missing_top": max(missing, default=0.0) / top,
        "missing_read": sum(w for t, w in weights.items() if t not in read) / total,
        "unseen": sum(w for t, w in weights.items() if t in query.unseen) / total,
        "number_missing": float(any(t.isdigit() and t not in best.context for t in weights)),
        "dense": max(dense) if dense else model.dense_when_missing,
        "right": right or 0.0,
        "english": float(query.lang == "en"),
        "content": float(query.size),
    }
    found[f"kind:{query.kind.value}"] = 1.0
    return found


def answerable_above(query: Query, model: AnswerModel, shift: float) -> float:
    """The probability this question's evidence needs: its language's threshold, moved by
    the user's `abstain_shift`."""
    return model.answerable_bar(query.lang) + shift
