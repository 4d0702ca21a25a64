"""LLM mode against a real HTTP server on 127.0.0.1 that speaks OpenAI chat completions.

The server is a `ThreadingHTTPServer` answering `POST /v1/chat/completions` as the OpenAI
API does: a JSON completion, or with `"stream": true` a chunked `text/event-stream` of
`chat.completion.chunk` events ending in `data: [DONE]`; errors as JSON with their status.
Each test scripts the model's reply from the request it received (the way a model reads the
numbered passages), and the real `openai` client, index, model and verification do the rest.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import (
    SEED,
    SEED_ID,
    assert_checkable,
    make_config,
    markers,
    qa_env,
    run_qa,
    sample_records,
    write_jsonl,
)

from qa.answering.llm import stream_answer
from qa.answers import NOT_FOUND, Answer
from qa.index import Index
from qa.render import to_text

LINES = (0, 7, 8, 23, 288, 290)
QUESTION = "What does UU 24/2011 require?"
OBLIGATION = "semua perusahaan diwajibkan mendaftarkan para karyawannya ke badan jaminan sosial"
SANCTION = "dapat dikenai sangsi"
TIMEOUT = 1.0  # the index's llm_timeout; slow replies sleep well past it


@dataclass
class Reply:
    """What the fake model does with one request."""

    pieces: list[str] = field(default_factory=list)
    status: int = 200
    delay: float = 0.0  # seconds before the response starts
    stall: float = 0.0  # seconds after the first piece


class FakeLLM:
    """An OpenAI-compatible chat endpoint on a real socket, scripted per test."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.script: Callable[[dict], Reply] = lambda body: Reply(["Halo [1]."])
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.fake = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked streams, as the real API
    disable_nagle_algorithm = True  # each event leaves at once, as a streaming server's

    def log_message(self, *args: object) -> None:
        pass

    def handle(self) -> None:
        with contextlib.suppress(OSError):  # a client that timed out closed its connection
            super().handle()

    def do_POST(self) -> None:
        fake: FakeLLM = self.server.fake  # type: ignore[attr-defined]
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        fake.requests.append(
            {"path": self.path, "authorization": self.headers.get("Authorization"), "body": body}
        )
        if self.path != "/v1/chat/completions":
            self._json(404, _error("Not found", "invalid_request_error"))
            return
        reply = fake.script(body)
        try:
            time.sleep(reply.delay)
            if reply.status != 200:
                kind = "invalid_api_key" if reply.status == 401 else "server_error"
                self._json(reply.status, _error(f"scripted {reply.status}", kind))
            elif body.get("stream"):
                self._stream(body["model"], reply)
            else:
                self._json(200, _completion(body["model"], "".join(reply.pieces)))
        except OSError:
            pass  # the client gave up waiting (the timeout tests)

    def _json(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, model: str, reply: Reply) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self._event(_chunk(model, {"role": "assistant", "content": ""}))
        for i, piece in enumerate(reply.pieces):
            self._event(_chunk(model, {"content": piece}))
            if i == 0:
                time.sleep(reply.stall)
        self._event(_chunk(model, {}, finish="stop"))
        self._send(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _event(self, payload: dict) -> None:
        self._send(f"data: {json.dumps(payload)}\n\n".encode())

    def _send(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def _chunk(model: str, delta: dict, finish: str | None = None) -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": None,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }


def _completion(model: str, content: str) -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


def _error(message: str, code: str) -> dict:
    return {"error": {"message": message, "type": "invalid_request_error", "param": None,
                      "code": code}}  # fmt: skip


def passages(body: dict) -> dict[int, str]:
    """The numbered passages of a request's user message, as the model reads them."""
    user = body["messages"][-1]["content"].split("\n\nQuestion: ")[0]
    pieces = re.split(r"(?m)^\[(\d+)\] ", user)
    return {int(n): text for n, text in zip(pieces[1::2], pieces[2::2], strict=True)}


def cite(body: dict, text: str) -> int:
    """The number of the first passage that holds `text` (0 when none does)."""
    return next((n for n, p in passages(body).items() if text in p), 0)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeLLM]:
    server = FakeLLM()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def fresh(fake: FakeLLM) -> None:
    fake.requests.clear()
    fake.script = lambda body: Reply(["Halo [1]."])


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, fake: FakeLLM) -> Iterator[Index]:
    root = tmp_path_factory.mktemp("llm")
    corpus = write_jsonl(root / "few.jsonl", sample_records(LINES))
    config = make_config(
        root / "index",
        answer_mode="llm",
        llm_base_url=fake.url,
        llm_model="test-model",
        llm_api_key="sk-test-key",
        llm_timeout=TIMEOUT,
    )
    index = Index(config)
    assert index.ingest([corpus, SEED], progress=False).ok
    yield index
    index.close()


