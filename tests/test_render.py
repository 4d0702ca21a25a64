"""Rendering a structured `Answer`: the terminal text and the JSON object, from fields alone."""

from __future__ import annotations

import json

from qa.answers import NOT_FOUND, Answer, Citation
from qa.config import AnswerMode
from qa.render import to_json, to_text


def citation(n: int, quote: str, **changes) -> Citation:
    base = dict(
        n=n,
        article_id=f"a{n}",
        chunk_id=f"a{n}#0",
        title=f"Judul {n}",
        date="2019-12-05",
        source="ANTARA",
        url=None,
        quote=quote,
        start=0,
        end=len(quote),
    )
    return Citation(**{**base, **changes})


def test_extractive_text_has_the_short_answer_quotes_and_sources() -> None:
    answer = Answer("Badri Tamam", False, [citation(1, "Kata Badri."), citation(2, "Lagi.")])
    assert to_text(answer) == (
        "Badri Tamam [1]\n\n“Kata Badri.” [1]\n“Lagi.” [2]\n\nSumber:\n"
        "[1] Judul 1 (ANTARA, 2019-12-05) — a1\n[2] Judul 2 (ANTARA, 2019-12-05) — a2"
    )


def test_quotes_answer_alone_when_there_is_no_short_answer() -> None:
    answer = Answer(None, False, [citation(1, "Kata Badri.", source=None, date=None)], "en")
    # framed plainly in the question's language: the quotes are the answer
    assert to_text(answer) == "The articles say:\n“Kata Badri.” [1]\n\nSources:\n[1] Judul 1 — a1"
    indonesian = Answer(None, False, answer.citations, "id")
    assert to_text(indonesian).startswith("Menurut artikel:\n“Kata Badri.” [1]")


def test_an_abstention_says_not_found_in_the_questions_language() -> None:
    assert to_text(Answer.not_found("en", 0.2)) == NOT_FOUND["en"]
    assert to_text(Answer.not_found("id")) == NOT_FOUND["id"]


def test_notes_stand_first_for_a_fallback_and_last_for_an_llm_answer() -> None:
    cited = [citation(1, "Kata Badri.")]
    fallback = Answer("Badri", False, cited, "en", notes=["The LLM timed out."])
    assert to_text(fallback).startswith("Note: The LLM timed out.\n\nBadri [1]")
    llm = Answer(
        "Badri said so.",
        False,
        cited,
        "en",
        mode=AnswerMode.LLM,
        generated="Badri said so [1].",
        notes=["Removed 1 statement."],
    )
    text = to_text(llm)
    assert text.startswith("Badri said so [1].\n\n“Kata Badri.” [1]\n\nSources:")
    assert text.endswith("\n\nNote: Removed 1 statement.")


def test_json_keeps_the_keys_clients_read_and_adds_the_structured_ones() -> None:
    answer = Answer("Badri", False, [citation(1, "Kata Badri.")], "id", 0.61234)
    data = json.loads(json.dumps(to_json(answer)))
    assert data["answer"] == to_text(answer)  # the rendered text, as before
    assert data["score"] == data["confidence"] == 0.61234
    assert data["note"] is None and data["notes"] == []
    assert data["mode"] == "extractive" and data["generated"] is None
    assert data["citations"][0] == {
        "n": 1,
        "article_id": "a1",
        "chunk_id": "a1#0",
        "title": "Judul 1",
        "date": "2019-12-05",
        "source": "ANTARA",
        "url": None,
        "quote": "Kata Badri.",
        "start": 0,
        "end": 11,
        "page": None,  # a PDF's page; None for other articles
    }


def test_a_quote_with_its_own_quotation_marks_is_not_wrapped_in_more() -> None:
    spoken = citation(1, '"Kami siap," kata Badri.')
    assert '\n"Kami siap," kata Badri. [1]\n' in to_text(Answer(None, False, [spoken]))
    inner = citation(2, 'Badri berkata "kami siap".')
    assert '“Badri berkata "kami siap".” [2]' in to_text(Answer(None, False, [inner]))
