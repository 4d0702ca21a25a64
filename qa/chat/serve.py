"""Starting the web chat: `python app.py` and `qa serve` run `serve()`.

It refuses a busy port at once, fills an empty index from the bundled sample corpus (with
progress in the terminal; an interrupted build is finished on the next start), loads the model
so that the first question is fast, then serves until Ctrl-C.
"""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

from fastapi.middleware import Middleware

from qa.chat.app import CSS, EXAMPLES, build
from qa.chat.login import ClientAddress, LoginGuard, parse_accounts
from qa.config import Config
from qa.index import Index
from qa.sample import sample_article_count, sample_files
from qa.store import describe


def ensure_index(index: Index) -> None:
    """An empty index is first filled from the bundled sample corpus, with progress; a build
    that was interrupted is finished on the next start (unchanged articles are skipped)."""
    unfinished = Path(index.config.index) / ".sample-unfinished"
    if index.stats()["articles"] and not unfinished.exists():
        return
    files = sample_files()
    print(
        f"qa serve: indexing the bundled sample corpus into "
        f"{describe(index.config.store, index.config.index)} "
        f"({len(files)} files, {sample_article_count()} articles; about 30-90 s on 2 cores) ...",
        file=sys.stderr,
        flush=True,
    )
    unfinished.parent.mkdir(parents=True, exist_ok=True)  # with a Milvus store: just the mark
    unfinished.touch()
    report = index.ingest(files, progress=True)
    unfinished.unlink()
    print(f"qa serve: {report.summary()}", file=sys.stderr, flush=True)


def check_port(host: str, port: int) -> None:
    """Fail at once, not after building an index, when another program has the port."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise ValueError(
                f"cannot listen on {host}:{port} ({exc.strerror}); another qa serve? "
                "Choose another port with --port or QA_PORT."
            ) from None


def warm_up(index: Index) -> None:
    """Load the model and the analyzers now, so that the first question is fast."""
    index.ask(EXAMPLES[0])


def login_guard(config: Config) -> LoginGuard | None:
    """Gradio's login check for the configured accounts (None: the chat is open)."""
    accounts = parse_accounts(config.auth, config.auth_file)
    return LoginGuard(accounts) if accounts else None


def serve(index: Index, config: Config, started: float | None = None) -> None:
    """Serve until interrupted (Ctrl-C)."""
    started = time.perf_counter() if started is None else started
    check_port(config.host, config.port)
    ensure_index(index)
    warm_up(index)
    demo = build(index, config)
    demo.queue(default_concurrency_limit=config.concurrency)
    _, url, _ = demo.launch(
        server_name=config.host,
        server_port=config.port,
        auth=login_guard(config),
        app_kwargs={"middleware": [Middleware(ClientAddress)]},  # the guard's client address
        max_file_size=int(config.max_upload_mb * 1024 * 1024),
        share=config.share,
        ssr_mode=False,
        quiet=True,
        prevent_thread_lock=True,
        footer_links=["api"],
        css=CSS,
    )
    stats = index.stats()
    shown = url if url.startswith("http") else f"http://{config.host}:{config.port}/"
    print(
        f"qa serve: ready in {time.perf_counter() - started:.1f} s at {shown} "
        f"({stats['articles']:,} articles, {stats['chunks']:,} chunks); Ctrl-C stops",
        file=sys.stderr,
        flush=True,
    )
    try:
        demo.block_thread()
    finally:
        demo.close()
