"""Short-answer candidates: the spans of the best evidence sentences that might be the answer.

Generators propose spans (capitalized names, numbers with their unit, dates, the clause and
short windows right after the words the question repeats, punctuation-bounded pieces); each
span gets features (is it the kind asked for, how near the question's words it stands, how
much of it the question already says, its shape, how good its sentence is), and the answer
model (`qa.answering.model`) turns them into log-odds that it is the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.analysis import DIGITS, TOKEN, WORD, Analyzer, QuestionType, legal_references, stem
from qa.answering.evidence import Evidence
from qa.answering.model import AnswerModel
from qa.calendar import MONTHS, WEEKDAY_VARIANTS, WEEKDAYS, YEAR, alternation
from qa.query import Query

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
_BRACKETED = re.compile(r"\s*\(\s*([^()\s]+)\s*\)")
# "Apa kepanjangan PON?": the long form is the answer, not a repetition of the question.
_EXPANSION = re.compile(r"\b(kepanjangan|singkatan|stands? for|short for|abbreviat\w*)\b", re.I)
_CLAUSE_END = re.compile(r"[,;:()\"“”]|\s-\s|\.(?=\s|$)")


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


def _matched(
    tokens: list[tuple[int, int, str]], query: Query, analyzer: Analyzer
) -> dict[int, str]:
    """The sentence tokens that say a question term (or one of its translations): index ->
    the term, in token order."""
    stems = [
        None if w.lower() in analyzer.stopwords else stem(w.lower(), analyzer.stemmer)
        for _, _, w in tokens
    ]
    found = {k: head for start, end, head in query.matches(stems) for k in range(start, end)}
    return dict(sorted(found.items()))


def _name_spans(tokens: list[tuple[int, int, str]], text: str) -> list[tuple[int, int]]:
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
    tokens: list[tuple[int, int, str]], stopwords: frozenset[str]
) -> list[tuple[int, int]]:
    """A number with its scale and unit word: "84 penumpang", "1,5 juta orang", "15 kali"."""
    spans = []
    for i, (_, _, word) in enumerate(tokens):
        if not (word[0].isdigit() or word.lower() in _NUMBER_WORDS):
            continue
        j = i + 1
        while j < len(tokens) and tokens[j][2].lower() in _UNIT_SCALES:
            j += 1
        if j < len(tokens) and tokens[j][2].isalpha() and tokens[j][2].lower() not in stopwords:
            j += 1
        spans.append((i, j))
    return spans


def _trim(
    tokens: list[tuple[int, int, str]], i: int, j: int, asked: set[str], analyzer: Analyzer
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


# Where a candidate came from (name, number, date, clause, window, segment) is a feature, so
# the scorer learns how far to trust each generator; these three are also answer kinds.
_SOURCE_KIND = {
    "name": QuestionType.WHO,
    "number": QuestionType.HOW_MANY,
    "date": QuestionType.WHEN,
}
_QUESTION_GROUP = {
    QuestionType.WHO: "who", QuestionType.WHERE: "who", QuestionType.WHEN: "when",
    QuestionType.HOW_MANY: "num", QuestionType.OTHER: "other",
}  # fmt: skip
_WINDOW = 4  # words after a question word tried as an answer ("warna pasir ... putih halus")
_SEGMENT = 8  # longest punctuation-bounded piece kept as a candidate
_LOCAL = 6  # words either side of a span that count as around it


@dataclass
class Candidate:
    """A short-answer candidate in an evidence sentence, with the features it is scored on."""

    evidence: Evidence
    start: int  # offsets in the sentence
    end: int
    features: dict[str, float]
    score: float = 0.0

    @property
    def text(self) -> str:
        return self.evidence.text[self.start : self.end]


def _raw_spans(
    tokens: list[tuple[int, int, str]],
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
    for i, j in _number_spans(tokens, analyzer.stopwords):
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


def _clause_ends(tokens: list[tuple[int, int, str]], sentence: str) -> list[int]:
    """For each token, the index of the first token past its clause (punctuation, " - ")."""
    ends = [len(tokens)] * len(tokens)
    boundary = len(tokens)
    for k in range(len(tokens) - 1, -1, -1):
        ends[k] = boundary
        if k and _CLAUSE_END.search(sentence, tokens[k - 1][1], tokens[k][0]):
            boundary = k
    return ends


@dataclass(frozen=True)
class _Asked:
    """What the question says, as the candidate features need it."""

    query: Query
    words: set[str]  # its words, lower-cased (a follow-up's borrowed words count)
    wanted: set[str]  # its analyzed terms, with every translation's
    said: set[str]  # both: what a span is trimmed of at its ends
    letters: set[str]  # its words as letters and digits only ("Markobar's": "markobar", "s")
    numbers: set[str]
    group: str
    expansion: bool  # it asks what an abbreviation stands for

    @classmethod
    def of(cls, query: Query) -> _Asked:
        words = {w.lower() for _, _, w in _tokens(query.text)}
        wanted = set(query.terms) | set(query.lexical_terms)
        numbers = set(DIGITS.findall(query.text))
        group = _QUESTION_GROUP[query.kind]
        expansion = bool(_EXPANSION.search(query.question))
        letters = set(TOKEN.findall(query.text.lower()))
        return cls(query, words, wanted, words | wanted, letters, numbers, group, expansion)


def span_candidates(
    query: Query,
    evidence: Sequence[Evidence],
    analyzer: Analyzer,
    model: AnswerModel,
    sentences: int,
) -> list[Candidate]:
    """Every short-answer candidate in the best `sentences` evidence sentences, best first,
    scored by `model`."""
    asked = _Asked.of(query)
    top = evidence[0].score if evidence else 0.0
    found: list[Candidate] = []
    for rank, e in enumerate(evidence[:sentences]):
        found += _sentence_candidates(e, rank, top, asked, analyzer)
    for c, score in zip(found, model.span_scores([c.features for c in found]), strict=True):
        c.score = score
    found.sort(key=lambda c: -c.score)
    return found


def _sentence_candidates(
    e: Evidence, rank: int, top: float, asked: _Asked, analyzer: Analyzer
) -> list[Candidate]:
    sentence = e.text
    tokens = _tokens(sentence)
    if not tokens:
        return []
    matched = _matched(tokens, asked.query, analyzer)
    found: list[Candidate] = []
    seen: set[tuple[int, int]] = set()
    names = _name_spans(tokens, sentence)
    spelled = [] if asked.expansion else _spelled_out(tokens, sentence, names, asked)
    for (i0, j0), sources in _raw_spans(tokens, sentence, names, matched, analyzer).items():
        keeps_unit = bool(sources & {"number", "date"})  # "84 penumpang" keeps its unit
        i, j = (i0, j0) if keeps_unit else _trim(tokens, i0, j0, asked.said, analyzer)
        if i >= j or (i, j) in seen:
            continue
        seen.add((i, j))
        numbers = set(DIGITS.findall(sentence, tokens[i][0], tokens[j - 1][1]))
        if numbers and numbers <= asked.numbers:
            continue  # "24 Tahun 2011" for "What does UU 24/2011 require?" repeats the question
        if any(a <= i and j <= b for a, b in spelled):
            continue  # "Pekan Olahraga Nasional" for "... di PON XIX" repeats it too
        features = _features(tokens, i, j, matched, asked, analyzer, keeps_unit)
        features.update(_context(tokens, i, j, sentence))
        features.update(
            fits=max(
                _fits(asked.query.kind, _SOURCE_KIND.get(s, QuestionType.OTHER), asked.query)
                for s in sources
            ),
            sentence=e.score - top,
            coverage=e.coverage,
            rank=float(rank),
            hit_rank=float(e.hit_rank),
        )
        for source in sources:
            features[source] = 1.0
            features[f"{asked.group}:{source}"] = 1.0
        found.append(Candidate(e, tokens[i][0], tokens[j - 1][1], features))
    return found


def _spelled_out(
    tokens: list[tuple[int, int, str]],
    sentence: str,
    names: list[tuple[int, int]],
    asked: _Asked,
) -> list[tuple[int, int]]:
    """Token ranges that write out a term of the question: a long form whose three or more
    initials are a question word ("Kereta Api Indonesia" for "KAI"; two letters are too
    often a word of their own), one the article abbreviates to a
    question word ("Martabak Kota Barat (Markobar)"), a regulation the question names."""
    ranges = []
    said = asked.letters  # "Markobar's" says "markobar"
    for a, b in names:
        for s in range(a, b - 1):
            for e in range(s + 2, b + 1):
                initials = "".join(w[0] for _, _, w in tokens[s:e] if w[0].isupper())
                if len(initials) == e - s > 2 and initials.lower() in said:
                    ranges.append((s, e))
        bracket = _BRACKETED.match(sentence, tokens[b - 1][1])
        ends = [(b, bracket.group(1))] if bracket else []
        ends += [  # a name span runs on into its bracket: "Martabak Kota Barat (Markobar"
            (k, tokens[k][2])
            for k in range(a + 1, b)
            if "(" in sentence[tokens[k - 1][1] : tokens[k][0]]
        ]
        for end, short in ends:
            if short.lower() in said:  # the long form starts with the short one's letter
                starts = [s for s in range(a, end) if tokens[s][2][0].lower() == short[0].lower()]
                ranges += [(s, end + 1) for s in starts]
    for start, end, term in legal_references(sentence):
        if term in asked.wanted:
            inside = [k for k, t in enumerate(tokens) if start <= t[0] and t[1] <= end]
            if inside:
                ranges.append((inside[0], inside[-1] + 1))
    return ranges


def _features(
    tokens: list[tuple[int, int, str]],
    i: int,
    j: int,
    matched: dict[int, str],
    asked: _Asked,
    analyzer: Analyzer,
    keeps_unit: bool,
) -> dict[str, float]:
    """The span's own features: where it stands to the question's words, and its shape."""
    words = [w for _, _, w in tokens[i:j]]
    lowered = [w.lower() for w in words]
    distance = min((min(abs(m - i), abs(m - (j - 1))) for m in matched), default=len(tokens))
    return {
        "near": 1 / (1 + distance),
        # a unit repeated from the question ("131 warga") is weighed apart
        "unit_asked" if keeps_unit else "overlap": sum(w in asked.words for w in lowered)
        / len(words),
        "stopwords": sum(w in analyzer.stopwords for w in lowered) / len(words),
        "one_word": float(len(words) == 1),
        "length": min(len(words), 10) / 10,
        "long": max(0, len(words) - 4),
        "caps": sum(w[0].isupper() for w in words) / len(words),
        "digits": float(any(w[0].isdigit() for w in words)),
        "follows": float(i - 1 in matched or i - 2 in matched),
        "precedes": float(j in matched),
        "inside": float(any(i <= m < j for m in matched)),
        "local": _local(matched, i, j, asked.query),
        "position": i / len(tokens),
    }


# The word before a span says what it may be: a place after "di", a date after "pada", the
# one who did it after "oleh", a definition after "yaitu", a speaker after "kata".
_BEFORE = {
    **dict.fromkeys("di ke dari dalam menuju asal".split(), "place"),
    **dict.fromkeys("pada sejak hingga sampai tanggal selama sekitar".split(), "time"),
    **dict.fromkeys("oleh bersama dengan".split(), "agent"),
    **dict.fromkeys("adalah ialah yaitu yakni merupakan bernama sebagai menjadi".split(), "is"),
    **dict.fromkeys("kata ujar ungkap tutur jelas menurut tegas papar".split(), "say"),
    **dict.fromkeys("sebanyak sebesar mencapai senilai sejumlah seharga".split(), "amount"),
}
_AFTER_SAY = frozenset(
    """mengatakan menyatakan mengungkapkan menjelaskan menegaskan berkata menuturkan menilai
    menyebutkan mengaku meminta mengimbau""".split()
)


def _context(tokens: list[tuple[int, int, str]], i: int, j: int, sentence: str) -> dict[str, float]:
    """What stands right before and after the span: a marker word or a punctuation mark."""
    found: dict[str, float] = {}
    before = sentence[tokens[i - 1][1] : tokens[i][0]].strip() if i else ""
    if before:
        found[f"before:{before[-1]}" if before[-1] in ",(:" else "before:mark"] = 1.0
    elif i:
        kind = _BEFORE.get(tokens[i - 1][2].lower())
        if kind:
            found[f"before:{kind}"] = 1.0
    after = sentence[tokens[j - 1][1] : tokens[j][0] if j < len(tokens) else len(sentence)]
    after = after.strip()
    if after:
        found[f"after:{after[0]}" if after[0] in ",()." else "after:mark"] = 1.0
    elif j < len(tokens) and tokens[j][2].lower() in _AFTER_SAY:
        found["after:say"] = 1.0
    return found


def _local(matched: dict[int, str], i: int, j: int, query: Query) -> float:
    """The idf-weighted share of the question's terms said within `_LOCAL` words of the span:
    an answer stands among what the question repeats, not merely near one of its words."""
    near = {term for k, term in matched.items() if i - _LOCAL <= k < i or j <= k < j + _LOCAL}
    total = sum(query.idf.values()) or 1.0
    return sum(query.idf.get(term, 0.0) for term in near) / total


def _fits(kind: QuestionType, found: QuestionType, query: Query) -> float:
    """1 when a candidate is the kind asked for; names half-fit "apa nama ..." questions."""
    if kind in (QuestionType.WHO, QuestionType.WHERE):
        return float(found is QuestionType.WHO)
    if kind is QuestionType.OTHER:
        if found is QuestionType.OTHER:
            return 0.5
        named = re.search(r"\bnam", query.question.lower())
        return 0.5 if found is QuestionType.WHO and named else 0.0
    return float(found is kind)
