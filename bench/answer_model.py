"""Fit the short-answer scorer on FacQA train and calibrate abstention: `--train` mode.

1. The short-answer scorer: every candidate `span_candidates` proposes from the top evidence
   sentences (exactly as `answer` does) is labelled positive when it is a gold answer
   (normalized as the benchmark does); a logistic regression over the candidate features gives
   `SPAN_WEIGHTS`. Two-fold cross-validation on train reports the F1 / EM of the top pick.
2. Abstention: every train question (answerable) and samples of train questions asked again
   over copies of the index with their gold passages removed (unanswerable). A logistic
   regression over the best sentence's coverage and the best span's score gives their ratio
   (`abstain_span_weight`), and a table of thresholds on the resulting confidence chooses
   `abstain_below`. Tried and not kept, each within +-0.03 of this at the same false
   abstention: sentence score, query-sentence cosine (MiniLM), unseen / missing term shares,
   capitalized-name coverage, bigram share, term-order LCS, candidate type fit, and a
   gradient-boosted model over all of them (valid: 0.65 abstained at 10% false abstention).

Run as `python bench/answering.py --train`; prints SPAN_WEIGHTS to paste into
qa/answering.py. Valid is never read.
"""

from __future__ import annotations

import math
import random
import shutil
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from qa import answering
from qa.analysis import Analyzer, term_weights
from qa.answering import followup_query, score_sentences, span_candidates
from qa.config import Config
from qa.eval import normalize_answer as normalize
from qa.eval import token_f1 as f1
from qa.index import Index
from qa.retrieval import Hit


@dataclass
class Question:
    """One question's candidates (features, text) and its best sentence's coverage."""

    answers: list[str]
    candidates: list[tuple[dict[str, float], str]]
    coverage: float
    span: float = -10.0  # the best candidate's score with the current SPAN_WEIGHTS


@dataclass
class Retrieved:
    """One question's retrieval, done once: hits and the document frequencies of its terms."""

    item: dict
    query: str
    hits: list[Hit]
    total: int
    freqs: dict[str, int]


def retrieve(index: Index, items: list[dict], config: Config) -> list[Retrieved]:
    analyzer = index.retriever.analyzer
    out = []
    for item in items:
        query = followup_query(item["question"], None, analyzer, config)
        total, freqs = index.store.document_frequencies(analyzer.terms(query))
        out.append(Retrieved(item, query, index.search(query), total, freqs))
    return out


def featurize(retrieved: list[Retrieved], analyzer: Analyzer, config: Config) -> list[Question]:
    """Run the answerer's steps up to scoring and keep what the models are fit on."""
    out = []
    for r in retrieved:
        question, query = r.item["question"], r.query
        weights = term_weights(analyzer.terms(query), r.total, r.freqs, 1.0)
        evidence = score_sentences(question, query, r.hits, weights, analyzer, config)
        if not evidence:
            out.append(Question(r.item["answers"], [], 0.0))
            continue
        candidates = span_candidates(question, query, evidence, analyzer, config)
        features = [(c.features, c.text) for c in candidates]
        span = max(candidates[0].score, -10.0) if candidates else -10.0
        out.append(Question(r.item["answers"], features, evidence[0].coverage, span))
    return out


def _fit(rows: list[dict[str, float]], labels: list[int], c: float) -> dict[str, float]:
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(rows)
    model = LogisticRegression(C=c, max_iter=2000).fit(x, labels)
    weights = dict(zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True))
    weights["bias"] = float(model.intercept_[0])
    return {k: round(float(v), 3) for k, v in weights.items()}


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
        _, text = max(q.candidates, key=lambda c: answering._linear(weights, c[0]))
        f1s.append(max(f1(text, a) for a in q.answers))
        ems.append(float(any(normalize(text) == normalize(a) for a in q.answers)))
    return statistics.mean(f1s), statistics.mean(ems)


