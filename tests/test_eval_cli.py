"""`qa eval` end to end, as a user runs it: the installed script on a tiny corpus and gold set."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, SEED, SEED_ID, qa_env, run_qa, sample_records, write_jsonl

from qa.answering.model import load_model
from qa.eval.metrics import METRIC_KEYS

RECORDS = sample_records([0, 8, 95])  # ganjil-genap (UU 22/2009), KPK, tax amnesty
GOLD = [
    {
        "id": "t1",
        "question": "Siapa Sekretaris Daerah Kota Bandarlampung?",
        "answers": ["Badri Tamam"],
        "doc_ids": [SEED_ID],
        "lang": "id",
    },
    {
        "id": "t2",
        "question": "Berapa pengendara yang ditilang pada hari pertama ganjil-genap?",
        "answers": ["219"],
        "doc_ids": [RECORDS[0]["id"]],
        "lang": "id",
    },
    {
        "id": "t3",
        "question": "UU No. 24 Tahun 2011 mengatur tentang apa?",
        "answers": ["BPJS Ketenagakerjaan"],
        "doc_ids": [SEED_ID],
        "type": "legal",
    },
    {
        "id": "t4",
        "question": "What is the capital of Australia?",
        "answers": [],
        "doc_ids": [],
        "unanswerable": True,
        "lang": "en",
    },
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    """Two evals over one index: hybrid with every report, then bm25 (reusing the index)."""
    root = tmp_path_factory.mktemp("eval")
    corpus = write_jsonl(root / "corpus.jsonl", RECORDS)
    gold = write_jsonl(root / "gold.jsonl", GOLD)
    common = ["--index", root / "index", "eval", "--gold", gold, "--corpus", corpus]
    first = run_qa(
        *common, "--corpus", SEED, "--json", root / "a.json", "--out", root / "report", "--quiet"
    )
    second = run_qa(
        *common,
        "--corpus",
        SEED,
        "--retriever",
        "bm25",
        "--json",
        root / "b.json",
        "--floor",
        "hit@10=0.5",
        "--floor",
        "f1=1.01",  # unreachable: the floor check must fail
    )
    return root, first, second


def test_eval_prints_a_table_and_writes_the_json(runs):
    root, first, _ = runs
    assert first.returncode == 0, first.stderr
    assert "4 questions (3 answerable, 1 unanswerable); retriever hybrid, k 10" in first.stdout
    for word in ("hit@5", "mrr@10", "citation_precision", "abstain_recall", "latency_p95_ms"):
        assert word in first.stdout
    result = json.loads((root / "a.json").read_text(encoding="utf-8"))
    assert tuple(result["metrics"]) == METRIC_KEYS
    metrics = result["metrics"]
    assert metrics["n"] == 4
    for key in METRIC_KEYS[1:-2]:
        assert metrics[key] is None or 0 <= metrics[key] <= 1, key
    assert metrics["latency_p50_ms"] > 0 and metrics["latency_p95_ms"] >= metrics["latency_p50_ms"]
    assert metrics["hit@10"] == 1  # 4 articles, 10 hits: every gold article is retrieved
    assert metrics["citation_verified"] == 1
    assert set(result["latency_ms"]) == {"retrieve", "answer", "total"}
    assert [q["id"] for q in result["questions"]] == ["t1", "t2", "t3", "t4"]
    question = result["questions"][0]
    assert question["retrieved"][0]["rank"] == 1
    assert {"article_id", "chunk_id", "score", "relevant"} <= set(question["retrieved"][0])
    assert {"short_answer", "answer", "abstained", "citations", "f1", "em"} <= set(question)
    assert result["questions"][2]["type"] == "legal"
    assert result["questions"][3]["type"] == "unanswerable"
    assert result["settings"]["retriever"] == "hybrid"
    version = load_model().version  # which answer model produced the run
    assert result["settings"]["answer_model"] == version
    assert f"answer model {version}" in first.stdout


def test_eval_writes_a_markdown_report_and_plots(runs):
    root, _, _ = runs
    report = (root / "report" / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# Evaluation report")
    assert "| retrieval | hit@5 |" in report and "![hit_at_k](hit_at_k.png)" in report
    for name in ("hit_at_k.png", "latency.png", "by_type.png"):
        data = (root / "report" / name).read_bytes()
        assert data.startswith(b"\x89PNG"), name


def test_eval_reuses_an_unchanged_index_and_fails_a_floor(runs):
    _, _, second = runs
    assert "0 added, 0 updated, 4 unchanged" in second.stderr
    assert second.returncode == 1, second.stderr
    assert "check failed: f1" in second.stderr
    assert "hit@10" not in second.stderr
    assert "retriever bm25" in second.stdout


def test_compare_prints_the_deltas(runs):
    root, _, _ = runs
    done = run_qa("eval", "--compare", root / "a.json", root / "b.json")
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line.split() for line in done.stdout.splitlines() if line}
    a = json.loads((root / "a.json").read_text())["metrics"]
    b = json.loads((root / "b.json").read_text())["metrics"]
    delta = b["mrr@10"] - a["mrr@10"]
    assert lines["mrr@10"][1:] == [f"{a['mrr@10']:.3f}", f"{b['mrr@10']:.3f}", f"{delta:+.3f}"]
    assert lines["n"][3] == "+0"
    assert "note: retriever differs: A 'hybrid', B 'bm25'" in done.stdout
    version = load_model().version
    assert f"answer model: A {version}, B {version}" in done.stdout


def test_the_script_form_runs_the_same_command(runs):
    root, _, _ = runs
    done = subprocess.run(
        [sys.executable, "eval/run.py", "--compare", root / "a.json", root / "a.json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=qa_env(),
    )
    assert done.returncode == 0, done.stderr
    assert "+0.000" in done.stdout


def test_usage_errors_exit_2(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(GOLD[0]) + "\n{oops\n", encoding="utf-8")
    done = run_qa("--index", tmp_path / "i", "eval", "--gold", bad, "--corpus", SEED)
    assert done.returncode == 2
    assert f"{bad}:2: not valid JSON" in done.stderr
    done = run_qa("eval", "--gold", bad, "--floor", "speed=1")
    assert done.returncode == 2 and "--floor 'speed=1'" in done.stderr
    assert run_qa("eval").returncode == 2  # neither --gold nor --compare
    done = run_qa("--index", tmp_path / "none", "eval", "--gold", write_jsonl(bad, GOLD))
    assert done.returncode == 2 and "no index at" in done.stderr
    assert run_qa("eval", "--retriever", "magic").returncode == 2  # argparse
    assert not (tmp_path / "i").exists()  # nothing was built for a bad gold file
