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
        "questions": rows,
    }


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
