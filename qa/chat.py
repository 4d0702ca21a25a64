"""The web chat: one shared `Index` behind a Gradio app (chat, articles, settings, feedback, API).

`serve()` is what `python app.py` and `qa serve` run: it fills an empty index from the bundled
sample corpus first (progress in the terminal), loads the model, then serves. The formatting
helpers at the top are plain functions of an answer dict (`dataclasses.asdict(Answer)`), so
they are tested without a server. Thread safety lives in the store (see qa/store.py): asks
run in parallel threads, an upload embeds while they read the last committed state.
"""

import dataclasses
import html
import json
import os
import re
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline: no telemetry calls

import gradio as gr  # noqa: E402

from qa.answering import SOURCES_HEADING, Answer  # noqa: E402
from qa.config import Config  # noqa: E402
from qa.index import Index, IngestReport  # noqa: E402

EXAMPLES = [
    "What does UU 24/2011 require?",
    "Siapa Sekretaris Daerah Kota Bandarlampung?",
    "Berapa pengendara yang ditilang pada hari pertama ganjil-genap?",
    "Kapan BP Jamsostek bersinergi dengan UMKM di Bandarlampung?",
]
UPLOAD_TYPES = [".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".ndjson", ".csv"]
NOT_FOUND_HINT = {
    "id": "Coba kata lain, tambah konteks, atau longgarkan filter tanggal/sumber.",
    "en": "Try other words, add context, or loosen the date/source filters.",
}
SOURCES_EMPTY = "<p class='qa-empty'>The sources of an answer appear here, quote highlighted.</p>"
SOURCES_NONE = (
    "<p class='qa-empty'>No passage answers this well enough, so nothing is quoted. "
    "Tidak ada kutipan: tidak ditemukan di artikel.</p>"
)
PASSAGE_CONTEXT = 300  # characters of article text shown around a quote, at most
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
_MD_LIST = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=])", re.MULTILINE)

CSS = """
#sources .qa-source { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 10px 12px; margin-bottom: 10px; }
#sources .qa-title { font-weight: 600; }
#sources .qa-n { font-weight: 700; margin-right: 4px; }
#sources .qa-meta { color: var(--body-text-color-subdued); font-size: 0.85em; margin: 2px 0 6px; }
#sources .qa-passage { white-space: pre-wrap; margin: 0; line-height: 1.5; }
#sources mark { background: #ffe58a; color: #111; padding: 0 2px; border-radius: 2px; }
#sources .qa-empty { color: var(--body-text-color-subdued); }
"""


# -- formatting: answer dicts -> chat markdown and source-panel HTML ------------------------


