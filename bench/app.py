"""Web chat benchmark: start-up time, first streamed piece, many users at once.

    python bench/app.py                # fresh index (built from the sample) + warm starts
    python bench/app.py --skip-fresh   # reuse bench/results/app-index (warm starts only)

Runs `python app.py` as a user does, on a free port, with the index in
bench/results/app-index, and measures from outside over HTTP and gradio_client:

- start-up: from launching `python app.py` until it serves its page, on an empty index
  (building the bundled sample corpus first) and on the built one (median of --starts);
- first streamed piece of an extractive answer over the Gradio API (`/ask_stream`, client
  `submit` then iterate): p50 / p95 over --questions asks, one at a time;
- --clients concurrent clients asking --asks questions each over `/ask`: errors, p50 / p95
  latency, wall time; once with one `gradio_client.Client` each, and once speaking Gradio's
  HTTP API directly (POST /gradio_api/call/ask, then read the event stream: what `curl` and
  programs in other languages do), one keep-alive connection each. The clients run on the
  same machine as the server, so the first figure includes gradio_client's own cost (about
  55 ms of CPU per call here, against under 1 ms for the plain HTTP client).

Prints numbers and saves them to bench/results/app.json; asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
QUESTIONS = [
    "What does UU 24/2011 require?",
    "Siapa Sekretaris Daerah Kota Bandarlampung?",
    "Berapa pengendara yang ditilang pada hari pertama ganjil-genap?",
    "Kapan BP Jamsostek bersinergi dengan UMKM di Bandarlampung?",
    "Berapa persen produksi kopi robusta nasional dari Lampung?",
    "Siapa politisi PAN yang ditahan KPK?",
    "Berapa persen penduduk yang sudah merekam e-KTP?",
    "Who was the coach of Persib Bandung?",
    "Apa penyebab banjir di Jakarta?",
    "Siapa Menteri Keuangan yang mengejar konglomerat tak taat pajak?",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class App:
    """`python app.py` in a subprocess; `started` is when it was launched."""

    def __init__(self, index: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        self.started = time.perf_counter()
        with open(log, "w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "app.py", "--index", str(index), "--port", str(self.port)],
                cwd=ROOT,
                stdout=out,
                stderr=out,
            )

    def wait_serving(self, timeout: float = 600) -> float:
        """Seconds from launch until the page is served."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"app.py exited:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url, timeout=1) as response:
                    if response.status == 200:
                        return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.05)
        raise TimeoutError(self.log.read_text())

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def first_pieces(url: str, n: int) -> list[float]:
    from gradio_client import Client

    client = Client(url, verbose=False)
    times = []
    for i in range(n):
        started = time.perf_counter()
        job = client.submit(QUESTIONS[i % len(QUESTIONS)], api_name="/ask_stream")
        first = next(iter(job))
        times.append(time.perf_counter() - started)
        assert "answer" in first, first
        job.result()
    return times


class HttpClient:
    """Gradio's HTTP API over one keep-alive connection: POST the inputs, read the result
    from the event stream (https://www.gradio.app/guides/querying-gradio-apps-with-curl)."""

    INPUTS = 7  # /ask: question, k, mode, date_from, date_to, source, history

    def __init__(self, url: str):
        host, port = url.split("//")[1].strip("/").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=60)
        # One session per client, as gradio_client keeps one: without it, the server builds
        # a new session state (the config of every block of the chat) for each call.
        self.session = uuid.uuid4().hex

    def predict(self, question: str, api_name: str = "/ask") -> dict:
        data = [question] + [None] * (self.INPUTS - 1)
        self.connection.request(
            "POST",
            f"/gradio_api/call{api_name}",
            body=json.dumps({"data": data, "session_hash": self.session}),
            headers={"Content-Type": "application/json"},
        )
        event = json.loads(self.connection.getresponse().read())["event_id"]
        self.connection.request("GET", f"/gradio_api/call{api_name}/{event}")
        stream = self.connection.getresponse().read().decode("utf-8")
        if "event: complete" not in stream:
            raise RuntimeError(stream[:300])
        return json.loads(stream.split("event: complete", 1)[1].split("data:", 1)[1])[0]


def gradio_client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False)


def concurrent_users(url: str, clients: int, asks: int, connect=gradio_client) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    ready = threading.Barrier(clients)

    def user(u: int) -> None:
        try:
            client = connect(url)
        except Exception as exc:  # counted, like a failed question
            errors.append(f"connect: {exc!r}")
            ready.wait()
            return
        ready.wait()  # everyone connected: ask at the same moment
        for i in range(asks):
            question = QUESTIONS[(u + i) % len(QUESTIONS)]
            started = time.perf_counter()
            try:
                answer = client.predict(question, api_name="/ask")
                if "citations" not in answer:
                    errors.append(f"bad answer: {answer!r}")
            except Exception as exc:
                errors.append(repr(exc))
                continue
            latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=user, args=(u,)) for u in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "clients": clients,
        "asks_each": asks,
        "answers": len(latencies),
        "errors": len(errors),
        "error_examples": errors[:3],
        "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(1000 * percentile(latencies, 0.95), 1) if latencies else None,
        "max_ms": round(1000 * max(latencies), 1) if latencies else None,
        "wall_s": round(wall, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=RESULTS / "app-index")
    parser.add_argument("--skip-fresh", action="store_true", help="reuse the built index")
    parser.add_argument("--starts", type=int, default=3, help="warm starts to time")
    parser.add_argument("--questions", type=int, default=50, help="asks for first-piece latency")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--asks", type=int, default=5, help="questions per client")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = RESULTS / "app.log"
    results: dict = {}

    if not args.skip_fresh:
        shutil.rmtree(args.index, ignore_errors=True)
        app = App(args.index, log)
        results["start_fresh_s"] = round(app.wait_serving(), 2)
        app.stop()
        print(f"start, empty index (builds the sample): {results['start_fresh_s']:.1f} s")

    starts = []
    for _ in range(args.starts):
        app = App(args.index, log)
        starts.append(app.wait_serving())
        if len(starts) < args.starts:
            app.stop()
    results["start_built_s"] = [round(s, 2) for s in starts]
    results["start_built_median_s"] = round(statistics.median(starts), 2)
    median = statistics.median(starts)
    print(f"start, built index: median {median:.1f} s ({results['start_built_s']})")

    try:
        pieces = first_pieces(app.url, args.questions)
        results["first_piece_p50_ms"] = round(1000 * statistics.median(pieces), 1)
        results["first_piece_p95_ms"] = round(1000 * percentile(pieces, 0.95), 1)
        print(
            f"first streamed piece over the API: p50 {results['first_piece_p50_ms']} ms, "
            f"p95 {results['first_piece_p95_ms']} ms ({args.questions} asks, one at a time)"
        )
        for name, connect in (("gradio_client", gradio_client), ("http", HttpClient)):
            load = concurrent_users(app.url, args.clients, args.asks, connect)
            results[f"concurrent_{name}"] = load
            print(
                f"{args.clients} clients x {args.asks} questions ({name}): "
                f"{load['errors']} errors, p50 {load['p50_ms']} ms, p95 {load['p95_ms']} ms, "
                f"max {load['max_ms']} ms, wall {load['wall_s']} s"
            )
    finally:
        app.stop()
    (RESULTS / "app.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
