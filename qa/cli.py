"""The `qa` command line: ingest, search, ask, stats, remove.

Global flags override `QA_*` environment variables, which override defaults.
Exit status: 0 on success, 1 when some input failed (the rest was still
processed), 2 on usage or index errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

from qa.config import AnswerMode, Config, Precision, RetrieverKind, Runtime
from qa.embedding import ModelError
from qa.eval.command import add_arguments as add_eval_arguments
from qa.eval.command import command as evaluate
from qa.render import to_json, to_text
from qa.sample import sample_files
from qa.store import (
    DiskFullError,
    Filters,
    IndexBusyError,
    IndexMismatchError,
    StoreUnavailableError,
    describe,
    stored_manifest,
)

STARTED = time.perf_counter()  # `qa serve: ready in` counts from here, gradio's import included


def _global_flags(suppress: bool) -> argparse.ArgumentParser:
    """Flags taken before or after the command: `qa --index X search` = `qa search --index X`."""
    default = argparse.SUPPRESS if suppress else None
    flags = argparse.ArgumentParser(add_help=False)
    flags.add_argument(
        "--index", default=default, help="index folder (default: index/, env QA_INDEX)"
    )
    flags.add_argument(
        "--store",
        default=default,
        help="where the index lives: the --index folder (default), or milvus:///path/file.db, "
        "milvus://HOST:PORT (QA_STORE)",
    )
    flags.add_argument(
        "--model", default=default, help="sentence-transformers model name or folder (QA_MODEL)"
    )
    flags.add_argument(
        "--chunk-tokens", type=int, default=default, help="tokens per chunk (QA_CHUNK_TOKENS)"
    )
    flags.add_argument(
        "--chunk-overlap", type=int, default=default, help="overlap tokens (QA_CHUNK_OVERLAP)"
    )
    flags.add_argument(
        "--runtime",
        choices=Runtime.values(),
        default=default,
        help=(
            "encoder engine (default auto: onnx; passages on openvino bf16 where the CPU has "
            "native bf16; torch if the export fails; QA_RUNTIME)"
        ),
    )
    flags.add_argument(
        "--precision",
        choices=Precision.values(),
        default=default,
        help=(
            "encoder arithmetic (default auto: the index's own; for a new one the fastest "
            "measured to keep quality; QA_PRECISION)"
        ),
    )
    return flags


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qa",
        description="Question answering over news articles, offline, with sources.",
        parents=[_global_flags(suppress=False)],
    )
    sub = parser.add_subparsers(dest="command", required=True)
    common = [_global_flags(suppress=True)]

    ingest = sub.add_parser(
        "ingest", parents=common, help="add files or folders (txt, md, html, json, jsonl, csv)"
    )
    ingest.add_argument("paths", nargs="*", type=Path, help="files or folders")
    ingest.add_argument("--sample", action="store_true", help="ingest the bundled sample corpus")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")

    search = sub.add_parser(
        "search", parents=common, help="find the passages that best match a query"
    )
    search.add_argument("query")
    search.add_argument("-k", "--k", type=int, help="number of hits (default 10)")
    search.add_argument(
        "--retriever",
        choices=RetrieverKind.values(),
        help="hybrid (default: BM25 and dense search fused), dense or bm25 (QA_RETRIEVER)",
    )
    search.add_argument("--from", dest="date_from", help="only articles dated on/after YYYY-MM-DD")
    search.add_argument("--to", dest="date_to", help="only articles dated on/before YYYY-MM-DD")
    search.add_argument("--source", help="only articles whose source contains this text")
    search.add_argument("--json", action="store_true", help="print hits as JSON")

    ask = sub.add_parser(
        "ask", parents=common, help="answer a question with verified quotes from the articles"
    )
    ask.add_argument("question")
    ask.add_argument("-k", "--k", type=int, help="passages to read (default 10)")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument(
        "--mode",
        dest="answer_mode",
        choices=AnswerMode.values(),
        help="extractive (default) or llm: an OpenAI-compatible endpoint, QA_LLM_BASE_URL,"
        " QA_LLM_MODEL, QA_LLM_API_KEY (QA_ANSWER_MODE)",
    )

    stats = sub.add_parser("stats", parents=common, help="what the index holds")
    stats.add_argument("--json", action="store_true")

    remove = sub.add_parser("remove", parents=common, help="delete articles by id")
    remove.add_argument("ids", nargs="+")

    serve = sub.add_parser(
        "serve", parents=common, help="the web chat (builds the sample index first when empty)"
    )
    _serve_arguments(serve)

    evaluate = sub.add_parser(
        "eval", parents=common, help="score retrieval, answers and citations against gold Q&A"
    )
    add_eval_arguments(evaluate)
    return parser


def _config(args: argparse.Namespace) -> Config:
    return Config.load(
        index=args.index,
        store=args.store,
        model=args.model,
        chunk_tokens=args.chunk_tokens,
        chunk_overlap=args.chunk_overlap,
        runtime=args.runtime,
        precision=args.precision,
        retriever=getattr(args, "retriever", None),
        k=getattr(args, "k", None),
        answer_mode=getattr(args, "answer_mode", None),
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = _config(args)
        if args.command == "eval":  # opens or builds its own index (none for --compare)
            return evaluate(args, config)
        if args.command not in ("ingest", "serve") and not built(config):
            where = describe(config.store, config.index)
            print(f"qa: no index at {where}; run `qa ingest` first", file=sys.stderr)
            return 2
        from qa.index import Index  # heavy imports only after the arguments are valid

        with Index(config) as index:
            return COMMANDS[args.command](index, args)
    except (IndexMismatchError, ModelError, StoreUnavailableError, ValueError) as exc:
        print(f"qa: error: {exc}", file=sys.stderr)
        return 2
    except IndexBusyError as exc:
        print(f"qa: error: {exc}", file=sys.stderr)
        return 3
    except DiskFullError as exc:
        for line in [str(exc), *getattr(exc, "__notes__", [])]:
            print(f"qa: error: {line}", file=sys.stderr)
        return 4
    except KeyboardInterrupt:
        print("qa: interrupted; the index keeps its last committed state", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `qa ask ... | head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def built(config: Config) -> bool:
    return stored_manifest(config.store, config.index) is not None


def _ingest(index, args: argparse.Namespace) -> int:
    paths = list(args.paths) + (sample_files() if args.sample else [])
    if not paths:
        print("qa: error: give files or folders to ingest, or --sample", file=sys.stderr)
        return 2
    report = index.ingest(paths, progress=None if not args.quiet else False)
    for problem in report.problems:
        print(f"qa: failed: {problem}", file=sys.stderr)
    print(report.summary())
    return 0 if report.ok else 1


def _search(index, args: argparse.Namespace) -> int:
    filters = Filters(date_from=args.date_from, date_to=args.date_to, source=args.source)
    hits = index.search(args.query, k=args.k, filters=filters)
    if args.json:
        print(json.dumps([asdict(h) for h in hits], ensure_ascii=False, indent=2))
        return 0
    for rank, hit in enumerate(hits, 1):
        meta = " · ".join(x for x in (hit.date, hit.source) if x)
        print(f"{rank:>2}. [{hit.score:.3f}] {hit.title}  ({meta})  {hit.chunk_id}")
        snippet = " ".join(hit.text.split())
        print(f"    {snippet[:240]}{'…' if len(snippet) > 240 else ''}")
    if not hits:
        print("no matching passages")
    return 0


def _ask(index, args: argparse.Namespace) -> int:
    answer = index.ask(args.question, k=args.k)
    if args.json:
        print(json.dumps(to_json(answer), ensure_ascii=False, indent=2))
    else:
        print(to_text(answer))
    return 0


def _stats(index, args: argparse.Namespace) -> int:
    stats = index.stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    manifest = stats["manifest"]
    print(f"index      {stats['index']}")
    print(f"articles   {stats['articles']}")
    print(
        f"chunks     {stats['chunks']} ({stats['vectors']} vectors, dim {manifest['dim']},"
        f" {stats['vector_index']}; {stats['lexical']} in the BM25 index)"
    )
    print(f"model      {manifest['model']} ({manifest['runtime']}, {manifest['precision']})")
    print(f"chunking   {manifest['chunk_tokens']} tokens, overlap {manifest['chunk_overlap']}")
    print(f"dates      {stats['date_range'][0]} .. {stats['date_range'][1]}")
    print(f"updated    {stats['updated_at']}")
    if stats["size_bytes"] is not None:  # a server's disk is not ours to measure
        print(f"size       {stats['size_bytes'] / 1e6:.1f} MB")
    for source, count in stats["sources"].items():
        print(f"  {count:>6}  {source}")
    return 0


def _remove(index, args: argparse.Namespace) -> int:
    removed = index.remove(*args.ids)
    missing = [i for i in args.ids if i not in removed]
    for article_id in removed:
        print(f"removed {article_id}")
    for article_id in missing:
        print(f"qa: not in the index: {article_id}", file=sys.stderr)
    return 1 if missing else 0


def _serve_arguments(serve: argparse.ArgumentParser) -> None:
    """`qa serve` and `python app.py` flags; each also has a QA_* variable."""
    serve.add_argument("--host", help="interface to listen on (default 127.0.0.1, QA_HOST)")
    serve.add_argument("--port", type=int, help="port (default 7860, QA_PORT)")
    serve.add_argument("-k", "--k", type=int, help="default passages to read (QA_K)")
    serve.add_argument(
        "--mode",
        dest="answer_mode",
        choices=AnswerMode.values(),
        help="default answer mode (QA_ANSWER_MODE); llm needs QA_LLM_BASE_URL",
    )
    serve.add_argument("--auth", help="require a login, user:password (QA_AUTH keeps it out of ps)")
    serve.add_argument(
        "--max-upload-mb", type=float, help="per file (default 50, QA_MAX_UPLOAD_MB)"
    )
    serve.add_argument("--feedback", help="feedback JSONL (default INDEX/feedback.jsonl)")
    serve.add_argument(
        "--share", action="store_true", default=None, help="also make a public gradio.live link"
    )


def _serve(index, args: argparse.Namespace) -> int:
    from qa.chat.serve import serve  # gradio loads only for the web chat

    web = {
        name: getattr(args, name)
        for name in ("host", "port", "auth", "max_upload_mb", "feedback", "share")
        if getattr(args, name) is not None
    }
    config = index.config.replace(**web)
    config.validate()
    serve(index, config, STARTED)
    return 0


COMMANDS = {
    "ingest": _ingest,
    "search": _search,
    "ask": _ask,
    "stats": _stats,
    "remove": _remove,
    "serve": _serve,
}

if __name__ == "__main__":
    sys.exit(main())
