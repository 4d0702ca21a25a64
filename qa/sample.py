"""The bundled sample corpus: where it lies and what it holds.

A data concern shared by `qa ingest --sample`, `qa eval --sample` and `qa serve` (which
indexes it into an empty index), so none of them imports another to find it.
"""

from __future__ import annotations

from pathlib import Path

SAMPLE_DIR = Path(__file__).parent / "data" / "sample"


def sample_files() -> list[Path]:
    """The bundled sample corpus (its README is documentation, not an article)."""
    return sorted(p for p in SAMPLE_DIR.iterdir() if p.suffix in {".txt", ".jsonl"})


def sample_article_count() -> int:
    """Articles in the sample, counted without reading them: a .txt file is one article,
    a .jsonl file one per non-blank line (as qa.articles reads them)."""
    count = 0
    for path in sample_files():
        if path.suffix == ".txt":
            count += 1
        else:
            with path.open(encoding="utf-8") as lines:
                count += sum(1 for line in lines if line.strip())
    return count
