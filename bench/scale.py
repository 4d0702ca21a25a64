"""How the index behaves with many chunks: build, size, memory, open, search, ask, updates.

    python bench/scale.py --chunks 100000 --index bench/results/scale-100k --json out.json
    python bench/scale.py --chunks 100000 --index bench/results/scale-100k --json out.json --reuse

Builds a normal index of `--chunks` chunks (`qa stats`, `qa search`, `qa ask` work on it)
from the real corpora without embedding them again:

- **Seed**: the bundled sample and the FacQA passages, indexed once with the default settings
  in `bench/results/scale-seed` (about a minute), give real articles, chunks and vectors.
- **Replicas**: each seed article is copied under a new id (`<id>~<n>`), its date moved by
  `n` years back (so date filters select a share), and about 5% of its words swapped for
  other corpus words of the same length (so character offsets, and every chunk's place in
  its article, stay exact, while the term statistics stay those of real text). Its chunks are
  cut at the same offsets and analyzed again by the index's analyzer; each chunk's vector is
  the seed vector plus Gaussian noise (sigma 0.012 per dimension, renormalized: cosine to the
  seed about 0.97), so near-duplicates do not collapse onto one point.
- **Timing** excludes embedding: `build_s` is analyzing and storing, per 2,048-chunk commit.

Then it measures, in child processes where memory or start-up matters: disk size, peak RSS of
a process that opens the index and answers the questions, open time, p50/p95 of dense, BM25
and hybrid search and p50 of `ask` (FacQA valid and news dev questions), recall@10 of the
dense index against exact search (all questions), and the time to add and then remove 1,000
articles. `--reuse` measures an index built here before without building it again (to compare
code changes at scale in a minute). Writes the JSON keys the scale issue names; asserts
nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.articles import Article  # noqa: E402
from qa.chunking import Chunk  # noqa: E402
from qa.config import Config  # noqa: E402
from qa.index import Index  # noqa: E402
from qa.sample import sample_files  # noqa: E402
from qa.store import DB_NAME, read_manifest  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SEED = RESULTS / "scale-seed"
QUESTION_SETS = (ROOT / "eval/facqa/gold-valid.jsonl", ROOT / "eval/news/dev.jsonl")
WORD = re.compile(r"[A-Za-z]{4,}")
SWAP_SHARE = 0.05
SIGMA = 0.012
COMMIT = 2048
UPDATE_ARTICLES = 1000


def seed_index() -> Path:
    """The seed index (sample + FacQA), built once."""
    if read_manifest(SEED) is None:
        with Index(Config.load(env={}, index=SEED)) as index:
            index.ingest([*sample_files(), ROOT / "eval/facqa/corpus.jsonl"], progress=True)
    return SEED


def read_seed(folder: Path) -> list[tuple[Article, list[Chunk], np.ndarray]]:
    """Every seed article with its chunks and their stored vectors."""
    db = sqlite3.connect(folder / DB_NAME)
    articles = {
        r[0]: Article(*r)
        for r in db.execute("SELECT id, title, text, date, source, url, place, path FROM articles")
    }
    found: dict[str, tuple[list[Chunk], list[np.ndarray]]] = {}
    for article_id, ordinal, start, end, vector in db.execute(
        'SELECT article_id, ordinal, start, "end", vector FROM chunks ORDER BY rowid'
    ):
        a = articles[article_id]
        chunk = Chunk(
            f"{a.id}#{ordinal}", a.id, ordinal, a.text[start:end], start, end, a.title, a.date
        )
        chunks, vectors = found.setdefault(article_id, ([], []))
        chunks.append(chunk)
        vectors.append(np.frombuffer(vector, dtype=np.float32))
    db.close()
    return [(articles[i], c, np.vstack(v)) for i, (c, v) in found.items()]


class Replicator:
    """New articles from seed ones: new ids and dates, same-length word swaps, noisy vectors."""

    def __init__(self, seed: list[tuple[Article, list[Chunk], np.ndarray]], rng_seed: int = 0):
        self.rng = random.Random(rng_seed)
        self.noise = np.random.default_rng(rng_seed)
        by_length: dict[int, set[str]] = {}
        for article, _, _ in seed:
            for word in WORD.findall(article.text):
                by_length.setdefault(len(word), set()).add(word)
        self.by_length = {n: sorted(words) for n, words in by_length.items()}

    def text(self, text: str) -> str:
        def swap(match: re.Match) -> str:
            word = match.group()
            if self.rng.random() >= SWAP_SHARE:
                return word
            return self.rng.choice(self.by_length[len(word)])

        return WORD.sub(swap, text)

    def copy(self, article: Article, chunks: list[Chunk], vectors: np.ndarray, n: int):
        """Replica `n` of an article (0: the seed article itself)."""
        if n == 0:
            return article, chunks, vectors
        text = self.text(article.text)
        date = article.date
        if date and date[:4].isdigit():
            date = f"{int(date[:4]) - n % 10:04d}{date[4:]}"
        new = replace(article, id=f"{article.id}~{n}", text=text, date=date, path=None)
        copies = [
            replace(
                c,
                id=f"{new.id}#{c.ordinal}",
                article_id=new.id,
                text=text[c.start : c.end],
                date=date,
            )
            for c in chunks
        ]
        noisy = vectors + self.noise.normal(0, SIGMA, vectors.shape).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        return new, copies, noisy


def build(index: Index, seed, replicator: Replicator, target: int, start: int = 0) -> int:
    """Store replicas until the index holds `target` chunks; returns the next replica number."""
    have = index.stats()["chunks"]
    n = start
    batch, size = [], 0
    with index.store.writing():
        while have + size < target:
            for article, chunks, vectors in seed:
                if have + size >= target:
                    break
                new, copies, noisy = replicator.copy(article, chunks, vectors, n)
                terms = [index.analyzer.terms(c.text) for c in copies]
                batch.append((new, copies, terms, noisy))
                size += len(copies)
                if size >= COMMIT:
                    index.store.put(batch)
                    have, batch, size = have + size, [], 0
                    print(f"\r{have:,} chunks", end="", file=sys.stderr, flush=True)
            n += 1
        if batch:
            index.store.put(batch)
    print(file=sys.stderr)
    return n


def next_replica(folder: Path) -> int:
    """The replica number after the highest one an index built here holds."""
    db = sqlite3.connect(folder / DB_NAME)
    ids = db.execute("SELECT id FROM articles WHERE id LIKE '%~%'").fetchall()
    db.close()
    return max((int(i.rsplit("~", 1)[1]) for (i,) in ids), default=0) + 1


def questions(limit: int) -> list[str]:
    found = []
    for path in QUESTION_SETS:
        found += [json.loads(line)["question"] for line in path.read_text("utf-8").splitlines()]
    return random.Random(0).sample(found, min(limit, len(found)))


PROBE = """
import json, sys, time
started = time.perf_counter()
from qa.config import Config
from qa.index import Index
index = Index(Config.load(env={}, index=sys.argv[1]))
index.search("pemerintah daerah")
opened = time.perf_counter() - started
for q in json.loads(sys.argv[2]):
    index.ask(q)
