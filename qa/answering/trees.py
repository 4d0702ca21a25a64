"""Boosted decision trees as plain data, scored without the library that fit them.

The short-answer scorer is a small gradient-boosted ensemble (fit by scikit-learn's
`HistGradientBoostingClassifier` in `bench/answer_model.py`): it weighs features together
("a name, near the question's words, in the best sentence"), which one weight per feature
cannot. Each tree is a list of nodes, the root first; a split is `[feature, threshold, left,
right]` (go left when the feature, 0 when absent, is at most the threshold; children come
after their parent), a leaf is `[value]`. The score is the baseline plus one leaf value per
tree: log-odds, like a logistic regression's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

Node = tuple  # (feature, threshold, left, right) or (value,)


@dataclass(frozen=True)
class Trees:
    baseline: float
    trees: tuple[tuple[Node, ...], ...]

    def score(self, features: dict[str, float]) -> float:
        """The ensemble's log-odds for one candidate's features."""
        return self.score_many([features])[0]

    def score_many(self, rows: Sequence[dict[str, float]]) -> list[float]:
        """The log-odds of each candidate, all trees walked a level at a time for all
        candidates at once (a question has about thirty: one walk in Python each was a
        millisecond of every answer)."""
        if not rows:
            return []
        flat = self._flat
        x = np.zeros((len(rows), len(flat.names) + 1))
        for r, row in enumerate(rows):  # a candidate has a few of the many features
            for name, value in row.items():
                if (c := flat.column.get(name)) is not None:
                    x[r, c] = value
        at = np.tile(flat.roots, (len(rows), 1))
        cases = np.arange(len(rows))[:, None]
        for _ in range(flat.depth):
            left = x[cases, flat.feature[at]] <= flat.threshold[at]
            at = np.where(left, flat.left[at], flat.right[at])
        return (self.baseline + flat.value[at].sum(axis=1)).tolist()

    @cached_property
    def _flat(self) -> _Flat:
        return _Flat.of(self.trees)

    def to_data(self) -> dict:
        return {"baseline": self.baseline, "trees": [[list(n) for n in t] for t in self.trees]}

    @classmethod
    def from_data(cls, data: dict) -> Trees:
        """From `to_data`'s form; a ValueError for anything else."""
        trees = tuple(tuple(_node(n, i, len(t)) for i, n in enumerate(t)) for t in data["trees"])
        if not all(trees):
            raise ValueError("an empty tree")
        return cls(float(data["baseline"]), trees)


@dataclass(frozen=True)
class _Flat:
    """All trees' nodes in arrays, each tree's after the one before. A leaf reads the last,
    always-zero column against an infinite threshold and leads to itself, so a walk may go
    on past it."""

    names: list[str]  # the features the splits read, in column order
    column: dict[str, int]  # name -> its column
    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    depth: int

    @classmethod
    def of(cls, trees: Sequence[Sequence[Node]]) -> _Flat:
        names = sorted({node[0] for tree in trees for node in tree if len(node) == 4})
        column = {name: i for i, name in enumerate(names)}
        rows: list[tuple[int, float, int, int, float]] = []
        roots = []
        depth = 0
        for tree in trees:
            base = len(rows)
            roots.append(base)
            depth = max(depth, _depth(tree))
            for i, node in enumerate(tree):
                if len(node) == 4:
                    name, threshold, left, right = node
                    rows.append((column[name], threshold, base + left, base + right, 0.0))
                else:
                    rows.append((len(names), np.inf, base + i, base + i, node[0]))
        feature, threshold, left, right, value = (np.array(c) for c in zip(*rows, strict=True))
        return cls(names, column, np.array(roots), feature, threshold, left, right, value, depth)


def _depth(tree: Sequence[Node], at: int = 0) -> int:
    """Splits on the longest path from node `at` to a leaf."""
    node = tree[at]
    if len(node) == 1:
        return 0
    return 1 + max(_depth(tree, node[2]), _depth(tree, node[3]))


def _node(raw: list, index: int, size: int) -> Node:
    """Node `index` of a tree of `size` nodes; a split points forward, so a walk ends."""
    if len(raw) == 1:
        return (float(raw[0]),)
    name, threshold, left, right = raw
    if not (index < int(left) < size and index < int(right) < size):
        raise ValueError(f"a split points outside its tree or back ({left}, {right})")
    return (str(name), float(threshold), int(left), int(right))
