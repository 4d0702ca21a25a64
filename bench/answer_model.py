"""Fit the short-answer scorer on FacQA train: `--train` mode.

Every candidate `span_candidates` proposes from the top evidence sentences (exactly as
`answer` does) is labelled positive when it is a gold answer (normalized as the benchmark
does); gradient-boosted trees over the candidate features (`qa.answering.trees`) give the
span scorer. Two-fold cross-validation on train reports the F1 / EM of the top pick.
Abstention has its own fit (`bench/abstention.py`), and so has the correctness model
(`bench/correctness.py`).

Run as `python bench/answering.py --train`; writes the answer model (qa/answering/model.json,
or --model-out) with a new version. Valid is never read.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction import DictVectorizer

from bench.fitting import two_folds
from qa.analysis import Analyzer
from qa.answering.evidence import score_sentences
from qa.answering.model import AnswerModel
from qa.answering.spans import span_candidates
from qa.answering.trees import Trees
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


def _pick_scores(questions: list[Question], scorer: Callable[[dict[str, float]], float]):
    f1s, ems = [], []
    for q in questions:
        if not q.candidates:
            f1s.append(0.0)
            ems.append(0.0)
            continue
        _, text = max(q.candidates, key=lambda c: scorer(c[0]))
        f1s.append(max(f1(text, a) for a in q.answers))
        ems.append(float(any(normalize(text) == normalize(a) for a in q.answers)))
    return statistics.mean(f1s), statistics.mean(ems)


# The ensemble's size: with the words around a span as features, 100 trees of at most 8
# leaves picked better than 50 in 2-fold cross-validation on train (pick F1 0.551 vs 0.543;
# 100 of 16 leaves: 0.548); the answer step's tree walk costs about 0.6 ms for 30 candidates.
TREES, LEAVES = 100, 8


def fit_trees(questions: list[Question]) -> Trees:
    """Boosted trees on every candidate of `questions`, labelled by `_labels`."""
    rows = [feat for q in questions for feat, _ in q.candidates]
    labels = [y for q in questions for y in _labels(q)]
    vectorizer = DictVectorizer(sparse=False)
    x = vectorizer.fit_transform(rows)
    model = HistGradientBoostingClassifier(
        max_iter=TREES, max_leaf_nodes=LEAVES, early_stopping=False, random_state=0
    ).fit(x, labels)
    names = vectorizer.get_feature_names_out()
    trees = tuple(
        tuple(_node(n, names) for n in predictor.nodes) for (predictor,) in model._predictors
    )
    fitted = Trees(round(float(model._baseline_prediction[0][0]), 6), trees)
    sklearn = model.decision_function(x)
    gap = max(abs(fitted.score(r) - d) for r, d in zip(rows, sklearn, strict=True))
    assert gap < 1e-4, f"the exported trees score {gap} away from sklearn's"
    return fitted


def _node(node, names) -> tuple:
    """One node of a fitted sklearn tree in `Trees`' form (leaf values include the rate)."""
    if node["is_leaf"]:
        return (round(float(node["value"]), 6),)
    feature = str(names[node["feature_idx"]])
    return (feature, float(node["num_threshold"]), int(node["left"]), int(node["right"]))


def fit_spans(questions: list[Question], current: Trees) -> Trees:
    """Two-fold check on train (against the `current` scorer), then the trees fit on all of
    train."""
    folds = [[questions[i] for i in half] for half in two_folds(len(questions))]
    for name, fixed in (("current", current), ("refit", None)):
        scores = []
        for k in (0, 1):
            trees = fixed or fit_trees(folds[1 - k])
            scores.append(_pick_scores(folds[k], trees.score))
        f, e = (statistics.mean(s[i] for s in scores) for i in (0, 1))
        print(f"2-fold train pick ({name:7s})  F1 {f:.3f}  EM {e:.3f}")
    return fit_trees(questions)


def train(items: list[dict], config: Config, out: Path) -> None:
    """Fit on `items` (train questions) and write the answer model to `out`."""
    with Index(config) as index:
        analyzer, model = index.analyzer, index.answer_model
        answerable = retrieve(index, items)
    questions = featurize(answerable, analyzer, model, config)
    fitted = replace(model, span_trees=fit_spans(questions, model.span_trees))
    fitted.save(out)
    print(f"\nwrote {out}: answer model {fitted.version} (was {model.version})")
