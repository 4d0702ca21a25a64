"""The web chat: one shared `Index` behind a Gradio app (chat, articles, settings, feedback, API).

The handlers turn events into `Index` calls and render the answers with `qa.chat.render`.
Thread safety lives in the store: asks run in parallel threads, an upload embeds while they
read the last committed state.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import threading
import traceback
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline: no telemetry calls
# Gradio's queue rebuilds a pandas table of its last 10,000 events after every event, for its
# monitoring summary: 4 ms of CPU per answer after 500 events, 11 ms after 10,000, measured.
# Once per 100 events keeps the summary and costs a hundredth of that.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "100")

import gradio as gr  # noqa: E402

from qa.answers import Answer  # noqa: E402
from qa.chat.render import (  # noqa: E402
    SOURCES_EMPTY,
    answer_markdown,
    draft_markdown,
    escape_markdown,
    file_result,
    source_choices,
    sources_html,
    stats_markdown,
)
from qa.config import AnswerMode, Config  # noqa: E402
from qa.index import Index  # noqa: E402
from qa.render import to_json, to_text  # noqa: E402
from qa.store import Filters  # noqa: E402

EXAMPLES = [
    "What does UU 24/2011 require?",
    "Siapa Sekretaris Daerah Kota Bandarlampung?",
    "Berapa pengendara yang ditilang pada hari pertama ganjil-genap?",
    "Kapan BP Jamsostek bersinergi dengan UMKM di Bandarlampung?",
]
MAX_K = 30  # passages one question may ask to read, in the chat and through the API
UPLOAD_TYPES = [
    ".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".ndjson", ".csv", ".pdf",
]  # fmt: skip
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

CSS = """
#sources .qa-source { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 10px 12px; margin-bottom: 10px; }
#sources .qa-title { font-weight: 600; }
#sources .qa-n { font-weight: 700; margin-right: 4px; }
#sources .qa-meta { color: var(--body-text-color-subdued); font-size: 0.85em; margin: 2px 0 6px; }
#sources .qa-passage { white-space: pre-wrap; margin: 0 0 6px; line-height: 1.5; }
#sources mark { background: #ffe58a; color: #111; padding: 0 2px; border-radius: 2px; }
#sources .qa-empty { color: var(--body-text-color-subdued); }
"""


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
        settings = self._settings(k, mode, date_from, date_to, source, ("From", "To"))
        chat = [*chat, {"role": "user", "content": question}]
        yield chat, gr.skip(), turns, ""
        history = [(t["question"], t["answer"]) for t in turns if t["answer"]]
        draft, final = "", None
        try:
            for piece in self.index.ask_stream(question, history, **_ask_arguments(settings)):
                if isinstance(piece, Answer):
                    final = piece
                    continue
                draft += piece
                drafted = [*chat, {"role": "assistant", "content": draft_markdown(draft)}]
                yield drafted, gr.skip(), turns, ""
        except Exception as exc:  # shown in the chat; the traceback goes to the server log
            traceback.print_exc()
            error = f"**Error:** {escape_markdown(str(exc) or type(exc).__name__)}"
            turns = [*turns, {"question": question, "answer": None, "settings": settings}]
            yield [*chat, {"role": "assistant", "content": error}], gr.skip(), turns, ""
            return
        turns = [*turns, {"question": question, "answer": final, "settings": settings}]
        chat = [*chat, {"role": "assistant", "content": answer_markdown(final)}]
        yield chat, sources_html(final, self.index.article_text), turns, ""

    def select(self, turns: list[dict], event: gr.SelectData) -> str:
        """Clicking an earlier answer shows its sources again."""
        turn = _turn_of(turns, event.index)
        return sources_html(turn and turn["answer"], self.index.article_text)

    def like(self, turns: list[dict], event: gr.LikeData) -> None:
        turn = _turn_of(turns, event.index)
        if turn is None or turn["answer"] is None:
            return
        rating = {True: "up", False: "down"}.get(event.liked, str(event.liked))
        answer = to_json(turn["answer"])
        self.feedback.add(
            {
                "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "rating": rating,
                "question": turn["question"],
                "history": [t["question"] for t in turns[: turns.index(turn)]],
                **{key: answer[key] for key in _FEEDBACK_KEYS},
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
                report = self.index.ingest([self._keep(Path(path))], progress=True)
            except Exception as exc:  # one broken file must not lose the others' results
                traceback.print_exc()
                rows.append([name, "failed", f"{type(exc).__name__}: {exc}"])
                continue
            rows.append(file_result(name, report))
        return (rows or None, *self.refresh())

    def _keep(self, upload: Path) -> Path:
        """Move an upload out of Gradio's temporary folder into the index's `uploads/`, so
        the temporary copy does not pile up and the article's path names a file that stays."""
        kept = Path(self.config.index) / "uploads" / upload.name
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(upload, kept)
        with contextlib.suppress(OSError):
            upload.parent.rmdir()  # Gradio's one-file folder, now empty
        return kept

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
        history: list[str] | None = None,
    ) -> dict:
        """Answer one question: the same JSON object as `qa ask --json` (answer,
        short_answer, abstained, citations, ...). `history`: the conversation's earlier
        questions, oldest first, for a follow-up such as "Siapa wali kotanya?"."""
        if not (question or "").strip():
            raise gr.Error("empty question")
        try:
            settings = self._settings(k, mode, date_from, date_to, source)
        except ValueError as exc:
            raise gr.Error(str(exc)) from None
        earlier = [(str(q), None) for q in history or [] if str(q).strip()]
        return to_json(self.index.ask(question.strip(), earlier, **_ask_arguments(settings)))

    def _settings(
        self,
        k: float | None,
        mode: str | None,
        date_from: str | None,
        date_to: str | None,
        source: str | None,
        labels: tuple[str, str] = ("date_from", "date_to"),
    ) -> dict[str, Any]:
        """A request's settings, checked: `k` within what the chat offers, and the LLM mode
        only where the operator configured an LLM (a client must not run up its bill)."""
        if k and not 1 <= int(k) <= MAX_K:
            raise ValueError(f"k must be between 1 and {MAX_K} (got {int(k)})")
        if mode == AnswerMode.LLM and not self.config.llm_base_url:
            raise ValueError("LLM mode is not enabled on this server (QA_LLM_BASE_URL)")
        return {
            "k": int(k) if k else None,
            "answer_mode": mode or None,
            "date_from": check_date(date_from, labels[0]),
            "date_to": check_date(date_to, labels[1]),
            "source": (source or "").strip() or None,
        }

    def api_ask_stream(self, question: str, k: int | None = None) -> Iterator[dict]:
        """Answer one question, streamed: {"answer": text so far, "done": false} while it is
        written, then the `/ask` object with "done": true. An LLM's answer streams as the model
        writes it; an extractive answer is ready at once, and is sent line by line."""
        if not (question or "").strip():
            raise gr.Error("empty question")
        if k and not 1 <= int(k) <= MAX_K:
            raise gr.Error(f"k must be between 1 and {MAX_K} (got {int(k)})")
        draft = ""
        for piece in self.index.ask_stream(question.strip(), k=k or None):
            if not isinstance(piece, Answer):
                draft += piece
                yield {"answer": draft, "done": False}
                continue
            if not draft and piece.mode == AnswerMode.EXTRACTIVE:
                for line in to_text(piece).splitlines(keepends=True):
                    draft += line
                    yield {"answer": draft, "done": False}
            yield {**to_json(piece), "done": True}


