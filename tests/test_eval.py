"""Eval metrics against values computed by hand, gold-file checks, floors, and one run
over the shared index (the CLI end to end is in test_eval_cli.py)."""

from __future__ import annotations

import io
import json
import math

import pytest

from qa.eval.command import check_bounds, parse_bounds
from qa.eval.gold import GoldError, GoldItem, load_gold
from qa.eval.metrics import (
    DEPTH,
    METRIC_KEYS,
    abstention_scores,
    best_f1,
    citation_correct,
    contains_answer,
    exact_match,
    first_rank_distribution,
    hit_at_k,
    ndcg_at_k,
    normalize_answer,
    percentile,
    recall_at_k,
    reciprocal_rank,
    retrieval_scores,
    short_correct,
    token_f1,
)
from qa.eval.report import compare, markdown, print_console
from qa.eval.runner import evaluate
from qa.eval.summary import aggregate, by_lang, risk_coverage, summarize
from qa.render import to_text

INV_LOG2_3 = 1 / math.log2(3)  # the discount at rank 2: 0.6309...

# -- retrieval -------------------------------------------------------------------------


def test_first_relevant_at_rank_3():
    ranked = ["x", "y", "A", "z", "w"]
    assert hit_at_k(ranked, {"A"}, 1) == 0
    assert hit_at_k(ranked, {"A"}, 2) == 0
    assert hit_at_k(ranked, {"A"}, 3) == 1
    assert hit_at_k(ranked, {"A"}, 5) == 1
    assert reciprocal_rank(ranked, {"A"}) == pytest.approx(1 / 3)
    assert ndcg_at_k(ranked, {"A"}) == pytest.approx(1 / math.log2(4))  # 0.5, ideal DCG 1
    assert recall_at_k(ranked, {"A"}) == 1


def test_nothing_relevant_retrieved_scores_zero():
    scores = retrieval_scores(["x", "y"], {"A"})
    assert scores == {
        "hit@1": 0,
        "hit@5": 0,
        "hit@10": 0,
        "mrr@10": 0,
        "ndcg@10": 0,
        "recall@10": 0,
    }
    assert retrieval_scores([], {"A"})["mrr@10"] == 0


def test_relevant_beyond_k_does_not_count():
    ranked = [f"x{i}" for i in range(10)] + ["A"]  # rank 11
    assert hit_at_k(ranked, {"A"}, 10) == 0
    assert reciprocal_rank(ranked, {"A"}, 10) == 0
    assert ndcg_at_k(ranked, {"A"}, 10) == 0
    assert reciprocal_rank(ranked, {"A"}, 11) == pytest.approx(1 / 11)


def test_ndcg_counts_each_article_once_at_its_best_rank():
    # Two chunks of A, then B; C (relevant) is missing.
    ranked = ["A", "A", "B", "x"]
    dcg = 1 / math.log2(2) + 1 / math.log2(4)  # A at 1, B at 3; the second A gains 0
    ideal = 1 + INV_LOG2_3 + 1 / math.log2(4)  # three relevant articles at ranks 1..3
    assert ndcg_at_k(ranked, ["A", "B", "C"]) == pytest.approx(dcg / ideal)  # 0.7039
    assert ndcg_at_k(ranked, ["A", "B", "C"]) == pytest.approx(0.7039180890)
    # Counting chunks instead of articles would give A's second chunk a gain and 1.0 here.
    assert recall_at_k(ranked, ["A", "B", "C"]) == pytest.approx(2 / 3)
    assert hit_at_k(ranked, ["A", "B", "C"], 1) == 1


def test_ndcg_ideal_dcg():
    # Two relevant found at ranks 2 and 3: DCG 1/log2(3) + 1/2, ideal 1 + 1/log2(3).
    assert ndcg_at_k(["x", "A", "B"], {"A", "B"}) == pytest.approx(
        (INV_LOG2_3 + 0.5) / (1 + INV_LOG2_3)
    )
    assert ndcg_at_k(["A", "B", "x"], {"A", "B"}) == pytest.approx(1.0)
    assert ndcg_at_k(["B", "A"], {"A", "B"}) == pytest.approx(1.0)  # order among relevant
    # More relevant articles than k: the ideal list is k long, so a full top k scores 1.
    relevant = [f"r{i}" for i in range(12)]
    assert ndcg_at_k(relevant[:10], relevant, 10) == pytest.approx(1.0)
    assert recall_at_k(relevant[:10], relevant, 10) == pytest.approx(10 / 12)
    assert ndcg_at_k(["A"], []) == 0  # no relevant article: nothing to find


