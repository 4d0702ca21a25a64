"""Fit the short-answer scorer on FacQA train: `--train` mode.

Every candidate `span_candidates` proposes from the top evidence sentences (exactly as
`answer` does) is labelled positive when it is a gold answer (normalized as the benchmark
does); a logistic regression over the candidate features gives the span weights. Two-fold
cross-validation on train reports the F1 / EM of the top pick. Abstention has its own fit
(`bench/abstention.py`), and so has the correctness model (`bench/correctness.py`).

Run as `python bench/answering.py --train`; writes the answer model (qa/answering/model.json,
or --model-out) with a new version. Valid is never read.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, replace
from pathlib import Path

from bench.fitting import logistic_weights
from qa.analysis import Analyzer
from qa.answering.evidence import score_sentences
from qa.answering.model import AnswerModel, linear
from qa.answering.spans import span_candidates
from qa.config import Config
from qa.eval.metrics import normalize_answer as normalize
from qa.eval.metrics import token_f1 as f1
from qa.index import Index
from qa.query import Query
from qa.retrieval import Hit


@dataclass
class Question:
    """One question's candidates (features, text)."""

    answers: list[str]
    candidates: list[tuple[dict[str, float], str]]


@dataclass
class Retrieved:
    """One question's retrieval, done once: the query (with its term weights) and its hits."""

    item: dict
    query: Query
    hits: list[Hit]


def retrieve(index: Index, items: list[dict]) -> list[Retrieved]:
    out = []
    for item in items:
        query = index.query(item["question"])
        out.append(Retrieved(item, query, index.search(query)))
    return out


def featurize(
    retrieved: list[Retrieved], analyzer: Analyzer, model: AnswerModel, config: Config
) -> list[Question]:
    """Run the reader's steps up to scoring (exactly as it answers) and keep what the models
    are fit on."""
    out = []
    for r in retrieved:
        evidence = score_sentences(r.query, r.hits, analyzer, config)
        candidates = span_candidates(r.query, evidence, analyzer, model, config.answer_sentences)
        out.append(Question(r.item["answers"], [(c.features, c.text) for c in candidates]))
    return out


def _labels(q: Question) -> list[int]:
    """1 for a candidate that is a gold answer (normalized): on FacQA train this picks better
    spans, by F1 as well as EM, than counting near misses (token F1 >= 0.5 or 0.7) as right."""
    gold = {normalize(a) for a in q.answers}
    return [int(normalize(text) in gold) for _, text in q.candidates]


def _pick_scores(questions: list[Question], weights: dict[str, float]):
    f1s, ems = [], []
    for q in questions:
        if not q.candidates:
            f1s.append(0.0)
            ems.append(0.0)
            continue
        _, text = max(q.candidates, key=lambda c: linear(weights, c[0]))
        f1s.append(max(f1(text, a) for a in q.answers))
        ems.append(float(any(normalize(text) == normalize(a) for a in q.answers)))
    return statistics.mean(f1s), statistics.mean(ems)


def fit_spans(
    questions: list[Question], current: dict[str, float], c: float = 1.0
) -> dict[str, float]:
    """Two-fold check on train (against the `current` weights), then the weights fit on all
    of train."""
    order = list(range(len(questions)))
    random.Random(0).shuffle(order)
    folds = [[questions[i] for i in order[::2]], [questions[i] for i in order[1::2]]]
    for name, weights in (("current", current), ("refit", None)):
        scores = []
        for k in (0, 1):
            w = weights
            if w is None:
                train = folds[1 - k]
                rows = [feat for q in train for feat, _ in q.candidates]
                labels = [y for q in train for y in _labels(q)]
                w = logistic_weights(rows, labels, c)
            scores.append(_pick_scores(folds[k], w))
        f, e = (statistics.mean(s[i] for s in scores) for i in (0, 1))
        print(f"2-fold train pick ({name:7s}, C={c})  F1 {f:.3f}  EM {e:.3f}")
    rows = [feat for q in questions for feat, _ in q.candidates]
    labels = [y for q in questions for y in _labels(q)]
    weights = logistic_weights(rows, labels, c)
    return weights


def train(items: list[dict], config: Config, out: Path) -> None:
    """Fit on `items` (train questions) and write the answer model to `out`."""
    with Index(config) as index:
        analyzer, model = index.analyzer, index.answer_model
        answerable = retrieve(index, items)
    questions = featurize(answerable, analyzer, model, config)
    fitted = replace(model, span_weights=fit_spans(questions, model.span_weights))
    fitted.save(out)
    print(f"\nwrote {out}: answer model {fitted.version} (was {model.version})")
