"""Short-answer candidates: the spans of the best evidence sentences that might be the answer.

Generators propose spans (`span_sources`: capitalized names, numbers with their unit, dates,
the clause and short windows right after the words the question repeats, punctuation-bounded
pieces); those that repeat the question or that the article's conventions rule out (an age in
brackets, the dateline) are dropped or marked; each span gets features (is it the kind asked
for, how near the question's words it stands, how much of it the question already says, its
shape, how good its sentence is), and the answer model (`qa.answering.model`) turns them into
log-odds that it is the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.analysis import (
    DIGITS,
    TOKEN,
    Analyzer,
    QuestionType,
    asks_age,
    legal_references,
)
from qa.answering.evidence import Evidence
from qa.answering.model import AnswerModel
from qa.answering.span_sources import (
    Token,
    name_spans,
    question_matches,
    raw_spans,
    sentence_tokens,
    trim,
)
from qa.query import Query

_BRACKETED = re.compile(r"\s*\(\s*([^()\s]+)\s*\)")
# "Apa kepanjangan PON?": the long form is the answer, not a repetition of the question.
_EXPANSION = re.compile(r"\b(kepanjangan|singkatan|stands? for|short for|abbreviat\w*)\b", re.I)
# A name with an age in brackets, as news writes it: "Takeru Kobayashi (38)".
_AGE_AFTER_NAME = re.compile(r"[A-Z][\w.'’-]*\s*\(\d{1,3}\)")
# A news dateline, "Palu (ANTARA News) - ", "DEPOK (Pos Kota) – ", "Jakarta, CNN Indonesia
# -- ", "Suara.com - ": where the story was filed and who filed it, never the answer (its
# candidates still count as rivals).
_DATELINE = re.compile(
    r"[^()\n]{1,40}\((?=[^()]*[A-Za-z])[^()\d]{2,30}\)\s*[-–—]\s"
    r"|(?=[^\n]{1,45}\s[-–—])[A-Z][\w.]*(,?\s+[A-Z][\w.]*){0,4}\s+[-–—]{1,2}\s"
)


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
# A name run on into where it was said: "Siti Mashita Soeparno di Rumah Dinasnya".
_SAID_AT = re.compile(r"((?:[A-Z][\w.'’-]*\s+)*[A-Z][\w.'’-]*)\s+di\s+[A-Z].*")
_LOCAL = 6  # words either side of a span that count as around it
_INITIALS = 8  # longest run of question words whose initials may be abbreviated


@dataclass
class Candidate:
    """A short-answer candidate in an evidence sentence, with the features it is scored on."""

    evidence: Evidence
    start: int  # offsets in the sentence
    end: int
    features: dict[str, float]
    score: float = 0.0
    byline: bool = False  # in the story's dateline: scored as a rival, never shown

    @property
    def text(self) -> str:
        return self.evidence.text[self.start : self.end]

    def shown(self, kind: QuestionType) -> str:
        """The text a reader sees: a name without the place it was said at, for "who"
        ("Djoko Kirmanto di Jakarta" is scored whole, as the scorer was fit, and shows as
        "Djoko Kirmanto")."""
        if kind is QuestionType.WHO and (said := _SAID_AT.match(self.text)):
            return said.group(1)
        return self.text


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
    age: bool  # it asks how old someone is
    initials: set[str]  # what its runs of three or more words abbreviate to ("krc")

    @classmethod
    def of(cls, query: Query) -> _Asked:
        ordered = [w.lower() for _, _, w in sentence_tokens(query.text)]
        words = set(ordered)
        wanted = set(query.terms) | set(query.lexical_terms)
        numbers = set(DIGITS.findall(query.text))
        group = _QUESTION_GROUP[query.kind]
        expansion = bool(_EXPANSION.search(query.question))
        letters = set(TOKEN.findall(query.text.lower()))
        initials = {
            "".join(w[0] for w in ordered[s:e])
            for s in range(len(ordered))
            for e in range(s + 3, min(s + _INITIALS, len(ordered)) + 1)
        }
        age = asks_age(query.question)
        said = words | wanted
        return cls(query, words, wanted, said, letters, numbers, group, expansion, age, initials)

    def abbreviates(self, word: str) -> bool:
        """Is `word` the question's own words abbreviated: "KRC" for "Kepala Kebun Raya
        Cibodas", "PIM" for "PT Pupuk Iskandar Muda"? (Not when the question asks for an
        abbreviation or its long form.)"""
        return not self.expansion and word.isupper() and word.lower() in self.initials


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
    tokens = sentence_tokens(sentence)
    if not tokens:
        return []
    matched = question_matches(tokens, asked.query, analyzer)
    found: list[Candidate] = []
    seen: set[tuple[int, int]] = set()
    dateline = _DATELINE.match(sentence)
    names = name_spans(tokens, sentence)
    spelled = [] if asked.expansion else _spelled_out(tokens, sentence, names, asked)
    for (i0, j0), sources in raw_spans(tokens, sentence, names, matched, analyzer).items():
        keeps_unit = bool(sources & {"number", "date"})  # "84 penumpang" keeps its unit
        i, j = (i0, j0) if keeps_unit else trim(tokens, i0, j0, asked.said, analyzer)
        if dateline and i < j and tokens[i][0] < dateline.end() < tokens[j - 1][1]:
            i = next(k for k in range(i, j) if tokens[k][0] >= dateline.end())  # past it
        if i >= j or (i, j) in seen:
            continue
        seen.add((i, j))
        numbers = set(DIGITS.findall(sentence, tokens[i][0], tokens[j - 1][1]))
        if numbers and numbers <= asked.numbers:
            continue  # "24 Tahun 2011" for "What does UU 24/2011 require?" repeats the question
        if any(a <= i and j <= b for a, b in spelled):
            continue  # "Pekan Olahraga Nasional" for "... di PON XIX" repeats it too
        if j - i == 1 and asked.abbreviates(tokens[i][2]):
            continue  # ... and so does "KRC" for "Kepala Kebun Raya Cibodas"
        if j - i == 1 and i and not asked.age and _AGE_AFTER_NAME.match(sentence, tokens[i - 1][0]):
            continue  # "Takeru Kobayashi (38)" says how old he is, not how many he ate
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
        start = tokens[i][0]
        end = _closed(sentence, start, tokens[j - 1][1])
        byline = bool(dateline) and start < dateline.end()
        found.append(Candidate(e, start, end, features, byline=byline))
    return found


def _closed(sentence: str, start: int, end: int) -> int:
    """The span's end, past the bracket that closes one it opened: "Badan Tenaga Atom
    (IAEA)", not "... (IAEA"."""
    span = sentence[start:end]
    opened = span.count("(") > span.count(")") and sentence[end : end + 1] == ")"
    return end + 1 if opened else end


def _spelled_out(
    tokens: list[Token],
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
    tokens: list[Token],
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


def _context(tokens: list[Token], i: int, j: int, sentence: str) -> dict[str, float]:
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
    total = query.idf_total
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
