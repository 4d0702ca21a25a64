"""The extractive reader: retrieved hits -> a short answer with verbatim, verified quotes.

With no neural model it runs in milliseconds on CPU, and every word a reader sees can be
checked against the article. The best chunks are cut into scored sentences (`evidence`); a
short answer is picked from the best of them by the learned span scorer (`spans`, `model`); its
sentence and the next best become quotes, each verified against its chunk and article
(`citations`). When the evidence probably does not answer the question (`abstention`), the
answer says plainly that it was not found. The short answer is shown only when it is the kind
asked for and its calibrated probability of being right (`correctness`) is high; otherwise
the quotes answer alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.analysis import Analyzer
from qa.answering import abstention
from qa.answering.citations import cite, verify_citation
from qa.answering.correctness import can_show, displayed, features
from qa.answering.duties import DUTY_COVERAGE, asks_duty, duty_clause
from qa.answering.evidence import Evidence, score_sentences
from qa.answering.model import AnswerModel
from qa.answering.spans import Candidate, span_candidates
from qa.answers import Answer, Citation
from qa.articles.pdf import page_of
from qa.calendar import YEAR
from qa.config import Config
from qa.query import Query
from qa.retrieval import Hit

_YEAR = re.compile(rf"\b{YEAR}\b")


def quote_ratio(e: Evidence, chosen: Evidence, config: Config) -> float:
    """How close to the best sentence's score a further quote must come."""
    if e.hit.article_id == chosen.hit.article_id:
        return config.second_quote_ratio
    return max(config.second_quote_ratio, config.other_article_quote_ratio)


@dataclass
class Assessment:
    """What the reader worked out before composing the answer: the scored sentences (best
    first), the short-answer candidates (best first), how likely the top candidate is right
    (None: there is none), and how likely the evidence answers the question at all, with what
    that probability was read from."""

    evidence: list[Evidence]
    candidates: list[Candidate]
    right: float | None
    answerable: float
    answerable_features: dict[str, float]


def assess(
    query: Query, hits: Sequence[Hit], analyzer: Analyzer, model: AnswerModel, config: Config
) -> Assessment | None:
    """The reader's judgement of the hits (None: they hold no sentence), before any quote
    is verified; also what the fitting scripts in bench/ read."""
    evidence = score_sentences(query, hits, analyzer, config)
    if not evidence:
        return None
    candidates = span_candidates(query, evidence, analyzer, model, config.answer_sentences)
    right = correct_probability(query, candidates, model)
    signals = abstention.features(query, hits, evidence, candidates, right, model)
    answerable = model.answerable_probability(signals)
    return Assessment(evidence, candidates, right, answerable, signals)


def read(
    query: Query,
    hits: Sequence[Hit],
    analyzer: Analyzer,
    article_text: Callable[[str], str | None],
    model: AnswerModel,
    config: Config,
) -> Answer:
    """Answer from retrieved hits, or abstain when the evidence probably does not answer.

    `article_text` comes from the store, passed in so that this step stays storage-agnostic.
    """
    found = assess(query, hits, analyzer, model, config)
    if found is None:
        return Answer.not_found(query.lang)
    evidence, candidates, right = found.evidence, found.candidates, found.right
    confidence = found.answerable
    if confidence < abstention.answerable_above(query, model, config.abstain_shift):
        return Answer.not_found(query.lang, confidence)
    best = evidence[0]
    chosen = candidates[0].evidence if candidates else best
    bar = model.short_bar(query.lang) + config.short_answer_shift
    shown = bool(right) and right >= bar  # 0: not the kind asked for, never shown
    short = displayed(query, candidates[0]) if shown else None  # else the quotes alone
    duty = _duty(query, evidence[: config.answer_sentences])
    if duty is not None:  # its clause answers; the factoid candidates' probability does not
        chosen, short, right = duty
    quotes = [chosen] + [
        e
        for e in evidence[: config.answer_quotes + 1]
        if e is not chosen and e.score >= quote_ratio(e, chosen, config) * best.score
    ]
    verified = _verified(quotes[: config.answer_quotes], article_text)
    if not verified:
        return Answer.not_found(query.lang, confidence)
    if verified[0][0] is not chosen:
        short = right = None  # its sentence cannot be shown, nor the answer taken from it
    elif short is not None and _other_year(query, chosen.hit):
        short = None  # "Juara Liga 1 musim 2019?" from an article of 2017 about 2017
    withheld = displayed(query, candidates[0]) if right is not None and short is None else None
    return Answer(
        short,
        False,
        [c for _, c in verified],
        query.lang,
        round(confidence, 4),
        short_confidence=None if right is None else round(right, 4),
        withheld=withheld,
    )


def correct_probability(
    query: Query, candidates: Sequence[Candidate], model: AnswerModel
) -> float | None:
    """How likely the top candidate is right (None: there is none); 0 when it is not the
    kind of thing asked for ("Agustus 1962" for "who"), the question asks how something is
    done or why, or it stands in the dateline: never shown."""
    if not candidates:
        return None
    if not can_show(query, candidates[0]):
        return 0.0
    return model.correct_probability(features(query, candidates))


def _duty(query: Query, evidence: Sequence[Evidence]) -> tuple[Evidence, str, None] | None:
    """For a question that asks what someone must do: the first of the best sentences that
    mostly holds the question's terms and states a duty, with the duty's clause."""
    if not asks_duty(query.question):
        return None
    for e in evidence:
        span = duty_clause(e.text, query.question) if e.coverage >= DUTY_COVERAGE else None
        if span is not None:
            return e, e.text[span[0] : span[1]], None
    return None


def _other_year(query: Query, hit: Hit) -> bool:
    """Does the question name a year that a dated article neither is from nor mentions in the
    answer's chunk? (Undated passages, such as FacQA's, often leave the year unsaid.)"""
    years = set(_YEAR.findall(query.question))
    if not years or not hit.date:
        return False
    return not years <= set(_YEAR.findall(f"{hit.date[:4]} {hit.title} {hit.text}"))


def _verified(
    quotes: Sequence[Evidence], article_text: Callable[[str], str | None]
) -> list[tuple[Evidence, Citation]]:
    """The quotes that pass `verify_citation`, cited [1], [2], ... in order."""
    texts: dict[str, str | None] = {}
    kept: list[tuple[Evidence, Citation]] = []
    for e in quotes:
        c = cite(e.hit, e.start, e.end, len(kept) + 1)
        if c.article_id not in texts:
            texts[c.article_id] = article_text(c.article_id)
        text = texts[c.article_id]
        if verify_citation(c, e.hit.text, e.hit.start, text):
            c.page = page_of(text or "", c.start)
            kept.append((e, c))
    return kept
