"""Crash safety: `qa ingest` killed with SIGKILL, and a lost or damaged FAISS file.

The store's promise (qa/store/): every write is one SQLite transaction, so a
process killed at any moment leaves the last committed state; the FAISS file
and the tantivy index are derived from the database and brought up to it when
they are missing, stale or unreadable.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import faiss
import pytest
from conftest import (
    QA,
    SEED,
    SEED_ID,
    integrity,
    make_config,
    qa_env,
    run_qa,
    sample_records,
    write_jsonl,
)

from qa.index import Index
from qa.store import DB_NAME

# Already in the index before the big ingest starts.
EARLIER = [
    {
        "id": "lama-banjir-cikajang",
        "title": "Banjir bandang rendam 320 rumah di Cikajang",
        "date": "2020-01-10",
        "source": "Contoh News",
        "text": "Garut (Contoh) - Banjir bandang merendam 320 rumah warga di Kecamatan Cikajang, "
        "Kabupaten Garut, Jumat malam. Sungai Cimanuk meluap setelah hujan deras.",
    },
    {
        "id": "lama-kereta-tegalluar",
        "title": "Uji coba kereta cepat di Tegalluar",
        "date": "2021-11-16",
        "source": "Contoh News",
        "text": "Bandung (Contoh) - Kereta cepat menjalani uji dinamis di Stasiun Tegalluar "
        "dengan kecepatan 385 kilometer per jam.",
    },
]
EARLIER_IDS = [r["id"] for r in EARLIER] + [SEED_ID]
BIG = sample_records(range(50))  # ~200 chunks: three commits or more with QA_COMMIT_CHUNKS=64


def earlier_still_there(index: Index, texts: dict[str, str]) -> None:
    for article_id, text in texts.items():
        article = index.article(article_id)
        assert article is not None and article.text == text, article_id
    assert index.search("banjir Cikajang", retriever="bm25")[0].article_id == EARLIER_IDS[0]
    assert index.search("kereta cepat Tegalluar")[0].article_id == EARLIER_IDS[1]
    assert index.search("Who is Badri Tamam?")[0].article_id == SEED_ID


def generation(index_dir: Path) -> int:
    db = sqlite3.connect(f"file:{index_dir / DB_NAME}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0
    finally:
        db.close()


def faiss_files(index_dir: Path) -> list[Path]:
    return sorted(index_dir.glob("dense-*.faiss"))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory):
    """A closed index holding EARLIER + the seed article, and the big corpus file."""
    root = tmp_path_factory.mktemp("crash")
    earlier = write_jsonl(root / "earlier.jsonl", EARLIER)
    with Index(make_config(root / "index")) as index:
        assert index.ingest([earlier, SEED], progress=False).ok
        texts = {i: index.article(i).text for i in EARLIER_IDS}
        dense = [(h.chunk_id, h.score) for h in index.search("banjir", retriever="dense", k=20)]
    big = write_jsonl(root / "big.jsonl", BIG)
    return {"dir": root / "index", "texts": texts, "big": big, "dense": dense}


def kill_ingest(index_dir: Path, corpus: Path, logs: Path, commits: int, delay: float) -> None:
    """Start `qa ingest`, wait for `commits` more commits and `delay` seconds, then SIGKILL it."""
    start = generation(index_dir)
    with (logs / "stdout").open("w") as out, (logs / "stderr").open("w") as err:
        proc = subprocess.Popen(
            [str(QA), "--index", str(index_dir), "ingest", str(corpus), "--quiet"],
            stdout=out,
            stderr=err,
            env=qa_env(QA_COMMIT_CHUNKS="64"),  # a commit every ~64 chunks
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 240
            while generation(index_dir) < start + commits:
                ended = proc.poll() is not None
                assert not ended, "ingest ended early: " + (logs / "stderr").read_text()
                assert time.monotonic() < deadline, "no progress"
                time.sleep(0.02)
            time.sleep(delay)
            assert proc.poll() is None, "ingest finished before the kill; use a bigger corpus"
            os.killpg(proc.pid, signal.SIGKILL)  # the whole process group
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == -signal.SIGKILL


def check_after_kill(index_dir: Path, texts: dict[str, str]) -> list[str]:
    """A fresh Index opens the killed index and finds it consistent; returns the BIG ids in it."""
    with Index(make_config(index_dir)) as index:
        stats = index.stats()
        assert stats["chunks"] == stats["vectors"] == stats["lexical"]
        assert integrity(index_dir)["chunks"] == stats["chunks"]
        committed = [r for r in BIG if index.article(r["id"]) is not None]
        assert stats["articles"] == len(EARLIER_IDS) + len(committed) < len(EARLIER_IDS) + len(BIG)
        earlier_still_there(index, texts)
        for record in committed:  # each committed article is complete and findable
            found = index.search(record["title"], retriever="bm25", k=20)
            assert record["id"] in [h.article_id for h in found], record["title"]
        for hit in index.search("pemerintah daerah", k=20):
            assert index.article(hit.article_id).text[hit.start : hit.end] == hit.text
    return [r["id"] for r in committed]


def test_killed_ingests_leave_a_consistent_index_that_a_rerun_completes(base, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(base["dir"], index_dir)
    texts = base["texts"]

    # Killed while starting up (loading the model, reading and chunking the files).
    kill_ingest(index_dir, base["big"], tmp_path, commits=0, delay=1.5)
    first = check_after_kill(index_dir, texts)

    # Killed right after a batch was committed (and before the FAISS file was saved).
    kill_ingest(index_dir, base["big"], tmp_path, commits=1, delay=0.0)
    assert not (index_dir / f"dense-{generation(index_dir)}.faiss").exists()  # cache is stale
    second = check_after_kill(index_dir, texts)
    assert set(first) < set(second)

    # Killed in the middle of embedding a later batch.
    kill_ingest(index_dir, base["big"], tmp_path, commits=1, delay=0.3)
    assert not (index_dir / f"dense-{generation(index_dir)}.faiss").exists()
    third = check_after_kill(index_dir, texts)
    assert set(second) < set(third)

    # Running the same ingest again finishes the job, counting every article once.
    done = run_qa("--index", index_dir, "ingest", base["big"], "--quiet")
    assert done.returncode == 0, done.stderr
    added, unchanged = len(BIG) - len(third), len(third)
    assert done.stdout.startswith(f"{added} added, 0 updated, {unchanged} unchanged, 0 failed;")
    with Index(make_config(index_dir)) as index:
        stats = index.stats()
        assert stats["articles"] == len(EARLIER_IDS) + len(BIG)
        assert stats["chunks"] == stats["vectors"] == integrity(index_dir)["chunks"]
        earlier_still_there(index, texts)
        last = BIG[-1]
        assert index.search(last["title"], retriever="bm25")[0].article_id == last["id"]
    assert faiss_files(index_dir) == [index_dir / f"dense-{stats['generation']}.faiss"]
    assert faiss.read_index(str(faiss_files(index_dir)[0])).ntotal == stats["chunks"]


def _delete(path: Path, _: bytes) -> None:
    path.unlink()


def _garbage(path: Path, data: bytes) -> None:
    path.write_bytes(os.urandom(len(data)))


def _truncate(path: Path, data: bytes) -> None:
    path.write_bytes(data[: len(data) // 2])


def _empty(path: Path, _: bytes) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize(
    "damage", [_delete, _garbage, _truncate, _empty], ids=lambda f: f.__name__[1:]
)
def test_lost_or_damaged_vector_file_is_rebuilt_from_the_store(base, tmp_path, damage):
    index_dir = tmp_path / "index"
    shutil.copytree(base["dir"], index_dir)
    [vectors] = faiss_files(index_dir)
    damage(vectors, vectors.read_bytes())

    with Index(make_config(index_dir)) as index:
        stats = index.stats()
        assert stats["vectors"] == stats["chunks"] > 0
        dense = [(h.chunk_id, h.score) for h in index.search("banjir", retriever="dense", k=20)]
        assert [c for c, _ in dense] == [c for c, _ in base["dense"]]  # the very same vectors
        assert [s for _, s in dense] == pytest.approx([s for _, s in base["dense"]], abs=1e-5)
        assert index.search("Who is Badri Tamam?")[0].article_id == SEED_ID
        # The next write saves a sound file for the new generation.
        assert index.remove(EARLIER_IDS[1]) == [EARLIER_IDS[1]]
        generation_now = index.stats()["generation"]
    [saved] = faiss_files(index_dir)
    assert saved.name == f"dense-{generation_now}.faiss"
    assert faiss.read_index(str(saved)).ntotal == integrity(index_dir)["chunks"]


def test_vector_file_left_behind_by_a_killed_writer_is_not_trusted(base, tmp_path):
    """The writer died after committing but before saving FAISS: only an older file exists."""
    index_dir = tmp_path / "index"
    shutil.copytree(base["dir"], index_dir)
    [old] = faiss_files(index_dir)
    old_bytes = old.read_bytes()
    extra = write_jsonl(tmp_path / "extra.jsonl", BIG[:2])
    with Index(make_config(index_dir)) as index:
        assert index.ingest([extra], progress=False).ok
    for path in faiss_files(index_dir):
        path.unlink()
    old.write_bytes(old_bytes)  # as if the save after the commit never happened

    with Index(make_config(index_dir)) as index:
        stats = index.stats()
        assert stats["vectors"] == stats["chunks"] == integrity(index_dir)["chunks"]
        for record in BIG[:2]:
            hits = index.search(record["title"], retriever="dense", k=5)
            assert record["id"] in [h.article_id for h in hits], record["title"]


def test_small_removal_skips_rewriting_the_vector_file_and_stays_correct(tmp_path):
    """Removing one article of many costs its own rows: the cache file is brought up to date
    by id difference on the next open instead of being rewritten."""
    index_dir = tmp_path / "index"
    corpus = write_jsonl(tmp_path / "many.jsonl", BIG[:30])
    with Index(make_config(index_dir)) as index:
        assert index.ingest([corpus], progress=False).ok
        [saved] = faiss_files(index_dir)
        before = saved.read_bytes()
        gone = BIG[0]["id"]
        assert index.remove(gone) == [gone]
        assert faiss_files(index_dir) == [saved] and saved.read_bytes() == before
        assert gone not in [h.article_id for h in index.search(BIG[0]["title"], k=50)]
    with Index(make_config(index_dir)) as reopened:  # a new process would do the same
        stats = reopened.stats()
        assert stats["vectors"] == stats["chunks"] == integrity(index_dir)["chunks"]
        found = reopened.search(BIG[0]["title"], retriever="dense", k=50)
        assert gone not in [h.article_id for h in found]


def test_a_reader_sees_what_another_writer_committed(base, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(base["dir"], index_dir)
    extra = write_jsonl(tmp_path / "extra.jsonl", BIG[:1])
    with Index(make_config(index_dir)) as reader:
        assert BIG[0]["id"] not in [h.article_id for h in reader.search(BIG[0]["title"])]
        written = run_qa("--index", index_dir, "ingest", extra, "--quiet")
        assert written.returncode == 0, written.stderr
        for mode in ("bm25", "dense", "hybrid"):
            hits = reader.search(BIG[0]["title"], retriever=mode, k=5)
            assert BIG[0]["id"] in [h.article_id for h in hits], mode
        stats = reader.stats()
        assert stats["vectors"] == stats["chunks"]
