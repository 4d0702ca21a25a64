"""What the scripts that fit the answer model share: a logistic regression over feature
dicts, returned as the weights `qa.answering.model.linear` reads, the two halves their
cross-validation uses, and their command line."""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from pathlib import Path

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from qa.answering.model import MODEL_FILE


def logistic_weights(
    rows: Sequence[dict[str, float]],
    labels: Sequence[int],
    sample_weight: Sequence[float] | None = None,
) -> dict[str, float]:
    """Feature name -> weight, and "bias", rounded for a readable model file."""
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(rows)
    model = LogisticRegression(max_iter=5000).fit(x, labels, sample_weight=sample_weight)
    weights = dict(zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True))
    weights["bias"] = float(model.intercept_[0])
    return {k: round(float(v), 4) for k, v in weights.items()}


def two_folds(count: int) -> tuple[list[int], list[int]]:
    """The indexes 0..count-1 shuffled (seed 0) and dealt into two halves: each is scored by
    a model fit on the other."""
    order = list(range(count))
    random.Random(0).shuffle(order)
    return order[::2], order[1::2]


def fit_arguments(doc: str) -> argparse.Namespace:
    """`--check` (print the current model's numbers, write nothing) and `--model-out`."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="print the numbers, write nothing")
    parser.add_argument("--model-out", type=Path, default=MODEL_FILE)
    return parser.parse_args()
