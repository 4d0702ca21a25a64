"""A chunk's analysis made once (`qa.passage`): the same signals as reading the text again."""

from __future__ import annotations

import pytest
from test_analysis import PASSAGES

from qa.analysis import Analyzer, QuestionType, has_answer_type
from qa.passage import PassageView, PassageViews

ANALYZER = Analyzer()


def view(passage: str) -> PassageView:
    return PassageView(ANALYZER, passage, ANALYZER.terms(passage))


@pytest.mark.parametrize("passage", PASSAGES)
@pytest.mark.parametrize(
    "question",
    ["Siapa sekretaris daerah?", "Berapa pengunjung festival?", "Kapan pendaftaran dibuka?"],
)
def test_a_view_holds_the_answer_types_the_text_holds(passage: str, question: str) -> None:
    for kind in QuestionType:
        assert view(passage).has_answer_type(kind, question) == has_answer_type(
            kind, passage, question
        )


def test_an_answer_of_the_asked_kind_next_to_a_question_word_is_near() -> None:
    passage = "Kata Menteri Kesehatan Siti Fadilah Supari di Jakarta, Senin 3 Maret 2019."
    wanted = set(ANALYZER.terms("Siapa Menteri Kesehatan?"))
    seen = view(passage)
    assert seen.answer_near(QuestionType.WHO, "Siapa Menteri Kesehatan?", wanted)
    # a date four words or more from every question word is not near
    assert not seen.answer_near(QuestionType.WHEN, "Kapan Menteri Kesehatan?", wanted)
    assert seen.answer_near(QuestionType.WHEN, "Kapan di Jakarta?", set(ANALYZER.terms("Jakarta")))
    # a capitalized word the question itself says is not an answer
    assert not view("Menteri Kesehatan berkata.").answer_near(
        QuestionType.WHO, "Siapa Menteri Kesehatan?", wanted
    )
    assert not seen.answer_near(QuestionType.WHO, "Siapa gubernur?", {"gubernur"})


def test_terms_and_bigrams_are_where_the_stored_terms_say() -> None:
    seen = view(PASSAGES[0])
    assert "daerah" in seen.term_set and "gubernur" not in seen.term_set
    assert seen.holds_bigram("sekretaris", "daerah")
    assert not seen.holds_bigram("daerah", "sekretaris")


def test_views_remember_the_latest_passages_only() -> None:
    views = PassageViews(ANALYZER, size=2)
    for passage in PASSAGES[:3]:
        views.add(passage, ANALYZER.terms(passage))
    assert set(views.known(PASSAGES)) == set(PASSAGES[1:3])
    views.known([PASSAGES[1]])  # used again: now the newest
    views.add(PASSAGES[3], ANALYZER.terms(PASSAGES[3]))
    assert set(views.known(PASSAGES)) == {PASSAGES[1], PASSAGES[3]}
