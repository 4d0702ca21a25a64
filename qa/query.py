"""The query: everything about one question, worked out once and read by retrieval and answering.

A question arrives with the chat's history and the reader's filters. `Query.build` decides its
language, widens a short or anaphoric follow-up with the last question's words, analyzes it
into terms and bigrams, reads its kind (who, when, how many ...) and weighs each term by its
idf in the index. The retriever searches with it and the reader answers from it, so both see
the same facts (one analyzer, one set of weights) instead of recomputing their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from qa.analysis import WORD, Analyzer, QuestionType, question_type, stem, term_weights
from qa.store import Filters

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
# Words ending in -nya that refer to nothing before them ("hanya", "sebenarnya").
_NOT_ANAPHORA = frozenset(
    """hanya punya tanya bertanya sebenarnya biasanya akhirnya sebelumnya sesudahnya
    setelahnya selanjutnya lainnya setidaknya misalnya khususnya umumnya seharusnya
    sayangnya rupanya tampaknya agaknya terutamanya""".split()
)
# Ellipsis: a question that continues the one before ("Dan wakilnya?", "What about Medan?").
_CONTINUES = re.compile(
    r"^\W*(dan|lalu|terus|kalau|bagaimana dengan|and|what about|how about)\b", re.IGNORECASE
)

DocumentFrequencies = Callable[[list[str]], tuple[int, dict[str, int]]]


@dataclass(frozen=True)
class Query:
    """One question, analyzed. `text` is what is searched: the question itself, or a
    follow-up with the words it borrowed from the question before."""

    question: str
    text: str
    lang: str  # "id" or "en"
    kind: QuestionType
    terms: list[str]  # analyzed terms of `text`, in order
    idf: dict[str, float]  # per distinct term; retrieval weighs coverage with these
    weights: dict[str, float]  # the reader's term weights (unseen English words count less)
    filters: Filters = field(default_factory=Filters)

    @property
    def bigrams(self) -> set[tuple[str, str]]:
        return set(zip(self.terms, self.terms[1:], strict=False))

    @classmethod
    def build(
        cls,
        question: str,
        analyzer: Analyzer,
        document_frequencies: DocumentFrequencies,
        history: Sequence[tuple[str, object]] | None = None,
        filters: Filters | None = None,
        unseen_term_weight_en: float = 0.25,
    ) -> Query:
        """`document_frequencies(terms)` gives (chunk count, {term: chunks holding it})."""
        text = followup_text(question, history, analyzer)
        terms = analyzer.terms(text)
        lang = detect_language(question)
        total, freqs = document_frequencies(list(dict.fromkeys(terms)))
        unseen = unseen_term_weight_en if lang == "en" else 1.0
        return cls(
            question=question,
            text=text,
            lang=lang,
            kind=question_type(question),
            terms=terms,
            idf=term_weights(terms, total, freqs),
            weights=term_weights(terms, total, freqs, unseen),
            filters=filters or Filters(),
        )


def detect_language(question: str) -> str:
    """'en' or 'id' by counting function words; ties go to Indonesian, the corpus language."""
    words = re.findall(r"[a-z']+", question.lower())
    english = sum(w in _ENGLISH_CUES for w in words)
    indonesian = sum(w in _INDONESIAN_CUES for w in words)
    return "en" if english > indonesian else "id"


def leans_on_history(question: str, analyzer: Analyzer) -> bool:
    """Does the question refer to an earlier one: anaphora, a continuation ("Dan ...?"), or
    too few words of its own and no name ("Siapa wali kota?")?

    Only such a question borrows from the conversation: a self-contained one ("Siapa Bupati
    Sukamaju?") is answered the same with or without history.
    """
    return _leans(question, analyzer.terms(question))


def _leans(question: str, own: list[str]) -> bool:
    """`leans_on_history`, given the question's own terms."""
    refers = any(m.group().lower() not in _NOT_ANAPHORA for m in _ANAPHORA.finditer(question))
    if refers or _CONTINUES.search(question):
        return True
    return len(own) <= 2 and not _names_something(question)


def _names_something(question: str) -> bool:
    """A name (a capitalized word after the first) or a number: the question says what about."""
    words = WORD.findall(question)
    return any(w[0].isdigit() for w in words) or any(w[0].isupper() for w in words[1:])


def followup_text(
    question: str, history: Sequence[tuple[str, object]] | None, analyzer: Analyzer
) -> str:
    """What to search for: a follow-up that leans on the last question borrows its words.

    "Siapa wali kotanya?" after "Apa program Pemkot Bandarlampung untuk UMKM?" retrieves with
    "Pemkot Bandarlampung UMKM" added, since on its own it names nothing to search for.
    """
    if not history:
        return question
    own = analyzer.terms(question)
    if not _leans(question, own):
        return question
    previous = str(history[-1][0])
    words = [
        w
        for w in WORD.findall(previous)
        if w.lower() not in analyzer.stopwords and stem(w.lower(), analyzer.stemmer) not in own
    ]
    return f"{question} {' '.join(words)}" if words else question
