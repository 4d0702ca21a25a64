"""A real `python app.py` in a subprocess on a free port, over a small index, for the web tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, SEED, make_config, qa_env, sample_records, write_jsonl

from qa.index import Index

# ANTARA, CNN Indonesia, Merdeka and Suara articles next to the seed (UU 24/2011).
LINES = (0, 7, 8, 148, 288, 292, 299, 335)


def build_index(root: Path) -> Index:
    """The seed article and a few sample articles, indexed in `root/index` (kept open)."""
    corpus = write_jsonl(root / "articles.jsonl", sample_records(LINES))
    index = Index(make_config(root / "index"))
    report = index.ingest([corpus, SEED], progress=False)
    assert report.ok, report.problems
    return index


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`python app.py --index DIR --port N`, as a user starts it; the log is kept for failures."""

    def __init__(self, index_dir: Path, log: Path, *flags: str, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        command = [sys.executable, "app.py", "--index", str(index_dir), "--port", str(self.port)]
        with open(log, "w") as out:
            self.process = subprocess.Popen(
                [*command, *flags], cwd=ROOT, env=qa_env(**env), stdout=out, stderr=out
            )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready in" in self.output():
                return
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"app.py exited with {self.process.returncode}:\n{self.output()}"
                )
            time.sleep(0.2)
        raise TimeoutError(f"app.py not ready after {timeout} s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