_FEEDBACK_KEYS = ("answer", "short_answer", "abstained", "citations", "lang")


def _ask_arguments(settings: dict[str, Any]) -> dict[str, Any]:
    """A turn's settings (plain values, kept with the turn and its feedback) as `ask` takes
    them."""
    filters = Filters(settings["date_from"], settings["date_to"], settings["source"])
    return {"k": settings["k"], "answer_mode": settings["answer_mode"], "filters": filters}


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
                gr.Markdown("**Sources** — each cited article, its quotes highlighted")
                sources = gr.HTML(SOURCES_EMPTY, elem_id="sources")
                with gr.Accordion("Settings and filters (this session)", open=False):
                    k = gr.Slider(
                        1,
                        MAX_K,
                        value=min(config.k, MAX_K),
                        step=1,
                        label="Passages to read (top-k)",
                    )
                    mode = gr.Radio(
                        AnswerMode.values(),
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
                "Add articles (txt, md, html, pdf, json, jsonl, csv with `id,title,text,date,"
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
            stats_box = gr.Markdown(stats_markdown(stats), label="Index")

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
        ).then(lambda s: s, stats_box, header, api_visibility="private", queue=False).then(
            lambda: None, None, files, api_visibility="private", queue=False
        )  # the list empties, so the next click does not send the same files again
        demo.load(app.refresh, None, [header, source], api_visibility="private")
        gr.api(app.api_ask, api_name="ask", **ask_limit)
        gr.api(app.api_ask_stream, api_name="ask_stream", **ask_limit)
    return demo