def ask(index: Index, question: str = QUESTION, **changes) -> tuple[list[str], Answer]:
    """(streamed pieces, final answer); `changes` override the index's LLM settings."""
    if changes:
        query = index.query(question)
        hits = index.search(query)
        extractive = index.ask(question, answer_mode="extractive")
        items = list(
            stream_answer(
                query,
                hits,
                extractive,
                lambda article_id: index.article(article_id).text,
                index.analyzer,
                index.config.replace(**changes),
            )
        )
    else:
        items = list(index.ask_stream(question))
    *pieces, final = items
    assert all(isinstance(p, str) for p in pieces) and isinstance(final, Answer)
    return pieces, final


def well_cited(body: dict) -> Reply:
    n, m = cite(body, OBLIGATION), cite(body, SANCTION)
    return Reply(
        [
            "UU 24/2011 requires that ",
            f'"{OBLIGATION}" [{n}]. ',
            f'Companies that do not register their employees "{SANCTION}" [{m}].',
        ]
    )


# -- verified answers -----------------------------------------------------------------


def test_a_well_cited_answer_streams_then_is_verified_with_sources(
    index: Index, fake: FakeLLM
) -> None:
    def script(body: dict) -> Reply:
        reply = well_cited(body)
        reply.stall = 0.5  # under the 1 s timeout: a slow stream is not cut off
        return reply

    fake.script = script
    arrived: list[tuple[float, str | Answer]] = []
    for item in index.ask_stream(QUESTION):
        arrived.append((time.monotonic(), item))
    *pieces, (done, final) = arrived
    assert isinstance(final, Answer)
    scripted = well_cited(fake.requests[0]["body"]).pieces
    assert [p for _, p in pieces] == scripted  # the model's text, as it came
    # the first piece was yielded before the stream ended (half the stall: a loaded machine
    # may hand it over late)
    assert done - pieces[0][0] >= 0.25
    assert final.mode == "llm" and final.notes == [] and not final.abstained
    assert final.lang == "en"
    assert [c.n for c in final.citations] == [1, 2]
    assert OBLIGATION in final.citations[0].quote and SANCTION in final.citations[1].quote
    assert {c.article_id for c in final.citations} == {SEED_ID}
    assert to_text(final).startswith(f'UU 24/2011 requires that "{OBLIGATION}" [1].')
    assert "Sources:" in to_text(final)
    assert_checkable(index, final)
    assert index.ask(QUESTION) == final  # `ask` returns the same final answer


def test_a_non_streaming_endpoint_gives_the_same_answer(index: Index, fake: FakeLLM) -> None:
    fake.script = well_cited
    pieces, answer = ask(index, llm_stream=False)
    assert fake.requests[0]["body"].get("stream") in (None, False)
    assert pieces == ["".join(well_cited(fake.requests[0]["body"]).pieces)]
    assert answer.mode == "llm" and len(answer.citations) == 2
    assert_checkable(index, answer)


def test_unsupported_citations_and_claims_are_removed(index: Index, fake: FakeLLM) -> None:
    def script(body: dict) -> Reply:
        n = cite(body, OBLIGATION)
        return Reply(
            [
                f'UU 24/2011 requires that "{OBLIGATION}" [{n}][9]. ',  # [9]: no such passage
                f"Banjir besar melanda Jakarta pada tahun 2017 [{n}]. ",  # not in passage n
                f'Badri said "semua perusahaan wajib membayar pajak dua kali lipat" [{n}].',
            ]
        )

    fake.script = script
    pieces, answer = ask(index)
    assert "[9]" in "".join(pieces) and "Banjir" in "".join(pieces)  # the draft had them
    assert answer.mode == "llm" and not answer.abstained
    assert [c.n for c in answer.citations] == [1]
    assert OBLIGATION in answer.citations[0].quote
    assert "[9]" not in to_text(answer)
    assert "Banjir" not in to_text(answer) and "pajak" not in to_text(answer)
    assert answer.notes == [
        "Removed what the cited passages do not support: 2 statements and 1 citation."
    ]
    assert to_text(answer).endswith(f"Note: {answer.notes[0]}")
    assert_checkable(index, answer)