def test_recall_counts_distinct_articles_over_all_doc_ids():
    ranked = ["A", "A", "A", "B"]
    assert recall_at_k(ranked, ["A", "B", "C", "D"]) == pytest.approx(2 / 4)
    assert recall_at_k(ranked, ["A", "A"]) == 1  # duplicate doc_ids count once


def test_tied_scores_score_the_expected_value_over_orders():
    # x and A tie for rank 1: A is first in half of the orders.
    for ranked in (["x", "A", "y"], ["A", "x", "y"]):
        scores = [0.9, 0.9, 0.5]
        assert hit_at_k(ranked, {"A"}, 1, scores) == pytest.approx(0.5)
        assert hit_at_k(ranked, {"A"}, 2, scores) == pytest.approx(1.0)
        assert reciprocal_rank(ranked, {"A"}, 10, scores) == pytest.approx(0.5 * 1 + 0.5 / 2)
        assert ndcg_at_k(ranked, {"A"}, 10, scores) == pytest.approx(0.5 + 0.5 * INV_LOG2_3)
    # Without scores the positions are taken as they are.
    assert hit_at_k(["x", "A"], {"A"}, 1) == 0
    assert hit_at_k(["A", "x"], {"A"}, 1) == 1


def test_ties_with_two_relevant_chunks_in_the_group():
    # Three tied hits, two of them from A: A's first chunk is at rank 1 with p = 2/3.
    assert first_rank_distribution([True, False, True], [1.0, 1.0, 1.0]) == [
        (1, pytest.approx(2 / 3)),
        (2, pytest.approx(1 / 3)),
    ]
    assert reciprocal_rank(["A", "x", "A"], {"A"}, 10, [1, 1, 1]) == pytest.approx(5 / 6)
    # Two relevant articles tied with each other: their gains fill the ideal DCG exactly.
    assert ndcg_at_k(["A", "B"], {"A", "B"}, 10, [0.7, 0.7]) == pytest.approx(1.0)
    # Group of 4 with 2 marked: C(3,1)/C(4,2), C(2,1)/C(4,2), C(1,1)/C(4,2).
    dist = first_rank_distribution([False, True, False, True], [2, 2, 2, 2])
    assert [r for r, _ in dist] == [1, 2, 3]
    assert [p for _, p in dist] == pytest.approx([3 / 6, 2 / 6, 1 / 6])


def test_a_tie_at_the_cutoff_counts_in_part():
    scores = [3.0, 2.0, 2.0, 2.0]
    assert hit_at_k(["x", "y", "z", "A"], {"A"}, 2, scores) == pytest.approx(1 / 3)
    assert hit_at_k(["x", "y", "z", "A"], {"A"}, 4, scores) == pytest.approx(1.0)


def test_a_tie_after_the_first_relevant_hit_changes_nothing():
    scores = [5.0, 1.0, 1.0]
    assert reciprocal_rank(["A", "x", "y"], {"A"}, 10, scores) == 1
    assert first_rank_distribution([False, False], [1.0, 1.0]) == []


# -- answers ---------------------------------------------------------------------------


def test_normalization_for_indonesian_text():
    assert normalize_answer("“Pesut Etam”") == "pesut etam"
    assert normalize_answer("UU No. 24 Tahun 2011") == "uu no 24 tahun 2011"
    assert normalize_answer("anak-anak") == "anak anak"
    assert normalize_answer("Rp\u00a07,4 miliar.") == "rp 7 4 miliar"  # NBSP, decimal comma
    assert normalize_answer("  Badri   Tamam, ") == "badri tamam"
    # No English article stripping, and Indonesian "yang" is a word like any other.
    assert normalize_answer("The Jakarta Post") == "the jakarta post"
    assert normalize_answer("yang terbaik") == "yang terbaik"


