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

from dataclasses import dataclass

Node = tuple  # (feature, threshold, left, right) or (value,)


@dataclass(frozen=True)
class Trees:
    baseline: float
    trees: tuple[tuple[Node, ...], ...]

    def score(self, features: dict[str, float]) -> float:
        """The ensemble's log-odds for one candidate's features."""
        total = self.baseline
        for tree in self.trees:
            node = tree[0]
            while len(node) == 4:
                name, threshold, left, right = node
                node = tree[left if features.get(name, 0.0) <= threshold else right]
            total += node[0]
        return total

    def to_data(self) -> dict:
        return {"baseline": self.baseline, "trees": [[list(n) for n in t] for t in self.trees]}

    @classmethod
    def from_data(cls, data: dict) -> Trees:
        """From `to_data`'s form; a ValueError for anything else."""
        trees = tuple(tuple(_node(n, i, len(t)) for i, n in enumerate(t)) for t in data["trees"])
        if not all(trees):
            raise ValueError("an empty tree")
        return cls(float(data["baseline"]), trees)


def _node(raw: list, index: int, size: int) -> Node:
    """Node `index` of a tree of `size` nodes; a split points forward, so a walk ends."""
    if len(raw) == 1:
        return (float(raw[0]),)
    name, threshold, left, right = raw
    if not (index < int(left) < size and index < int(right) < size):
        raise ValueError(f"a split points outside its tree or back ({left}, {right})")
    return (str(name), float(threshold), int(left), int(right))