def test_renumbers_by_first_use_and_merges_repeated_quotes(index: Index, fake: FakeLLM) -> None:
    def script(body: dict) -> Reply:
        n, m = cite(body, OBLIGATION), cite(body, SANCTION)
        return Reply(
            [
                f'Perusahaan yang abai "{SANCTION}" [{m}]. ',
                f"Semua perusahaan diwajibkan mendaftarkan para karyawannya [{n}]. ",
                f"Kewajiban mendaftarkan karyawan ke badan jaminan sosial tertuang di UU "
                f"24 Tahun 2011 [{n}, {m}].",
            ]
        )

    fake.script = script
    _, answer = ask(index, "Apa yang diwajibkan UU 24/2011 bagi perusahaan?")
    assert answer.lang == "id" and answer.mode == "llm"
    assert SANCTION in answer.citations[0].quote and OBLIGATION in answer.citations[1].quote
    assert markers(answer)[:3] == [1, 2, 2]  # the third claim's quote is the second's
    assert "Sumber:" in to_text(answer)
    assert_checkable(index, answer)


# -- fallbacks ------------------------------------------------------------------------


def assert_fallback(index: Index, answer: Answer, question: str, note: str) -> None:
    extractive = index.ask(question, answer_mode="extractive")
    assert answer.mode == "extractive" and len(answer.notes) == 1 and note in answer.notes[0]
    label = "Note:" if extractive.lang == "en" else "Catatan:"
    assert to_text(answer) == f"{label} {answer.notes[0]}\n\n{to_text(extractive)}"
    assert answer.citations == extractive.citations and answer.citations
    assert OBLIGATION in answer.citations[0].quote
    assert_checkable(index, answer)


def test_nothing_verifiable_falls_back_to_extractive_with_a_note(
    index: Index, fake: FakeLLM
) -> None:
    fake.script = lambda body: Reply(["Banjir melanda Jakarta [1]. ", "Tidak ada kewajiban [9]."])
    _, answer = ask(index)
    assert_fallback(index, answer, QUESTION, "None of the LLM's citations could be verified")


def test_a_reply_without_citations_falls_back(index: Index, fake: FakeLLM) -> None:
    fake.script = lambda body: Reply([f"UU 24/2011 requires that {OBLIGATION}."])
    _, answer = ask(index)
    assert_fallback(index, answer, QUESTION, "could be verified")


def test_an_empty_reply_falls_back(index: Index, fake: FakeLLM) -> None:
    fake.script = lambda body: Reply([])
    _, answer = ask(index)
    assert_fallback(index, answer, QUESTION, "The LLM returned an empty answer")


@pytest.mark.parametrize("where", ["before the reply", "in the middle of the stream"])
def test_a_server_slower_than_the_timeout_falls_back(
    index: Index, fake: FakeLLM, where: str
) -> None:
    def script(body: dict) -> Reply:
        reply = well_cited(body)
        if where == "before the reply":
            reply.delay = 3 * TIMEOUT
        else:
            reply.stall = 3 * TIMEOUT
        return reply

    fake.script = script
    started = time.monotonic()
    pieces, answer = ask(index)
    assert time.monotonic() - started < 2.5 * TIMEOUT + 1  # gave up at the timeout
    assert pieces == ([] if where == "before the reply" else ["UU 24/2011 requires that "])
    assert_fallback(index, answer, QUESTION, f"did not answer within {TIMEOUT:g} s")
    assert fake.url in answer.notes[0]


def test_a_refused_connection_falls_back(index: Index) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/v1"  # nobody listens once closed
    _, answer = ask(index, llm_base_url=closed)
    assert_fallback(index, answer, QUESTION, f"Cannot connect to the LLM at {closed}")