def test_exact_match():
    assert exact_match("Rp 7,4 miliar.", ["Rp 7,4 miliar"]) == 1
    assert exact_match("bpjs KETENAGAKERJAAN", ["BPJS Ketenagakerjaan"]) == 1
    assert exact_match("7,4 miliar", ["Rp 7,4 miliar"]) == 0
    assert (
        exact_match("Jakarta Post", ["The Jakarta Post"]) == 0
    )  # SQuAD's English rule would say 1
    assert exact_match("Hipmikindo", ["Himpunan Pengusaha Mikro", "Hipmikindo"]) == 1
    assert exact_match(None, ["Badri Tamam"]) == 0
    assert exact_match("", ["Badri Tamam"]) == 0
    assert exact_match("...", ["..."]) == 0  # nothing left to match


def test_token_f1():
    # pred [7, 4, miliar] vs gold [rp, 7, 4, miliar]: P = 1, R = 3/4, F1 = 6/7.
    assert token_f1("7,4 miliar", "Rp 7,4 miliar") == pytest.approx(6 / 7)
    # 2 of 6 predicted tokens, both gold tokens: P = 1/3, R = 1, F1 = 0.5.
    assert token_f1("Sekretaris Daerah Kota Bandarlampung, Badri Tamam", "Badri Tamam") == 0.5
    # Repeated tokens count as many times as both sides have them: P = 1/2, R = 1.
    assert token_f1("anak-anak", "anak") == pytest.approx(2 / 3)
    assert token_f1(None, "anak") == 0
    assert token_f1("Herman HN", "Badri Tamam") == 0


def test_best_f1_takes_the_best_gold_answer():
    # "Badri" vs "Badri Tamam": P = 1, R = 1/2, F1 = 2/3; vs "Herman HN": 0.
    assert best_f1("Badri", ["Herman HN", "Badri Tamam"]) == pytest.approx(2 / 3)
    assert best_f1("Badri", []) == 0


def test_contains_matches_whole_tokens():
    assert contains_answer("Sebanyak 219 pengendara ditilang.", ["219"])
    assert not contains_answer("Sebanyak 25 orang.", ["5"])  # not a substring match
    assert contains_answer("tentang BPJS Ketenagakerjaan.", ["bpjs ketenagakerjaan"])
    assert contains_answer("skor 3-2 pada laga itu", ["3-2"])
    assert not contains_answer("", ["219"])
    assert not contains_answer(None, ["219"])
    assert not contains_answer("219", [])


# -- citations -------------------------------------------------------------------------


def test_citation_correct_by_article_or_by_quote():
    assert citation_correct("a1", "apa saja", ["a1"], ["Badri Tamam"])
    assert citation_correct("a2", "kata Badri Tamam di Bandarlampung", ["a1"], ["Badri Tamam"])
    assert not citation_correct("a2", "kata Herman HN", ["a1"], ["Badri Tamam"])
    assert not citation_correct("a2", "apa saja", [], [])  # unanswerable: nothing is correct


def _row(unanswerable=False, abstained=False, citations=(), **scores) -> dict:
    """A per-question row as `evaluate_question` makes it, with neutral scores."""
    keys = ("hit@1", "hit@5", "hit@10", "mrr@10", "ndcg@10", "recall@10", "em", "f1", "contains")
    row = {k: None if unanswerable else 0.0 for k in keys}
    row.update(scores)
    cites = [{"correct": c, "verified": v} for c, v in citations]
    return {
        "short_shown": False,
        "short_correct": None if unanswerable else False,
        "unanswerable": unanswerable,
        "abstained": abstained,
        "citations": cites,
        "retrieve_ms": 10.0,
        "answer_ms": 1.0,
        **row,
    }


def test_citation_precision_verified_and_recall():
    rows = [
        _row(citations=[(True, True), (False, True)]),  # one of two correct
        _row(citations=[(False, False)]),  # none correct, one not verified
        _row(abstained=True),  # no citations
        _row(unanswerable=True, citations=[(False, True)]),  # verified but not in precision
    ]
    metrics = summarize(rows)
    assert metrics["citation_precision"] == pytest.approx(1 / 3)  # answerable: 1 of 3
    assert metrics["citation_verified"] == pytest.approx(3 / 4)  # every citation shown
    assert metrics["citation_recall"] == pytest.approx(1 / 3)  # 1 of 3 answerable questions


def test_citation_metrics_without_citations_are_undefined():
    metrics = summarize([_row(abstained=True), _row(unanswerable=True, abstained=True)])
    assert metrics["citation_precision"] is None
    assert metrics["citation_verified"] is None
    assert metrics["citation_recall"] == 0  # an answerable question without a correct one


