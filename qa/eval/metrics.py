"""Evaluation metrics: answer overlap, tie-aware retrieval ranks, citations, abstention.

Pure functions of strings, ranked ids and numbers, so every formula is pinned by
hand-computed cases in tests/test_eval.py and shared by the runner and the benchmarks.
Deterministic: no LLM judge, only formulas. Decisions that other tools leave implicit:

- Relevance is per article. A retrieved chunk is relevant when its article is in the
  question's `doc_ids`; each relevant article counts once, at its best rank, so several
  chunks of one article neither add gain twice (nDCG) nor count as several found
  articles (recall@k counts distinct articles, over all `doc_ids`). The ideal DCG puts
  min(len(doc_ids), k) relevant articles at ranks 1, 2, ...
- Ties: hits with equal scores score the expected value over every order of the tied
  hits (McSherry & Najork, ECIR 2008), so a metric never depends on how the retriever
  broke a tie.
- Answer metrics (EM, F1, contains), retrieval metrics and citation precision / recall
  are over answerable questions; unanswerable ones are scored by abstention. A value
  whose denominator is empty (abstention recall on a set without unanswerable
  questions) is None, written as null: "undefined", not 0 or 1.
- Percentiles interpolate linearly between order statistics (numpy's default).
"""

from __future__ import annotations

import math
import string
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

METRIC_KEYS = (
    "n",
    "hit@1",
    "hit@5",
    "hit@10",
    "mrr@10",
    "ndcg@10",
    "recall@10",
    "em",
    "f1",
    "contains",
    "short_precision",
    "short_coverage",
    "wrong_answer_rate",
    "citation_precision",
    "citation_verified",
    "citation_recall",
    "abstain_precision",
    "abstain_recall",
    "false_abstain",
    "latency_p50_ms",
    "latency_p95_ms",
)
DEPTH = 10  # the @10 of the retrieval metrics, and the hits every question retrieves at least

# -- answer metrics ------------------------------------------------------------------

_ASCII_PUNCT = frozenset(string.punctuation)


