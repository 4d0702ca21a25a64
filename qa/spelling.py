"""Spelling variants: a question's word that no article holds, matched to the words one edit
away that some do ("Danau Bunggara" finds the article that writes "Danau Bungara").

People misspell, and news spells names more than one way. Only a word the index has never
seen is respelled, only one of at least `MIN_LENGTH` letters with no digit (a year is never
another year), and only to words within one edit (a letter dropped, added or changed, or two
neighbours swapped), the commonest `MOST` of them. The question keeps the word it asked; its
variants join it as one group of alternatives, as a translation's do, so that BM25, coverage
and abstention count the group as the one word it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

MIN_LENGTH = 6
MOST = 3
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deleted = {a + b[1:] for a, b in splits if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changed = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserted = {a + c + b for a, b in splits for c in _LETTERS}
    return (deleted | swapped | changed | inserted) - {word}


def respellable(term: str) -> bool:
    return len(term) >= MIN_LENGTH and term.isalpha() and term.isascii()


def respellings(
    terms: Sequence[str], frequencies: Callable[[list[str]], dict[str, int]]
) -> dict[str, tuple[str, ...]]:
    """Each respellable term of `terms` (words the index does not hold) -> the words one edit
    away that it does, commonest first; terms with none are left out. `frequencies(words)`
    gives the chunks holding each word (one call for all of them)."""
    wanted = {term: one_edit(term) for term in dict.fromkeys(terms) if respellable(term)}
    if not wanted:
        return {}
    held = frequencies(sorted(set().union(*wanted.values())))
    found = {}
    for term, variants in wanted.items():
        ranked = sorted((w for w in variants if held.get(w)), key=lambda w: (-held[w], w))
        if ranked:
            found[term] = tuple(ranked[:MOST])
    return found
