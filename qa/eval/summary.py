"""The summary of a run: per-question rows aggregated into metrics, latency and per-type scores.

Apart from the runner because it reads only rows, never an index: the report's tests and
the metric tests build rows by hand and aggregate them here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qa.eval.metrics import DEPTH, METRIC_KEYS, abstention_scores, mean, percentile, ratio


def aggregate(rows: list[dict]) -> dict[str, Any]:
    """A run's result from its rows: what `--json` writes, but for the settings."""
    return {
        "metrics": summarize(rows),
        "latency_ms": stage_latency(rows),
        "hit_curve": hit_curve(rows),
        "by_type": by_type(rows),
        "by_lang": by_lang(rows),
        "risk_coverage": risk_coverage(rows),
        "questions": rows,
    }


def summarize(rows: Sequence[dict]) -> dict[str, Any]:
    """The metrics (METRIC_KEYS) of per-question rows from `evaluate_question`."""
    answerable = [r for r in rows if not r["unanswerable"]]
    metrics: dict[str, Any] = {"n": len(rows)}
    for key in ("hit@1", "hit@5", "hit@10", "mrr@10", "ndcg@10", "recall@10", "em", "f1"):
        metrics[key] = mean(r[key] for r in answerable)
    metrics["contains"] = mean(r["contains"] for r in answerable)
    metrics.update(short_answer_scores(rows))
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


def short_answer_scores(rows: Sequence[dict]) -> dict[str, float | None]:
    """How far a bold short answer can be trusted.

    short_precision: shown short answers that are right / shown short answers (answerable);
    short_coverage: answerable questions with a shown short answer / answerable questions;
    wrong_answer_rate: questions given a wrong short answer, or answered although
    unanswerable / all questions.
    """
    answerable = [r for r in rows if not r["unanswerable"]]
    shown = [r for r in answerable if r["short_shown"]]
    right = sum(r["short_correct"] for r in shown)
    wrong = len(shown) - right + sum(not r["abstained"] for r in rows if r["unanswerable"])
    return {
        "short_precision": ratio(right, len(shown)),
        "short_coverage": ratio(len(shown), len(answerable)),
        "wrong_answer_rate": ratio(wrong, len(rows)),
    }


def risk_coverage(rows: Sequence[dict], points: int = 50) -> list[list[float]]:
    """[coverage, precision] pairs: showing only the best short-answer candidates (shown or
    withheld) above a falling `short_confidence`, what share of answerable questions get
    one, and how many of those are right. Up to `points` pairs, evenly spaced; the reader's
    own threshold is one point on this curve."""
    answerable = [r for r in rows if not r["unanswerable"]]
    ranked = sorted(
        (r for r in answerable if r.get("candidate_correct") is not None),
        key=lambda r: -(r.get("short_confidence") or 0.0),
    )
    curve, right = [], 0
    step = max(1, len(ranked) // points)
    for i, r in enumerate(ranked, 1):
        right += r["candidate_correct"]
        if i % step == 0 or i == len(ranked):
            curve.append([round(i / len(answerable), 4), round(right / i, 4)])
    return curve


def stage_latency(rows: Sequence[dict]) -> dict[str, dict[str, float | None]]:
    """p50 and p95 of retrieval, answering and both, apart: which stage a slowdown is in."""
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
    return _grouped(rows, "type")


def by_lang(rows: Sequence[dict]) -> dict[str, dict[str, float | None]]:
    """Per question language ("id", "en"): English questions over Indonesian articles are
    their own problem, and must not hide in the average."""
    return _grouped(rows, "lang")


def _grouped(rows: Sequence[dict], key: str) -> dict[str, dict[str, float | None]]:
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(str(r.get(key) or "?"), []).append(r)
    return {name: _group_scores(group) for name, group in sorted(groups.items())}


def _group_scores(group: Sequence[dict]) -> dict[str, float | None]:
    scores: dict[str, float | None] = {"n": len(group)}
    for key in ("hit@5", "mrr@10", "f1", "contains"):
        scores[key] = mean(r[key] for r in group if r[key] is not None)
    scores.update(short_answer_scores(group))
    scores["abstained"] = mean(float(r["abstained"]) for r in group)
    return scores


def hit_curve(rows: Sequence[dict]) -> list[float | None]:
    """Mean hit@k for k = 1..10 over answerable questions."""
    curves = [r["hit_curve"] for r in rows if r["hit_curve"] is not None]
    return [mean(c[i] for c in curves) for i in range(DEPTH)]
