"""Retrieval benchmark on FacQA: quality of dense / bm25 / hybrid, ingest time, latency.

    python bench/retrieval.py                 # valid set, all retrievers
    python bench/retrieval.py --tune          # grid-search the hybrid weights on train

Builds (or reuses) an index of eval/facqa/corpus.jsonl under bench/results/.
Prints numbers; asserts nothing. The targets live in the README.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa import analysis  # noqa: E402
from qa.config import Config, RetrieverKind  # noqa: E402
from qa.index import Index  # noqa: E402
from qa.retrieval import Weights, fuse  # noqa: E402

FACQA = ROOT / "eval" / "facqa"


def load_gold(split: str) -> list[dict]:
    with open(FACQA / f"gold-{split}.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def ranks_of(ranked_articles: list[str], gold: set[str], k: int = 10) -> int | None:
    for rank, article_id in enumerate(ranked_articles[:k], 1):
        if article_id in gold:
            return rank
    return None


def summarize(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        "hit@5": sum(1 for r in ranks if r and r <= 5) / n,
        "hit@10": sum(1 for r in ranks if r and r <= 10) / n,
        "mrr@10": sum(1 / r for r in ranks if r) / n,
    }


def build(index_dir: Path, config: Config) -> Index:
    """Ingest the FacQA corpus unless it is already there."""
    index = Index(config.replace(index=index_dir))
    if index.stats()["articles"] == 0:
        print(f"ingest: {index.ingest([FACQA / 'corpus.jsonl'], progress=True).summary()}")
    return index


def ingest_ratio(index: Index, rounds: int) -> None:
    """Full ingest (fresh index each round) vs the embedder alone on the same chunk texts.

    Rounds alternate the two and report medians: on a shared 2-core machine a single
    encode varies by about 10% from run to run. Stem caches are cleared before each
    ingest so it pays for stemming every time.
    """
    texts = [chunk.text for chunk in index.store.all_chunks()]
    embedder = index.embedder
    embedder.encode_passages(texts[:64])  # warm up
    ingest_s, embed_s = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        embedder.encode_passages(texts)
        embed_s.append(time.perf_counter() - started)
        analysis.stem.cache_clear()
        analysis._sastrawi_stemmer.cache_clear()
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Index(index.config.replace(index=Path(tmp)))
            fresh._embedder = embedder  # the model is loaded once, as in a long-running app
            ingest_s.append(fresh.ingest([FACQA / "corpus.jsonl"], progress=False).seconds)
            fresh.close()
    i, e = statistics.median(ingest_s), statistics.median(embed_s)
    print(
        f"ingest {i:.2f} s vs embedder alone {e:.2f} s on the same {len(texts)} chunks: "
        f"{i / e:.2f}x (median of {rounds}; ingest {', '.join(f'{x:.2f}' for x in ingest_s)}; "
        f"embed {', '.join(f'{x:.2f}' for x in embed_s)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="valid", choices=["train", "valid"])
    parser.add_argument(
        "--tune", action="store_true", help="grid-search the hybrid weights on train"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index first")
    parser.add_argument(
        "--index-dir",
        type=Path,
        default=ROOT / "bench" / "results" / "facqa-index",
        help="where to build the FacQA index (use another one for other QA_* build settings)",
    )
    parser.add_argument(
        "--ingest-rounds",
        type=int,
        default=3,
        help="rounds of the ingest-time comparison (0: skip)",
    )
    args = parser.parse_args()

    config = Config.load()
    index_dir = args.index_dir
    if args.rebuild and index_dir.exists():
        import shutil

        shutil.rmtree(index_dir)
    index = build(index_dir, config)
    if args.ingest_rounds:
        ingest_ratio(index, args.ingest_rounds)

    index.search("pemanasan", k=10)  # warm up the model and caches

    if args.tune:
        tune(index)
        return

    gold = load_gold(args.split)
    print(f"FacQA {args.split}: {len(gold)} questions, {index.stats()['chunks']} chunks")
    columns = ["hit@1", "hit@5", "hit@10", "mrr@10", "p50 ms", "p95 ms"]
    print(f"{'retriever':<10} " + " ".join(f"{c:>7}" for c in columns))
    for kind in RetrieverKind:
        ranks, times = [], []
        for q in gold:
            started = time.perf_counter()
            hits = index.search(q["question"], k=10, retriever=kind)
            times.append((time.perf_counter() - started) * 1000)
            ranks.append(ranks_of([h.article_id for h in hits], set(q["doc_ids"])))
        m = summarize(ranks)
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        values = [m["hit@1"], m["hit@5"], m["hit@10"], m["mrr@10"]]
        print(
            f"{kind.value:<10} "
            + " ".join(f"{v:>7.3f}" for v in values)
            + f" {statistics.median(times):>7.1f} {p95:>7.1f}"
        )


def tune(index: Index) -> None:
    """Grid-search the hybrid weights on train (hit@5 + MRR@10); show them on valid."""
    retriever = index.retriever
    data = {}
    for split in ("train", "valid"):
        gold = load_gold(split)
        feats = []
        for q in gold:
            query = index.query(q["question"])
            found = retriever.candidates(query, RetrieverKind.HYBRID)
            feats.append(retriever.features(query, found))
        rowids = list({rowid for f in feats for rowid in f})
        article_of = {r: c.article_id for r, c in index.store.chunks(rowids).items()}
        data[split] = (gold, feats, article_of)

    def score(split: str, weights: Weights) -> dict[str, float]:
        gold, feats, article_of = data[split]
        ranks = []
        for q, f in zip(gold, feats, strict=True):
            ranked = [article_of[rowid] for rowid, _ in fuse(f, weights)[:10]]
            ranks.append(ranks_of(ranked, set(q["doc_ids"])))
        return summarize(ranks)

    grid = itertools.product(
        [0.0, 0.1, 0.2, 0.3],  # dense
        [0.0, 0.3, 0.5],  # coverage
        [0.0, 0.1, 0.2],  # bigrams
        [0.0, 0.2, 0.4],  # answer_type
        [0.0, 0.1, 0.2, 0.3, 0.5],  # answer_near
    )
    results = []
    for combo in grid:
        weights = Weights(*combo)
        m = score("train", weights)
        # Objective: train MRR@10, then hit@5; ties go to the smaller total weight.
        results.append(((-m["mrr@10"], -m["hit@5"], sum(combo)), weights, m))
    results.sort(key=lambda r: r[0])
    print("weights: dense coverage bigrams answer_type answer_near")
    print(f"{'':<20} train hit@5 mrr | valid hit@1 hit@5 mrr")
    bm25_only = Weights(0.0, 0.0, 0.0, 0.0, 0.0)
    for _, weights, m in [(0, bm25_only, score("train", bm25_only)), *results[:10]]:
        v = score("valid", weights)
        w = (
            weights.dense,
            weights.coverage,
            weights.bigrams,
            weights.answer_type,
            weights.answer_near,
        )
        train = f"{m['hit@5']:.3f} {m['mrr@10']:.3f}"
        valid = f"{v['hit@1']:.3f} {v['hit@5']:.3f} {v['mrr@10']:.3f}"
        print(" ".join(f"{x:.1f}" for x in w) + f"   {train} | {valid}")


if __name__ == "__main__":
    main()
