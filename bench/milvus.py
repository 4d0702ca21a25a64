"""The index on Milvus against the local store, both on this machine, in one run.

    python bench/milvus.py                      # FacQA size, and 100,000 chunks
    python bench/milvus.py --chunks 0           # FacQA size only (about 3 minutes)

Starts a `milvus-lite server` on a free port of 127.0.0.1 (a real gRPC socket, like a remote
Milvus but on the same two cores), then measures:

- **Ingest of the FacQA corpus** (1,318 passages) as a whole `qa ingest` process, into a new
  local index and into the server: wall seconds and their ratio (model load and embedding
  included, as a user sees it).
- **Hybrid search** p50/p95 (and `ask` p50) over the 311 FacQA valid questions, each store
  opened in this process with the model loaded.
- **At `--chunks`**: an index grown on the server from replicas of the seed articles the way
  `bench/scale.py` builds one (real texts with words swapped, noisy real vectors; embedding
  excluded), its build time, and hybrid search p50/p95 over FacQA and news questions.

Milvus Lite is a single-process, Python engine: a Milvus standalone or cluster answers with
other figures (the README says so). Writes bench/results/milvus.json; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import Replicator, build, questions, read_seed, seed_index  # noqa: E402
from qa.config import Config  # noqa: E402
from qa.index import Index  # noqa: E402

RESULTS = ROOT / "bench" / "results"
WORK = RESULTS / "milvus"
CORPUS = ROOT / "eval/facqa/corpus.jsonl"
GOLD = ROOT / "eval/facqa/gold-valid.jsonl"
QA = Path(sys.executable).parent / "qa"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [Path(sys.executable).parent / "milvus-lite", "server", "--data-dir", data]
        + ["--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return server, f"milvus://127.0.0.1:{port}"
        time.sleep(0.1)


def ingest_s(*flags: str | Path) -> float:
    started = time.perf_counter()
    subprocess.run([QA, *map(str, flags), "ingest", "--quiet", CORPUS], check=True)
    return round(time.perf_counter() - started, 1)


def latencies(index: Index, asked: list[str]) -> dict[str, float]:
    for q in asked[:20]:  # warm up
        index.search(q)
    search, ask = [], []
    for q in asked:
        started = time.perf_counter()
        index.search(q)
        search.append((time.perf_counter() - started) * 1000)
    for q in asked[:50]:
        started = time.perf_counter()
        index.ask(q)
        ask.append((time.perf_counter() - started) * 1000)
    return {
        "hybrid_p50_ms": round(statistics.median(search), 1),
        "hybrid_p95_ms": round(statistics.quantiles(search, n=20)[-1], 1),
        "ask_p50_ms": round(statistics.median(ask), 1),
    }


def facqa(uri: str) -> dict:
    local_dir = WORK / "local"
    results = {
        "ingest_s": {
            "local": ingest_s("--index", local_dir),
            "milvus": ingest_s("--store", uri, "--index", "facqa"),
        }
    }
    results["ingest_s"]["ratio"] = round(
        results["ingest_s"]["milvus"] / results["ingest_s"]["local"], 2
    )
    print(f"FacQA ingest: {results['ingest_s']}", flush=True)
    asked = [json.loads(line)["question"] for line in GOLD.read_text("utf-8").splitlines()]
    for name, config in (
        ("local", Config.load(env={}, index=local_dir)),
        ("milvus", Config.load(env={}, store=uri, index="facqa")),
    ):
        with Index(config) as index:
            results[name] = latencies(index, asked)
        print(f"FacQA {name}: {results[name]}", flush=True)
    return results


def grown(uri: str, chunks: int) -> dict:
    seed = read_seed(seed_index())
    with Index(Config.load(env={}, store=uri, index="scale")) as index:
        started = time.perf_counter()
        build(index, seed, Replicator(seed), chunks)
        build_s = round(time.perf_counter() - started, 1)
        found = {"chunks": index.stats()["chunks"], "build_s": build_s}
        found |= latencies(index, questions(200))
    print(f"{chunks:,} chunks on Milvus: {found}", flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=100_000, help="0: FacQA size only")
    parser.add_argument("--json", type=Path, default=RESULTS / "milvus.json")
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    server, uri = start_server(WORK / "server")
    try:
        results = {"facqa": facqa(uri)}
        if args.chunks:
            results["grown"] = grown(uri, args.chunks)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