def normalize_answer(text: str) -> str:
    """SQuAD-style, adapted to Indonesian: NFKC, lower case, punctuation to spaces, one space.

    No English article stripping ("the", "a" are not Indonesian articles, and "yang" is
    not one either). Punctuation becomes a space rather than vanishing, so `7,4` and
    `anak-anak` stay two tokens on both sides.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    chars = (
        " " if ch in _ASCII_PUNCT or unicodedata.category(ch).startswith("P") else ch for ch in text
    )
    return " ".join("".join(chars).split())


def exact_match(prediction: str | None, answers: Sequence[str]) -> float:
    """1.0 when the normalized prediction equals a normalized gold answer."""
    mine = normalize_answer(prediction or "")
    return float(bool(mine) and any(mine == normalize_answer(a) for a in answers))


def token_f1(prediction: str | None, answer: str) -> float:
    """SQuAD token F1 between two strings (bag of normalized tokens)."""
    mine, gold = normalize_answer(prediction or "").split(), normalize_answer(answer).split()
    common = sum((Counter(mine) & Counter(gold)).values())
    if not common:
        return 0.0
    precision, recall = common / len(mine), common / len(gold)
    return 2 * precision * recall / (precision + recall)


def best_f1(prediction: str | None, answers: Sequence[str]) -> float:
    """F1 against the best-matching gold answer."""
    return max((token_f1(prediction, a) for a in answers), default=0.0)


def contains_answer(text: str | None, answers: Sequence[str]) -> bool:
    """Does a gold answer occur in the text as whole normalized tokens ("5" is not in "25")?"""
    haystack = f" {normalize_answer(text or '')} "
    return any((needle := normalize_answer(a)) and f" {needle} " in haystack for a in answers)


def short_correct(prediction: str, answers: Sequence[str]) -> bool:
    """A shown short answer counts as right when it overlaps a gold answer by token F1 >= 0.5
    or holds one whole ("Herman HN, wali kota" holds "Herman HN")."""
    return best_f1(prediction, answers) >= 0.5 or contains_answer(prediction, answers)


# -- retrieval metrics ---------------------------------------------------------------


Ranked = Sequence[str]  # the article id of each hit, best first
Scores = Sequence[float] | None  # the hits' scores, to find ties; None: no ties
Distribution = list[tuple[int, float]]  # (rank, probability)


def _tie_groups(n: int, scores: Scores) -> list[range]:
    """Runs of consecutive equal scores, as position ranges (singletons without scores)."""
    if scores is None:
        return [range(i, i + 1) for i in range(n)]
    groups, start = [], 0
    for i in range(1, n + 1):
        if i == n or not math.isclose(scores[i], scores[start], rel_tol=1e-9, abs_tol=1e-12):
            groups.append(range(start, i))
            start = i
    return groups


def first_rank_distribution(marked: Sequence[bool], scores: Scores = None) -> Distribution:
    """(rank, probability) of the first marked position, over all orders of tied hits.

    The first marked item lies in the first tie group that has any; in a group of n
    with m marked, the first of them sits j places into it with probability
    C(n-1-j, m-1) / C(n, m). Empty when nothing is marked.
    """
    for group in _tie_groups(len(marked), scores):
        m = sum(marked[i] for i in group)
        if m:
            n, total = len(group), math.comb(len(group), m)
            return [
                (group.start + j + 1, math.comb(n - 1 - j, m - 1) / total) for j in range(n - m + 1)
            ]
    return []


def _within(dists: Iterable[Distribution], k: int, discount: Callable[[int], float]) -> float:
    """The expected gain of ranks up to k: the sum of probability / discount(rank)."""
    return sum(p / discount(rank) for dist in dists for rank, p in dist if rank <= k)


def _relevant(article_ids: Ranked, relevant: Iterable[str]) -> list[bool]:
    """Per ranked chunk: is its article a relevant one?"""
    wanted = set(relevant)
    return [a in wanted for a in article_ids]


def hit_at_k(article_ids: Ranked, relevant: Iterable[str], k: int, scores: Scores = None) -> float:
    """1 when a chunk of a relevant article is in the top k (expected value under ties)."""
    dist = first_rank_distribution(_relevant(article_ids, relevant), scores)
    return _within([dist], k, lambda rank: 1)


def reciprocal_rank(
    article_ids: Ranked, relevant: Iterable[str], k: int = DEPTH, scores: Scores = None
) -> float:
    """1 / rank of the first relevant chunk, 0 beyond k (MRR@k is its mean)."""
    dist = first_rank_distribution(_relevant(article_ids, relevant), scores)
    return _within([dist], k, lambda rank: rank)


def _article_first_ranks(
    article_ids: Ranked, relevant: Iterable[str], scores: Scores
) -> list[Distribution]:
    """For each distinct relevant article, the distribution of its best rank."""
    return [
        first_rank_distribution([a == wanted for a in article_ids], scores)
        for wanted in dict.fromkeys(relevant)
    ]


def ndcg_at_k(
    article_ids: Ranked, relevant: Iterable[str], k: int = DEPTH, scores: Scores = None
) -> float:
    """Binary-gain nDCG@k over articles: each relevant article gains once, at its best rank.

    DCG = sum over relevant articles of 1/log2(1 + rank); the ideal DCG places
    min(|relevant|, k) articles at ranks 1..; later chunks of a found article gain 0.
    """
    relevant = list(dict.fromkeys(relevant))
    ideal = sum(1 / math.log2(1 + rank) for rank in range(1, min(len(relevant), k) + 1))
    if not ideal:
        return 0.0
    dists = _article_first_ranks(article_ids, relevant, scores)
    return _within(dists, k, lambda rank: math.log2(1 + rank)) / ideal


def recall_at_k(
    article_ids: Ranked, relevant: Iterable[str], k: int = DEPTH, scores: Scores = None
) -> float:
    """Share of the distinct relevant articles with a chunk in the top k."""
    relevant = list(dict.fromkeys(relevant))
    if not relevant:
        return 0.0
    found = _within(_article_first_ranks(article_ids, relevant, scores), k, lambda rank: 1)
    return found / len(relevant)


def retrieval_scores(
    article_ids: Ranked, relevant: Iterable[str], scores: Scores = None
) -> dict[str, float]:
    """hit@1/5/10, mrr@10, ndcg@10, recall@10 of one ranked list."""
    relevant = list(relevant)
    return {
        "hit@1": hit_at_k(article_ids, relevant, 1, scores),
        "hit@5": hit_at_k(article_ids, relevant, 5, scores),
        "hit@10": hit_at_k(article_ids, relevant, 10, scores),
        "mrr@10": reciprocal_rank(article_ids, relevant, 10, scores),
        "ndcg@10": ndcg_at_k(article_ids, relevant, 10, scores),
        "recall@10": recall_at_k(article_ids, relevant, 10, scores),
    }


# -- citations, abstention, latency ---------------------------------------------------


def citation_correct(
    article_id: str, quote: str, doc_ids: Sequence[str], answers: Sequence[str]
) -> bool:
    """A citation is correct when it cites a gold article or its quote holds a gold answer."""
    return article_id in doc_ids or contains_answer(quote, answers)


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None (undefined) when the denominator is 0."""
    return numerator / denominator if denominator else None


def abstention_scores(
    abstained: Sequence[bool], unanswerable: Sequence[bool]
) -> dict[str, float | None]:
    """Precision and recall of abstaining on unanswerable questions, and the false rate.

    precision: abstentions that were on unanswerable questions / abstentions;
    recall: unanswerable questions abstained on / unanswerable questions;
    false_abstain: answerable questions abstained on / answerable questions.
    """
    pairs = list(zip(abstained, unanswerable, strict=True))
    right = sum(a and u for a, u in pairs)
    return {
        "abstain_precision": ratio(right, sum(a for a, _ in pairs)),
        "abstain_recall": ratio(right, sum(u for _, u in pairs)),
        "false_abstain": ratio(sum(a and not u for a, u in pairs), sum(not u for _, u in pairs)),
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100), interpolating linearly between order statistics."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(values: Iterable[float]) -> float | None:
    """The mean, or None (undefined) for no values, like `ratio`."""
    values = list(values)
    return sum(values) / len(values) if values else None
