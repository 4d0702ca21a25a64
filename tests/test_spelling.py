"""Spelling variants one edit away (qa/spelling.py)."""

from __future__ import annotations

from qa.spelling import MOST, one_edit, respellings


def test_one_edit_drops_adds_changes_or_swaps_a_letter() -> None:
    near = one_edit("bunggara")
    assert {"bungara", "bunggaraa", "bunggera", "bungagra"} <= near
    assert "bunggara" not in near and "bungera" not in near  # two edits away


def test_only_held_words_are_offered_commonest_first() -> None:
    held = {"bungara": 3, "bunggaya": 9, "kota": 50}
    asked: list[list[str]] = []

    def frequencies(words: list[str]) -> dict[str, int]:
        asked.append(words)
        return {w: held[w] for w in words if w in held}

    assert respellings(["bunggara", "kota", "2019"], frequencies) == {
        "bunggara": ("bunggaya", "bungara")
    }
    assert len(asked) == 1  # one lookup for every variant of every word


def test_at_most_a_few_spellings_are_kept() -> None:
    variants = sorted(one_edit("pelabuhan"))[:10]
    found = respellings(["pelabuhan"], lambda words: {w: 1 for w in words if w in variants})
    assert len(found["pelabuhan"]) == MOST
