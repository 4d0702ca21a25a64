"""Boosted trees as data: the span scorer's ensemble, read and scored without sklearn."""

from __future__ import annotations

import pytest

from qa.answering.trees import Trees

# Two trees: is the candidate near the question's words? is it a name?
DATA = {
    "baseline": -2.0,
    "trees": [
        [["near", 0.5, 1, 2], [-0.5], [1.5]],
        [["name", 0.5, 1, 2], [0.0], ["near", 0.5, 3, 4], [0.25], [1.0]],
    ],
}


def test_each_tree_adds_the_leaf_its_splits_lead_to() -> None:
    trees = Trees.from_data(DATA)
    assert trees.score({}) == pytest.approx(-2.5)  # absent features read as 0
    assert trees.score({"near": 1.0}) == pytest.approx(-0.5)
    assert trees.score({"name": 1.0}) == pytest.approx(-2.25)
    assert trees.score({"near": 1.0, "name": 1.0}) == pytest.approx(0.5)  # the pair counts more
    assert trees.score({"near": 0.5}) == trees.score({})  # at the threshold: left


def test_many_candidates_score_as_each_alone() -> None:
    trees = Trees.from_data(DATA)
    rows = [{}, {"near": 1.0}, {"name": 1.0}, {"near": 1.0, "name": 1.0}, {"near": 0.5}]
    assert trees.score_many(rows) == pytest.approx([-2.5, -0.5, -2.25, 0.5, -2.5])
    assert trees.score_many([]) == []


def test_data_round_trips_and_broken_trees_are_refused() -> None:
    assert Trees.from_data(Trees.from_data(DATA).to_data()) == Trees.from_data(DATA)
    with pytest.raises(ValueError, match="outside its tree"):
        Trees.from_data({"baseline": 0, "trees": [[["near", 0.5, 1, 7], [0.0], [1.0]]]})
    with pytest.raises(ValueError, match="outside its tree or back"):  # a loop never ends
        Trees.from_data({"baseline": 0, "trees": [[["a", 0, 1, 2], ["b", 0, 1, 2], [0.0]]]})
    with pytest.raises(ValueError, match="empty tree"):
        Trees.from_data({"baseline": 0, "trees": [[]]})
