"""Answering: retrieved hits -> a short answer with verbatim, verified quotes.

Extractive and model-free, so it runs in milliseconds on CPU and every word a
reader sees can be checked against the article. The hybrid retriever's best
chunks are cut into sentences; each sentence is scored by the idf-weighted
share of the question's terms it holds (plus question bigrams, whether it
holds the kind of thing asked for, and the hit's rank). The best one or two
sentences become quotes, and a short answer is picked from them by question
type: a name for who/where, a date for when, a number with its unit for how
many, otherwise the clause after the words the question repeats. Every quote
is verified against its chunk and its article before it is shown; when the
best evidence is too weak the answer says plainly that it was not found.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from qa.analysis import Analyzer, QuestionType, has_answer_type, question_type, stem
from qa.chunking import split_sentences
from qa.config import Config
from qa.retrieval import Hit

NOT_FOUND = {
    "id": "Tidak ditemukan di artikel yang tersedia.",
    "en": "I could not find this in the articles.",
}
SOURCES_HEADING = {"id": "Sumber:", "en": "Sources:"}

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
    score: float = 0.0  # the best evidence sentence's score (what abstention compares)


@dataclass
class Evidence:
    """A candidate sentence inside a hit's chunk (offsets relative to the chunk text)."""

    hit: Hit
    start: int
    end: int
    score: float
    coverage: float

    @property
    def text(self) -> str:
        return self.hit.text[self.start : self.end]


@dataclass
class Span:
    """A short-answer candidate inside an evidence sentence (offsets in the sentence)."""

    start: int
    end: int
    kind: QuestionType
    score: float = 0.0


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


def term_weights(terms: Sequence[str], total: int, freqs: dict[str, int], unseen: float) -> dict:
    """BM25-style idf per query term; a term no chunk holds counts `unseen` of its idf."""
    weights = {}
    for t in dict.fromkeys(terms):
        df = freqs.get(t, 0)
        idf = math.log((total - df + 0.5) / (df + 0.5) + 1)
        weights[t] = idf * (unseen if df == 0 else 1.0)
    return weights


def score_sentences(
    question: str, query: str, hits: Sequence[Hit], weights: dict[str, float],
    analyzer: Analyzer, config: Config,
) -> list[Evidence]:  # fmt: skip
    """Every sentence of the first `answer_hits` hits, best evidence first."""
    total = sum(weights.values()) or 1.0
    query_terms = analyzer.terms(query)
    bigrams = set(zip(query_terms, query_terms[1:], strict=False))
    kind = question_type(question)
    found: list[Evidence] = []
    seen: set[tuple[str, int]] = set()  # overlapping chunks repeat sentences
    for rank, hit in enumerate(hits[: config.answer_hits]):
        for start, end in split_sentences(hit.text):
            key = (hit.article_id, hit.start + start)
            if key in seen:
                continue
            seen.add(key)
            text = hit.text[start:end]
            terms = analyzer.terms(text)
            present = set(terms)
            coverage = sum(w for t, w in weights.items() if t in present) / total
            shared = set(zip(terms, terms[1:], strict=False))
            score = (
                coverage
                + config.sentence_bigrams * (len(bigrams & shared) / len(bigrams) if bigrams else 0)
                + config.sentence_answer_type * has_answer_type(kind, text, question)
                + config.sentence_rank / (rank + 1)
            )
            found.append(Evidence(hit, start, end, score, coverage))
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


