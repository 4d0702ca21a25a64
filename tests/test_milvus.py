"""The index on Milvus Lite: in a local file, and on a `milvus-lite server` started here on a
free port of 127.0.0.1 (a real gRPC socket), stopped at the end. Same answers as the local
store, incremental updates, filters, two processes on one server, a server killed mid-ingest."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from appserver import AppServer, free_port
from conftest import (
    QA,
    ROOT,
    SEED,
    SEED_ID,
    make_config,
    qa_env,
    run_qa,
    sample_records,
    write_jsonl,
)
from gradio_client import Client
from pymilvus import MilvusClient

from qa.index import Index
from qa.store import Filters, IndexMismatchError
from qa.store.milvus.rows import record_key
from qa.store.milvus.schema import chunk_key
from qa.store.milvus.uri import collection_prefix

MILVUS_LITE = Path(sys.executable).parent / "milvus-lite"
UU_QUESTION = "Apa kewajiban perusahaan menurut UU 24/2011?"
QUESTIONS = (
    UU_QUESTION,
    "Siapa Sekretaris Daerah Kota Bandarlampung?",
    "Who is the mayor of Bandar Lampung?",
    "KPK tersangka korupsi pemerintah",
)


class Server:
    """A `milvus-lite server` process on 127.0.0.1 over one data folder."""

    def __init__(self, data: Path):
        self.data, self.port = data, free_port()
        self.uri = f"milvus://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [MILVUS_LITE, "server", "--data-dir", self.data, "--host", "127.0.0.1"]
            + ["--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                MilvusClient(uri=f"http://127.0.0.1:{self.port}", timeout=2).list_collections()
                return
            except Exception:
                time.sleep(0.2)
        raise RuntimeError("milvus-lite server did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        """Ctrl-C, as a user stops it; a server still shutting down after 30 s (seen once
        under CI load, an upstream Milvus Lite hang) is killed: the tests are done with it."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def client(self) -> MilvusClient:
        return MilvusClient(uri=f"http://127.0.0.1:{self.port}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("milvus") / "data")
    running.start()
    yield running
    running.stop()


def milvus_index(tmp_path: Path, store: str, name: str = "index", **overrides) -> Index:
    return Index(make_config(tmp_path / name, store=store, **overrides))


def answer_of(index: Index, question: str) -> tuple:
    answer = index.ask(question)
    return answer.short_answer, answer.abstained, [(c.chunk_id, c.quote) for c in answer.citations]


def test_a_milvus_file_answers_like_the_local_store(tmp_path, shared):
    """The shared index's articles in Milvus Lite: the same hits, answers and citations,
    the same filters (date range, source substring in any case)."""
    corpus = write_jsonl(tmp_path / "articles.jsonl", shared.records)
    with milvus_index(tmp_path, f"milvus://{tmp_path}/lite.db") as index:
        assert index.ingest([corpus, SEED], progress=False).ok
        for question in QUESTIONS:
            assert answer_of(index, question) == answer_of(shared.index, question), question
            for mode in ("bm25", "dense", "hybrid"):
                ours = index.search(question, retriever=mode, k=10)
                local = shared.index.search(question, retriever=mode, k=10)
                assert [h.chunk_id for h in ours] == [h.chunk_id for h in local], (mode, question)
        for filters in (Filters("2016-09-01", "2016-10-31"), Filters(source="aNtArA")):
            ours = index.search("KPK tersangka korupsi pemerintah", k=50, filters=filters)
            local = shared.index.search("KPK tersangka korupsi pemerintah", k=50, filters=filters)
            assert ours and {h.chunk_id for h in ours} == {h.chunk_id for h in local}
        one_day = index.search("BP Jamsostek", filters=Filters("2019-12-05", "2019-12-05"))
        assert {h.article_id for h in one_day} == {SEED_ID}
        stats = index.stats()
        assert stats["articles"] == len(shared.ids)
        local = shared.index.stats()
        assert (stats["chunks"], stats["date_range"]) == (local["chunks"], local["date_range"])
        assert stats["sources"] == local["sources"]
        assert index.article(SEED_ID).text == shared.index.article(SEED_ID).text


def test_updates_and_removal_in_milvus(tmp_path):
    records = sample_records(range(4))
    corpus = write_jsonl(tmp_path / "a.jsonl", records)
    store = f"milvus://{tmp_path}/lite.db"
    with milvus_index(tmp_path, store) as index:
        first = index.ingest([corpus], progress=False)
        assert len(first.added) == 4
        again = index.ingest([corpus], progress=False)
        assert len(again.unchanged) == 4 and again.chunks == 0  # nothing embedded again
        changed = dict(records[1], text=records[1]["text"] + " Zwartkopje menari di Palu.")
        write_jsonl(tmp_path / "a.jsonl", [records[0], changed, *records[2:]])
        update = index.ingest([corpus], progress=False)
        assert update.updated == [records[1]["id"]] and len(update.unchanged) == 3
        hits = index.search("zwartkopje", retriever="bm25")
        assert [h.article_id for h in hits][:1] == [records[1]["id"]]
        assert index.store.document_frequencies(["zwartkopje"])[1] == {"zwartkopje": 1}
        assert index.remove(records[1]["id"], "no-such-id") == [records[1]["id"]]
        assert index.article(records[1]["id"]) is None
        assert index.search("zwartkopje", retriever="bm25") == []
        assert index.store.document_frequencies(["zwartkopje"])[1] == {"zwartkopje": 0}
        assert all(h.article_id != records[1]["id"] for h in index.search("berita", k=50))
        assert index.stats()["articles"] == 3
    with pytest.raises(IndexMismatchError, match="chunk_tokens"):  # another index's settings
        milvus_index(tmp_path, store, chunk_tokens=120)


def test_two_processes_share_one_milvus_server(tmp_path, server):
    """One process ingests, another answers from what it wrote, and the other way round."""
    a = write_jsonl(tmp_path / "a.jsonl", sample_records([0]))
    b = write_jsonl(tmp_path / "b.jsonl", sample_records([7]))
    flags = ["--store", server.uri, "--index", "shared-by-two"]
    assert run_qa(*flags, "ingest", a).returncode == 0
    with milvus_index(Path("."), server.uri, name="shared-by-two") as index:
        assert index.stats()["articles"] == 1
        written = run_qa(*flags, "ingest", b)
        assert written.returncode == 0, written.stderr
        assert index.stats()["articles"] == 2  # the other process's article, at once
        title = sample_records([7])[0]["title"]
        assert index.search(title, k=3)[0].article_id == sample_records([7])[0]["id"]
        index.ingest([SEED], progress=False)
    asked = run_qa(*flags, "ask", "Siapa Sekretaris Daerah Kota Bandarlampung?", "--json")
    assert asked.returncode == 0, asked.stderr
    assert any(c["article_id"] == SEED_ID for c in json.loads(asked.stdout)["citations"])
    # two web chats on the one index: each answers with the same citations
    apps = [
        AppServer(Path("shared-by-two"), tmp_path / f"app{i}.log", "--store", server.uri)
        for i in range(2)
    ]
    try:
        answers = []
        for app in apps:
            app.wait_ready()
            answers.append(Client(app.url, verbose=False).predict(UU_QUESTION, api_name="/ask"))
        assert answers[0] == answers[1] and answers[0]["citations"][0]["article_id"] == SEED_ID
    finally:
        for app in apps:
            app.stop()


def test_a_server_killed_mid_ingest_loses_nothing_on_rerun(tmp_path, server):
    """Small commits, the server killed once some have landed: the ingest fails naming the
    server; after a restart, a rerun completes with every article once, no duplicate chunk,
    and term statistics equal to a count over the stored chunks."""
    records = sample_records(range(40))
    corpus = write_jsonl(tmp_path / "c.jsonl", records)
    env = qa_env(QA_COMMIT_CHUNKS="16", QA_STORE=server.uri, QA_INDEX="killed")
    ingest = subprocess.Popen(
        [str(QA), "ingest", "--quiet", str(corpus)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    chunks = f"{collection_prefix('killed')}_chunks"
    client = server.client()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if chunks in client.list_collections():
            client.load_collection(chunks)
            if client.query(chunks, filter="", output_fields=["count(*)"])[0]["count(*)"] > 40:
                break
        time.sleep(0.2)
    client.close()
    server.kill()
    _, err = ingest.communicate(timeout=120)
    assert ingest.returncode == 2 and server.uri in err, err
    server.start()
    rerun = run_qa("ingest", corpus, env=env)
    assert rerun.returncode == 0, rerun.stderr
    with milvus_index(Path("."), server.uri, name="killed") as index:
        assert sorted(index.store.article_ids()) == sorted(r["id"] for r in records)
        stored = list(index.store.all_chunks())
        assert len({c.id for c in stored}) == len(stored) == index.stats()["chunks"]
        for r in records:
            assert index.article(r["id"]).text  # every article whole
        counted: Counter = Counter()
        for chunk_terms in index.store.terms([chunk_key(c.id) for c in stored]).values():
            counted.update(set(chunk_terms))
        some = list(counted)[::7]
        expected = (len(stored), {t: counted[t] for t in some})
        assert index.store.document_frequencies(some) == expected
        # A write cut off leaves the statistics marked stale, and maybe chunks of an article
        # whose record (written last) is missing: the next writer (here: the next open)
        # deletes those and counts the statistics again from the rest.
        state = index.store._db.meta_get("state")
        index.store._db.meta_put("state", dict(state, stale=True))
        index.store._db.delete_ids("terms", some)
        index.store._db.delete_ids("articles", [record_key(records[0]["id"])])
        orphans = {c.id for c in stored if c.article_id == records[0]["id"]}
    with milvus_index(Path("."), server.uri, name="killed") as index:
        assert records[0]["id"] not in index.store.article_ids()
        kept = [c for c in index.store.all_chunks()]
        assert {c.id for c in kept} == {c.id for c in stored} - orphans
        counted = Counter()
        for chunk_terms in index.store.terms([chunk_key(c.id) for c in kept]).values():
            counted.update(set(chunk_terms))
        assert index.store.document_frequencies(some) == (
            len(kept),
            {t: counted[t] for t in some},
        )
        assert index.stats()["sources"] == {"ANTARA News": len(records) - 1}


def test_an_unreachable_server_is_a_clear_error():
    uri = f"milvus://127.0.0.1:{free_port()}"
    done = run_qa("--store", uri, "ask", "Siapa?")
    assert done.returncode == 2
    assert f"cannot open Milvus at {uri}" in done.stderr and "Traceback" not in done.stderr


def test_eval_on_milvus_matches_the_local_store(tmp_path):
    """FacQA valid over Milvus Lite and over the local store: every retrieval, answer and
    citation metric within 0.01."""
    gold, corpus = ROOT / "eval/facqa/gold-valid.jsonl", ROOT / "eval/facqa/corpus.jsonl"
    metrics = {}
    for name, store in (("local", ""), ("milvus", f"milvus://{tmp_path}/lite.db")):
        out = tmp_path / f"{name}.json"
        done = run_qa(
            "--index", tmp_path / name, "--store", store, "eval", "--quiet", "--gold", gold,
            "--corpus", corpus, "--json", out, timeout=900,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        metrics[name] = json.loads(out.read_text())["metrics"]
    for key, value in metrics["local"].items():
        if key.startswith("latency") or value is None:
            continue
        assert abs(metrics["milvus"][key] - value) <= 0.01, key
