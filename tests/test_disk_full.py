"""A full disk in the middle of `qa ingest`: one clear message, exit status 4, what was
committed said and kept, no temporary files left, the index still readable."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SEED, qa_env, run_qa, sample_records, write_jsonl


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs, where this machine allows mounting one."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_full_disk_stops_ingest_with_one_message_and_keeps_what_was_committed(
    small_disk: Path, tmp_path: Path
) -> None:
    index = small_disk / "index"
    assert run_qa("--index", index, "ingest", SEED, "--quiet").returncode == 0
    many = write_jsonl(tmp_path / "banyak.jsonl", sample_records(range(150)))
    env = qa_env(QA_COMMIT_CHUNKS="64")
    done = run_qa("--index", index, "ingest", many, "--quiet", env=env)
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr and "cannot rollback" not in done.stderr
    assert f"index {index}: the disk is full" in done.stderr
    committed = int(done.stderr.split("committed before the disk filled: ")[1].split()[0])
    assert committed > 0 and "MB more free space" in done.stderr
    assert not [p for p in index.iterdir() if ".tmp-" in p.name]  # no half-written copies
    stats = run_qa("--index", index, "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["articles"] == 1 + committed  # exactly what it said
