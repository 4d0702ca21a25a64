"""Evaluation against gold Q&A pairs: gold files, metrics, the run loop, `qa eval`.

Deterministic: no LLM judge, only formulas, each pinned by hand-computed cases in
tests/test_eval.py. Decisions that other tools leave implicit:

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

import argparse
import json
import math
import string
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from hashlib import sha256
from pathlib import Path
from typing import Any

from qa.config import Config

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
    "citation_precision",
    "citation_verified",
    "citation_recall",
    "abstain_precision",
    "abstain_recall",
    "false_abstain",
    "latency_p50_ms",
    "latency_p95_ms",
)
# What `--floor` (minimum) and `--ceiling` (maximum) may guard.
CEILING_KEYS = ("false_abstain", "latency_p50_ms", "latency_p95_ms")
FLOOR_KEYS = tuple(k for k in METRIC_KEYS if k != "n" and k not in CEILING_KEYS)
DEPTH = 10  # the @10 of the retrieval metrics, and the hits every question retrieves at least

# -- gold files -----------------------------------------------------------------------


class GoldError(ValueError):
    """A gold file or line that cannot be scored; the message names the file and line."""


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    answers: tuple[str, ...]
    doc_ids: tuple[str, ...]
    unanswerable: bool = False
    lang: str | None = None
    type: str | None = None  # optional label for the per-type report, e.g. "legal"
    source: str = ""  # the file it came from


_REQUIRED = {"id", "question", "answers", "doc_ids"}
_OPTIONAL = {"unanswerable", "lang", "type"}


def load_gold(paths: Iterable[str | Path]) -> list[GoldItem]:
    """Read and check JSONL gold files; any bad line raises GoldError naming FILE:LINE.

    Unknown keys are errors too: a misspelt `unanswerable` would silently turn a
    question into an answerable one with no answers.
    """
    items: list[GoldItem] = []
    seen: dict[str, str] = {}
    for path in map(Path, paths):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise GoldError(f"{path}: cannot read gold file ({exc})") from exc
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            item = _gold_item(line, where, str(path))
            if item.id in seen:
                raise GoldError(f"{where}: duplicate id {item.id!r} (first in {seen[item.id]})")
            seen[item.id] = where
            items.append(item)
    if not items:
        raise GoldError(f"no questions in {', '.join(map(str, paths))}")
    return items


def _gold_item(line: str, where: str, source: str) -> GoldItem:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise GoldError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise GoldError(f"{where}: expected a JSON object")
    missing = sorted(_REQUIRED - row.keys())
    if missing:
        raise GoldError(f"{where}: missing {', '.join(missing)}")
    unknown = sorted(row.keys() - _REQUIRED - _OPTIONAL)
    if unknown:
        raise GoldError(f"{where}: unknown key(s) {', '.join(unknown)}")
    for key in ("id", "question"):
        if not isinstance(row[key], str) or not row[key].strip():
            raise GoldError(f"{where}: {key} must be a non-empty string")
    for key in ("answers", "doc_ids"):
        value = row[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise GoldError(f"{where}: {key} must be a list of non-empty strings")
    unanswerable = row.get("unanswerable", False)
    if not isinstance(unanswerable, bool):
        raise GoldError(f"{where}: unanswerable must be true or false")
    if unanswerable and (row["answers"] or row["doc_ids"]):
        raise GoldError(f"{where}: an unanswerable question has empty answers and doc_ids")
    if not unanswerable and not (row["answers"] and row["doc_ids"]):
        raise GoldError(
            f"{where}: answers and doc_ids must not be empty (or set unanswerable: true)"
        )
    if any(not normalize_answer(a) for a in row["answers"]):
        raise GoldError(f"{where}: an answer is empty once punctuation is removed")
    for key in ("lang", "type"):
        if row.get(key) is not None and not isinstance(row[key], str):
            raise GoldError(f"{where}: {key} must be a string")
    return GoldItem(
        id=row["id"],
        question=row["question"],
        answers=tuple(row["answers"]),
        doc_ids=tuple(row["doc_ids"]),
        unanswerable=unanswerable,
        lang=row.get("lang"),
        type=row.get("type"),
        source=source,
    )


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


# -- retrieval metrics ---------------------------------------------------------------


def _tie_groups(n: int, scores: Sequence[float] | None) -> list[range]:
    """Runs of consecutive equal scores, as position ranges (singletons without scores)."""
    if scores is None:
        return [range(i, i + 1) for i in range(n)]
    groups, start = [], 0
    for i in range(1, n + 1):
        if i == n or not math.isclose(scores[i], scores[start], rel_tol=1e-9, abs_tol=1e-12):
            groups.append(range(start, i))
            start = i
    return groups


def first_rank_distribution(
    marked: Sequence[bool], scores: Sequence[float] | None = None
) -> list[tuple[int, float]]:
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


def _relevant(article_ids: Sequence[str], relevant: Iterable[str]) -> list[bool]:
    wanted = set(relevant)
    return [a in wanted for a in article_ids]


def hit_at_k(
    article_ids: Sequence[str],
    relevant: Iterable[str],
    k: int,
    scores: Sequence[float] | None = None,
) -> float:
    """1 when a chunk of a relevant article is in the top k (expected value under ties)."""
    dist = first_rank_distribution(_relevant(article_ids, relevant), scores)
    return sum(p for rank, p in dist if rank <= k)


def reciprocal_rank(
    article_ids: Sequence[str],
    relevant: Iterable[str],
    k: int = DEPTH,
    scores: Sequence[float] | None = None,
) -> float:
    """1 / rank of the first relevant chunk, 0 beyond k (MRR@k is its mean)."""
    dist = first_rank_distribution(_relevant(article_ids, relevant), scores)
    return sum(p / rank for rank, p in dist if rank <= k)


def _article_first_ranks(
    article_ids: Sequence[str], relevant: Iterable[str], scores: Sequence[float] | None
) -> list[list[tuple[int, float]]]:
    """For each distinct relevant article, the distribution of its best rank."""
    return [
        first_rank_distribution([a == wanted for a in article_ids], scores)
        for wanted in dict.fromkeys(relevant)
    ]


def ndcg_at_k(
    article_ids: Sequence[str],
    relevant: Iterable[str],
    k: int = DEPTH,
    scores: Sequence[float] | None = None,
) -> float:
    """Binary-gain nDCG@k over articles: each relevant article gains once, at its best rank.

    DCG = sum over relevant articles of 1/log2(1 + rank); the ideal DCG places
    min(|relevant|, k) articles at ranks 1..; later chunks of a found article gain 0.
    """
    relevant = list(dict.fromkeys(relevant))
    ideal = sum(1 / math.log2(1 + rank) for rank in range(1, min(len(relevant), k) + 1))
    if not ideal:
        return 0.0
    dcg = sum(
        p / math.log2(1 + rank)
        for dist in _article_first_ranks(article_ids, relevant, scores)
        for rank, p in dist
        if rank <= k
    )
    return dcg / ideal


def recall_at_k(
    article_ids: Sequence[str],
    relevant: Iterable[str],
    k: int = DEPTH,
    scores: Sequence[float] | None = None,
) -> float:
    """Share of the distinct relevant articles with a chunk in the top k."""
    relevant = list(dict.fromkeys(relevant))
    if not relevant:
        return 0.0
    found = sum(
        p
        for dist in _article_first_ranks(article_ids, relevant, scores)
        for rank, p in dist
        if rank <= k
    )
    return found / len(relevant)


def retrieval_scores(
    article_ids: Sequence[str], relevant: Iterable[str], scores: Sequence[float] | None = None
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


def citation_verified(
    quote: str, start: int, end: int, chunk_text: str | None, chunk_start: int
) -> bool:
    """Is the quote verbatim in the cited chunk, at the offsets it claims?

    `chunk_text` and `chunk_start` come from the store, never from the answerer, so
    this checks the answerer instead of trusting it.
    """
    if chunk_text is None or not quote.strip() or end - start != len(quote):
        return False
    local = start - chunk_start
    return local >= 0 and chunk_text[local : local + len(quote)] == quote


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
    values = list(values)
    return sum(values) / len(values) if values else None


# -- the run ---------------------------------------------------------------------------


def question_kind(item: GoldItem) -> str:
    """The per-type report's label: the gold `type`, else the question's kind."""
    if item.unanswerable:
        return "unanswerable"
    if item.type:
        return item.type
    from qa.analysis import question_type

    return question_type(item.question).value


def evaluate_question(index: Any, item: GoldItem, k: int, retriever: str | None) -> dict:
    """Retrieve, then answer (timed apart, as `Index.ask` chains them), then score."""
    started = time.perf_counter()
    hits = index.search(item.question, k=max(k, DEPTH), retriever=retriever)
    retrieved = time.perf_counter()
    answer = index.answer_hits(item.question, hits[:k])
    answered = time.perf_counter()
    article_ids = [h.article_id for h in hits]
    scores = [h.score for h in hits]
    row: dict[str, Any] = {
        "id": item.id,
        "question": item.question,
        "type": question_kind(item),
        "lang": item.lang,
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
        "answer": answer.answer,
        "abstained": answer.abstained,
        "evidence_score": answer.score,
        "retrieve_ms": (retrieved - started) * 1000,
        "answer_ms": (answered - retrieved) * 1000,
    }
    if item.unanswerable:
        row.update({key: None for key in ("em", "f1", "contains", "hit_curve")})
        row.update({key: None for key in retrieval_scores([], [])})
    else:
        row.update(retrieval_scores(article_ids, item.doc_ids, scores))
        row["hit_curve"] = [
            hit_at_k(article_ids, item.doc_ids, depth, scores) for depth in range(1, DEPTH + 1)
        ]
        row["em"] = exact_match(answer.short_answer, item.answers)
        row["f1"] = best_f1(answer.short_answer, item.answers)
        row["contains"] = float(
            not answer.abstained and contains_answer(answer.answer, item.answers)
        )
    citations = []
    for c in answer.citations:
        chunk = index.store.chunk(c.chunk_id)
        same_article = chunk is not None and chunk.article_id == c.article_id
        citations.append(
            {
                "n": c.n,
                "article_id": c.article_id,
                "chunk_id": c.chunk_id,
                "quote": c.quote,
                "start": c.start,
                "end": c.end,
                "correct": not item.unanswerable
                and citation_correct(c.article_id, c.quote, item.doc_ids, item.answers),
                "verified": same_article
                and citation_verified(c.quote, c.start, c.end, chunk.text, chunk.start),
            }
        )
    row["citations"] = citations
    return row


def summarize(rows: Sequence[dict]) -> dict[str, Any]:
    """The metrics (METRIC_KEYS) of per-question rows from `evaluate_question`."""
    answerable = [r for r in rows if not r["unanswerable"]]
    metrics: dict[str, Any] = {"n": len(rows)}
    for key in ("hit@1", "hit@5", "hit@10", "mrr@10", "ndcg@10", "recall@10", "em", "f1"):
        metrics[key] = mean(r[key] for r in answerable)
    metrics["contains"] = mean(r["contains"] for r in answerable)
    shown = [c for r in answerable for c in r["citations"]]
    every = [c for r in rows for c in r["citations"]]
    metrics["citation_precision"] = ratio(sum(c["correct"] for c in shown), len(shown))
    metrics["citation_verified"] = ratio(sum(c["verified"] for c in every), len(every))
    metrics["citation_recall"] = ratio(
        sum(any(c["correct"] for c in r["citations"]) for r in answerable), len(answerable)
    )
    metrics.update(
        abstention_scores([r["abstained"] for r in rows], [r["unanswerable"] for r in rows])
    )
    totals = [r["retrieve_ms"] + r["answer_ms"] for r in rows]
    metrics["latency_p50_ms"] = percentile(totals, 50)
    metrics["latency_p95_ms"] = percentile(totals, 95)
    assert tuple(metrics) == METRIC_KEYS
    return metrics


def stage_latency(rows: Sequence[dict]) -> dict[str, dict[str, float | None]]:
    stages = {
        "retrieve": [r["retrieve_ms"] for r in rows],
        "answer": [r["answer_ms"] for r in rows],
        "total": [r["retrieve_ms"] + r["answer_ms"] for r in rows],
    }
    return {
        name: {"p50": percentile(values, 50), "p95": percentile(values, 95)}
        for name, values in stages.items()
    }


def by_type(rows: Sequence[dict]) -> dict[str, dict[str, float | None]]:
    """Per question kind: how many, and the scores that kind has."""
    kinds: dict[str, list[dict]] = {}
    for r in rows:
        kinds.setdefault(r["type"], []).append(r)
    return {
        kind: {
            "n": len(group),
            "hit@5": mean(r["hit@5"] for r in group if r["hit@5"] is not None),
            "mrr@10": mean(r["mrr@10"] for r in group if r["mrr@10"] is not None),
            "f1": mean(r["f1"] for r in group if r["f1"] is not None),
            "contains": mean(r["contains"] for r in group if r["contains"] is not None),
            "abstained": mean(float(r["abstained"]) for r in group),
        }
        for kind, group in sorted(kinds.items())
    }


def hit_curve(rows: Sequence[dict]) -> list[float | None]:
    """Mean hit@k for k = 1..10 over answerable questions."""
    curves = [r["hit_curve"] for r in rows if r["hit_curve"] is not None]
    return [mean(c[i] for c in curves) for i in range(DEPTH)]


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
    return {
        "metrics": summarize(rows),
        "latency_ms": stage_latency(rows),
        "hit_curve": hit_curve(rows),
        "by_type": by_type(rows),
        "questions": rows,
    }


# -- the `qa eval` command ---------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gold",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="gold JSONL file (repeatable)",
    )
    parser.add_argument(
        "--corpus",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="articles to index first (repeatable); reused while unchanged",
    )
    parser.add_argument(
        "--sample", action="store_true", help="index the bundled sample corpus (as --corpus)"
    )
    parser.add_argument("--retriever", choices=["dense", "bm25", "hybrid"])
    parser.add_argument(
        "--k",
        type=int,
        metavar="N",
        help="passages an answer reads (default 10); retrieval scores the top 10",
    )
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N questions")
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="folder for report.md and PNG plots"
    )
    parser.add_argument(
        "--json", type=Path, metavar="FILE", help="write metrics and per-question results"
    )
    parser.add_argument(
        "--floor",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="exit 1 when METRIC is below VALUE, e.g. hit@5=0.9 (repeatable)",
    )
    parser.add_argument(
        "--ceiling",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="exit 1 when METRIC is above VALUE: false_abstain or latency_p50_ms/p95_ms",
    )
    parser.add_argument(
        "--compare",
        nargs=2,
        type=Path,
        metavar=("A.json", "B.json"),
        help="print each metric, B - A",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def parse_bounds(specs: Sequence[str], flag: str = "--floor") -> dict[str, float]:
    """`METRIC=VALUE` pairs; --floor takes the higher-is-better metrics, --ceiling the others."""
    allowed = FLOOR_KEYS if flag == "--floor" else CEILING_KEYS
    bounds = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        if not sep or name not in allowed:
            raise ValueError(
                f"{flag} {spec!r}: expected METRIC=VALUE with METRIC one of " + ", ".join(allowed)
            )
        try:
            bounds[name] = float(value)
        except ValueError:
            raise ValueError(f"{flag} {spec!r}: {value!r} is not a number") from None
    return bounds


def check_bounds(
    metrics: dict[str, Any], floors: dict[str, float], ceilings: dict[str, float] | None = None
) -> list[str]:
    """Messages for every metric below its floor or above its ceiling (undefined fails)."""
    checks = [(name, bound, "floor") for name, bound in floors.items()]
    checks += [(name, bound, "ceiling") for name, bound in (ceilings or {}).items()]
    failed = []
    for name, bound, kind in checks:
        value = metrics.get(name)
        if value is None:
            failed.append(f"{name} is undefined on this gold set ({kind} {bound})")
        elif kind == "floor" and value < bound:
            failed.append(f"{name} {value:.4f} < floor {bound}")
        elif kind == "ceiling" and value > bound:
            failed.append(f"{name} {value:.4f} > ceiling {bound}")
    return failed


def corpus_index_dir(config: Config, corpus: Sequence[Path], name: str | None = None) -> Path:
    """Where an eval builds its index of `corpus`: --index when given, else a folder
    under the default index named after the corpus and the settings that shape it."""
    if "index" in config.explicit:
        return config.index
    key = json.dumps(
        [
            sorted(str(p.resolve()) for p in corpus),
            [config.model, config.chunk_tokens, config.chunk_overlap, config.encoding],
            [config.stemmer, config.stopwords],
        ]
    )
    name = name or (corpus[0].stem if corpus[0].is_file() else corpus[0].name)
    return config.index / "eval" / f"{name or 'corpus'}-{sha256(key.encode()).hexdigest()[:10]}"


def command(args: argparse.Namespace, config: Config) -> int:
    """`qa eval`: exit 0, 1 when a floor or ceiling fails, 2 on usage or input errors."""
    from qa import report

    if args.compare:
        return report.compare(*args.compare)
    if not args.gold:
        print("qa: error: give --gold FILE.jsonl (or --compare A.json B.json)", file=sys.stderr)
        return 2
    floors, ceilings = parse_bounds(args.floor), parse_bounds(args.ceiling, "--ceiling")
    if args.limit is not None and args.limit < 1:
        raise ValueError("--limit must be positive")
    gold = load_gold(args.gold)[: args.limit]
    progress = not args.quiet and sys.stderr.isatty()
    corpus = list(args.corpus)
    if args.sample:
        from qa.cli import sample_files

        corpus += sample_files()
    own = "index" not in config.explicit  # a folder of our own, see corpus_index_dir
    from qa.index import Index
    from qa.store import read_manifest

    if corpus:
        name = "sample" if args.sample and not args.corpus else None
        config = config.replace(index=corpus_index_dir(config, corpus, name))
    elif read_manifest(config.index) is None:
        print(
            f"qa: no index at {config.index}; give --corpus (or build it with `qa ingest`)",
            file=sys.stderr,
        )
        return 2
    with Index(config) as index:
        if corpus and not _build(index, corpus, own, progress):
            return 2
        _warn_missing_doc_ids(index, gold)
        result = evaluate(index, gold, k=config.k, retriever=config.retriever, progress=progress)
        result["settings"] = _settings(args, index.config, corpus)
    report.print_console(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", "utf-8")
        print(f"wrote {args.json}")
    if args.out:
        for path in report.write_report(result, args.out):
            print(f"wrote {path}")
    failed = check_bounds(result["metrics"], floors, ceilings)
    for message in failed:
        print(f"qa: check failed: {message}", file=sys.stderr)
    return 1 if failed else 0


def _build(index: Any, corpus: list[Path], own: bool, progress: bool) -> bool:
    """Ingest the corpus (unchanged articles are skipped); in an index of our own, drop
    articles the corpus no longer has, so the eval runs over exactly the corpus."""
    report = index.ingest(corpus, progress=progress)
    for problem in report.problems:
        print(f"qa: failed: {problem}", file=sys.stderr)
    ids = set(report.added) | set(report.updated) | set(report.unchanged)
    if not ids:
        print("qa: error: nothing could be read from --corpus", file=sys.stderr)
        return False
    extra = [a for a in index.store.article_ids() if a not in ids]
    if extra and own:
        index.remove(*extra)
    elif extra:
        print(
            f"qa: note: {index.config.index} also holds {len(extra)} articles not in --corpus",
            file=sys.stderr,
        )
    print(f"index {index.config.index}: {report.summary()}", file=sys.stderr)
    return True


def _warn_missing_doc_ids(index: Any, gold: Sequence[GoldItem]) -> None:
    """Gold articles the index lacks can never be retrieved: say so rather than score 0."""
    present = set(index.store.article_ids())
    missing = sorted({d for item in gold for d in item.doc_ids} - present)
    if missing:
        print(
            f"qa: warning: {len(missing)} gold doc_ids are not in the index"
            f" (e.g. {', '.join(missing[:3])}): wrong --corpus?",
            file=sys.stderr,
        )


def _settings(args: argparse.Namespace, config: Config, corpus: list[Path]) -> dict[str, Any]:
    return {
        "gold": [str(p) for p in args.gold],
        "corpus": [str(p) for p in corpus],
        "index": str(config.index),
        "retriever": config.retriever,
        "k": config.k,
        "model": config.model,
        "chunk_tokens": config.chunk_tokens,
        "chunk_overlap": config.chunk_overlap,
        "stemmer": config.stemmer,
        "answer_mode": "extractive",
        "limit": args.limit,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
