"""Indonesian abbreviations and their long forms, as one group of alternatives.

News writes "Sekda" in one sentence and "Sekretaris Daerah" in the next, and a question may
say either. Each abbreviation and its long forms (`qa/data/dictionary/abbreviations.tsv`, in
the dictionary's format) become one group in a question of either language, as a translated
English word does (`qa.query.Query.groups`): every scorer counts the group as one term, and a
passage that uses the other form still matches.
"""

from __future__ import annotations

from functools import lru_cache

from qa.analysis import Analyzer
from qa.translation.dictionary import DICTIONARY_DIR, read_tsv

ABBREVIATIONS = DICTIONARY_DIR / "abbreviations.tsv"
Forms = tuple[tuple[str, ...], ...]


@lru_cache(maxsize=4)
def abbreviation_forms(stemmer: str, stopwords: bool) -> dict[tuple[str, ...], Forms]:
    """Every form, analyzed as article text is -> all forms of its abbreviation."""
    analyzer = Analyzer(stemmer, stopwords)
    table: dict[tuple[str, ...], Forms] = {}
    for short, long in read_tsv(ABBREVIATIONS).items():
        analyzed = (tuple(analyzer.terms(f)) for f in (short, *long))
        forms = tuple(dict.fromkeys(f for f in analyzed if f))
        for form in forms if len(forms) > 1 else ():
            table.setdefault(form, forms)  # the first entry that names a form keeps it
    return table


def group_abbreviations(
    terms: list[str], groups: dict[str, Forms], analyzer: Analyzer
) -> tuple[list[str], dict[str, Forms]]:
    """`terms` with each run that is an abbreviation or one of its long forms replaced by a
    group head ("~sekda"), and `groups` with those groups added; existing groups stay."""
    table = abbreviation_forms(analyzer.stemmer, bool(analyzer.stopwords))
    longest = max(map(len, table), default=1)
    found, out, i = dict(groups), [], 0
    while i < len(terms):
        size, forms = _longest_form(terms, i, longest, table, groups)
        if forms:
            head = "~" + "_".join(forms[0])
            found.setdefault(head, forms)
            out.append(head)
        else:
            out.append(terms[i])
        i += size
    return out, found


def _longest_form(
    terms: list[str], i: int, longest: int, table: dict[tuple[str, ...], Forms], groups: dict
) -> tuple[int, Forms]:
    """(terms taken, the forms) of the longest form starting at term i; (1, ()) if none."""
    for size in range(min(longest, len(terms) - i), 0, -1):
        span = terms[i : i + size]
        if any(t in groups for t in span):
            continue
        forms = table.get(tuple(span))
        if forms:
            return size, forms
    return 1, ()
