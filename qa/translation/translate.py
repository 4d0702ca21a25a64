"""English question → Indonesian search terms, by dictionary (structured query translation).

Each English content word (or phrase: "regional secretary", "police chief") becomes one
`Group`: every Indonesian translation, analyzed as the index analyzes article text, is an
alternative, and the group counts as one term wherever the query is scored, so a word with
five translations weighs no more than a word with one. Names, acronyms and numbers pass
through unchanged ("Bandar Lampung", "KPK", "2011"); English function words are dropped.
A content word with no translation passes through as itself (with its cognates, if the
index holds them: "compensation" → "kompensasi") and counts in full: an off-topic English
question keeps its unmatched words and its evidence stays weak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.analysis import TOKEN, Analyzer, fold_legal_references
from qa.translation.cognates import cognates
from qa.translation.dictionary import Dictionary, base_forms

# Question scaffolding that carries no content ("how many", "what is the name of", "what
# kind of"): an article that answers says none of it.
_SCAFFOLD = frozenset(
    "many much kind sort type name names called exactly approximately approximate please".split()
)
# "62nd", "10th": Indonesian writes the number ("ke-62", "ke 10"), so the number is the term.
_ORDINAL = re.compile(r"(\d+)(st|nd|rd|th)", re.IGNORECASE)


@dataclass(frozen=True)
class Group:
    """One English word or phrase of a question, and the term sequences it may be in the
    articles (each alternative is an analyzed Indonesian phrase)."""

    english: str
    head: str  # the term the query scores it as
    alternatives: tuple[tuple[str, ...], ...]

    @property
    def translated(self) -> bool:
        return self.alternatives != ((self.head,),)


def translate(question: str, dictionary: Dictionary, analyzer: Analyzer) -> list[Group]:
    """The question's groups, in question order."""
    words = TOKEN.findall(fold_legal_references(question))
    groups: list[Group] = []
    i = 0
    while i < len(words):
        if words[i].lower() in _SCAFFOLD:
            i += 1
            continue
        if ordinal := _ORDINAL.fullmatch(words[i]):
            groups += _passed(ordinal.group(1), analyzer)
            i += 1
            continue
        size, found = _longest_entry(words, i, dictionary, analyzer)
        english = " ".join(words[i : i + size]).lower()
        if found:
            groups.append(_translated(english, found, analyzer))
        else:
            groups += _passed(words[i], analyzer)
        i += size
    return [g for g in groups if g.alternatives]


def _longest_entry(
    words: list[str], i: int, dictionary: Dictionary, analyzer: Analyzer
) -> tuple[int, tuple[str, ...]]:
    """The longest headword starting at word i, as (word count, translations); (1, ()) when
    the word is to pass through. Capitalized words are looked up too ("Regional Secretary",
    "West Sumatra", "Japanese"): their group keeps the word itself, so a name still matches;
    numbers pass, and acronyms unless our own glossary knows them ("UN" is "PBB")."""
    for size in range(min(dictionary.longest, len(words) - i), 0, -1):
        span = words[i : i + size]
        if span[0].lower() in analyzer.stopwords or span[0][0].isdigit():
            break
        acronym = size == 1 and span[0].isupper() and len(span[0]) > 1
        found = dictionary.lookup(" ".join(span).lower(), glossary_only=acronym)
        if found:
            return size, found
    return 1, ()


def _passed(word: str, analyzer: Analyzer) -> list[Group]:
    """A word the dictionary lacks passes as itself, with its cognates ("compensation" →
    "kompensasi", "Transmigration" → "transmigrasi"), which `Query.build` keeps only where
    the index holds them; acronyms pass alone."""
    terms = analyzer.terms(word)
    if len(terms) != 1 or word.isupper():
        return [Group(word.lower(), term, ((term,),)) for term in terms]
    word = word.lower()
    spellings = [c for form in (word, *base_forms(word)) for c in cognates(form)]
    alternatives = [(terms[0],), *(tuple(analyzer.terms(c)) for c in spellings)]
    unique = tuple(dict.fromkeys(a for a in alternatives if a))
    return [Group(word, "~" + word if len(unique) > 1 else terms[0], unique)]


def _translated(english: str, found: tuple[str, ...], analyzer: Analyzer) -> Group:
    """A translated word's group; the English word itself is one more alternative (news
    borrows many: "internet", "video", "online"). A word whose translations are mostly
    Indonesian stopwords ("three" → "tiga", "since" → "sejak", "current" → "sekarang", "saat
    ini", "kini" or "arus") is a function word here: it gets no group, as its Indonesian twin
    gets no term, instead of passing as an English word no article holds."""
    translations = [tuple(analyzer.terms(t)) for t in found]
    if 2 * translations.count(()) >= len(translations):
        return Group(english, "~" + "_".join(english.split()), ())
    alternatives = [*translations, tuple(analyzer.terms(english))]
    unique = tuple(dict.fromkeys(a for a in alternatives if a))
    return Group(english, "~" + "_".join(english.split()), unique)
