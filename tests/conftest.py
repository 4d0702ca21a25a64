"""Shared fixtures: configs over tmp folders, one read-only index, the CLI, integrity checks.

Everything is real: the bundled all-MiniLM-L6-v2 model, FAISS, SQLite and `qa`
subprocesses. Tests that only read share the session index built here; tests
that write build their own small index in `tmp_path`.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import tantivy

from qa.answers import Answer
from qa.config import Config
from qa.index import Index
from qa.render import quote_line, to_text
from qa.store import DB_NAME
from qa.store.lexical import LEXICAL_DIR

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "qa" / "data" / "sample"
INDOSUM = SAMPLE / "indosum.jsonl"
SEED = SAMPLE / "antara-2019-12-05-pemkot-bandarlampung-umkm-bp-jamsostek.txt"
SEED_ID = "sha-83f8ee98cc154bbe"  # content hash of the seed file (qa/data/sample/README.md)
QA = Path(sys.executable).parent / "qa"

# Lines of indosum.jsonl in the shared index: articles citing other laws (UU 22/2009,
# UU 12/2011 - same year as the seed's UU 24/2011 - UU 31/1999, ...) as distractors for
# the legal-reference tests, and every source in the sample so filters have work to do.
SHARED_LINES = (0, 7, 8, 23, 49, 95, 148, 160, 189, 227, 248, 286)  # ANTARA News
SHARED_LINES += (288, 299)  # CNN Indonesia (ISO datetimes with +07:00)
SHARED_LINES += (290, 292, 293, 294, 305, 335)  # Rimanews, Merdeka, Poskota, Suara, Goal, Suara


def sample_records(lines: Iterator[int] | tuple[int, ...] | range) -> list[dict]:
    """Records of qa/data/sample/indosum.jsonl by line index (0-based)."""
    all_lines = INDOSUM.read_text(encoding="utf-8").splitlines()
    return [json.loads(all_lines[i]) for i in lines]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def make_config(index_dir: Path, **overrides) -> Config:
    """A config that ignores the developer's QA_* environment."""
    return Config.load(env={}, index=index_dir, **overrides)


def qa_env(**extra: str) -> dict[str, str]:
    """The current environment without QA_* variables, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(extra)
    return env


def run_qa(*args: str | Path, env: dict[str, str] | None = None, timeout: float = 300):
    """Run the installed `qa` console script; returns the CompletedProcess (text)."""
    return subprocess.run(
        [str(QA), *map(str, args)],
        capture_output=True,
        text=True,
        env=env if env is not None else qa_env(),
        timeout=timeout,
        cwd=ROOT,
    )


def integrity(index_dir: Path) -> dict:
    """Check the store's invariants straight from SQLite; returns counts.

    Every chunk belongs to an existing article and has its BM25 row; every article
    has a complete, contiguous set of chunks covering its whole text (so no article
    is ever half-written); chunk texts are exact slices of their article.
    """
    db = sqlite3.connect(f"file:{Path(index_dir) / DB_NAME}?mode=ro", uri=True)
    try:
        orphans = db.execute(
            "SELECT count(*) FROM chunks c LEFT JOIN articles a ON a.id = c.article_id"
            " WHERE a.id IS NULL"
        ).fetchone()[0]
        assert orphans == 0, f"{orphans} chunks without an article"
        chunk_rowids = {r[0] for r in db.execute("SELECT rowid FROM chunks")}
        assert lexical_rowids(index_dir) == chunk_rowids, "BM25 documents and chunks disagree"
        texts = dict(db.execute("SELECT id, text FROM articles"))
        spans: dict[str, list[tuple[int, int, int, str]]] = {a: [] for a in texts}
        for article_id, ordinal, start, end, text in db.execute(
            'SELECT article_id, ordinal, start, "end", text FROM chunks'
        ):
            spans[article_id].append((ordinal, start, end, text))
        for article_id, chunks in spans.items():
            chunks.sort()
            assert chunks, f"article {article_id} has no chunks"
            assert [c[0] for c in chunks] == list(range(len(chunks))), article_id
            assert chunks[0][1] == 0 and chunks[-1][2] == len(texts[article_id]), article_id
            for _, start, end, text in chunks:
                assert texts[article_id][start:end] == text, article_id
        return {"articles": len(texts), "chunks": len(chunk_rowids)}
    finally:
        db.close()


@dataclass
class Shared:
    """The session's read-only index and what went into it."""

    dir: Path
    index: Index
    records: list[dict]
    report: object

    @property
    def ids(self) -> list[str]:
        return [r["id"] for r in self.records] + [SEED_ID]


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    """20 sample articles plus the ANTARA seed article, indexed once. Do not write to it."""
    root = tmp_path_factory.mktemp("shared")
    records = sample_records(SHARED_LINES)
    corpus = write_jsonl(root / "indosum-20.jsonl", records)
    index = Index(make_config(root / "index"))
    report = index.ingest([corpus, SEED], progress=False)
    assert report.ok, report.problems
    yield Shared(dir=root / "index", index=index, records=records, report=report)
    index.close()


@pytest.fixture
def config_for() -> Callable[..., Config]:
    return make_config


def markers(answer: Answer) -> list[int]:
    return [int(m) for m in re.findall(r"\[(\d+)\]", to_text(answer))]


def assert_checkable(index: Index, answer: Answer) -> None:
    """Every quote is verbatim at its offsets and shown with its marker; markers and sources
    match, numbered by first use."""
    for c in answer.citations:
        assert index.article(c.article_id).text[c.start : c.end] == c.quote
        assert quote_line(c) in to_text(answer)
    used = list(dict.fromkeys(markers(answer)))
    assert used == [c.n for c in answer.citations] == list(range(1, len(used) + 1))


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A real PDF, written by hand (no library): one page per item, one text line per string,
    in the standard Helvetica font, with an optional /Title."""

    def escape(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]  # the page tree is filled in below
    kids = []
    for lines in pages:
        shown = "".join(f"({escape(line)}) Tj 0 -16 Td " for line in lines)
        stream = f"BT /F1 12 Tf 72 720 Td {shown}ET".encode("latin-1")
        objects.append(
            f"<< /Length {len(stream)} >>\nstream\n{stream.decode('latin-1')}\nendstream"
        )
        content = len(objects)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R "
            "/Resources << /Font << /F1 FONT 0 R >> >> >>"
        )
        kids.append(len(objects))
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    font = len(objects)
    objects = [o.replace("FONT", str(font)) for o in objects]
    objects[1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    )
    info = None
    if title:
        objects.append(f"<< /Title ({escape(title)}) >>")
        info = len(objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R" + (f" /Info {info} 0 R" if info else "")
    out += f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def lexical_rowids(index_dir: Path) -> set[int]:
    """The chunk rowids in the tantivy index, read straight from its files."""
    index = tantivy.Index.open(str(Path(index_dir) / LEXICAL_DIR))
    searcher = index.searcher()
    hits = searcher.search(tantivy.Query.all_query(), max(searcher.num_docs, 1)).hits
    found = searcher.fast_field_values("rowid", [address for _, address in hits])
    return {r for r in found if r != 0}  # 0: the generation marker
