"""The English→Indonesian word list: FreeDict's eng-ind and our own glossary, read once.

Both are TSV files in `qa/data/dictionary/` (english, part of speech, translations joined by
"|"; see its README for sources and licences). The glossary is written for news and wins
where both have a word: FreeDict's "regent" is "wali" (guardian), news says "bupati".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

DICTIONARY_DIR = Path(__file__).resolve().parent.parent / "data" / "dictionary"
FREEDICT = DICTIONARY_DIR / "eng-ind.tsv"
GLOSSARY = DICTIONARY_DIR / "glossary.tsv"
# FreeDict lists translations roughly by frequency; past the first few they drift into
# rare senses ("company" → "kompi", "besuk") that only add false matches.
MAX_TRANSLATIONS = 4

# Suffixes stripped to find an inflected word's headword (irregular forms such as "won" are
# glossary entries of their own).
_SUFFIXES: list[tuple[str, str]] = [
    ("ies", "y"), ("ves", "f"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"),
    ("ing", ""), ("ing", "e"), ("ly", ""), ("er", ""), ("est", ""),
]  # fmt: skip


class DictionaryError(ValueError):
    """A dictionary file that cannot be read; the message names it."""


@dataclass(frozen=True)
class Dictionary:
    """English word or phrase (lower case) → Indonesian translations, best first."""

    entries: dict[str, tuple[str, ...]]
    glossary: frozenset[str]  # the headwords that came from our glossary
    longest: int  # the most words in one headword

    @cached_property
    def indonesian(self) -> frozenset[str]:
        """Every single word of the translations: the Indonesian words the dictionary knows."""
        return frozenset(w for found in self.entries.values() for t in found for w in t.split())

    def lookup(self, english: str, glossary_only: bool = False) -> tuple[str, ...]:
        """Translations of a word or phrase, trying its base form ("companies" → "company",
        "registered" → "register") when the form itself is no headword."""
        for form in (english, *base_forms(english)):
            found = self.entries.get(form)
            if found and (not glossary_only or form in self.glossary):
                return found
        return ()


def base_forms(word: str) -> list[str]:
    """Candidate base forms of an inflected English word, most likely first."""
    forms = []
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)] + replacement
            forms.append(stem)
            if len(stem) > 3 and stem[-1] == stem[-2]:  # "stopped" → "stopp" → "stop"
                forms.append(stem[:-1])
    return forms


def read_tsv(path: Path) -> dict[str, tuple[str, ...]]:
    """One dictionary file: {english: translations}; '#' lines are comments."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DictionaryError(f"{path}: cannot read the dictionary ({exc})") from None
    entries: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) != 3:
            raise DictionaryError(f"{path}:{number}: expected 3 tab-separated columns")
        english, _, translations = columns
        found = tuple(t.strip() for t in translations.split("|") if t.strip())
        if found:
            entries[english.strip().lower()] = found
    return entries


@lru_cache(maxsize=2)
def load_dictionary(freedict: Path = FREEDICT, glossary: Path = GLOSSARY) -> Dictionary:
    """Both files merged, the glossary's translations first; read once per process."""
    general = read_tsv(freedict)
    ours = read_tsv(glossary)
    entries = {word: found[:MAX_TRANSLATIONS] for word, found in general.items()}
    for word, found in ours.items():
        entries[word] = found  # the glossary's list is curated: take it whole
    longest = max((len(word.split()) for word in entries), default=1)
    return Dictionary(entries, frozenset(ours), longest)