@pytest.mark.parametrize(
    ("status", "question", "note"),
    [
        (500, QUESTION, "answered HTTP 500;"),
        (401, QUESTION, "answered HTTP 401 (check QA_LLM_API_KEY)"),
        (500, "Apa yang diwajibkan UU 24/2011 bagi perusahaan?", "menjawab HTTP 500;"),
    ],
)
def test_http_errors_fall_back(
    index: Index, fake: FakeLLM, status: int, question: str, note: str
) -> None:
    fake.script = lambda body: Reply(status=status)
    _, answer = ask(index, question)
    assert len(fake.requests) == 1  # no retries
    assert_fallback(index, answer, question, note)


def test_missing_endpoint_settings_fall_back_with_what_is_missing(
    index: Index, fake: FakeLLM
) -> None:
    _, answer = ask(index, llm_base_url="", llm_model="")
    assert_fallback(index, answer, QUESTION, "LLM mode needs QA_LLM_BASE_URL and QA_LLM_MODEL")
    assert fake.requests == []


# -- the request and the model's own "not found" -----------------------------------------


def test_the_request_carries_model_key_stream_and_numbered_passages(
    index: Index, fake: FakeLLM
) -> None:
    fake.script = well_cited
    index.ask(QUESTION)
    (request,) = fake.requests
    body = request["body"]
    assert request["path"] == "/v1/chat/completions"
    assert request["authorization"] == "Bearer sk-test-key"
    assert body["model"] == "test-model" and body["stream"] is True
    assert body["temperature"] == 0
    system, user = body["messages"]
    assert system["role"] == "system" and user["role"] == "user"
    assert "English" in system["content"] and NOT_FOUND["en"] in system["content"]
    assert "[1]" in system["content"]
    hits = index.search(QUESTION)[: index.config.llm_passages]
    numbered = passages(body)
    assert list(numbered) == list(range(1, len(hits) + 1)) == [1, 2, 3, 4, 5]
    for n, hit in enumerate(hits, 1):
        assert numbered[n].startswith(hit.title)
        assert hit.text in numbered[n]
    assert user["content"].endswith(f"Question: {QUESTION}")


@pytest.mark.parametrize(
    ("question", "lang", "reply"),
    [
        (QUESTION, "en", NOT_FOUND["en"]),
        ("Apa yang diwajibkan UU 24/2011 bagi perusahaan?", "id", NOT_FOUND["id"]),
        ("Apa yang diwajibkan UU 24/2011 bagi perusahaan?", "id", NOT_FOUND["en"]),
    ],
)
def test_the_models_not_found_abstains_in_the_questions_language(
    index: Index, fake: FakeLLM, question: str, lang: str, reply: str
) -> None:
    fake.script = lambda body: Reply([reply[:10], reply[10:]])
    _, answer = ask(index, question)
    assert answer.abstained and answer.mode == "llm" and answer.lang == lang
    assert to_text(answer) == NOT_FOUND[lang]
    assert answer.citations == [] and answer.short_answer is None
    system = fake.requests[0]["body"]["messages"][0]["content"]
    assert NOT_FOUND[lang] in system


# -- the command line -----------------------------------------------------------------


def test_qa_ask_mode_llm_json(index: Index, fake: FakeLLM) -> None:
    fake.script = well_cited
    env = qa_env(QA_LLM_BASE_URL=fake.url, QA_LLM_MODEL="cli-model", QA_LLM_API_KEY="sk-cli")
    done = run_qa("--index", index.config.index, "ask", QUESTION, "--mode", "llm", "--json",
                  env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"answer", "short_answer", "abstained", "citations"} <= set(data)
    assert data["mode"] == "llm" and data["note"] is None and not data["abstained"]
    assert [c["n"] for c in data["citations"]] == [1, 2]
    assert OBLIGATION in data["citations"][0]["quote"]
    assert data["answer"].startswith(f'UU 24/2011 requires that "{OBLIGATION}" [1].')
    (request,) = fake.requests
    assert request["body"]["model"] == "cli-model"
    assert request["authorization"] == "Bearer sk-cli"


def test_qa_ask_without_mode_stays_extractive(index: Index, fake: FakeLLM) -> None:
    env = qa_env(QA_LLM_BASE_URL=fake.url, QA_LLM_MODEL="cli-model")
    done = run_qa("--index", index.config.index, "ask", QUESTION, "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["mode"] == "extractive"
    assert fake.requests == []
