"""Answering benchmark on FacQA valid: short-answer F1 / EM, contains, citations, abstention.

    python bench/answering.py                      # valid set over bench/results/facqa-index
    python bench/answering.py --removed 100        # gold-removed sample size (default all)
    python bench/answering.py --split train --limit 300
    python bench/answering.py --train              # re-fit the answer model on FacQA train

Answerable: every valid question over the full FacQA index. Unanswerable: the same questions
asked again, 100 at a time, over copies of the index with their gold passages removed; also
reported over those whose gold answer occurs in no remaining passage (the others may be
answerable from another passage). Each
question is retrieved once; the answer step runs with abstention off and its evidence score
is compared with thresholds afterwards (the same comparison `answer` makes), which is what
the calibration table shows. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.answering.abstention import answerable_above  # noqa: E402
from qa.answering.citations import verify_citation  # noqa: E402
from qa.answering.model import MODEL_FILE  # noqa: E402
from qa.config import Config  # noqa: E402
from qa.eval.metrics import normalize_answer as normalize  # noqa: E402
from qa.eval.metrics import token_f1 as f1  # noqa: E402
from qa.index import Index  # noqa: E402
from qa.render import to_text  # noqa: E402

FACQA = ROOT / "eval" / "facqa"


def load_gold(split: str) -> list[dict]:
    with open(FACQA / f"gold-{split}.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def run(index: Index, items: list[dict], config: Config) -> list[dict]:
    """Ask every question (the index is opened with abstention off); keep what the metrics
    need, and the threshold `config` would abstain below. Each citation is checked again
    against its chunk as read back from the store."""
    rows = []
    for item in items:
        started = time.perf_counter()
        query = index.query(item["question"])
        hits = index.search(query)
        searched = time.perf_counter()
        result = index.answer_hits(query, hits)
        done = time.perf_counter()
        verified = [_verified(index, c) for c in result.citations]
        rows.append(
            {
                "answers": item["answers"],
                "short": result.short_answer,
                "text": to_text(result),
                "score": result.confidence,
                "below": answerable_above(query, index.answer_model, config.abstain_shift),
                "abstained": result.abstained,
                "citations": len(result.citations),
                "verified": sum(verified),
                "markers_ok": _markers_ok(result),
                "ask_ms": (done - started) * 1000,
                "answer_ms": (done - searched) * 1000,
            }
        )
    return rows


def _verified(index: Index, citation) -> bool:
    chunk = index.store.chunk(citation.chunk_id)
    article = index.article_text(citation.article_id)
    if chunk is None or article is None:
        return False
    return verify_citation(citation, chunk.text, chunk.start, article)


def _markers_ok(result) -> bool:
    markers = [int(m) for m in re.findall(r"\[(\d+)\]", to_text(result))]
    first_use = list(dict.fromkeys(markers))
    return set(markers) == {c.n for c in result.citations} and first_use == sorted(first_use)


def report(rows: list[dict], removed: list[dict], shift: float) -> None:
    n = len(rows)
    answered = lambda r: r["score"] >= r["below"]  # noqa: E731
    kept = [r for r in rows if answered(r)]
    short = lambda r: r["short"] if answered(r) else None  # noqa: E731
    f1s = [max(f1(short(r) or "", a) for a in r["answers"]) for r in rows]
    ems = [max(normalize(short(r) or "") == normalize(a) for a in r["answers"]) for r in rows]
    contains = [
        answered(r) and any(normalize(a) in normalize(r["text"]) for a in r["answers"])
        for r in rows
    ]
    cited = sum(r["citations"] for r in kept)
    print(f"questions            {n} (abstain_shift = {shift})")
    print(f"short-answer F1      {statistics.mean(f1s):.3f}")
    print(f"short-answer EM      {statistics.mean(ems):.3f}")
    print(f"contains             {statistics.mean(contains):.3f}")
    print(f"short answer given   {sum(1 for r in kept if r['short']) / n:.3f}")
    print(f"citations verified   {sum(r['verified'] for r in kept)}/{cited}")
    print(f"markers match        {sum(r['markers_ok'] for r in kept)}/{len(kept)}")
    print(f"false abstention     {1 - len(kept) / n:.3f} (normal questions)")
    if removed:
        gone = sum(not answered(r) for r in removed) / len(removed)
        print(f"abstention           {gone:.3f} (gold removed, {len(removed)} questions)")
        nowhere = [r for r in removed if not r["elsewhere"]]
        gone = sum(not answered(r) for r in nowhere) / max(len(nowhere), 1)
        print(f"abstention           {gone:.3f} (gold removed, answer in no other passage,"
              f" {len(nowhere)} questions)")  # fmt: skip
    times = [r["ask_ms"] for r in rows]
    p50, p95 = statistics.median(times), sorted(times)[int(0.95 * n)]
    print(f"ask p50 / p95        {p50:.1f} / {p95:.1f} ms")
    steps = [r["answer_ms"] for r in rows]
    print(f"answer step p50      {statistics.median(steps):.2f} ms (ask minus retrieval)")


def calibration(rows: list[dict], removed: list[dict]) -> None:
    """What moving every language's threshold by `abstain_shift` would do (the default is 0)."""
    nowhere = [r for r in removed if not r["elsewhere"]] or removed
    below = lambda group, s: sum(r["score"] < r["below"] + s for r in group) / len(group)  # noqa: E731
    print("\nshift   false-abstain(normal)  abstain(gold removed)  (answer in no other passage)")
    for s in [x / 100 for x in range(-10, 16, 5)]:
        print(
            f"  {s:+.2f}  {below(rows, s):.3f}                  {below(removed, s):.3f}"
            f"                  {below(nowhere, s):.3f}"
        )


