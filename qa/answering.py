"""Answering: retrieved hits -> a short answer with verbatim, verified quotes.

Extractive, with no neural model, so it runs in milliseconds on CPU and every
word a reader sees can be checked against the article. The hybrid retriever's
best chunks are cut into sentences; each sentence is scored by the idf-weighted
share of the question's terms it holds (plus question bigrams, whether it holds
the kind of thing asked for, and the hit's rank). A short answer is picked from
the top sentences by a small logistic-regression scorer fit on FacQA train, over
candidate spans (names, numbers with their unit, dates, the clause and short
windows after the words the question repeats, punctuation-bounded pieces); its
sentence and the next best become quotes. Every quote is verified against its
chunk and its article before it is shown; when the best evidence is too weak the
answer says plainly that it was not found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from qa.analysis import (
    Analyzer,
    QuestionType,
    has_answer_type,
    question_type,
    stem,
    term_weights,
)
from qa.chunking import split_sentences
from qa.config import Config
from qa.retrieval import Hit

NOT_FOUND = {
    "id": "Tidak ditemukan di artikel yang tersedia.",
    "en": "I could not find this in the articles.",
}
SOURCES_HEADING = {"id": "Sumber:", "en": "Sources:"}

# Short-answer scorer: logistic-regression weights over `span_candidates` features, fit on
# FacQA train by `python bench/answering.py --train` (a candidate is positive when it is a
# gold answer, normalized). Regenerate them when candidates or features change.
SPAN_WEIGHTS: dict[str, float] = {
    "bias": -6.095,
    "caps": 0.313,
    "clause": 0.432,
    "coverage": 0.758,
    "date": -0.661,
    "digits": 1.067,
    "fits": 1.407,
    "follows": 0.532,
    "hit_rank": -0.489,
    "inside": -0.831,
    "length": -1.856,
    "long": -0.139,
    "name": 0.162,
    "near": 3.38,
    "num:clause": 0.342,
    "num:date": 1.851,
    "num:name": -0.238,
    "num:number": 0.783,
    "num:segment": -0.219,
    "num:window": 0.029,
    "number": -0.728,
    "one_word": -0.89,
    "other:clause": 0.401,
    "other:date": -1.672,
    "other:name": 1.226,
    "other:number": -1.703,
    "other:segment": -0.269,
    "other:window": -0.228,
    "overlap": -1.182,
    "position": 0.195,
    "precedes": 0.181,
    "rank": 0.118,
    "segment": 0.69,
    "sentence": 2.677,
    "stopwords": -1.634,
    "unit_asked": -2.75,
    "when:clause": -0.734,
    "when:date": 1.696,
    "when:name": -1.775,
    "when:number": 1.944,
    "when:segment": 1.589,
    "when:window": -0.047,
    "who:clause": 0.423,
    "who:date": -2.536,
    "who:name": 0.949,
    "who:number": -1.753,
    "who:segment": -0.411,
    "who:window": 0.135,
    "window": -0.112,
}
# Abstain below these evidence confidences (`evidence_confidence`), one per question type:
# a date or a name needs a fuller match than a place does. Fit on FacQA train by
# `python bench/answering.py --train`: per type, the threshold that abstains on the most
# gold-removed questions for the fewest answerable ones, at the train false abstention that
# one shared threshold (0.37) had. Regenerate them with `SPAN_WEIGHTS`.
ABSTAIN_BELOW: dict[QuestionType, float] = {
    QuestionType.WHEN: 0.54,
    QuestionType.HOW_MANY: 0.44,
    QuestionType.WHO: 0.48,
    QuestionType.WHERE: 0.28,
    QuestionType.OTHER: 0.41,
}
# Function words that tell the two languages apart in a question.
_ENGLISH_CUES = frozenset(
    """what who whom whose when where which why how many much does do did is are was were
    the a an of in on for to and or by with from about this that these those it its his
    her their has have had will would can could should tell me please""".split()
)
_INDONESIAN_CUES = frozenset(
    """apa apakah siapa siapakah kapan kapankah di mana dimana manakah berapa berapakah
    bagaimana mengapa kenapa yang dan atau ini itu dari ke pada untuk dengan dalam oleh
    adalah ialah tahun nama sebutkan tersebut tidak sudah akan telah bisa""".split()
)
# Anaphora that make a question lean on the one before it ("wali kotanya", "he").
_ANAPHORA = re.compile(
    r"\w+nya\b|\b(ia|dia|mereka|beliau|tersebut|itu|he|she|it|they|him|her|its|his|their|there)\b",
    re.IGNORECASE,
)
_BACA_JUGA = re.compile(r"baca\s+juga", re.IGNORECASE)
_TOKEN = re.compile(r"\w(?:[\w'’/.,-]*\w)?")
_UNIT_SCALES = frozenset("ribu juta miliar milyar triliun persen % ratus puluh belas".split())
_NUMBER_WORDS = frozenset(
    """satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas seratus seribu
    puluhan ratusan ribuan jutaan""".split()
)
_NAME_JOINERS = frozenset("bin binti van von de der da al el di".split())
_MONTH = (
    r"(?:januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|"
    r"november|nopember|desember|jan|feb|mar|apr|jun|jul|agu|agt|sep|okt|nov|des|"
    r"january|february|march|may|june|july|august|october|december)"
)
_DAY = r"(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad)"
_DATE = re.compile(
    rf"\b(?:{_DAY},?\s*(?:\(\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\)|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?)?"
    rf"|\d{{1,2}}(?:\s*-\s*\d{{1,2}})?\s+{_MONTH}(?:\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{4}}"
    r"|(?:tahun\s+)?(?:1[5-9]|20)\d\d(?:-an)?"
    r"|\d{1,2}/\d{1,2}/\d{2,4})\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+")
_CLAUSE_END = re.compile(r"[,;:()\"“”]|\s-\s|\.(?=\s|$)")


@dataclass
class Citation:
    """One quote a reader can check: `article_text[start:end] == quote`."""

    n: int
    article_id: str
    chunk_id: str
    title: str
    date: str | None
    source: str | None
    url: str | None
    quote: str
    start: int  # character offsets of the quote in the article text
    end: int


@dataclass
class Answer:
    answer: str  # the full text shown: short answer, quotes with [n] markers, sources
    short_answer: str | None
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    lang: str = "id"
    score: float = 0.0  # the evidence confidence abstention compares (`evidence_confidence`)
    mode: str = "extractive"  # who wrote `answer`: "extractive" or "llm" (qa/llm.py)
    note: str | None = None  # shown to the reader, e.g. why the LLM answer was not used


@dataclass
class Evidence:
    """A candidate sentence inside a hit's chunk (offsets relative to the chunk text)."""

    hit: Hit
    start: int
    end: int
    score: float
    coverage: float
    hit_rank: int = 0  # the hit's place in the retrieved list

    @property
    def text(self) -> str:
        return self.hit.text[self.start : self.end]


