"""The `qa eval` command: its arguments, the --floor / --ceiling guards, and the run.

The only module of qa.eval that knows about the command line, the index folder and the
sample corpus; qa.cli imports it, never the other way round.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from hashlib import sha256
from pathlib import Path
from typing import Any

from qa.analysis import ANALYZER_VERSION
from qa.config import Config, RetrieverKind
from qa.eval.gold import GoldItem, load_gold
from qa.eval.metrics import METRIC_KEYS
from qa.eval.report import compare, print_console, write_report
from qa.eval.runner import evaluate
from qa.sample import sample_files
from qa.store import describe, stored_manifest

# What `--floor` (minimum) and `--ceiling` (maximum) may guard.
CEILING_KEYS = ("false_abstain", "wrong_answer_rate", "latency_p50_ms", "latency_p95_ms")
FLOOR_KEYS = tuple(k for k in METRIC_KEYS if k != "n" and k not in CEILING_KEYS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `qa eval` flags (the global ones, --index and --model..., come from qa.cli)."""
    _repeatable(parser, "--gold", type=Path, metavar="FILE", help="gold JSONL file (repeatable)")
    _repeatable(
        parser,
        "--corpus",
        type=Path,
        metavar="PATH",
        help="articles to index first (repeatable); reused while unchanged",
    )
    parser.add_argument(
        "--sample", action="store_true", help="index the bundled sample corpus (as --corpus)"
    )
    parser.add_argument("--retriever", choices=RetrieverKind.values())
    parser.add_argument(
        "--k",
        type=int,
        metavar="N",
        help="passages an answer reads (default 10); retrieval scores the top 10",
    )
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N questions")
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="folder for report.md and PNG plots"
    )
    parser.add_argument(
        "--json", type=Path, metavar="FILE", help="write metrics and per-question results"
    )
    _repeatable(
        parser,
        "--floor",
        metavar="METRIC=VALUE",
        help="exit 1 when METRIC is below VALUE, e.g. hit@5=0.9 (repeatable)",
    )
    _repeatable(
        parser,
        "--ceiling",
        metavar="METRIC=VALUE",
        help="exit 1 when METRIC is above VALUE: false_abstain or latency_p50_ms/p95_ms",
    )
    parser.add_argument(
        "--compare",
        nargs=2,
        type=Path,
        metavar=("A.json", "B.json"),
        help="print each metric, B - A",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def _repeatable(parser: argparse.ArgumentParser, flag: str, **options: Any) -> None:
    """A flag that may be given several times, collected into a list ([] when absent)."""
    parser.add_argument(flag, action="append", default=[], **options)


def parse_bounds(specs: Sequence[str], flag: str = "--floor") -> dict[str, float]:
    """`METRIC=VALUE` pairs; --floor takes the higher-is-better metrics, --ceiling the others."""
    allowed = FLOOR_KEYS if flag == "--floor" else CEILING_KEYS
    bounds = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        if not sep or name not in allowed:
            raise ValueError(
                f"{flag} {spec!r}: expected METRIC=VALUE with METRIC one of " + ", ".join(allowed)
            )
        try:
            bounds[name] = float(value)
        except ValueError:
            raise ValueError(f"{flag} {spec!r}: {value!r} is not a number") from None
    return bounds


def check_bounds(
    metrics: dict[str, Any], floors: dict[str, float], ceilings: dict[str, float] | None = None
) -> list[str]:
    """Messages for every metric below its floor or above its ceiling (undefined fails)."""
    checks = [(name, bound, "floor") for name, bound in floors.items()]
    checks += [(name, bound, "ceiling") for name, bound in (ceilings or {}).items()]
    failed = []
    for name, bound, kind in checks:
        value = metrics.get(name)
        if value is None:
            failed.append(f"{name} is undefined on this gold set ({kind} {bound})")
        elif kind == "floor" and value < bound:
            failed.append(f"{name} {value:.4f} < floor {bound}")
        elif kind == "ceiling" and value > bound:
            failed.append(f"{name} {value:.4f} > ceiling {bound}")
    return failed


def corpus_index_dir(config: Config, corpus: Sequence[Path], name: str | None = None) -> Path:
    """Where an eval builds its index of `corpus`: --index when given, else a folder
    under the default index named after the corpus and the settings that shape it."""
    if "index" in config.explicit:
        return config.index
    key = json.dumps(
        [
            sorted(str(p.resolve()) for p in corpus),
            [config.model, config.chunk_tokens, config.chunk_overlap, config.encoding],
            [config.stemmer, config.stopwords, ANALYZER_VERSION],
        ]
        + ([str(config.precision)] if config.precision == "int8" else [])  # its own vectors
    )
    name = name or (corpus[0].stem if corpus[0].is_file() else corpus[0].name)
    return config.index / "eval" / f"{name or 'corpus'}-{sha256(key.encode()).hexdigest()[:10]}"


def command(args: argparse.Namespace, config: Config) -> int:
    """`qa eval`: exit 0, 1 when a floor or ceiling fails, 2 on usage or input errors."""
    if args.compare:
        return compare(*args.compare)
    if not args.gold:
        print("qa: error: give --gold FILE.jsonl (or --compare A.json B.json)", file=sys.stderr)
        return 2
    floors, ceilings = parse_bounds(args.floor), parse_bounds(args.ceiling, "--ceiling")
    if args.limit is not None and args.limit < 1:
        raise ValueError("--limit must be positive")
    gold = load_gold(args.gold)[: args.limit]
    result = _run(args, config, gold)
    if result is None:
        return 2
    _write(result, args)
    failed = check_bounds(result["metrics"], floors, ceilings)
    for message in failed:
        print(f"qa: check failed: {message}", file=sys.stderr)
    return 1 if failed else 0


def _run(args: argparse.Namespace, config: Config, gold: list[GoldItem]) -> dict | None:
    """Open (or build, from --corpus / --sample) the index and evaluate; None on an error
    already printed."""
    from qa.index import Index  # the model and FAISS only once the arguments are valid

    progress = not args.quiet and sys.stderr.isatty()
    corpus = list(args.corpus) + (sample_files() if args.sample else [])
    own = "index" not in config.explicit  # a folder of our own, see corpus_index_dir
    if corpus:
        name = "sample" if args.sample and not args.corpus else None
        config = config.replace(index=corpus_index_dir(config, corpus, name))
    elif stored_manifest(config.store, config.index) is None:
        print(
            f"qa: no index at {describe(config.store, config.index)}; give --corpus (or build "
            "it with `qa ingest`)",
            file=sys.stderr,
        )
        return None
    with Index(config) as index:
        if corpus and not _build(index, corpus, own, progress):
            return None
        _warn_missing_doc_ids(index, gold)
        result = evaluate(index, gold, k=config.k, retriever=config.retriever, progress=progress)
        result["settings"] = _settings(args, index.config, corpus, index.answer_model.version)
    return result


def _write(result: dict[str, Any], args: argparse.Namespace) -> None:
    """The console table, then the JSON and the report folder when asked for."""
    print_console(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", "utf-8")
        print(f"wrote {args.json}")
    if args.out:
        for path in write_report(result, args.out):
            print(f"wrote {path}")


def _build(index: Any, corpus: list[Path], own: bool, progress: bool) -> bool:
    """Ingest the corpus (unchanged articles are skipped); in an index of our own, drop
    articles the corpus no longer has, so the eval runs over exactly the corpus."""
    report = index.ingest(corpus, progress=progress)
    for problem in report.problems:
        print(f"qa: failed: {problem}", file=sys.stderr)
    ids = set(report.added) | set(report.updated) | set(report.unchanged)
    if not ids:
        print("qa: error: nothing could be read from --corpus", file=sys.stderr)
        return False
    extra = [a for a in index.store.article_ids() if a not in ids]
    if extra and own:
        index.remove(*extra)
    elif extra:
        print(
            f"qa: note: {index.config.index} also holds {len(extra)} articles not in --corpus",
            file=sys.stderr,
        )
    print(f"index {index.config.index}: {report.summary()}", file=sys.stderr)
    return True


def _warn_missing_doc_ids(index: Any, gold: Sequence[GoldItem]) -> None:
    """Gold articles the index lacks can never be retrieved: say so rather than score 0."""
    present = set(index.store.article_ids())
    missing = sorted({d for item in gold for d in item.doc_ids} - present)
    if missing:
        print(
            f"qa: warning: {len(missing)} gold doc_ids are not in the index"
            f" (e.g. {', '.join(missing[:3])}): wrong --corpus?",
            file=sys.stderr,
        )


def _settings(
    args: argparse.Namespace, config: Config, corpus: list[Path], answer_model: str
) -> dict[str, Any]:
    """What shaped the run, as plain JSON values, so --compare can name what differs."""
    return {
        "gold": [str(p) for p in args.gold],
        "corpus": [str(p) for p in corpus],
        "index": str(config.index),
        "retriever": str(config.retriever),
        "k": config.k,
        "model": config.model,
        "chunk_tokens": config.chunk_tokens,
        "chunk_overlap": config.chunk_overlap,
        "stemmer": str(config.stemmer),
        "answer_mode": "extractive",
        "answer_model": answer_model,
        "limit": args.limit,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
