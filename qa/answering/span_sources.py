"""Where short-answer candidates come from: a sentence's words, those that say a question
term, and the token ranges each generator proposes (capitalized names, numbers with their unit,
dates, the clause and short windows right after the words the question repeats,
punctuation-bounded pieces), trimmed of what the question already says.
"""

from __future__ import annotations

import re

from qa.analysis import NAMED_NUMBER, WORD, Analyzer, stem
from qa.calendar import MONTHS, WEEKDAY_VARIANTS, WEEKDAYS, YEAR, alternation
from qa.query import Query

Token = tuple[int, int, str]  # start, end, word

_UNIT_SCALES = frozenset("ribu juta miliar milyar triliun persen % ratus puluh belas".split())
_NUMBER_WORDS = frozenset(
    """satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas seratus seribu
    puluhan ratusan ribuan jutaan""".split()
)
_NAME_JOINERS = frozenset("bin binti van von de der da al el di".split())
_MONTH = alternation(list(MONTHS))
_DAY = alternation(WEEKDAYS + WEEKDAY_VARIANTS)
_DATE = re.compile(
    rf"\b(?:{_DAY},?\s*(?:\(\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\)|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?)?"
    rf"|\d{{1,2}}(?:\s*-\s*\d{{1,2}})?\s+{_MONTH}(?:\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{4}}"
    rf"|(?:tahun\s+)?{YEAR}(?:-an)?"
    r"|\d{1,2}/\d{1,2}/\d{2,4})\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[,;:()\"“”]|\s-\s|\.(?=\s|$)")


def sentence_tokens(text: str) -> list[Token]:
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


def question_matches(tokens: list[Token], query: Query, analyzer: Analyzer) -> dict[int, str]:
    """The sentence tokens that say a question term (or one of its translations): index ->
    the term, in token order."""
    stems = [
        None if w.lower() in analyzer.stopwords else stem(w.lower(), analyzer.stemmer)
        for _, _, w in tokens
    ]
    found = {k: head for start, end, head in query.matches(stems) for k in range(start, end)}
    return dict(sorted(found.items()))


def name_spans(tokens: list[Token], text: str) -> list[tuple[int, int]]:
    """Token ranges of capitalized sequences ("Badri Tamam", "Badan Tenaga Atom (IAEA)")."""
    spans, i = [], 0
    while i < len(tokens):
        if not tokens[i][2][0].isupper():
            i += 1
            continue
        j = i + 1
        while j < len(tokens):
            word = tokens[j][2]
            gap = text[tokens[j - 1][1] : tokens[j][0]]
            if gap.strip() not in ("", "(", "-", "&") or (gap.strip() and not word[0].isupper()):
                break
            if (
                word[0].isupper()
                or word[0].isdigit()
                or (
                    word.lower() in _NAME_JOINERS
                    and j + 1 < len(tokens)
                    and tokens[j + 1][2][0].isupper()
                )
            ):
                j += 1
            else:
                break
        spans.append((i, j))
        i = j
    return spans


def _number_spans(
    tokens: list[Token], sentence: str, stopwords: frozenset[str]
) -> list[tuple[int, int]]:
    """A number with its scale and unit word: "84 penumpang", "1,5 juta orang", "15 kali".
    The unit follows with nothing but a space between: in "Kobayashi (38) layaknya" the
    word after the bracket is no unit."""
    spans = []

    def unit(j: int, words: frozenset[str] | None) -> bool:
        if j >= len(tokens) or sentence[tokens[j - 1][1] : tokens[j][0]].strip():
            return False
        word = tokens[j][2].lower()
        return word in words if words else word.isalpha() and word not in stopwords

    for i, (_, _, word) in enumerate(tokens):
        if not (word[0].isdigit() or word.lower() in _NUMBER_WORDS) or "/" in word:
            continue  # "19/10" is a date, "24/2011" a reference
        if NAMED_NUMBER.match(word):
            continue  # "7-day" of "BI 7-day Reverse Repo Rate" is part of a name
        j = i + 1
        while unit(j, _UNIT_SCALES):
            j += 1
        if unit(j, None):
            j += 1
        spans.append((i, j))
    return spans


def trim(
    tokens: list[Token], i: int, j: int, asked: set[str], analyzer: Analyzer
) -> tuple[int, int]:
    """Drop words the question already says (or their stems: "kotanya"), and stopwords,
    from both ends of a span."""

    def useless(k: int) -> bool:
        word = tokens[k][2].lower()
        return word in asked or word in analyzer.stopwords or stem(word, analyzer.stemmer) in asked

    while i < j and useless(i):
        i += 1
    while j > i and useless(j - 1):
        j -= 1
    return i, j


_WINDOW = 4  # words after a question word tried as an answer ("warna pasir ... putih halus")
_SEGMENT = 8  # longest punctuation-bounded piece kept as a candidate


def raw_spans(
    tokens: list[Token],
    sentence: str,
    names: list[tuple[int, int]],
    matched: dict[int, str],
    analyzer: Analyzer,
) -> dict[tuple[int, int], set[str]]:
    """Token ranges worth scoring, each with the generators that proposed it."""
    raw: dict[tuple[int, int], set[str]] = {}

    def add(i: int, j: int, source: str) -> None:
        raw.setdefault((i, j), set()).add(source)

    for i, j in names:
        add(i, j, "name")
    for i, j in _number_spans(tokens, sentence, analyzer.stopwords):
        add(i, j, "number")
    for m in _DATE.finditer(sentence):
        i = next((k for k, t in enumerate(tokens) if t[1] > m.start()), len(tokens))
        j = next((k for k, t in enumerate(tokens) if t[0] >= m.end()), len(tokens))
        add(i, j, "date")
    ends = _clause_ends(tokens, sentence)
    runs_end = sorted({m for m in matched if m + 1 not in matched})
    for last in runs_end:
        i = last + 1
        while i < len(tokens) and tokens[i][2].lower() in analyzer.stopwords:
            i += 1  # "warna pasir [yang] putih": answers start after the function words
        if i >= len(tokens):
            continue
        add(i, ends[i], "clause")
        for j in range(i + 1, min(i + _WINDOW, ends[i]) + 1):
            add(i, j, "window")
    i = 0
    while i < len(tokens):
        if ends[i] - i <= _SEGMENT:
            add(i, ends[i], "segment")
        i = ends[i]
    return raw


def _clause_ends(tokens: list[Token], sentence: str) -> list[int]:
    """For each token, the index of the first token past its clause (punctuation, " - ")."""
    ends = [len(tokens)] * len(tokens)
    boundary = len(tokens)
    for k in range(len(tokens) - 1, -1, -1):
        ends[k] = boundary
        if k and _CLAUSE_END.search(sentence, tokens[k - 1][1], tokens[k][0]):
            boundary = k
    return ends
