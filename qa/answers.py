"""What an answer is: plain data, with no rendered text inside.

The answer step fills these; the CLI, the JSON API, the eval and the web chat each render them
their own way (`qa.render` for text and JSON, `qa.chat` for HTML). A citation points into its
article by character offsets, so a reader can be shown the quote in place and anyone can check
it: `article_text[start:end] == quote`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qa.config import AnswerMode

# Said, in the question's language, when the articles do not hold the answer; the LLM is asked
# to reply with exactly this sentence too.
NOT_FOUND = {
    "id": "Tidak ditemukan di artikel yang tersedia.",
    "en": "I could not find this in the articles.",
}


@dataclass
class Citation:
    """One quote a reader can check: `article_text[start:end] == quote`."""

    n: int  # the [n] marker, numbered by first use
    article_id: str
    chunk_id: str
    title: str
    date: str | None
    source: str | None
    url: str | None
    quote: str
    start: int  # character offsets of the quote in the article text
    end: int
    page: int | None = None  # the page the quote starts on, for a PDF


@dataclass
class Answer:
    """An answer with its evidence, or an abstention (`abstained`, no citations)."""

    short_answer: str | None  # the extractive short answer, or the LLM's text without markers
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    lang: str = "id"
    confidence: float = 0.0  # the probability that the articles answer, which abstention reads
    mode: AnswerMode = AnswerMode.EXTRACTIVE  # who wrote it
    # The calibrated probability that the best short-answer candidate is right; when it is too
    # low (or the candidate is not the kind asked for) the candidate is `withheld`, not shown.
    short_confidence: float | None = None
    withheld: str | None = None
    generated: str | None = None  # the LLM's verified text, with its [n] markers
    notes: list[str] = field(default_factory=list)  # for the reader: why the LLM was not used...

    @classmethod
    def not_found(cls, lang: str, confidence: float = 0.0) -> Answer:
        return cls(None, True, [], lang, round(confidence, 4))
