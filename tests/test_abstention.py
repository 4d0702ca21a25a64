"""Abstention: the articles must support what the question asks, not only its topic.

The reader runs on hand-made hits with the shipped answer model, so each test shows one
thing the abstention model reads: a year the evidence does not say, words no article holds,
and a retriever that gives no cosine.
"""

from __future__ import annotations

from pathlib import Path

from conftest import make_config

from qa.analysis import Analyzer
from qa.answering import abstention
from qa.answering.model import load_model
from qa.answering.reader import assess, read
from qa.query import Query
from qa.retrieval import Hit

TEXT = (
    "Prancis menjadi juara Piala Dunia 1998 setelah mengalahkan Brasil 3-0 di final. "
    "Pertandingan final digelar di Stade de France, Saint-Denis."
)
HITS = [Hit("cup#0", "cup", 1.0, "Piala Dunia", TEXT, 0, len(TEXT))]
CONFIG = make_config(Path("unused"))
ANALYZER = Analyzer(CONFIG.stemmer, CONFIG.stopwords)


def held_by_all(terms: list[str]) -> tuple[int, dict[str, int]]:
    """Every term is held by a few of 1,000 chunks."""
    return 1000, dict.fromkeys(terms, 5)


def judged(question: str, df=held_by_all, hits: list[Hit] = HITS):
    query = Query.build(question, ANALYZER, df)
    found = assess(query, hits, ANALYZER, load_model(), CONFIG)
    assert found is not None
    features = abstention.features(
        query, hits, found.evidence, found.candidates, found.right, load_model()
    )
    return found, features


def ask(question: str, df=held_by_all, shift: float = 0.0) -> bool:
    """Does the reader answer (True) or abstain (False), at the user's `abstain_shift`?"""
    query = Query.build(question, ANALYZER, df)
    config = CONFIG.replace(abstain_shift=shift)
    return not read(query, HITS, ANALYZER, {"cup": TEXT}.get, load_model(), config).abstained


def test_a_year_the_evidence_does_not_say_is_not_answered_from_another_year() -> None:
    """The topic is there (the 1998 cup), the asked fact (the 2006 champion) is not."""
    right, right_features = judged("Siapa juara Piala Dunia 1998?")
    other, other_features = judged("Siapa juara Piala Dunia 2006?")
    assert right_features["number_missing"] == 0 and other_features["number_missing"] == 1
    assert other.answerable < right.answerable - 0.1
    # a reader who wants more certainty (QA_ABSTAIN_SHIFT) gets "not found" for 2006 first
    bar = (right.answerable + other.answerable) / 2 - load_model().answerable_above["id"]
    assert ask("Siapa juara Piala Dunia 1998?", shift=bar)
    assert not ask("Siapa juara Piala Dunia 2006?", shift=bar)


def test_words_no_article_holds_lower_the_probability() -> None:
    """A word no chunk holds ("kriket"): a question about another world cup than this one."""

    def no_cricket(terms: list[str]) -> tuple[int, dict[str, int]]:
        """The other words of the question, and no word spelled near "kriket"."""
        return 1000, {t: 5 for t in terms if t in {"juara", "piala", "dunia", "1998"}}

    plain, plain_features = judged("Siapa juara Piala Dunia 1998?")
    cricket, cricket_features = judged("Siapa juara Piala Dunia kriket 1998?", no_cricket)
    assert plain_features["unseen"] == 0 < cricket_features["unseen"]
    assert cricket_features["missing_top"] == 1.0  # the rarest word is the missing one
    assert cricket.answerable < plain.answerable


def test_a_question_that_says_little_is_weaker_evidence() -> None:
    """Two words found ("Capital of Canada?" matching a sentence that names Canada and a
    city) say less than a question whose every word is found."""
    _, short = judged("Juara Piala?")
    _, full = judged("Siapa juara Piala Dunia 1998 setelah mengalahkan Brasil 3-0 di final?")
    assert short["coverage"] == full["coverage"] == 1.0
    assert short["content"] < full["content"] <= 8
    weights = load_model().answerable_weights
    assert weights["content"] > 0  # the fitted model trusts a question that says more


def test_hits_without_a_cosine_read_the_model_default() -> None:
    """A BM25-only search gives no dense score; the feature takes the model's typical value
    instead of reading as "no similarity at all"."""
    _, bm25_only = judged("Siapa juara Piala Dunia 1998?")
    assert bm25_only["dense"] == load_model().dense_when_missing
    scored = [Hit("cup#0", "cup", 1.0, "Piala Dunia", TEXT, 0, len(TEXT), dense_score=0.71)]
    _, hybrid = judged("Siapa juara Piala Dunia 1998?", hits=scored)
    assert hybrid["dense"] == 0.71


def test_the_threshold_follows_the_question_language_and_the_users_shift() -> None:
    model = load_model()
    english = Query.build("Who won the 1998 World Cup?", ANALYZER, held_by_all)
    indonesian = Query.build("Siapa juara Piala Dunia 1998?", ANALYZER, held_by_all)
    assert abstention.answerable_above(english, model, 0.0) == model.answerable_above["en"]
    assert abstention.answerable_above(indonesian, model, 0.1) == model.answerable_above["id"] + 0.1
