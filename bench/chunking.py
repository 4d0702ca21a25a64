"""Chunking benchmark on the IndoSum sample: retrieval quality per chunk size and overlap.

    python bench/chunking.py              # full grid, all 400 articles (some minutes)
    python bench/chunking.py --quick      # first 100 articles only, for iteration

For every (chunk_tokens, chunk_overlap) setting it builds a fresh index of
qa/data/sample/indosum.jsonl in a temporary folder, then asks, for each
article, two queries taken from its human-written IndoSum summary: the first
sentence (usually the lead) and the last sentence (usually a detail deeper in
the article). A hit is a chunk of the query's own article; rankings are
deduplicated by article before scoring hit@1, hit@5 and MRR@10.

Prints one table (and writes it to bench/results/chunking.txt, or chunking-quick.txt);
asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.chunking import Chunker, split_sentences  # noqa: E402
from qa.config import Config  # noqa: E402
from qa.index import Index  # noqa: E402

SAMPLE = ROOT / "qa" / "data" / "sample" / "indosum.jsonl"
RESULTS = ROOT / "bench" / "results"
TOKENS = (96, 128, 160, 200, 256)
OVERLAPS = (0, 40)
RETRIEVERS = ("bm25", "hybrid")
K = 10


@dataclass
class Query:
    article_id: str
    text: str


@dataclass
class BuildStats:
    chunks: int
    seconds: float
    mean_tokens: float  # cl100k tokens per chunk
    max_wordpieces: int  # longest chunk as the embedder sees it (limit: its max_seq_length)


def load_records(limit: int | None) -> list[dict]:
    with open(SAMPLE, encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    return records[:limit] if limit else records


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def make_queries(records: list[dict]) -> dict[str, list[Query]]:
    """First summary sentence of every article; last one where the summary has two or more."""
    first, last = [], []
    for record in records:
        parts = sentences(record["summary"])
        first.append(Query(record["id"], parts[0]))
        if len(parts) > 1:
            last.append(Query(record["id"], parts[-1]))
    return {"first": first, "last": last}


def build(corpus: Path, folder: Path, tokens: int, overlap: int) -> tuple[Index, BuildStats]:
    """A fresh index of the corpus with the given chunking, and what it cost."""
    index = Index(Config.load(index=folder, chunk_tokens=tokens, chunk_overlap=overlap))
    index.embedder.encode_passages(["pemanasan model"] * 64)  # warm up before timing
    report = index.ingest([corpus], progress=False)
    chunks = list(index.store.all_chunks())
    chunker = Chunker(index.config)
    stats = BuildStats(
        chunks=len(chunks),
        seconds=report.seconds,
        mean_tokens=statistics.fmean(chunker.count_tokens(c.text) for c in chunks),
        max_wordpieces=max(index.embedder.token_count(c.text) for c in chunks),
    )
    return index, stats


def rank_of(index: Index, query: Query, retriever: str) -> int | None:
    """1-based rank of the query's article among the distinct articles retrieved."""
    hits = index.search(query.text, k=K, retriever=retriever)
    ranked = list(dict.fromkeys(hit.article_id for hit in hits))
    return ranked.index(query.article_id) + 1 if query.article_id in ranked else None


def summarize(ranks: list[int | None]) -> tuple[float, float, float]:
    """hit@1, hit@5, MRR@10."""
    n = len(ranks)
    return (
        sum(r == 1 for r in ranks) / n,
        sum(r is not None and r <= 5 for r in ranks) / n,
        sum(1 / r for r in ranks if r) / n,
    )


def header(queries: dict[str, list[Query]]) -> str:
    counts = ", ".join(f"{name} {len(qs)}" for name, qs in queries.items())
    cols = " ".join(f"{f'{name} h@1':>8} {'h@5':>6} {'mrr':>6}" for name in queries)
    return (
        f"queries: {counts} (k={K}, article-level, deduplicated)\n"
        f"{'tokens':>6} {'ovl':>4} {'chunks':>6} {'mean tok':>8} {'max wp':>6} "
        f"{'ingest s':>8} {'retriever':<9} {cols}"
    )


def row(tokens: int, overlap: int, stats: BuildStats, retriever: str, scores: list) -> str:
    cols = " ".join(f"{h1:>8.3f} {h5:>6.3f} {mrr:>6.3f}" for h1, h5, mrr in scores)
    return (
        f"{tokens:>6} {overlap:>4} {stats.chunks:>6} {stats.mean_tokens:>8.1f} "
        f"{stats.max_wordpieces:>6} {stats.seconds:>8.1f} {retriever:<9} {cols}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="first 100 articles only")
    parser.add_argument("--tokens", type=int, nargs="+", default=TOKENS)
    parser.add_argument("--overlaps", type=int, nargs="+", default=OVERLAPS)
    args = parser.parse_args()

    records = load_records(100 if args.quick else None)
    queries = make_queries(records)
    lines = [f"IndoSum sample: {len(records)} articles", header(queries)]
    print("\n".join(lines), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        corpus.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
        )
        for tokens, overlap in itertools.product(args.tokens, args.overlaps):
            if not 0 <= overlap < tokens:
                continue
            index, stats = build(corpus, Path(tmp) / f"index-{tokens}-{overlap}", tokens, overlap)
            with index:
                for retriever in RETRIEVERS:
                    scores = [
                        summarize([rank_of(index, q, retriever) for q in qs])
                        for qs in queries.values()
                    ]
                    lines.append(row(tokens, overlap, stats, retriever, scores))
                    print(lines[-1], flush=True)
    out = RESULTS / ("chunking-quick.txt" if args.quick else "chunking.txt")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