def escape_markdown(text: str) -> str:
    """Article text shown as literal text: no stray emphasis, headings, lists or HTML."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LIST.sub(lambda m: f"{m[1]}{m[2]}\\{m[3]}" if m[2] else f"{m[4]}\\{m[5]}", text)


def strip_sources(text: str) -> str:
    """The answer text without its "Sources:" block: the sources panel shows it, linked."""
    headings = {h + "\n" for h in SOURCES_HEADING.values()}
    blocks = text.split("\n\n")
    kept = [b for b in blocks if not any(b.startswith(h) for h in headings)]
    return "\n\n".join(kept).strip()


def format_answer(answer: dict) -> str:
    """The chat message: short answer first (bold), then the quotes with their [n] markers;
    an abstention says so plainly, and a note (why the LLM's answer was not used) is set off."""
    note, short = answer.get("note"), answer.get("short_answer")
    parts: list[str] = []
    for block in strip_sources(answer["answer"]).split("\n\n"):
        text = escape_markdown(block.strip())
        if not text:
            continue
        if note and note in block:
            parts.append(f"_{text}_")
        elif answer["abstained"]:
            parts.append(f"🔎 **{text}**")
        elif short and block.startswith(short) and not any(p.startswith("**") for p in parts):
            first, _, rest = text.partition("\n")
            parts.append(f"**{first}**" + (f"\n{rest}" if rest else ""))
        else:
            parts.append(text)
    if answer["abstained"]:
        parts.append(escape_markdown(NOT_FOUND_HINT[answer.get("lang") or "id"]))
    return "\n\n".join(parts)


def format_draft(text: str) -> str:
    """A streamed, unfinished answer (replaced by `format_answer` once verified)."""
    return escape_markdown(strip_sources(text)) + " ▍"


def safe_url(url: str | None) -> str | None:
    """Only http(s) links: an uploaded article's url must not become a javascript: link."""
    if url and re.match(r"^https?://", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def passage(text: str, start: int, end: int, context: int = PASSAGE_CONTEXT) -> tuple[str, ...]:
    """(before, quote, after): the quote with up to `context` characters of the article
    on each side, cut at whitespace, with "…" where the article goes on."""
    lo = max(0, start - context)
    if lo > 0:
        space = re.search(r"\s", text[lo:start])
        lo = lo + space.end() if space else start
    hi = min(len(text), end + context)
    if hi < len(text):
        spaces = [m.start() for m in re.finditer(r"\s", text[end:hi])]
        hi = end + spaces[-1] if spaces else end
    before = ("…" if lo > 0 else "") + text[lo:start]
    after = text[end:hi] + ("…" if hi < len(text) else "")
    return before, text[start:end], after


def source_card(citation: dict, article_text: str | None) -> str:
    """One [n]: title (linked when there is a url), date, source, and the passage with the
    quote in <mark>. Everything from the articles is HTML-escaped."""
    c = citation
    e = html.escape
    title = e(c.get("title") or c["article_id"])
    url = safe_url(c.get("url"))
    if url:
        title = f'<a href="{e(url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
    meta = " · ".join(e(x) for x in (c.get("date"), c.get("source")) if x)
    meta += f"{' · ' if meta else ''}<code>{e(c['article_id'])}</code>"
    start, end, quote = c["start"], c["end"], c["quote"]
    if article_text is not None and article_text[start:end] == quote:
        before, marked, after = passage(article_text, start, end)
        body = f"{e(before)}<mark>{e(marked)}</mark>{e(after)}"
    else:  # the article changed since the answer: show the quote as it was verified
        body = f"<mark>{e(quote)}</mark> <em>(the article has changed since)</em>"
    return (
        f'<section class="qa-source" id="source-{c["n"]}" data-n="{c["n"]}">'
        f'<div class="qa-title"><span class="qa-n">[{c["n"]}]</span> {title}</div>'
        f'<div class="qa-meta">{meta}</div>'
        f'<p class="qa-passage">{body}</p></section>'
    )


def sources_html(answer: dict | None, article_text: Callable[[str], str | None]) -> str:
    if answer is None:
        return SOURCES_EMPTY
    if answer["abstained"] or not answer["citations"]:
        return SOURCES_NONE
    texts: dict[str, str | None] = {}
    cards = []
    for c in answer["citations"]:
        if c["article_id"] not in texts:
            texts[c["article_id"]] = article_text(c["article_id"])
        cards.append(source_card(c, texts[c["article_id"]]))
    return "\n".join(cards)


def stats_markdown(stats: dict) -> str:
    updated = stats.get("updated_at") or "never"
    updated = updated.replace("T", " ").replace("+00:00", " UTC")
    model = stats["manifest"]["model"]
    return (
        f"**{stats['articles']:,}** articles · **{stats['chunks']:,}** chunks · "
        f"model `{model}` · last update {updated}"
    )


def source_choices(stats: dict) -> list[tuple[str, str]]:
    """Filter choices: every source with its article count; matching is by substring."""
    return [("All sources", "")] + [
        (f"{name} ({count})", name) for name, count in stats["sources"].items() if name != "?"
    ]


def file_result(name: str, report: IngestReport) -> list[str]:
    """[file, result, details] for the upload table: added / updated / unchanged / failed."""
    counts = [
        (len(report.added), "added"),
        (len(report.updated), "updated"),
        (len(report.unchanged), "unchanged"),
    ]
    done = [f"{n} {word}" for n, word in counts if n]
    reasons = [f"line {p.line}: {p.message}" if p.line else p.message for p in report.problems]
    if not done:
        return [name, "failed", "; ".join(reasons) or "no articles in this file"]
    result = next(word for n, word in counts if n)
    details = ", ".join(done) + (f"; {report.chunks} chunks" if report.chunks else "")
    if reasons:
        result += f" ({len(reasons)} failed)"
        details += "; failed: " + "; ".join(reasons)
    return [name, result, details]


def check_date(value: str | None, label: str) -> str | None:
    value = (value or "").strip()
    if value and not _DATE.match(value):
        raise gr.Error(f"{label}: use YYYY-MM-DD (or YYYY, YYYY-MM), e.g. 2019-12-05")
    return value or None


# -- feedback -------------------------------------------------------------------------------


class FeedbackLog:
    """Thumbs up/down appended as JSON lines: real questions that can become gold pairs."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def add(self, record: dict) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(line)


def feedback_path(config: Config) -> Path:
    return Path(config.feedback) if config.feedback else Path(config.index) / "feedback.jsonl"


# -- the app --------------------------------------------------------------------------------


class ChatApp:
    """The handlers, over one `Index` shared by every session (per-session state is in
    Gradio components: the conversation, settings and filters)."""

    def __init__(self, index: Index, config: Config):
        self.index = index
        self.config = config
        self.feedback = FeedbackLog(feedback_path(config))

    # Chat --------------------------------------------------------------------------------

    def respond(
        self,
        message: str,
        chat: list[dict],
        turns: list[dict],
        k: float,
        mode: str,
        date_from: str,
        date_to: str,
        source: str,
    ) -> Iterator[tuple]:
        """Stream an answer into the chat; the final, verified answer replaces the draft."""
        question = (message or "").strip()
        if not question:
            yield chat, gr.skip(), turns, ""
            return
        settings = {
            "k": int(k) if k else None,
            "mode": mode or None,
            "date_from": check_date(date_from, "From"),
            "date_to": check_date(date_to, "To"),
            "source": (source or "").strip() or None,
        }
        chat = [*chat, {"role": "user", "content": question}]
        yield chat, gr.skip(), turns, ""
        history = [(t["question"], t["answer"]["answer"]) for t in turns if t["answer"]]
        draft, final = "", None
        try:
            for piece in self.index.ask_stream(question, history, **settings):
                if isinstance(piece, Answer):
                    final = piece
                    continue
                draft += piece
                drafted = [*chat, {"role": "assistant", "content": format_draft(draft)}]
                yield drafted, gr.skip(), turns, ""
        except Exception as exc:  # shown in the chat; the traceback goes to the server log
            traceback.print_exc()
            error = f"⚠️ Error: {escape_markdown(str(exc) or type(exc).__name__)}"
            turns = [*turns, {"question": question, "answer": None, "settings": settings}]
            yield [*chat, {"role": "assistant", "content": error}], gr.skip(), turns, ""
            return
        record = dataclasses.asdict(final)
        turns = [*turns, {"question": question, "answer": record, "settings": settings}]
        chat = [*chat, {"role": "assistant", "content": format_answer(record)}]
        yield chat, sources_html(record, self.index.article_text), turns, ""

    def select(self, turns: list[dict], event: gr.SelectData) -> str:
        """Clicking an earlier answer shows its sources again."""
        turn = _turn_of(turns, event.index)
        return sources_html(turn and turn["answer"], self.index.article_text)

    def like(self, turns: list[dict], event: gr.LikeData) -> None:
        turn = _turn_of(turns, event.index)
        if turn is None or turn["answer"] is None:
            return
        rating = {True: "up", False: "down"}.get(event.liked, str(event.liked))
        answer = turn["answer"]
        self.feedback.add(
            {
                "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "rating": rating,
                "question": turn["question"],
                "history": [t["question"] for t in turns[: turns.index(turn)]],
                "answer": answer["answer"],
                "short_answer": answer["short_answer"],
                "abstained": answer["abstained"],
                "citations": answer["citations"],
                "lang": answer.get("lang"),
                "settings": turn["settings"],
            }
        )
        gr.Info("Thanks, feedback saved." if rating == "up" else "Thanks, noted.")

    # Articles ----------------------------------------------------------------------------

    def add_files(
        self,
        files: list[str] | None,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (Gradio's way)
    ) -> tuple:
        """Index uploaded files one by one, reporting each; searchable at once."""
        rows = []
        for i, path in enumerate(files or []):
            name = Path(path).name
            progress((i, len(files)), desc=f"Indexing {name}", unit="file")
            try:
                report = self.index.ingest([path], progress=True)
            except Exception as exc:  # one broken file must not lose the others' results
                traceback.print_exc()
                rows.append([name, "failed", f"{type(exc).__name__}: {exc}"])
                continue
            rows.append(file_result(name, report))
        return (rows or None, *self.refresh())

    def refresh(self) -> tuple:
        stats = self.index.stats()
        return stats_markdown(stats), gr.Dropdown(choices=source_choices(stats))

    # API ---------------------------------------------------------------------------------

    def api_ask(
        self,
        question: str,
        k: int | None = None,
        mode: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        source: str | None = None,
    ) -> dict:
        """Answer one question: the same JSON object as `qa ask --json` (answer,
        short_answer, abstained, citations, ...)."""
        if not (question or "").strip():
            raise gr.Error("empty question")
        answer = self.index.ask(
            question.strip(),
            k=k or None,
            mode=mode or None,
            date_from=check_date(date_from, "date_from"),
            date_to=check_date(date_to, "date_to"),
            source=source or None,
        )
        return dataclasses.asdict(answer)

    def api_ask_stream(self, question: str, k: int | None = None) -> Iterator[dict]:
        """Answer one question, streamed: {"answer": text so far, "done": false} while it is
        written, then the `/ask` object with "done": true."""
        if not (question or "").strip():
            raise gr.Error("empty question")
        draft = ""
        for piece in self.index.ask_stream(question.strip(), k=k or None):
            if isinstance(piece, Answer):
                yield {**dataclasses.asdict(piece), "done": True}
            else:
                draft += piece
                yield {"answer": draft, "done": False}


def _turn_of(turns: list[dict], message_index: Any) -> dict | None:
    """The turn a message belongs to: messages alternate question, answer (or error)."""
    index = message_index[0] if isinstance(message_index, (list, tuple)) else message_index
    turn = int(index) // 2
    return turns[turn] if 0 <= turn < len(turns) else None


def build(index: Index, config: Config) -> gr.Blocks:
    """The Gradio app: Chat (with sources, settings, filters) and Articles tabs, plus /ask."""
    app = ChatApp(index, config)
    stats = index.stats()
    ask_limit = {"concurrency_limit": config.concurrency, "concurrency_id": "ask"}
    with gr.Blocks(title="Tanya Berita", analytics_enabled=False) as demo:
        gr.Markdown(
            "## Tanya Berita — questions over Indonesian news, answered with checkable quotes"
        )
        header = gr.Markdown(stats_markdown(stats), elem_id="stats")
        turns = gr.State([])
        with gr.Tab("Chat"), gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(
                    elem_id="chat",
                    label="Chat",
                    height=520,
                    latex_delimiters=[],
                    placeholder="Ask in Indonesian or English; every answer quotes its "
                    "sources with [n].",
                    feedback_options=("Like", "Dislike"),
                    buttons=["copy"],
                )
                with gr.Row():
                    message = gr.Textbox(
                        elem_id="question",
                        show_label=False,
                        placeholder="Your question, in Indonesian or English",
                        scale=5,
                        submit_btn=False,
                        autofocus=True,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                examples = gr.Dataset(
                    components=[message],
                    samples=[[q] for q in EXAMPLES],
                    label="Examples (click to ask)",
                    elem_id="examples",
                )
                clear = gr.Button("Clear chat", size="sm", elem_id="clear")
            with gr.Column(scale=2):
                gr.Markdown("**Sources** — each [n] with its passage, the quote highlighted")
                sources = gr.HTML(SOURCES_EMPTY, elem_id="sources")
                with gr.Accordion("Settings and filters (this session)", open=False):
                    k = gr.Slider(1, 30, value=config.k, step=1, label="Passages to read (top-k)")
                    mode = gr.Radio(
                        ["extractive", "llm"],
                        value=config.answer_mode,
                        label="Answer mode",
                        info=f"LLM: {config.llm_model or '?'} at {config.llm_base_url}",
                        visible=bool(config.llm_base_url),
                    )
                    with gr.Row():
                        date_from = gr.Textbox(label="From", placeholder="YYYY-MM-DD")
                        date_to = gr.Textbox(label="To", placeholder="YYYY-MM-DD")
                    source = gr.Dropdown(
                        source_choices(stats),
                        value="",
                        label="Source",
                        allow_custom_value=True,
                    )
        with gr.Tab("Articles"):
            gr.Markdown(
                "Add articles (txt, md, html, json, jsonl, csv with `id,title,text,date,"
                "source,url`). They are searchable as soon as they are indexed; unchanged "
                "articles are skipped, and a bad file never touches what is indexed."
            )
            files = gr.File(
                label="Files",
                file_count="multiple",
                file_types=UPLOAD_TYPES,
                elem_id="upload",
            )
            add = gr.Button("Add to the index", variant="primary", elem_id="add")
            results = gr.Dataframe(
                headers=["file", "result", "details"],
                label="Result per file",
                interactive=False,
                wrap=True,
                elem_id="results",
            )
            stats_box = gr.Markdown(stats_markdown(stats))

        inputs = [message, chat, turns, k, mode, date_from, date_to, source]
        outputs = [chat, sources, turns, message]
        message.submit(app.respond, inputs, outputs, api_visibility="private", **ask_limit)
        send.click(app.respond, inputs, outputs, api_visibility="private", **ask_limit)
        examples.click(
            lambda sample: sample[0], examples, message, api_visibility="private", queue=False
        ).then(app.respond, inputs, outputs, api_visibility="private", **ask_limit)
        for event in (clear.click, chat.clear):  # the button, and the chat's trash icon
            event(
                lambda: ([], SOURCES_EMPTY, []),
                None,
                [chat, sources, turns],
                api_visibility="private",
                queue=False,
            )
        chat.select(app.select, turns, sources, api_visibility="private")
        chat.like(app.like, turns, None, api_visibility="private")
        add.click(
            app.add_files,
            files,
            [results, stats_box, source],
            api_name="add_files",
            concurrency_limit=1,
            concurrency_id="upload",
        ).then(lambda s: s, stats_box, header, api_visibility="private", queue=False)
        demo.load(app.refresh, None, [header, source], api_visibility="private")
        gr.api(app.api_ask, api_name="ask", **ask_limit)
        gr.api(app.api_ask_stream, api_name="ask_stream", **ask_limit)
    return demo


# -- startup --------------------------------------------------------------------------------


def ensure_index(index: Index) -> None:
    """An empty index is first filled from the bundled sample corpus, with progress; a build
    that was interrupted is finished on the next start (unchanged articles are skipped)."""
    unfinished = Path(index.config.index) / ".sample-unfinished"
    if index.stats()["articles"] and not unfinished.exists():
        return
    from qa.cli import sample_files

    files = sample_files()
    print(
        f"qa serve: indexing the bundled sample corpus into {index.config.index} "
        f"({len(files)} files, 401 articles; about 30-90 s on 2 cores) ...",
        file=sys.stderr,
        flush=True,
    )
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


def auth_pairs(auth: str) -> list[tuple[str, str]] | None:
    pairs = [tuple(p.split(":", 1)) for p in auth.split(",") if p.strip()]
    return [(u.strip(), pw) for u, pw in pairs] or None


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
        auth=auth_pairs(config.auth),
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