# -- language and follow-ups ----------------------------------------------------------


def detect_language(question: str) -> str:
    """'en' or 'id' by counting function words; ties go to Indonesian, the corpus language."""
    words = re.findall(r"[a-z']+", question.lower())
    english = sum(w in _ENGLISH_CUES for w in words)
    indonesian = sum(w in _INDONESIAN_CUES for w in words)
    return "en" if english > indonesian else "id"


def followup_query(
    question: str, history: Sequence[tuple[str, object]] | None, analyzer: Analyzer, config: Config
) -> str:
    """The retrieval query: a short or anaphoric follow-up borrows the last question's words.

    "Siapa wali kotanya?" after "Apa program Pemkot Bandarlampung untuk UMKM?" retrieves with
    "Pemkot Bandarlampung UMKM" added, since on its own it names nothing to search for.
    """
    if not history:
        return question
    own = analyzer.terms(question)
    if len(own) > config.followup_max_terms and not _ANAPHORA.search(question):
        return question
    previous = str(history[-1][0])
    words = [
        w
        for w in _TOKEN.findall(previous)
        if w.lower() not in analyzer.stopwords and stem(w.lower(), analyzer.stemmer) not in own
    ]
    return f"{question} {' '.join(words)}" if words else question


# -- evidence sentences ---------------------------------------------------------------


