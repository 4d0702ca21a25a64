"""Inputs that once stopped a batch, hung, or slipped through: each is now one reported problem
(issue 12), and the good file beside it is still read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import QA, qa_env

from qa.articles import Article, Problem, read_articles
from qa.config import Config


def read(*paths: Path | str, config: Config | None = None) -> list[Article | Problem]:
    return list(read_articles(paths, config or Config.load(env={})))


def good_file(folder: Path) -> Path:
    path = folder / "baik.txt"
    path.write_text("Judul baik\n\nIsi yang baik.", encoding="utf-8")
    return path


def only_problem(results: list, path: Path, needle: str) -> Problem:
    """One Problem, naming the file and the trouble; the good article read all the same."""
    found = [r for r in results if isinstance(r, Problem)]
    assert len(found) == 1, found
    assert found[0].path == str(path) and needle in found[0].message, found[0]
    assert [a.text for a in results if isinstance(a, Article)] == ["Isi yang baik."]
    return found[0]


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"text": ' + "9" * 5000 + "}", "invalid JSON"),
        ('{"text": "Isi \\ud800 rusak."}', "lone surrogate"),
    ],
)
def test_one_bad_jsonl_record_costs_only_itself(tmp_path: Path, line: str, needle: str) -> None:
    path = tmp_path / "campur.jsonl"
    good = json.dumps({"id": "ok", "text": "Isi yang baik."})
    path.write_text(f"{line}\n{good}\n", encoding="utf-8")
    results = read(path)
    [problem] = [r for r in results if isinstance(r, Problem)]
    assert problem.path == str(path) and problem.line == 1 and needle in problem.message
    assert [a.id for a in results if isinstance(a, Article)] == ["ok"]


def test_a_deeply_nested_json_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "dalam.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    only_problem(read(path, good_file(tmp_path)), path, "nested too deeply")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    good_file(tmp_path)
    pipe = tmp_path / "pipa.txt"
    os.mkfifo(pipe)
    done: list = []
    reader = threading.Thread(target=lambda: done.append(read(tmp_path)), daemon=True)
    reader.start()
    reader.join(timeout=20)
    assert done, "reading a folder with a FIFO in it hung"
    only_problem(done[0], pipe, "not a regular file (a named pipe)")


def test_a_link_to_an_endless_device_is_refused(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    link = tmp_path / "nol.txt"
    link.symlink_to("/dev/zero")
    only_problem(read(link, good_file(tmp_path)), link, "not a regular file (a character device)")


def test_an_unreadable_folder_is_reported(tmp_path: Path) -> None:
    good_file(tmp_path)
    locked = tmp_path / "terkunci"
    locked.mkdir()
    (locked / "rahasia.txt").write_text("Isi.", encoding="utf-8")
    locked.chmod(0)
    try:
        if os.geteuid() != 0:
            only_problem(read(tmp_path), locked, "cannot list folder")
            return
        # root lists any folder: run `qa ingest` as root without the capabilities to do so
        if not shutil.which("setpriv"):
            pytest.skip("running as root, and no setpriv to drop the right to read any folder")
        drop = "-dac_override,-dac_read_search"
        done = subprocess.run(
            ["setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}", str(QA),
             "--index", str(tmp_path / "index"), "ingest", str(tmp_path), "--quiet"],
            capture_output=True, text=True, env=qa_env(), timeout=300,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr
        assert f"qa: failed: {locked}: cannot list folder" in done.stderr
        assert "1 added" in done.stdout and "Traceback" not in done.stderr
    finally:
        locked.chmod(0o755)


def test_files_of_other_types_in_a_folder_are_named(tmp_path: Path) -> None:
    good_file(tmp_path)
    other = tmp_path / "laporan.docx"
    other.write_bytes(b"PK\x03\x04 ...")
    only_problem(read(tmp_path), other, "unsupported file type '.docx', skipped")


def test_utf32_with_its_mark_is_read_as_utf32(tmp_path: Path) -> None:
    path = tmp_path / "utf32.txt"
    path.write_bytes("Judul\n\nIsi dalam UTF-32.".encode("utf-32"))  # with its byte-order mark
    [article] = read(path)
    assert isinstance(article, Article) and article.text == "Isi dalam UTF-32."


def test_a_nul_byte_anywhere_makes_a_file_binary(tmp_path: Path) -> None:
    path = tmp_path / "nul.txt"
    path.write_bytes(b"Judul\n\n" + b"teks biasa " * 2000 + b"\x00 lalu rusak")  # past 8 KiB
    only_problem(read(path, good_file(tmp_path)), path, "NUL character")


def test_a_bad_csv_row_costs_only_that_row(tmp_path: Path) -> None:
    path = tmp_path / "baris.csv"
    huge = "x" * 140_000  # over the csv module's field limit
    path.write_text(f"id,text\na,Isi pertama.\nb,{huge}\nc,Isi ketiga.\n", encoding="utf-8")
    results = read(path)
    [problem] = [r for r in results if isinstance(r, Problem)]
    assert problem.line == 3 and "invalid CSV" in problem.message
    assert [a.id for a in results if isinstance(a, Article)] == ["a", "c"]


def test_a_csv_with_only_a_header_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "kosong.csv"
    path.write_text("id,title,text\n", encoding="utf-8")
    only_problem(read(path, good_file(tmp_path)), path, "no rows after the header")
