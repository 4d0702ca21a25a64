"""The shipped gold sets: well-formed, and every answer a verbatim span of its articles.

Read with the same reader the index uses (no index needed), so a gold answer that
passes here is text the assistant can actually retrieve and quote.
"""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import ROOT, SEED_ID

from qa.articles import Article, read_articles
from qa.config import Config
from qa.eval.gold import load_gold
from qa.sample import sample_files

NEWS = ROOT / "eval" / "news" / "gold.jsonl"
FACQA = ROOT / "eval" / "facqa"


def _texts(paths) -> dict[str, str]:
    found = list(read_articles(paths, Config.load(env={})))
    assert all(isinstance(a, Article) for a in found), [
        a for a in found if not isinstance(a, Article)
    ]
    return {a.id: a.text for a in found}


@pytest.fixture(scope="module")
def sample_texts() -> dict[str, str]:
    return _texts(sample_files())


def _check_spans(gold, texts: dict[str, str]) -> None:
    for item in gold:
        for doc_id in item.doc_ids:
            assert doc_id in texts, f"{item.id}: {doc_id} is not in the corpus"
            for answer in item.answers:
                assert answer in texts[doc_id], f"{item.id}: {answer!r} is not in {doc_id}"


def test_news_gold_answers_are_verbatim_spans_of_every_doc_id(sample_texts):
    gold = load_gold([NEWS])  # also checks ids unique, unanswerable lines empty, no typos
    _check_spans(gold, sample_texts)


def test_news_gold_shape():
    gold = load_gold([NEWS])
    assert 40 <= len(gold) <= 70
    assert [g.id for g in gold] == [f"news-{n:03d}" for n in range(1, len(gold) + 1)]
    unanswerable = [g for g in gold if g.unanswerable]
    assert 8 <= len(unanswerable) <= 15
    assert all(not g.answers and not g.doc_ids for g in unanswerable)
    langs = Counter(g.lang for g in gold)
    assert set(langs) == {"id", "en"} and langs["en"] >= 10
    assert len({d for g in gold for d in g.doc_ids}) >= 20  # many articles, not one
    assert len({g.question.casefold() for g in gold}) == len(gold)


def test_news_gold_asks_about_uu_24_2011_in_several_forms():
    legal = [g for g in load_gold([NEWS]) if g.type == "legal"]
    seed = " ".join(g.question for g in legal if g.doc_ids == (SEED_ID,))
    for form in (
        "UU 24/2011",
        "UU No. 24 Tahun 2011",
        "Undang-Undang Nomor 24 Tahun 2011",
        "UU 24 Tahun 2011",
        "Law No. 24 of 2011",
    ):
        assert form in seed, form
    assert any(g.unanswerable for g in legal)  # a law the corpus names but does not answer


def test_facqa_gold_answers_are_verbatim_spans_of_every_doc_id():
    texts = _texts([FACQA / "corpus.jsonl"])
    assert len(texts) == 1318
    for split, size in (("valid", 311), ("train", 2495)):
        gold = load_gold([FACQA / f"gold-{split}.jsonl"])
        assert len(gold) == size
        _check_spans(gold, texts)


NEWS_SETS = ["dev.jsonl", "short.jsonl", "dev-short.jsonl"]


@pytest.mark.parametrize("name", NEWS_SETS)
def test_news_dev_answers_are_verbatim_spans_and_apart_from_the_gold(sample_texts, name):
    dev = load_gold([ROOT / "eval" / "news" / name])
    _check_spans(dev, sample_texts)
    assert len(dev) >= 80 and {g.lang for g in dev} == {"id", "en"}
    held_out = load_gold([NEWS])
    if name == "dev-short.jsonl":  # fitted on, so apart from the measured short set too
        held_out += load_gold([ROOT / "eval" / "news" / "short.jsonl"])
    assert not {g.question.casefold() for g in held_out} & {g.question.casefold() for g in dev}
    if name != "dev.jsonl":  # short questions, about articles the held-out sets do not use
        assert all(2 <= len(g.question.split()) <= 5 for g in dev)
        assert not {d for g in held_out for d in g.doc_ids} & {d for g in dev for d in g.doc_ids}


def test_news_followups_lean_on_earlier_questions_over_articles_no_other_set_uses(sample_texts):
    followups = load_gold([ROOT / "eval" / "news" / "dev-followup.jsonl"])
    _check_spans(followups, sample_texts)
    assert len(followups) == 60 and all(len(g.history) == 1 for g in followups)
    assert sum(g.lang == "en" for g in followups) == 20
    others = load_gold([NEWS] + [ROOT / "eval" / "news" / n for n in NEWS_SETS])
    assert not {d for g in others for d in g.doc_ids} & {d for g in followups for d in g.doc_ids}


def test_english_facqa_valid_is_a_translation_question_by_question():
    indonesian = load_gold([FACQA / "gold-valid.jsonl"])
    english = load_gold([FACQA / "gold-valid-en.jsonl"])
    assert [g.id.replace("-en-", "-") for g in english] == [g.id for g in indonesian]
    for en, id_ in zip(english, indonesian, strict=True):
        assert en.lang == "en" and (en.answers, en.doc_ids) == (id_.answers, id_.doc_ids)
        assert en.question != id_.question


def test_offtopic_set_is_unanswerable_half_in_each_language_and_grep_checked():
    folder = ROOT / "eval" / "offtopic"
    gold = load_gold([folder / "gold.jsonl"])
    assert len(gold) >= 80 and all(g.unanswerable for g in gold)
    langs = Counter(g.lang for g in gold)
    assert langs["en"] == langs["id"] == len(gold) // 2
    checked = (folder / "checks.tsv").read_text("utf-8")
    assert all(g.id in checked for g in gold)  # each with the grep recorded next to it