def without_gold(index_dir: Path, config: Config, items: list[dict], size: int = 100):
    """Yield (batch, index) for `items` in batches, each index a throwaway copy without the
    batch's gold passages: the same questions, made unanswerable from their own passage."""
    for start in range(0, len(items), size):
        batch = items[start : start + size]
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "index"
            shutil.copytree(index_dir, copy)
            with Index(config.replace(index=copy)) as index:
                index.remove(*{d for item in batch for d in item["doc_ids"]})
                yield batch, index


def gold_removed(index_dir: Path, config: Config, items: list[dict], count: int) -> list[dict]:
    """Ask `count` questions (a seeded sample) again, 100 at a time, each batch over a copy
    of the index without that batch's gold passages. Each row records whether a gold answer
    still occurs in a remaining passage (`elsewhere`): such a question may well be answerable."""
    sample = random.Random(0).sample(items, min(count, len(items)))
    with open(FACQA / "corpus.jsonl", encoding="utf-8") as f:
        corpus = {r["id"]: f" {normalize(r['text'])} " for r in map(json.loads, f)}
    rows: list[dict] = []
    off = config.replace(abstain_shift=-math.inf)
    for batch, index in without_gold(index_dir, off, sample):
        gone = {d for item in batch for d in item["doc_ids"]}
        rest = [text for id_, text in corpus.items() if id_ not in gone]
        found = run(index, batch, config)
        for item, row in zip(batch, found, strict=True):
            answers = [f" {normalize(a)} " for a in item["answers"]]
            row["elsewhere"] = any(a in text for a in answers for text in rest)
        rows += found
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "bench" / "results" / "facqa-index")
    parser.add_argument("--split", default="valid")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument(
        "--removed", type=int, help="gold-removed questions (default: all; 0: none)"
    )
    parser.add_argument("--train", action="store_true", help="fit the span scorer on train")
    parser.add_argument(
        "--model-out",
        type=Path,
        default=MODEL_FILE,
        help=f"where --train writes the answer model (default {MODEL_FILE.relative_to(ROOT)})",
    )
    args = parser.parse_args()
    if args.train:
        from bench.answer_model import train

        config = Config.load(index=args.index)
        items = load_gold("train")[: args.limit or None]
        train(items, config.replace(abstain_shift=-math.inf), args.model_out)
        return
    items = load_gold(args.split)
    if args.limit:
        items = items[: args.limit]
    config = Config.load(index=args.index)
    if not (args.index / "manifest.json").exists():
        sys.exit(f"no index at {args.index}: run python bench/retrieval.py first")
    with Index(config.replace(abstain_shift=-math.inf)) as index:  # abstention off
        index.search("pemanasan")  # load the model before timing
        rows = run(index, items, config)
    count = len(items) if args.removed is None else args.removed
    removed = gold_removed(args.index, config, items, count) if count else []
    report(rows, removed, config.abstain_shift)
    if removed:
        calibration(rows, removed)


if __name__ == "__main__":
    main()