def candidate_spans(
    question: str, sentence: str, analyzer: Analyzer, config: Config, query: str | None = None
) -> list[Span]:
    """Short-answer candidates in one sentence, best first.

    Each is scored by whether it is the kind asked for, how close it stands to the words the
    question repeats (answers sit next to them), and how little of it the question already says.
    """
    kind = question_type(question)
    tokens = _tokens(sentence)
    if not tokens:
        return []
    query = query or question  # a follow-up's borrowed words are "asked" too
    asked = {w.lower() for _, _, w in _tokens(query)}
    wanted = set(analyzer.terms(query))
    matched = _matched(tokens, wanted, analyzer)
    raw: list[tuple[int, int, QuestionType]] = []
    for i, j in _name_spans(tokens, sentence):
        raw.append((i, j, QuestionType.WHO))
    for i, j in _number_spans(tokens, analyzer.stopwords):
        raw.append((i, j, QuestionType.HOW_MANY))
    for m in _DATE.finditer(sentence):
        i = next((k for k, t in enumerate(tokens) if t[1] > m.start()), len(tokens))
        j = next((k for k, t in enumerate(tokens) if t[0] >= m.end()), len(tokens))
        raw.append((i, j, QuestionType.WHEN))
    if kind is QuestionType.OTHER and matched:
        raw.extend(_clauses_after(tokens, sentence, matched))
    spans = []
    for i, j, found_kind in raw:
        if found_kind in (QuestionType.WHO, QuestionType.OTHER):  # "84 penumpang" keeps its unit
            i, j = _trim(tokens, i, j, asked | wanted, analyzer)
        if i >= j:
            continue
        words = [w.lower() for _, _, w in tokens[i:j]]
        overlap = sum(w in asked for w in words) / len(words)
        distance = min((min(abs(m - i), abs(m - (j - 1))) for m in matched), default=len(tokens))
        fits = _fits(kind, found_kind, question)
        score = (
            config.span_type * fits
            + config.span_near / (1 + distance)
            - config.span_overlap * overlap
            - config.span_length * max(0, len(words) - 4)
        )
        spans.append(Span(tokens[i][0], tokens[j - 1][1], found_kind, score))
    spans.sort(key=lambda s: -s.score)
    return spans


def _fits(kind: QuestionType, found: QuestionType, question: str) -> float:
    """1 when a candidate is the kind asked for; names half-fit "apa nama ..." questions."""
    if kind in (QuestionType.WHO, QuestionType.WHERE):
        return float(found is QuestionType.WHO)
    if kind is QuestionType.OTHER:
        if found is QuestionType.OTHER:
            return 0.5
        return 0.5 if found is QuestionType.WHO and re.search(r"\bnam", question.lower()) else 0.0
    return float(found is kind)


def _clauses_after(
    tokens: list[tuple[int, int, str]], sentence: str, matched: list[int]
) -> list[tuple[int, int, QuestionType]]:
    """The words after the last run of question words, up to the clause's end."""
    last = max(matched)
    i = last + 1
    if i >= len(tokens):
        return []
    stop = _CLAUSE_END.search(sentence, tokens[i][0])
    limit = stop.start() if stop else len(sentence)
    j = i
    while j < len(tokens) and tokens[j][1] <= limit:
        j += 1
    return [(i, j, QuestionType.OTHER)] if j > i else []


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


def _citation(n: int, evidence: Evidence) -> Citation:
    hit = evidence.hit
    return Citation(
        n=n,
        article_id=hit.article_id,
        chunk_id=hit.chunk_id,
        title=hit.title,
        date=hit.date,
        source=hit.source,
        url=hit.url,
        quote=evidence.text,
        start=hit.start + evidence.start,
        end=hit.start + evidence.end,
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
    if not evidence or evidence[0].coverage < config.abstain_below:
        return abstain(lang, evidence[0].coverage if evidence else 0.0)
    best = evidence[0]
    short, chosen = _short_answer(question, query, evidence, analyzer, config)
    quotes = [chosen] + [
        e
        for e in evidence[: config.answer_quotes + 1]
        if e is not chosen and e.score >= config.second_quote_ratio * best.score
    ]
    quotes = quotes[: config.answer_quotes]
    texts: dict[str, str | None] = {}
    citations = []
    for e in quotes:
        c = _citation(len(citations) + 1, e)
        if c.article_id not in texts:
            texts[c.article_id] = article_text(c.article_id)
        text = texts[c.article_id]
        if text is not None and verify_citation(c, e.hit.text, e.hit.start, text):
            citations.append(c)
        elif e is chosen:
            short = None  # its sentence cannot be shown, so neither can the answer taken from it
    if not citations:
        return abstain(lang, best.coverage)
    return Answer(
        render(short, citations, lang), short, False, citations, lang, round(best.coverage, 4)
    )


def _short_answer(
    question: str, query: str, evidence: list[Evidence], analyzer: Analyzer, config: Config
) -> tuple[str | None, Evidence]:
    """The best candidate span among the top sentences, and the sentence it comes from."""
    best: tuple[float, str | None, Evidence] = (-math.inf, None, evidence[0])
    for rank, e in enumerate(evidence[: config.answer_sentences]):
        spans = candidate_spans(question, e.text, analyzer, config, query)
        if not spans:
            continue
        top = spans[0]
        if _fits(question_type(question), top.kind, question) == 0:
            continue  # nothing of the kind asked for: the quote alone answers
        score = top.score + config.span_sentence * e.score - config.span_rank * rank
        if score > best[0]:
            best = (score, e.text[top.start : top.end], e)
    return best[1], best[2]