status = open("/proc/self/status").read()  # VmHWM: this program's own peak, not its parent's
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"open_s": opened, "rss_mb": peak}))
"""


def probe(folder: Path, asked: list[str]) -> dict:
    """Open time and peak RSS of a fresh process that opens the index and answers."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(folder), json.dumps(asked)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def timed(call, items) -> list[float]:
    found = []
    for item in items:
        started = time.perf_counter()
        call(item)
        found.append((time.perf_counter() - started) * 1000)
    return found


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 2)


def recall_at_10(index: Index, asked: list[str]) -> float:
    """Share of the exact top 10 (all stored vectors) that the dense index returns."""
    store = index.store
    db = sqlite3.connect(store.dir / DB_NAME)
    rows = db.execute("SELECT rowid, vector FROM chunks").fetchall()
    db.close()
    ids = np.array([r[0] for r in rows])
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
    found = []
    for q in asked:
        vector = index.embedder.encode_query(q)
        exact = set(ids[np.argsort(-(matrix @ vector))[:10]].tolist())
        got = {rowid for rowid, _ in store.dense_search(vector, 10, index.query(q).filters)}
        found.append(len(exact & got) / 10)
    return round(statistics.mean(found), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the index this script built at --index before, without building it "
        "again (build_s is then null): to compare code changes at scale in minutes",
    )
    args = parser.parse_args()
    seed = read_seed(seed_index())
    settings = read_manifest(SEED)
    asked = questions(args.questions)
    build_s = None
    if args.reuse:
        if read_manifest(args.index) is None:
            sys.exit(f"--reuse: no index at {args.index}; run without --reuse to build it")
        after = next_replica(args.index)
    else:
        shutil.rmtree(args.index, ignore_errors=True)
        config = Config.load(env={}, index=args.index, precision=settings.precision)
        with Index(config) as index:
            started = time.perf_counter()
            after = build(index, seed, Replicator(seed), args.chunks)
            build_s = round(time.perf_counter() - started, 1)
    with Index(Config.load(env={}, index=args.index)) as index:
        chunks = index.stats()["chunks"]
    disk_mb = sum(f.stat().st_size for f in args.index.rglob("*") if f.is_file()) / 1e6
    opened = probe(args.index, asked[:50])
    with Index(Config.load(env={}, index=args.index)) as index:
        for q in asked[:20]:  # model, caches and analyzers warm
            index.ask(q)
        dense = timed(lambda q: index.search(q, retriever="dense"), asked)
        bm25 = timed(lambda q: index.search(q, retriever="bm25"), asked)
        hybrid = timed(lambda q: index.search(q, retriever="hybrid"), asked)
        ask = timed(index.ask, asked)
        recall = recall_at_10(index, asked)
        extra = Replicator(seed, rng_seed=1)
        new = []
        for article, chunks_, vectors in seed[:UPDATE_ARTICLES]:
            copy = extra.copy(article, chunks_, vectors, after + 1)
            new.append((*copy[:2], [index.analyzer.terms(c.text) for c in copy[1]], copy[2]))
        started = time.perf_counter()
        with index.store.writing():
            for i in range(0, len(new), 100):
                index.store.put(new[i : i + 100])
        add_s = time.perf_counter() - started
        started = time.perf_counter()
        with index.store.writing():
            index.store.remove([a.id for a, _, _, _ in new])
        remove_s = time.perf_counter() - started
    result = {
        "chunks": chunks,
        "build_s": build_s,
        "disk_mb": round(disk_mb, 1),
        "rss_mb": round(opened["rss_mb"], 1),
        "open_s": round(opened["open_s"], 2),
        "dense_p50_ms": p(dense, 0.5),
        "bm25_p50_ms": p(bm25, 0.5),
        "hybrid_p50_ms": p(hybrid, 0.5),
        "hybrid_p95_ms": p(hybrid, 0.95),
        "ask_p50_ms": p(ask, 0.5),
        "recall@10": recall,
        "add_1000_s": round(add_s, 2),
        "remove_1000_s": round(remove_s, 2),
    }
    print(json.dumps(result, indent=2))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
