"""Cognates: the Indonesian spellings an English loanword may have ("compensation" →
"kompensasi", "textile" → "tekstil", "category" → "kategori").

Indonesian borrowed much of its modern vocabulary from Dutch and English and spells it by
regular rules (-tion → -si, -ity → -itas, c → k, ph → f ...). A word the dictionary lacks is
respelled by those rules into a few candidates; `Query.build` keeps the ones the index's
vocabulary holds, so a wrong guess costs nothing and a right one turns an untranslatable
word into a matched one.
"""

from __future__ import annotations

import re

# Word endings, English → Indonesian, longest first.
_ENDINGS: list[tuple[str, tuple[str, ...]]] = [
    ("ization", ("isasi",)), ("isation", ("isasi",)), ("ication", ("ikasi",)),
    ("ation", ("asi",)), ("ition", ("isi",)), ("ution", ("usi",)), ("ction", ("ksi",)),
    ("ssion", ("si",)), ("sion", ("si",)), ("tion", ("si",)),
    ("ical", ("is", "ikal")), ("ally", ("al",)), ("ity", ("itas",)), ("ism", ("isme",)),
    ("ist", ("is",)), ("ics", ("ika",)), ("ic", ("ik", "is")), ("ive", ("if",)),
    ("ary", ("er", "ari")), ("ory", ("ori",)), ("ogy", ("ogi",)), ("phy", ("fi",)),
    ("ence", ("ensi",)), ("ance", ("ansi",)), ("ency", ("ensi",)), ("ancy", ("ansi",)),
    ("ment", ("men",)), ("ent", ("en",)), ("ant", ("an",)), ("ure", ("ur",)),
    ("le", ("l", "el")), ("y", ("i",)), ("e", ("",)),
]  # fmt: skip
# Letters, in order: digraphs before single letters.
_LETTERS: list[tuple[str, str]] = [
    ("tion", "sion"), ("ph", "f"), ("th", "t"), ("ch", "k"), ("sh", "sy"), ("qu", "ku"),
    ("x", "ks"), ("ee", "i"), ("oo", "u"), ("ou", "u"), ("y", "i"),
]  # fmt: skip
_MIN_LENGTH = 5  # shorter words are too often false friends


def cognates(word: str) -> list[str]:
    """Candidate Indonesian spellings of an English word (lower case), most likely first;
    none for short words or words with anything but letters."""
    if len(word) < _MIN_LENGTH or not word.isalpha() or not word.isascii():
        return []
    found: list[str] = []
    for stem, endings in _split_ending(word):
        for ending in endings:
            found.append(_respell(stem) + ending)
    return [c for c in dict.fromkeys(found) if c != word and len(c) >= 4]


def _split_ending(word: str) -> list[tuple[str, tuple[str, ...]]]:
    """(stem, its possible Indonesian endings): the first English ending that fits, and the
    word as it is."""
    for english, indonesian in _ENDINGS:
        if word.endswith(english) and len(word) - len(english) >= 3:
            return [(word[: -len(english)], indonesian), (word, ("",))]
    return [(word, ("",))]


def _respell(stem: str) -> str:
    """English spelling → Indonesian: digraphs, then c (k before a/o/u/consonants, s before
    e/i), then doubled consonants made single."""
    for english, indonesian in _LETTERS:
        stem = stem.replace(english, indonesian)
    stem = re.sub(r"c(?=[eiy])", "s", stem)
    stem = stem.replace("c", "k")
    return re.sub(r"([b-df-hj-np-tv-z])\1", r"\1", stem)