def fit_spans(questions: list[Question], c: float = 1.0) -> dict[str, float]:
    """Two-fold check on train, then the weights fit on all of train."""
    order = list(range(len(questions)))
    random.Random(0).shuffle(order)
    folds = [[questions[i] for i in order[::2]], [questions[i] for i in order[1::2]]]
    for name, weights in (("current", answering.SPAN_WEIGHTS), ("refit", None)):
        scores = []
        for k in (0, 1):
            w = weights
            if w is None:
                train = folds[1 - k]
                rows = [feat for q in train for feat, _ in q.candidates]
                labels = [y for q in train for y in _labels(q)]
                w = _fit(rows, labels, c)
            scores.append(_pick_scores(folds[k], w))
        f, e = (statistics.mean(s[i] for s in scores) for i in (0, 1))
        print(f"2-fold train pick ({name:7s}, C={c})  F1 {f:.3f}  EM {e:.3f}")
    rows = [feat for q in questions for feat, _ in q.candidates]
    labels = [y for q in questions for y in _labels(q)]
    weights = _fit(rows, labels, c)
    short_answer_table(questions, weights)
    return weights


def short_answer_table(questions: list[Question], weights: dict[str, float]) -> None:
    """Train F1 when no short answer is given below a score, to choose `short_answer_below`."""
    best = []
    for q in questions:
        scored = [(answering._linear(weights, f), text) for f, text in q.candidates]
        score, text = max(scored, default=(-math.inf, ""))
        best.append((score, max(f1(text, a) for a in q.answers) if text else 0.0))
    print("short_answer_below  F1 (train)  short answer given")
    for t in (-math.inf, -4.0, -3.5, -3.0, -2.5):
        f = statistics.mean(v if s >= t else 0.0 for s, v in best)
        given = statistics.mean(s >= t for s, _ in best)
        print(f"  {t:5.1f}             {f:.3f}        {given:.3f}")


def removed_retrievals(
    index_dir: Path, items: list[dict], config: Config, batches: int, size: int
) -> list[Retrieved]:
    """Train questions asked over index copies without their gold passages (unanswerable)."""
    out: list[Retrieved] = []
    rng = random.Random(1)
    for _ in range(batches):
        sample = rng.sample(items, size)
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "index"
            shutil.copytree(index_dir, copy)
            with Index(config.replace(index=copy)) as index:
                index.remove(*{d for item in sample for d in item["doc_ids"]})
                out += retrieve(index, sample, config)
    return out


def abstention_table(answerable: list[Question], removed: list[Question]) -> None:
    """Fit the span's weight in the confidence, then false abstention / abstention per threshold."""
    rows = [{"coverage": q.coverage, "span": q.span} for q in answerable + removed]
    labels = [1] * len(answerable) + [0] * len(removed)
    weights = _fit(rows, labels, 1.0)
    ratio = round(weights["span"] / weights["coverage"], 3)
    print(f"\nabstain_span_weight = {ratio}  (span / coverage weight of the logistic regression)")
    confidence = lambda q: q.coverage + ratio * q.span  # noqa: E731
    print("threshold  false-abstain(train)  abstain(train, gold removed)")
    for t in [x / 100 for x in range(25, 56, 3)]:
        normal = statistics.mean(confidence(q) < t for q in answerable)
        gone = statistics.mean(confidence(q) < t for q in removed)
        print(f"  {t:.2f}      {normal:.3f}                 {gone:.3f}")


def train(index_dir: Path, items: list[dict], config: Config) -> None:
    with Index(config) as index:
        analyzer = index.retriever.analyzer
        answerable = retrieve(index, items, config)
    removed = removed_retrievals(index_dir, items, config, batches=5, size=100)
    fit(answerable, removed, analyzer, config)


def fit(
    answerable: list[Retrieved], removed: list[Retrieved], analyzer: Analyzer, config: Config
) -> dict[str, float]:
    questions = featurize(answerable, analyzer, config)
    span_weights = fit_spans(questions)
    abstention_table(questions, featurize(removed, analyzer, config))
    print("\nSPAN_WEIGHTS =", dict(sorted(span_weights.items())))
    return span_weights
