"""Fuzzing the readers: generated malformed files of every supported format never stop a batch.

Two layers. In process, hypothesis throws 500 generated inputs per run (broken JSON and
JSONL, hostile CSV, byte soup under every extension, wrong or missing byte-order marks, NULs,
huge integers, deep nesting, lone surrogates) at `read_articles` beside a good article: no
exception escapes, the good article is read, and every file is accounted for by name (an
article or a problem, never silence). End to end, one `qa ingest` over a folder of such files
plus a named pipe and a link to /dev/zero, into an index that already holds articles: exit
status 1, every bad file named, every good one added, nothing indexed before lost, no
traceback.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from conftest import SEED, run_qa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.articles import Article, Problem, read_articles
from qa.config import Config

GOOD = "Judul baik\n\nIsi artikel yang baik dan utuh."
EXTENSIONS = [".txt", ".md", ".html", ".json", ".jsonl", ".csv", ".pdf"]

_text = st.text(max_size=200)
_json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)


def _record(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


@st.composite
def malformed(draw: st.DrawFn) -> tuple[str, bytes]:
    """(extension, content) of a file that is broken in one of many ways."""
    extension = draw(st.sampled_from(EXTENSIONS))
    kind = draw(st.integers(0, 9))
    if kind == 0:  # byte soup
        return extension, draw(st.binary(max_size=400))
    if kind == 1:  # a text, truncated anywhere
        body = _record({"id": "x", "text": draw(_text)}) + "\n"
        return extension, body[: draw(st.integers(0, len(body)))].encode("utf-8")
    if kind == 2:  # arbitrary JSON values, one per line
        lines = draw(st.lists(_json_value, min_size=1, max_size=4))
        return extension, "\n".join(_record(v) for v in lines).encode("utf-8")
    if kind == 3:  # nesting deeper than Python recurses
        depth = draw(st.integers(2_000, 60_000))
        return extension, ("[" * depth + "]" * depth).encode()
    if kind == 4:  # an integer too long to convert
        return extension, b'{"text": ' + b"7" * draw(st.integers(4_400, 9_000)) + b"}"
    if kind == 5:  # a lone surrogate escape in a field
        field = draw(st.sampled_from(["id", "title", "text", "url"]))
        return extension, ('{"text": "isi", "' + field + '": "a\\udc80b"}').encode()
    if kind == 6:  # a byte-order mark that lies, or is cut short
        bom = draw(st.sampled_from([b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\xef\xbb"]))
        return extension, bom + draw(st.binary(max_size=200))
    if kind == 7:  # NUL somewhere in otherwise good text
        text = GOOD.encode() * draw(st.integers(1, 500))
        at = draw(st.integers(0, len(text)))
        return extension, text[:at] + b"\x00" + text[at:]
    if kind == 8:  # hostile CSV: quotes, huge fields, ragged rows, only a header
        rows = draw(st.lists(st.lists(_text, max_size=4), max_size=5))
        huge = "x" * draw(st.sampled_from([0, 140_000]))
        body = "id,text\n" + "\n".join(",".join(r) for r in rows) + (f"\nz,{huge}" if huge else "")
        return ".csv", body.encode("utf-8", "surrogatepass")
    return extension, draw(st.sampled_from([b"", b"   \n\t ", b"\n\n\n"]))  # empty


def _accounted(results: list[Article | Problem], folder: Path) -> set[str]:
    """The files a result names: an article's path, or a problem's."""
    return {str(r.path) for r in results if r.path}


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(inputs=st.lists(malformed(), min_size=1, max_size=3))
def test_generated_malformed_files_never_stop_a_batch(tmp_path_factory, inputs) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "baik.txt").write_text(GOOD, encoding="utf-8")
    names = []
    for n, (extension, content) in enumerate(inputs):
        path = folder / f"f{n}{extension}"
        path.write_bytes(content)
        names.append(str(path))
    results = list(read_articles([folder], Config.load(env={})))  # must not raise
    good = [r for r in results if isinstance(r, Article) and r.path == str(folder / "baik.txt")]
    assert [a.text for a in good] == ["Isi artikel yang baik dan utuh."]
    assert set(names) <= _accounted(results, folder)  # nothing dropped in silence
    for problem in (r for r in results if isinstance(r, Problem)):
        assert problem.path in names and problem.message  # named, and said why


def _bad_files(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """`count` deterministic bad files of every format, drawn with a fixed seed."""
    rng = random.Random(seed)
    samples = [
        b"",
        b"\x00\x01\x02binary",
        b"[" * 50_000 + b"]" * 50_000,
        b'{"text": ' + b"9" * 5_000 + b"}",
        b'{"id": "s", "text": "a\\ud800b"}',
        "Judul\n\nUTF-16 tanpa tanda".encode("utf-16-le"),
        b"\xff\xfe\x00\x00\x41",
        b"id,judul\nA,tanpa kolom teks\n",
        b"id,text\n",
        b"not json at all {",
    ]
    made = []
    for n in range(count):
        extension = rng.choice(EXTENSIONS)
        content = samples[n % len(samples)]
        if extension in (".txt", ".md", ".html") and content.strip() and b"\x00" not in content:
            content = b"\x00" + content  # plain text is only bad when it is not text
        path = folder / f"rusak-{n:03d}{extension}"
        path.write_bytes(content)
        made.append(path)
    return made


def test_qa_ingest_reports_every_bad_file_and_keeps_everything_else(tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = run_qa("--index", index, "ingest", SEED, "--quiet")
    assert first.returncode == 0, first.stderr
    folder = tmp_path / "campur"
    folder.mkdir()
    bad = _bad_files(folder, 60)
    good = []
    for n in range(3):
        path = folder / f"baik-{n}.txt"
        path.write_text(f"Judul {n}\n\nIsi artikel baik nomor {n} tentang banjir.", "utf-8")
        good.append(path)
    os.mkfifo(folder / "pipa.txt")
    (folder / "nol.jsonl").symlink_to("/dev/zero")
    done = run_qa("--index", index, "ingest", folder, "--quiet", timeout=600)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    for path in [*bad, folder / "pipa.txt", folder / "nol.jsonl"]:
        assert f"qa: failed: {path}" in done.stderr, path
    assert "3 added" in done.stdout
    stats = json.loads(run_qa("--index", index, "stats", "--json").stdout)
    assert stats["articles"] == 4  # the seed article indexed before, and the three good ones