def test_short_answers_are_right_by_f1_or_by_holding_a_gold_answer():
    assert short_correct("Herman HN", ["Herman HN"])
    assert short_correct("Herman HN, wali kota", ["Herman HN"])  # holds it
    assert short_correct("Badri Tamam Sekda", ["Badri Tamam"])  # F1 0.8
    assert not short_correct("Agustus 1962", ["Herman HN"])
    assert not short_correct("Kota Bandar", ["Bandarlampung"])


def _shown(right: bool, confidence: float, lang: str = "id") -> dict:
    return {**_row(), "short_shown": True, "short_correct": right, "candidate_correct": right,
            "short_confidence": confidence, "lang": lang}  # fmt: skip


def _withheld(right: bool, confidence: float) -> dict:
    """A candidate the reader did not show: not in the metrics, on the risk-coverage curve."""
    return {**_row(), "candidate_correct": right, "short_confidence": confidence}


def test_short_precision_coverage_and_wrong_answers():
    rows = [
        _shown(True, 0.9),
        _shown(False, 0.8),
        _shown(True, 0.3),
        _withheld(False, 0.2),  # answerable, quotes only: its candidate was withheld
        _row(unanswerable=True, abstained=False),  # answered although unanswerable: wrong
        _row(unanswerable=True, abstained=True),
    ]
    metrics = summarize(rows)
    assert metrics["short_precision"] == pytest.approx(2 / 3)  # 2 of 3 shown are right
    assert metrics["short_coverage"] == pytest.approx(3 / 4)  # 3 of 4 answerable
    assert metrics["wrong_answer_rate"] == pytest.approx(2 / 6)  # one wrong span, one answered
    # Most confident first, withheld candidates too: 1/4 at 1.0, 2/4 at 0.5, 3/4 at 2/3, 4/4.
    assert risk_coverage(rows) == [[0.25, 1.0], [0.5, 0.5], [0.75, 0.6667], [1.0, 0.5]]


def test_scores_by_language():
    rows = [_shown(True, 0.9, "id"), _shown(False, 0.9, "en"), {**_row(), "lang": "en"}]
    by = by_lang(rows)
    assert list(by) == ["en", "id"]
    assert by["en"]["n"] == 2 and by["en"]["short_precision"] == 0
    assert by["en"]["short_coverage"] == 0.5 and by["id"]["short_precision"] == 1


# -- abstention and latency ------------------------------------------------------------


def test_abstention_precision_recall_and_false_rate():
    scores = abstention_scores(
        abstained=[True, True, False, False, True], unanswerable=[True, False, True, False, False]
    )
    assert scores["abstain_precision"] == pytest.approx(1 / 3)  # 1 of 3 abstentions right
    assert scores["abstain_recall"] == pytest.approx(1 / 2)  # 1 of 2 unanswerable caught
    assert scores["false_abstain"] == pytest.approx(2 / 3)  # 2 of 3 answerable refused


def test_abstention_zero_division_is_undefined():
    never = abstention_scores([False, False], [True, False])
    assert never["abstain_precision"] is None  # no abstentions
    assert never["abstain_recall"] == 0
    assert never["false_abstain"] == 0
    all_answerable = abstention_scores([True, False], [False, False])
    assert all_answerable["abstain_recall"] is None  # FacQA has no unanswerable questions
    assert all_answerable["abstain_precision"] == 0
    assert abstention_scores([True], [True])["false_abstain"] is None
    assert set(abstention_scores([], []).values()) == {None}


def test_percentiles_interpolate_linearly():
    assert percentile([10, 20, 30, 40], 50) == pytest.approx(25)
    assert percentile([40, 10, 30, 20], 95) == pytest.approx(38.5)  # 30 + 0.85 * 10
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert percentile([7], 95) == 7
    assert percentile([], 50) is None


def test_summary_has_exactly_the_metric_keys():
    rows = [_row(em=1.0, f1=1.0, contains=1.0, **{"hit@1": 1.0}), _row(unanswerable=True)]
    metrics = summarize(rows)
    assert tuple(metrics) == METRIC_KEYS
    assert metrics["n"] == 2
    assert metrics["em"] == 1  # answerable questions only
    assert metrics["hit@1"] == 1
    assert metrics["latency_p50_ms"] == pytest.approx(11.0)


