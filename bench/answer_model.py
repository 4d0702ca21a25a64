"""Fit the short-answer scorer on FacQA train and calibrate abstention: `--train` mode.

1. The short-answer scorer: every candidate `span_candidates` proposes from the top evidence
   sentences (exactly as `answer` does) is labelled positive when it is a gold answer
   (normalized as the benchmark does); a logistic regression over the candidate features gives
   the span weights. Two-fold cross-validation on train reports the F1 / EM of the top pick.
2. Abstention: every train question (answerable) and every train question asked again, 100
   at a time, over copies of the index without their gold passages (unanswerable). A
   logistic regression over the best sentence's coverage and the best span's score gives
   their ratio (`abstain_span_weight`). Then, per question type, the threshold on the
   resulting confidence that maximizes gold-removed abstentions minus `lam` times answerable
   ones; `lam` is the smallest that keeps train false abstention within `FALSE_ABSTAIN`
   (`abstain_below`). Tried and not kept, each within +-0.03 of one shared threshold at the
   same false abstention: sentence score, query-sentence cosine (MiniLM), MiniLM token-level
   max-similarity, a linear probe on MiniLM's embedding of "question [SEP] sentence", unseen /
   missing term shares, capitalized-name coverage, bigram share, term-order LCS, candidate
   type fit, and a gradient-boosted model over all of them (valid: 0.65 abstained at 10%
   false abstention).

Run as `python bench/answering.py --train`; writes the answer model (qa/answering/model.json,
or --model-out) with a new version. Valid is never read.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, replace
from pathlib import Path

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from bench.answering import without_gold
from qa.analysis import Analyzer, QuestionType
from qa.answering.evidence import score_sentences
from qa.answering.model import AnswerModel, linear
from qa.answering.reader import SPAN_FLOOR, best_span_score
from qa.answering.spans import span_candidates
from qa.config import Config
from qa.eval.metrics import normalize_answer as normalize
from qa.eval.metrics import token_f1 as f1
from qa.index import Index
from qa.query import Query
from qa.retrieval import Hit


@dataclass
class Question:
    """One question's candidates (features, text) and its best sentence's coverage."""

    answers: list[str]
    candidates: list[tuple[dict[str, float], str]]
    coverage: float
    kind: QuestionType
    span: float = SPAN_FLOOR  # the best candidate's score with the current model


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
        kind = r.query.kind
        if not evidence:
            out.append(Question(r.item["answers"], [], 0.0, kind))
            continue
        candidates = span_candidates(r.query, evidence, analyzer, model, config.answer_sentences)
        features = [(c.features, c.text) for c in candidates]
        span = best_span_score(candidates)
        out.append(Question(r.item["answers"], features, evidence[0].coverage, kind, span))
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
                w = _fit(rows, labels, c)
            scores.append(_pick_scores(folds[k], w))
        f, e = (statistics.mean(s[i] for s in scores) for i in (0, 1))
        print(f"2-fold train pick ({name:7s}, C={c})  F1 {f:.3f}  EM {e:.3f}")
    rows = [feat for q in questions for feat, _ in q.candidates]
    labels = [y for q in questions for y in _labels(q)]
    weights = _fit(rows, labels, c)
    return weights


# Train false abstention the per-type thresholds may reach: that of the one shared threshold
# (0.37) they replaced, so that the gain is in abstentions alone.
FALSE_ABSTAIN = 0.064


def _best_threshold(scored: list[tuple[float, bool]], lam: float, grid: list[float]) -> float:
    """Most gold-removed questions below it, less `lam` per answerable one."""
    return max(grid, key=lambda t: sum(1.0 if gone else -lam for c, gone in scored if c < t))


def fit_abstention(
    answerable: list[Question], removed: list[Question]
) -> tuple[float, dict[QuestionType, float]]:
    """The span's weight in the confidence, then one threshold per question type."""
    rows = [{"coverage": q.coverage, "span": q.span} for q in answerable + removed]
    labels = [1] * len(answerable) + [0] * len(removed)
    weights = _fit(rows, labels, 1.0)
    ratio = round(weights["span"] / weights["coverage"], 3)
    print(f"\nabstain_span_weight = {ratio}  (span / coverage weight of the logistic regression)")
    scored = [
        (q.kind, q.coverage + ratio * q.span, gone)
        for questions, gone in ((answerable, False), (removed, True))
        for q in questions
    ]
    grid = [x / 100 for x in range(10, 80)]

    def thresholds(lam: float) -> dict[QuestionType, float]:
        return {
            kind: _best_threshold([(c, gone) for k, c, gone in scored if k is kind], lam, grid)
            for kind in QuestionType
        }

    print("lam   false-abstain(train)  abstain(train, gold removed)")
    for lam in [x / 10 for x in range(15, 61)]:
        table = thresholds(lam)
        false = statistics.mean(c < table[k] for k, c, gone in scored if not gone)
        abstained = statistics.mean(c < table[k] for k, c, gone in scored if gone)
        print(f"  {lam:.1f}  {false:.3f}                 {abstained:.3f}")
        if false <= FALSE_ABSTAIN:
            return ratio, table
    return ratio, table


def train(index_dir: Path, items: list[dict], config: Config, out: Path) -> None:
    """Fit on `items` (train questions) and write the answer model to `out`."""
    with Index(config) as index:
        analyzer, model = index.analyzer, index.answer_model
        answerable = retrieve(index, items)
    order = items[:]
    random.Random(0).shuffle(order)
    removed = [
        r for batch, index in without_gold(index_dir, config, order) for r in retrieve(index, batch)
    ]
    questions = featurize(answerable, analyzer, model, config)
    span_weights = fit_spans(questions, model.span_weights)
    ratio, table = fit_abstention(questions, featurize(removed, analyzer, model, config))
    fitted = replace(
        model, span_weights=span_weights, abstain_span_weight=ratio, abstain_below=table
    )
    fitted.save(out)
    print(f"\nwrote {out}: answer model {fitted.version} (was {model.version})")