def score_sentences(
    question: str, query: str, hits: Sequence[Hit], weights: dict[str, float],
    analyzer: Analyzer, config: Config,
) -> list[Evidence]:  # fmt: skip
    """Every sentence of the first `answer_hits` hits, best evidence first.

    A question's words in the neighbouring sentences count at `sentence_context`: "Kapal
    tersebut masih berada di dermaga ..." answers "Di manakah kapal Yo To berada?" because the
    sentence before names the ship.
    """
    total = sum(weights.values()) or 1.0
    query_terms = analyzer.terms(query)
    bigrams = set(zip(query_terms, query_terms[1:], strict=False))
    kind = question_type(question)
    found: list[Evidence] = []
    seen: set[tuple[str, int]] = set()  # overlapping chunks repeat sentences
    for rank, hit in enumerate(hits[: config.answer_hits]):
        spans = split_sentences(hit.text)
        term_sets = [set(analyzer.terms(hit.text[start:end])) for start, end in spans]
        for k, (start, end) in enumerate(spans):
            key = (hit.article_id, hit.start + start)
            if key in seen:
                continue
            seen.add(key)
            text = hit.text[start:end]
            terms = analyzer.terms(text)
            present = term_sets[k]
            around = set().union(*term_sets[max(k - 1, 0) : k + 2]) - present
            coverage = (
                sum(w for t, w in weights.items() if t in present)
                + config.sentence_context * sum(w for t, w in weights.items() if t in around)
            ) / total
            shared = set(zip(terms, terms[1:], strict=False))
            score = (
                coverage
                + config.sentence_bigrams * (len(bigrams & shared) / len(bigrams) if bigrams else 0)
                + config.sentence_answer_type * has_answer_type(kind, text, question)
                + config.sentence_rank / (rank + 1)
            )
            found.append(Evidence(hit, start, end, score, coverage, rank))
    found.sort(key=lambda e: -e.score)
    return found


# -- short answers --------------------------------------------------------------------


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def _matched(tokens: list[tuple[int, int, str]], wanted: set[str], analyzer: Analyzer) -> list[int]:
    """Indexes of sentence tokens whose stem is a question term."""
    return [
        i
        for i, (_, _, w) in enumerate(tokens)
        if w.lower() not in analyzer.stopwords and stem(w.lower(), analyzer.stemmer) in wanted
    ]


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
    tokens: list[tuple[int, int, str]], sentence: str, matched: list[int], analyzer: Analyzer
) -> dict[tuple[int, int], set[str]]:
    """Token ranges worth scoring, each with the generators that proposed it."""
    raw: dict[tuple[int, int], set[str]] = {}

    def add(i: int, j: int, source: str) -> None:
        raw.setdefault((i, j), set()).add(source)

    for i, j in _name_spans(tokens, sentence):
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