# -- gold files and floors -------------------------------------------------------------

GOOD = {"id": "q1", "question": "Siapa?", "answers": ["Badri"], "doc_ids": ["a1"]}


def write_lines(path, *rows) -> str:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n",
        encoding="utf-8",
    )
    return str(path)


def test_load_gold_reads_all_fields(tmp_path):
    path = write_lines(
        tmp_path / "g.jsonl",
        {**GOOD, "lang": "id", "type": "legal"},
        "",
        {"id": "q2", "question": "Apa?", "answers": [], "doc_ids": [], "unanswerable": True},
    )
    items = load_gold([path])
    assert items[0] == GoldItem("q1", "Siapa?", ("Badri",), ("a1",), False, "id", "legal", path)
    assert items[1].unanswerable and items[1].answers == ()
    followup = write_lines(tmp_path / "f.jsonl", {**GOOD, "history": ["Siapa Sekda?", "Dan?"]})
    assert load_gold([followup])[0].history == ("Siapa Sekda?", "Dan?")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('["a list"]', "expected a JSON object"),
        ({"id": "q", "question": "?", "answers": ["a"]}, "missing doc_ids"),
        ({**GOOD, "unanswerble": True}, "unknown key(s) unanswerble"),
        ({**GOOD, "answers": "Badri"}, "answers must be a list"),
        ({**GOOD, "answers": []}, "must not be empty"),
        ({**GOOD, "unanswerable": True}, "empty answers and doc_ids"),
        ({**GOOD, "unanswerable": "yes"}, "true or false"),
        ({**GOOD, "question": " "}, "question must be a non-empty string"),
        ({**GOOD, "answers": ["..."]}, "empty once punctuation"),
        ({**GOOD, "history": "Siapa Sekda?"}, "history must be a list of earlier questions"),
    ],
)
def test_bad_gold_lines_name_the_file_and_line(tmp_path, line, message):
    path = write_lines(tmp_path / "bad.jsonl", GOOD | {"id": "q0"}, line)
    with pytest.raises(GoldError) as error:
        load_gold([path])
    assert f"{path}:2: " in str(error.value)
    assert message in str(error.value)


def test_duplicate_ids_across_files_are_an_error(tmp_path):
    a = write_lines(tmp_path / "a.jsonl", GOOD)
    b = write_lines(tmp_path / "b.jsonl", GOOD)
    with pytest.raises(GoldError, match=r"b\.jsonl:1: duplicate id 'q1' \(first in .*a\.jsonl:1\)"):
        load_gold([a, b])


def test_missing_or_empty_gold_file(tmp_path):
    with pytest.raises(GoldError, match="cannot read"):
        load_gold([tmp_path / "nope.jsonl"])
    with pytest.raises(GoldError, match="no questions"):
        load_gold([write_lines(tmp_path / "empty.jsonl", "")])


def test_floors_and_ceilings():
    assert parse_bounds(["hit@5=0.9", "f1=0.4"]) == {"hit@5": 0.9, "f1": 0.4}
    assert parse_bounds(["false_abstain=0.1"], "--ceiling") == {"false_abstain": 0.1}
    for bad in ("hit@5", "bogus=1", "latency_p50_ms=20", "false_abstain=0.1", "n=3", "f1=high"):
        with pytest.raises(ValueError, match="--floor"):
            parse_bounds([bad])
    with pytest.raises(ValueError, match="--ceiling 'hit@5=0.9'"):
        parse_bounds(["hit@5=0.9"], "--ceiling")
    metrics = {"hit@5": 0.95, "f1": 0.39, "abstain_recall": None, "false_abstain": 0.2}
    assert check_bounds(metrics, {"hit@5": 0.9}) == []
    assert check_bounds(metrics, {"hit@5": 0.95}) == []  # at the floor passes
    assert check_bounds(metrics, {"f1": 0.4}) == ["f1 0.3900 < floor 0.4"]
    assert "undefined" in check_bounds(metrics, {"abstain_recall": 0.5})[0]
    assert check_bounds(metrics, {}, {"false_abstain": 0.2}) == []
    assert check_bounds(metrics, {}, {"false_abstain": 0.1}) == [
        "false_abstain 0.2000 > ceiling 0.1"
    ]


# -- reports ---------------------------------------------------------------------------

MODEL = "span-2026-11-30"


