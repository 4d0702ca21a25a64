"""The web chat as programs use it: a real `python app.py` subprocess driven with gradio_client.

One server (module scope) over a small index in a tmp folder; the tests run in file order
and the later ones add articles. The formatting helpers are tested without a server at the end.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import gradio as gr
import httpx
import pytest
from appserver import AppServer, build_index
from conftest import SEED, SEED_ID, integrity, make_config, sample_records, write_jsonl
from gradio_client import Client, handle_file
from gradio_client.exceptions import AuthenticationError

from qa.answers import NOT_FOUND, Answer, Citation
from qa.articles import Problem
from qa.chat import app as chat
from qa.chat import render, serve
from qa.chat.login import LoginGuard, parse_accounts
from qa.index import Index, IngestReport
from qa.render import to_json, to_text
from qa.store import Filters

UU_QUESTION = "What does UU 24/2011 require?"
DURIAN = {
    "id": "uji-festival-durian",
    "title": "Festival Durian Lampung Barat digelar di Liwa",
    "date": "2024-02-03",
    "source": "Uji Berita",
    "url": "https://example.org/festival-durian",
    "text": (
        "Liwa (Uji Berita) - Pemerintah Kabupaten Lampung Barat menggelar Festival Durian di "
        "Liwa pada Sabtu. Ketua panitia festival, Rahmawati Surbakti, mengatakan 45 petani "
        "durian dari sembilan kecamatan ikut serta dalam festival tersebut.\n\n"
        "Pengunjung dapat mencicipi durian lokal Lampung Barat dengan harga Rp15.000 per buah."
    ),
}
DURIAN_QUESTION = "Siapa ketua panitia Festival Durian Lampung Barat?"
TILANG_QUESTION = "Berapa pengendara yang ditilang pada hari pertama ganjil-genap?"
USER, PASSWORD = "alice", "wonderland"  # the module's server requires this login


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("app")
    index = build_index(root)
    login = f"{USER}:{PASSWORD}"
    server = AppServer(root / "index", root / "app.log", "--auth", login, "--max-upload-mb", "0.5")
    try:
        server.wait_ready()
        yield server, index, root
    finally:
        server.stop()
        index.close()


@pytest.fixture(scope="module")
def client(app) -> Client:
    return Client(app[0].url, auth=(USER, PASSWORD), verbose=False)


def check_citations(index_dir: Path, answer: dict) -> None:
    """Every quote stands at its offsets in the stored article (read by a fresh Index)."""
    with Index(make_config(index_dir)) as fresh:
        for c in answer["citations"]:
            article = fresh.article(c["article_id"])
            assert article is not None, c
            assert article.text[c["start"] : c["end"]] == c["quote"]
            assert f"[{c['n']}]" in answer["answer"]


def table(result) -> list[list[str]]:
    """Rows of the per-file result table, as the client returns a Dataframe."""
    return result["data"] if isinstance(result, dict) else result


def test_ask_returns_the_qa_ask_json_with_verified_citations(app, client):
    server, index, root = app
    answer = client.predict(UU_QUESTION, api_name="/ask")
    assert answer == to_json(index.ask(UU_QUESTION))  # what `qa ask --json` prints
    assert not answer["abstained"]
    assert answer["citations"][0]["article_id"] == SEED_ID
    assert "24 Tahun 2011" in answer["citations"][0]["quote"]
    check_citations(root / "index", answer)


def test_login_is_required_when_auth_is_set(app):
    url = app[0].url
    assert httpx.get(url + "config").status_code == 401
    assert httpx.post(url + "gradio_api/call/ask", json={"data": [UU_QUESTION]}).status_code == 401
    with pytest.raises(AuthenticationError):
        Client(url, verbose=False)
    with pytest.raises(ValueError, match="Could not login"):
        Client(url, auth=(USER, "wrong"), verbose=False)


def test_ask_takes_k_and_filters(client):
    answer = client.predict(UU_QUESTION, k=3, date_from="2020-01-01", api_name="/ask")
    assert answer["abstained"] and not answer["citations"]  # the seed article is from 2019
    assert answer["answer"] == NOT_FOUND["en"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"k": 10_000}, "k must be between 1 and 30"),
        ({"mode": "llm"}, "LLM mode is not enabled on this server"),
    ],
)
def test_ask_refuses_what_the_operator_did_not_offer(client, arguments, message):
    with pytest.raises(Exception, match=message):
        client.predict(UU_QUESTION, api_name="/ask", **arguments)


def test_ask_takes_the_conversation_for_a_followup(client):
    first = "Apa yang dilakukan Pemkot Bandarlampung untuk UMKM?"
    alone = client.predict("Siapa wali kotanya?", api_name="/ask")
    after = client.predict("Siapa wali kotanya?", history=[first], api_name="/ask")
    assert after["short_answer"] == "Herman HN" != alone["short_answer"]


def test_stream_sends_growing_drafts_then_the_final_answer(client):
    job = client.submit("Siapa Sekretaris Daerah Kota Bandarlampung?", api_name="/ask_stream")
    job.result(timeout=60)
    updates = job.outputs()
    assert len(updates) >= 3, updates
    drafts, final = updates[:-1], updates[-1]
    assert all(not d["done"] for d in drafts) and final["done"]
    texts = [d["answer"] for d in drafts]
    assert all(b.startswith(a) and len(b) > len(a) for a, b in zip(texts, texts[1:], strict=False))
    assert final["answer"].startswith(texts[-1].rstrip())
    assert not final["abstained"] and final["citations"]


def test_upload_reports_each_file_and_the_new_article_answers_the_next_question(
    app, client, tmp_path
):
    server, index, root = app
    before = client.predict(DURIAN_QUESTION, api_name="/ask")
    assert DURIAN["id"] not in {c["article_id"] for c in before["citations"]}
    good = write_jsonl(tmp_path / "durian.jsonl", [DURIAN])
    empty = tmp_path / "empty.json"
    empty.write_text("")
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(
        '{"id": "uji-satu", "title": "Uji", "text": "Warga Liwa menanam kopi di lereng '
        'Gunung Pesagi sejak tahun 1950."}\n{"broken\n'
    )
    files = [handle_file(str(p)) for p in (good, empty, mixed)]
    rows, stats, _ = client.predict(files, api_name="/add_files")
    # the upload leaves Gradio's temporary folder for the index's own, and the article says so
    kept = root / "index" / "uploads" / "durian.jsonl"
    assert kept.is_file() and index.article(DURIAN["id"]).path == str(kept)
    assert "value_" not in client.view_api(print_info=False, return_format="str")
    result = {row[0]: row[1:] for row in table(rows)}
    assert result["durian.jsonl"][0] == "added"
    assert result["empty.json"][0] == "failed" and "empty file" in result["empty.json"][1]
    assert result["mixed.jsonl"][0] == "added (1 failed)"
    assert "line 2: invalid JSON" in result["mixed.jsonl"][1]
    assert "**11** articles" in stats  # 8 sample articles, the seed, durian and uji-satu

    after = client.predict(DURIAN_QUESTION, api_name="/ask")
    assert not after["abstained"]
    assert after["citations"][0]["article_id"] == DURIAN["id"]
    assert "Rahmawati Surbakti" in after["answer"]
    check_citations(root / "index", after)

    again = client.predict([handle_file(str(good))], api_name="/add_files")[0]
    assert table(again)[0][:2] == ["durian.jsonl", "unchanged"]


def test_files_over_the_upload_limit_are_refused(client, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Kata demi kata. " * 40_000)  # 640 KB; this server takes 0.5 MB
    with pytest.raises(ValueError, match="exceeds the maximum file size"):
        client.predict([handle_file(str(big))], api_name="/add_files")


def test_concurrent_questions_during_an_upload_all_succeed(app, client, tmp_path):
    server, index, root = app
    batch = write_jsonl(tmp_path / "batch.jsonl", sample_records(range(20, 44)))
    articles = integrity(root / "index")["articles"]
    started = time.monotonic()
    upload = client.submit([handle_file(str(batch))], api_name="/add_files")
    answers: list[tuple[float, dict]] = []
    errors: list[BaseException] = []

    def user(question: str) -> None:
        own = Client(server.url, auth=(USER, PASSWORD), verbose=False)  # one per user
        try:
            while not upload.done() or len(answers) < 12:
                answers.append((time.monotonic(), own.predict(question, api_name="/ask")))
                time.sleep(0.1)  # a user reads; asking flat out would only slow the upload
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    users = [
        threading.Thread(target=user, args=(q,))
        for q in (UU_QUESTION, "Siapa Sekretaris Daerah Kota Bandarlampung?", TILANG_QUESTION)
    ]
    for u in users:
        u.start()
    rows = table(upload.result(timeout=240)[0])
    uploaded = time.monotonic()
    for u in users:
        u.join(timeout=60)
    assert not errors, errors
    assert rows[0][1] == "added" and rows[0][2].startswith("24 added")
    # Answers kept coming while the upload embedded: no pause near the upload's length
    # (holding the store's lock for the whole write made a 4.8 s gap in a 6.7 s upload).
    times = sorted(t for t, _ in answers if started < t < uploaded)
    gaps = [b - a for a, b in zip([started, *times], [*times, uploaded], strict=True)]
    assert max(gaps) < 0.4 * (uploaded - started), (max(gaps), uploaded - started)
    for _, answer in answers:
        assert not answer["abstained"] and answer["citations"], answer
        check_citations(root / "index", answer)
    assert integrity(root / "index")["articles"] == articles + 24


# -- the formatting helpers, without a server -------------------------------------------


def citation(**changes) -> Citation:
    base = {
        "n": 1,
        "article_id": "a1",
        "chunk_id": "a1#0",
        "title": "Judul <b>tebal</b>",
        "date": "2019-12-05",
        "source": "ANTARA",
        "url": "https://example.org/a1",
        "quote": "Quote <here> & now.",
        "start": 10,
        "end": 29,
    }
    return Citation(**{**base, **changes})


ARTICLE = "Before it Quote <here> & now. After it."


def test_source_card_highlights_the_quote_and_escapes_the_article():
    card = render.source_card([citation()], ARTICLE)
    assert '<mark data-n="1">Quote &lt;here&gt; &amp; now.</mark>' in card
    assert "Before it " in card and " After it." in card
    assert "Judul &lt;b&gt;tebal&lt;/b&gt;" in card
    assert '<a href="https://example.org/a1"' in card
    assert "2019-12-05 · ANTARA" in card


def test_source_card_links_only_web_urls():
    card = render.source_card([citation(url="javascript:alert(1)")], ARTICLE)
    assert "<a " not in card and "javascript" not in card


def test_source_card_of_a_changed_article_shows_the_verified_quote():
    card = render.source_card([citation()], "Another text entirely, longer than the quote offsets.")
    assert '<mark data-n="1">Quote &lt;here&gt; &amp; now.</mark>' in card and "changed" in card


def test_one_card_per_article_with_every_quote_from_it_highlighted():
    text = "Pembuka. " + "Isi berita panjang. " * 40 + "Kutipan pertama. Kutipan kedua. Penutup."
    first, second = text.index("Kutipan pertama."), text.index("Kutipan kedua.")
    far = text.index("Pembuka.")
    answer = Answer(
        None,
        False,
        [
            citation(n=1, quote="Kutipan pertama.", start=first, end=first + 16),
            citation(n=2, article_id="b", quote="Quote <here> & now.", start=10, end=29),
            citation(n=3, quote="Kutipan kedua.", start=second, end=second + 14),
            citation(n=4, quote="Pembuka.", start=far, end=far + 8),
        ],
    )
    html = render.sources_html(answer, {"a1": text, "b": ARTICLE}.get)
    assert html.count('class="qa-source"') == 2  # a1 once, with [1] [3] [4]; then b
    assert html.index("[1] [3] [4]") < html.index("[2]")
    a1 = html.split("</section>")[0]
    marks = ['data-n="1">Kutipan pertama.', 'data-n="3">Kutipan kedua.', 'data-n="4">Pembuka.']
    assert all(m in a1 for m in marks)
    assert a1.count('class="qa-passage"') == 2  # [4] is far from the others: a passage of its own
    assert "Quote &lt;here&gt;" not in a1


def test_passage_is_cut_at_words_with_ellipses():
    text = "aaa bbb ccc ddd QUOTE eee fff ggg hhh"
    start = text.index("QUOTE")
    cited = [citation(quote="QUOTE", start=start, end=start + 5)]
    mark = '<mark data-n="1">QUOTE</mark>'
    shown = render.passages(text, cited, context=9)
    assert shown == [f'<p class="qa-passage">…ccc ddd {mark} eee fff…</p>']
    whole = render.passages(text, cited, context=100)
    assert whole == [f'<p class="qa-passage">{text[:start]}{mark}{text[21:]}</p>']


def test_answer_message_puts_the_short_answer_first_and_drops_the_source_list():
    answer = Answer("Badri Tamam", False, [citation(quote="Kata *Badri* [dia]")], "id")
    message = render.answer_markdown(answer)
    assert message == "**Badri Tamam \\[1\\]**\n\n“Kata \\*Badri\\* \\[dia\\]” \\[1\\]"
    assert render.escape_markdown("1. satu\n- dua") == "1\\. satu\n\\- dua"  # no lists
    assert "Sumber" not in message and "Sumber:" in to_text(answer)


def test_a_note_is_set_off_from_the_answer():
    note = "The LLM at http://127.0.0.1:9/v1 did not answer within 30 s; showing the extractive"
    answer = Answer("Badri Tamam", False, [citation(quote="Kata Badri")], "en", notes=[note])
    message = render.answer_markdown(answer).split("\n\n")
    assert message[0] == f"_Note: {render.escape_markdown(note)}_"
    assert message[1:] == ["**Badri Tamam \\[1\\]**", "“Kata Badri” \\[1\\]"]


def test_an_llm_answer_shows_its_text_and_then_what_was_removed():
    removed = "Removed what the cited passages do not support: 1 statement."
    answer = Answer(
        "Badri said so.",
        False,
        [citation(quote="Kata Badri")],
        "en",
        mode="llm",
        generated="Badri said *so* [1].",
        notes=[removed],
    )
    message = render.answer_markdown(answer).split("\n\n")
    assert message == [
        "Badri said \\*so\\* \\[1\\].",  # not bold: the whole text is the answer
        "“Kata Badri” \\[1\\]",
        f"_Note: {removed}_",
    ]


def test_abstention_is_shown_as_such():
    answer = Answer.not_found("id")
    message = render.answer_markdown(answer)
    assert message.startswith("**Tidak ditemukan") and "Coba kata lain" in message
    assert all(ord(ch) < 0x2000 for ch in message)  # no emoji: they need a font to show
    assert render.sources_html(answer, lambda _: None) == render.SOURCES_NONE


def test_file_result_names_added_unchanged_and_failed():
    assert render.file_result("a.jsonl", IngestReport(added=["x", "y"], chunks=5)) == [
        "a.jsonl",
        "added",
        "2 added; 5 chunks",
    ]
    assert render.file_result("a.jsonl", IngestReport(unchanged=["x"]))[1] == "unchanged"
    failed = IngestReport(problems=[Problem("/tmp/x/b.json", "empty file")])
    assert render.file_result("b.json", failed) == ["b.json", "failed", "empty file"]


def test_empty_index_is_first_filled_from_the_sample_corpus(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(serve, "sample_files", lambda: [SEED])  # the real one takes 30-90 s
    monkeypatch.setattr(serve, "sample_article_count", lambda: 1)
    unfinished = tmp_path / "index" / ".sample-unfinished"
    with Index(make_config(tmp_path / "index")) as index:
        serve.ensure_index(index)
        assert index.stats()["articles"] == 1 and not unfinished.exists()
        serve.ensure_index(index)  # built: nothing to do
        unfinished.touch()  # as a start interrupted while building leaves it
        serve.ensure_index(index)  # finished on the next start
        assert not unfinished.exists()
    assert capsys.readouterr().err.count("indexing the bundled sample corpus") == 2


def test_a_port_in_use_is_refused_before_any_work():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ValueError, match=f"cannot listen on 127.0.0.1:{port}"):
            serve.check_port("127.0.0.1", port)


def test_feedback_lines_stay_whole_when_written_at_once(tmp_path):
    log = chat.FeedbackLog(tmp_path / "sub" / "feedback.jsonl")
    record = {"question": "Siapa?", "answer": "x" * 5000}
    threads = [threading.Thread(target=log.add, args=(record,)) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = log.path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [record] * 20


def test_auth_setting_is_checked(tmp_path):
    assert parse_accounts("alice:wonder:land, bob:x") == {"alice": "wonder:land", "bob": "x"}
    assert serve.login_guard(make_config(Path("index"))) is None  # no accounts: open
    with pytest.raises(ValueError, match="user:password"):
        make_config(Path("index"), auth="alice")
    logins = tmp_path / "logins.txt"
    logins.write_text("# who may sign in\ncarol:a,b:c\n", encoding="utf-8")  # a comma inside
    guard = serve.login_guard(make_config(Path("index"), auth_file=str(logins)))
    assert guard is not None and guard("carol", "a,b:c") and not guard("carol", "a")


def test_repeated_wrong_passwords_lock_the_client_out_for_a_growing_time():
    now, client = [0.0], ["10.0.0.66"]
    guard = LoginGuard(
        {"alice": "rahasia"}, free_failures=5, clock=lambda: now[0], client=lambda: client[0]
    )
    assert not any(guard("alice", f"tebak{n}") for n in range(30))  # 30 guesses
    assert not guard("alice", "rahasia")  # locked out: even the right password is refused
    client[0] = "10.0.0.7"
    assert guard("alice", "rahasia")  # another client is not locked out with the guesser
    client[0] = "10.0.0.66"
    now[0] += 299  # guesses made while locked out count too: 30 of them lock out for 300 s
    assert not guard("alice", "rahasia")
    now[0] += 2  # the lockout ends (at most 300 s)...
    assert guard("alice", "rahasia")  # ...and the right password works again
    assert guard("bob", "x") is False  # unknown users never get in


def test_without_a_client_address_the_back_off_is_per_user():
    guard = LoginGuard({"alice": "rahasia"}, free_failures=5, client=lambda: None)
    assert not any(guard("alice", f"tebak{n}") for n in range(8))
    assert not guard("alice", "rahasia")


def test_the_server_locks_out_a_guessing_client_and_no_one_else(app):
    """Real logins over HTTP from two loopback addresses: after 30 wrong passwords from one,
    the right password is refused there and still accepted from the other."""
    url = app[0].url

    def login(address: str, password: str) -> int:
        transport = httpx.HTTPTransport(local_address=address)
        with httpx.Client(transport=transport) as http:
            form = {"username": USER, "password": password}
            return http.post(url + "login", data=form).status_code

    assert [login("127.0.0.3", f"tebak{n}") for n in range(30)] == [400] * 30
    assert login("127.0.0.3", PASSWORD) == 400
    assert login("127.0.0.2", PASSWORD) == 200


class FakeIndex:
    """Stands in for `Index` in handler tests: scripted answers, or an error."""

    def __init__(self, *results):
        self.results = list(results)
        self.calls = []

    def ask_stream(self, question, history=None, **settings):
        self.calls.append((question, history, settings))
        result = self.results.pop(0)
        if isinstance(result, Exception):
            raise result
        yield from ["Badri ", "[1]"]  # as an LLM's text streams
        yield result

    def article_text(self, article_id):
        return ARTICLE


def test_chat_handler_streams_drafts_then_the_answer_and_keeps_turns_aligned(tmp_path):
    cited = Answer("Badri", False, [citation()], "id")
    index = FakeIndex(cited, RuntimeError("disk full"))
    app = chat.ChatApp(index, make_config(tmp_path / "index", feedback=str(tmp_path / "fb.jsonl")))
    updates = list(app.respond("Siapa?", [], [], 5, "extractive", "2019", "", "antara"))
    assert updates[0][0] == [{"role": "user", "content": "Siapa?"}]
    drafts = [u[0][-1]["content"] for u in updates[1:-1]]
    assert len(drafts) >= 2 and all(d.endswith("▍") for d in drafts)
    messages, sources, turns, box = updates[-1]
    assert messages[-1]["content"].startswith("**Badri \\[1\\]**") and box == ""
    assert '<mark data-n="1">Quote &lt;here&gt; &amp; now.</mark>' in sources
    assert index.calls[0][2] == {
        "k": 5,
        "answer_mode": "extractive",
        "filters": Filters("2019", None, "antara"),
    }

    failed = list(app.respond("Kapan?", messages, turns, 5, "extractive", "", "", ""))[-1]
    assert index.calls[1][1] == [("Siapa?", cited)]  # the follow-up sees the conversation
    assert failed[0][-1]["content"] == "**Error:** disk full"
    assert len(failed[2]) == 2  # the failed question keeps questions and answers aligned

    class Liked:
        index, liked = 1, True

    app.like(failed[2], Liked)
    Liked.index = 3  # the error message: nothing to record
    app.like(failed[2], Liked)
    records = [json.loads(line) for line in (tmp_path / "fb.jsonl").read_text().splitlines()]
    assert [(r["question"], r["rating"]) for r in records] == [("Siapa?", "up")]
    assert records[0]["citations"][0]["quote"] == "Quote <here> & now."
    with pytest.raises(gr.Error, match="YYYY-MM-DD"):
        list(app.respond("Siapa?", [], [], 5, "extractive", "5/12/2019", "", ""))