def span_candidates(
    question: str, query: str, evidence: Sequence[Evidence], analyzer: Analyzer, config: Config
) -> list[Candidate]:
    """Every short-answer candidate in the top `answer_sentences` sentences, with features.

    Features say whether a candidate is the kind asked for, how it stands to the words the
    question repeats (answers sit right after them), how much of it the question already says,
    its shape, and how good its sentence is; `SPAN_WEIGHTS` turns them into a score.
    """
    kind = question_type(question)
    group = _QUESTION_GROUP[kind]
    asked = {w.lower() for _, _, w in _tokens(query)}  # a follow-up's borrowed words count
    wanted = set(analyzer.terms(query))
    asked_numbers = set(_NUMBER.findall(query))
    found: list[Candidate] = []
    top = evidence[0].score if evidence else 0.0
    for rank, e in enumerate(evidence[: config.answer_sentences]):
        sentence = e.text
        tokens = _tokens(sentence)
        if not tokens:
            continue
        matched = _matched(tokens, wanted, analyzer)
        matched_set = set(matched)
        seen: set[tuple[int, int]] = set()
        for (i0, j0), sources in _raw_spans(tokens, sentence, matched, analyzer).items():
            keeps_unit = bool(sources & {"number", "date"})  # "84 penumpang" keeps its unit
            i, j = (i0, j0) if keeps_unit else _trim(tokens, i0, j0, asked | wanted, analyzer)
            if i >= j or (i, j) in seen:
                continue
            seen.add((i, j))
            numbers = set(_NUMBER.findall(sentence, tokens[i][0], tokens[j - 1][1]))
            if numbers and numbers <= asked_numbers:
                continue  # "24 Tahun 2011" for "What does UU 24/2011 require?" repeats the question
            words = [w for _, _, w in tokens[i:j]]
            lowered = [w.lower() for w in words]
            asked_share = sum(w in asked for w in lowered) / len(words)
            distance = min(
                (min(abs(m - i), abs(m - (j - 1))) for m in matched), default=len(tokens)
            )
            fits = max(
                _fits(kind, _SOURCE_KIND.get(s, QuestionType.OTHER), question) for s in sources
            )
            features = {
                "fits": fits,
                "near": 1 / (1 + distance),
                # a unit repeated from the question ("131 warga") is weighed apart
                "unit_asked" if keeps_unit else "overlap": asked_share,
                "stopwords": sum(w in analyzer.stopwords for w in lowered) / len(words),
                "one_word": float(len(words) == 1),
                "length": min(len(words), 10) / 10,
                "long": max(0, len(words) - 4),
                "caps": sum(w[0].isupper() for w in words) / len(words),
                "digits": float(any(w[0].isdigit() for w in words)),
                "follows": float(i - 1 in matched_set or i - 2 in matched_set),
                "precedes": float(j in matched_set),
                "inside": float(any(i <= m < j for m in matched)),
                "position": i / len(tokens),
                "sentence": e.score - top,
                "coverage": e.coverage,
                "rank": float(rank),
                "hit_rank": float(e.hit_rank),
            }
            for source in sources:
                features[source] = 1.0
                features[f"{group}:{source}"] = 1.0
            found.append(Candidate(e, tokens[i][0], tokens[j - 1][1], features))
    for c in found:
        c.score = _linear(SPAN_WEIGHTS, c.features)
    found.sort(key=lambda c: -c.score)
    return found


def _linear(weights: dict[str, float], features: dict[str, float]) -> float:
    return weights.get("bias", 0.0) + sum(weights.get(k, 0.0) * v for k, v in features.items())


def _fits(kind: QuestionType, found: QuestionType, question: str) -> float:
    """1 when a candidate is the kind asked for; names half-fit "apa nama ..." questions."""
    if kind in (QuestionType.WHO, QuestionType.WHERE):
        return float(found is QuestionType.WHO)
    if kind is QuestionType.OTHER:
        if found is QuestionType.OTHER:
            return 0.5
        return 0.5 if found is QuestionType.WHO and re.search(r"\bnam", question.lower()) else 0.0
    return float(found is kind)


# -- citations ------------------------------------------------------------------------


def verify_citation(
    citation: Citation, chunk_text: str, chunk_start: int, article_text: str
) -> bool:
    """Is the quote verbatim in its chunk and article at its offsets, and not a "Baca juga"?

    Run on every citation before it is shown: a quote a reader cannot find is never shown.
    """
    quote = citation.quote
    if not quote.strip() or citation.end - citation.start != len(quote):
        return False
    local = citation.start - chunk_start
    if local < 0 or chunk_text[local : local + len(quote)] != quote:
        return False
    if article_text[citation.start : citation.end] != quote:
        return False
    line_start = chunk_text.rfind("\n", 0, local) + 1
    return not _BACA_JUGA.search(chunk_text[line_start : local + len(quote)])


def cite(hit: Hit, start: int, end: int, n: int = 0) -> Citation:
    """Cites `hit.text[start:end]` with its offsets in the article, for `verify_citation`."""
    return Citation(
        n=n,
        article_id=hit.article_id,
        chunk_id=hit.chunk_id,
        title=hit.title,
        date=hit.date,
        source=hit.source,
        url=hit.url,
        quote=hit.text[start:end],
        start=hit.start + start,
        end=hit.start + end,
    )