def _result(**settings) -> dict:
    """A saved run of two questions, as `--json` writes it, with these settings."""
    rows = [
        _row(em=1.0, f1=1.0, contains=1.0, hit_curve=[1.0] * DEPTH, **{"hit@10": 1.0}),
        _row(unanswerable=True, hit_curve=None),
    ]
    for n, row in enumerate(rows, 1):
        row.update(id=f"q{n}", question="Siapa?", type="who", answers=[], doc_ids=[])
        row.update(retrieved=[], short_answer="Badri", answer="Badri [1]")
    settings = {"gold": ["g.jsonl"], "retriever": "hybrid", "k": 10, **settings}
    return {**aggregate(rows), "settings": settings}


def test_reports_show_the_answer_model_only_when_the_run_names_it():
    summary = "g.jsonl: 2 questions (1 answerable, 1 unanswerable); retriever hybrid, k 10"
    tables = []
    for settings, shown in (({}, ""), ({"answer_model": MODEL}, f", answer model {MODEL}")):
        console = io.StringIO()
        print_console(_result(**settings), console)
        first, *rest = console.getvalue().splitlines()
        assert first == summary + shown
        tables.append(rest)
        assert f"\n{summary}{shown}.\n" in markdown(_result(**settings))
    assert tables[0] == tables[1]  # the model changes the summary line only
    assert "answer model" not in markdown(_result())


def test_compare_shows_the_answer_models_when_either_run_names_one(tmp_path):
    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    a.write_text(json.dumps(_result()), encoding="utf-8")
    b.write_text(json.dumps(_result(answer_model=MODEL)), encoding="utf-8")
    c.write_text(json.dumps(_result(answer_model="span-2026-12-07")), encoding="utf-8")
    for first, second, line in (
        (a, a, None),
        (a, b, f"answer model: A –, B {MODEL}"),
        (b, c, f"answer model: A {MODEL}, B span-2026-12-07"),
    ):
        out = io.StringIO()
        assert compare(first, second, out) == 0
        models = [
            x for x in out.getvalue().splitlines() if "answer model" in x or "answer_model" in x
        ]
        assert models == ([line] if line else [])


# -- a run over a real index -------------------------------------------------------------


def test_evaluate_times_the_same_answer_as_ask(shared):
    from conftest import SEED_ID

    gold = [
        GoldItem("s1", "Siapa Sekretaris Daerah Kota Bandarlampung?", ("Badri Tamam",), (SEED_ID,)),
        GoldItem("s2", "Siapa penemu vaksin COVID-19?", (), (), unanswerable=True),
    ]
    result = evaluate(shared.index, gold)
    first = result["questions"][0]
    asked = shared.index.ask(gold[0].question)
    assert first["answer"] == to_text(asked) and first["short_answer"] == asked.short_answer
    assert first["hit@10"] == 1 and first["retrieved"][0]["rank"] == 1
    assert first["retrieve_ms"] > 0 and first["answer_ms"] > 0
    for cited in first["citations"]:
        chunk = shared.index.store.chunk(cited["chunk_id"])
        assert chunk.article_id == cited["article_id"]
        local = cited["start"] - chunk.start
        assert cited["verified"] == chunk.text[local:].startswith(cited["quote"])
    assert result["metrics"]["citation_verified"] == 1
    assert result["questions"][1]["f1"] is None  # unanswerable: scored by abstention only
    assert shared.index.store.chunk("no-such-chunk") is None


def test_a_followup_is_evaluated_after_its_earlier_questions(shared):
    """A gold follow-up is asked as the chat asks it: its earlier questions first, then the
    follow-up with them as history ("Siapa wali kotanya?" alone names no city)."""
    from conftest import SEED_ID

    first = "Apa yang dilakukan Pemkot Bandarlampung untuk UMKM?"
    gold = [GoldItem("f1", "Siapa wali kotanya?", ("Herman HN",), (SEED_ID,), history=(first,))]
    row = evaluate(shared.index, gold)["questions"][0]
    asked = shared.index.ask("Siapa wali kotanya?", history=[(first, shared.index.ask(first))])
    assert row["history"] == [first] and row["short_answer"] == asked.short_answer == "Herman HN"
    alone = evaluate(shared.index, [GoldItem("f2", "Siapa wali kotanya?", ("Herman HN",), ())])
    assert alone["questions"][0]["short_answer"] != "Herman HN"
