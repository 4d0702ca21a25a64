"""The index's write lock across processes: a waiting writer says whom it waits for, gives up
with exit status 3 after QA_LOCK_TIMEOUT, and two ingests of one file embed it once."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import QA, ROOT, SEED, qa_env, run_qa, sample_records, write_jsonl

from qa.store.lock import holder_of, write_lock


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lock")
    done = run_qa("--index", root / "index", "ingest", SEED, "--quiet")
    assert done.returncode == 0, done.stderr
    return root / "index"


@pytest.fixture
def index(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(built, copy)
    return copy


def test_a_second_writer_names_the_holder_and_gives_up_after_the_timeout(index, tmp_path):
    new = write_jsonl(tmp_path / "baru.jsonl", sample_records([0]))
    with write_lock(index, timeout=0):
        assert f"pid {os.getpid()}" in holder_of(index / ".write.lock")
        started = time.monotonic()
        done = run_qa("--index", index, "ingest", new, "--quiet", env=qa_env(QA_LOCK_TIMEOUT="1"))
    assert done.returncode == 3, done.stderr
    assert f"is being written by pid {os.getpid()}" in done.stderr  # whom it waits for
    assert "busy" in done.stderr and "QA_LOCK_TIMEOUT" in done.stderr
    assert "Traceback" not in done.stderr and time.monotonic() - started < 60
    stats = json.loads(run_qa("--index", index, "stats", "--json").stdout)
    assert stats["articles"] == 1  # the waiting writer wrote nothing


def test_a_waiting_writer_goes_on_once_the_lock_is_free(index, tmp_path):
    new = write_jsonl(tmp_path / "baru.jsonl", sample_records([0]))
    held = threading.Event()

    def hold() -> None:
        with write_lock(index, timeout=0):
            held.set()
            time.sleep(3)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    done = run_qa("--index", index, "ingest", new, "--quiet", env=qa_env(QA_LOCK_TIMEOUT="120"))
    holder.join()
    assert done.returncode == 0, done.stderr
    assert "waiting up to 120 s" in done.stderr and "1 added" in done.stdout


def test_two_ingests_of_the_same_file_embed_it_once(index, tmp_path):
    new = write_jsonl(tmp_path / "sama.jsonl", sample_records([0, 1]))
    command = [str(QA), "--index", str(index), "ingest", str(new), "--quiet"]
    runs = [
        subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=qa_env(),
            cwd=ROOT,
        )  # fmt: skip
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    added = sorted(int(re.search(r"(\d+) added", out).group(1)) for out in outputs)
    assert added == [0, 2], outputs  # the second found both already there