def render(short: str | None, citations: list[Citation], lang: str) -> str:
    """The text a reader sees; markers are the citations' numbers, in order of first use."""
    lines = [f"{short} [1]", ""] if short else []
    lines += [f"“{c.quote}” [{c.n}]" for c in citations]
    lines += ["", SOURCES_HEADING[lang]]
    for c in citations:
        meta = ", ".join(x for x in (c.source, c.date) if x)
        lines.append(f"[{c.n}] {c.title}" + (f" ({meta})" if meta else "") + f" — {c.article_id}")
    return "\n".join(lines)


def abstain(lang: str, score: float = 0.0) -> Answer:
    return Answer(NOT_FOUND[lang], None, True, [], lang, round(score, 4))


# -- the whole step -------------------------------------------------------------------


SPAN_FLOOR = -10.0  # a question with no candidate at all scores as the worst candidate


def best_span_score(candidates: Sequence[Candidate]) -> float:
    """The best short-answer candidate's log-odds, floored: what abstention reads of the spans."""
    return max(candidates[0].score, SPAN_FLOOR) if candidates else SPAN_FLOOR


def evidence_confidence(best: Evidence, candidates: Sequence[Candidate], config: Config) -> float:
    """What abstention compares: the best sentence's coverage, nudged by the best span's score.

    A logistic regression on FacQA train (answerable vs gold-removed) weighs them 1 :
    `abstain_span_weight`. Adding the span raised abstention on gold-removed valid from 0.54
    to 0.59 at 8% false abstention (with one shared threshold and the ratio then fit, 0.05).
    """
    return best.coverage + config.abstain_span_weight * best_span_score(candidates)


def abstain_below(question: str, config: Config) -> float:
    """The confidence this question's evidence needs: its type's threshold, moved by config."""
    return ABSTAIN_BELOW[question_type(question)] + config.abstain_shift


def quote_ratio(e: Evidence, chosen: Evidence, config: Config) -> float:
    """How close to the best sentence's score a further quote must come."""
    if e.hit.article_id == chosen.hit.article_id:
        return config.second_quote_ratio
    return max(config.second_quote_ratio, config.other_article_quote_ratio)


def answer(
    question: str,
    hits: Sequence[Hit],
    analyzer: Analyzer,
    document_frequencies: Callable[[list[str]], tuple[int, dict[str, int]]],
    article_text: Callable[[str], str | None],
    config: Config,
    query: str | None = None,
) -> Answer:
    """Answer from retrieved hits, or abstain when the best evidence is too weak.

    `query` is what was retrieved with (a follow-up's expanded question); `document_frequencies`
    and `article_text` come from the store, passed in so this step stays storage-agnostic.
    """
    lang = detect_language(question)
    query = query or question
    total, freqs = document_frequencies(analyzer.terms(query))
    unseen = config.unseen_term_weight_en if lang == "en" else 1.0
    weights = term_weights(analyzer.terms(query), total, freqs, unseen)
    evidence = score_sentences(question, query, hits, weights, analyzer, config)
    if not evidence:
        return abstain(lang)
    candidates = span_candidates(question, query, evidence, analyzer, config)
    best = evidence[0]
    confidence = evidence_confidence(best, candidates, config)
    if confidence < abstain_below(question, config):
        return abstain(lang, confidence)
    chosen = candidates[0].evidence if candidates else best
    likely = candidates and candidates[0].score >= config.short_answer_below
    short = candidates[0].text if likely else None  # else the quotes answer alone
    quotes = [chosen] + [
        e
        for e in evidence[: config.answer_quotes + 1]
        if e is not chosen and e.score >= quote_ratio(e, chosen, config) * best.score
    ]
    quotes = quotes[: config.answer_quotes]
    texts: dict[str, str | None] = {}
    citations = []
    for e in quotes:
        c = cite(e.hit, e.start, e.end, len(citations) + 1)
        if c.article_id not in texts:
            texts[c.article_id] = article_text(c.article_id)
        text = texts[c.article_id]
        if text is not None and verify_citation(c, e.hit.text, e.hit.start, text):
            citations.append(c)
        elif e is chosen:
            short = None  # its sentence cannot be shown, so neither can the answer taken from it
    if not citations:
        return abstain(lang, confidence)
    return Answer(
        render(short, citations, lang), short, False, citations, lang, round(confidence, 4)
    )
