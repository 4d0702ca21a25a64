"""The entry point `read_articles`: find the files, decode them, hand each to its format's reader.

One bad file, line or record becomes a `Problem` and never stops the batch; ids are checked
for duplicates across the whole batch here, since no single reader sees them all.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from qa.articles.model import Article, Located, Problem, whole
from qa.articles.pdf import parse_pdf
from qa.articles.plain import parse_plain
from qa.articles.records import parse_csv, parse_json, parse_jsonl
from qa.articles.webpage import parse_html
from qa.config import Config

# File kind by extension; anything else is skipped in folders, refused when named.
FORMATS = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".pdf": "pdf",
}


def read_articles(paths: Iterable[str | Path], config: Config) -> Iterator[Article | Problem]:
    """Yield an Article per readable article and a Problem per unreadable file, line or record.

    Folders are read recursively in sorted order (hidden entries skipped). A later
    article with an id already seen in this batch is reported, not yielded, so the
    index never holds two different texts under one id.
    """
    seen: dict[str, str] = {}
    for item in _expand(paths):
        if isinstance(item, Problem):
            yield item
            continue
        for result in _read_file(item, config):
            if isinstance(result, Problem):
                yield result
                continue
            article, line = result
            where = f"{article.path}:{line}" if line is not None else str(article.path)
            if article.id in seen:
                message = f"duplicate id {article.id!r} (first read from {seen[article.id]})"
                yield Problem(str(article.path), message, line)
                continue
            seen[article.id] = where
            yield article


def _expand(paths: Iterable[str | Path]) -> Iterator[Path | Problem]:
    """Turn the given paths into files to read; named files must have a known type."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path)
        elif not path.exists():
            yield Problem(str(path), "no such file or directory")
        elif path.suffix.lower() not in FORMATS:
            yield _unsupported(path)
        else:
            yield path


def _walk(root: Path) -> list[Path | Problem]:
    """Non-hidden files under root, sorted by their path inside it: supported ones to read,
    and a Problem for each file of another type and each folder that cannot be listed."""
    found: list[Path] = []
    problems: list[Problem] = []

    def unreadable(err: OSError) -> None:
        problems.append(Problem(str(err.filename or root), f"cannot list folder: {err.strerror}"))

    for folder, dirs, files in os.walk(root, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(folder, name) for name in files if not name.startswith(".")]
    found.sort(key=lambda p: p.relative_to(root).parts)
    return [*problems, *(p if p.suffix.lower() in FORMATS else _unsupported(p) for p in found)]


def _unsupported(path: Path) -> Problem:
    known = ", ".join(sorted(FORMATS))
    kind = path.suffix or "(no extension)"
    return Problem(str(path), f"unsupported file type {kind!r}, skipped (supported: {known})")


def _read_file(path: Path, config: Config) -> Iterator[Located | Problem]:
    """Size-check, read and decode one file, then hand it to its format's reader."""
    name = str(path)
    raw = _read_bounded(path, config.max_file_mb)
    if isinstance(raw, Problem):
        yield raw
        return
    kind = FORMATS[path.suffix.lower()]
    if kind == "pdf":  # binary: its reader decodes it
        yield whole(parse_pdf(name, raw) if raw.strip() else Problem(name, "empty file"))
        return
    text = _decode(name, raw)
    if isinstance(text, Problem):
        yield text
        return
    found = False
    for result in _parse(name, kind, text, config):
        found = True
        yield result
    if not found:  # e.g. a JSON "[]", or a byte-order mark and nothing after it
        yield Problem(name, "no articles in this file")


def _parse(name: str, kind: str, text: str, config: Config) -> Iterator[Located | Problem]:
    """Hand decoded text to its format's reader."""
    if kind in ("text", "markdown"):
        yield whole(parse_plain(name, text, markdown=kind == "markdown"))
    elif kind == "html":
        yield whole(parse_html(name, text))
    elif kind == "json":
        yield from parse_json(name, text, config)
    elif kind == "jsonl":
        yield from parse_jsonl(name, text, config)
    else:
        yield from parse_csv(name, text, config)


def _read_bounded(path: Path, max_mb: float) -> bytes | Problem:
    """A regular file's bytes, never more than the limit + 1 read: a FIFO would block forever
    and a link to /dev/zero would never end, whatever size the file system claims."""
    name = str(path)
    limit = int(max_mb * 1024 * 1024)

    def too_big(size: float) -> Problem:
        message = f"file is {size / 2**20:.1f} MB, larger than the {max_mb:g} MB limit"
        return Problem(name, message + " (QA_MAX_FILE_MB)")

    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return Problem(name, f"not a regular file ({_kind(info.st_mode)}), skipped")
        if info.st_size > limit:
            return too_big(info.st_size)
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as err:
        return Problem(name, err.strerror or str(err))
    return too_big(len(raw)) if len(raw) > limit else raw


def _kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    kinds = [
        (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"),
    ]  # fmt: skip
    return next((word for test, word in kinds if test(mode)), "a special file")


def _decode(name: str, raw: bytes) -> str | Problem:
    """UTF-8 (or BOM-marked UTF-16) text, or a Problem saying why the bytes are not text."""
    if not raw.strip():
        return Problem(name, "empty file")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return _no_nul(name, raw[len(bom) :].decode(encoding))
            except UnicodeDecodeError:
                return Problem(name, f"invalid {encoding.upper()}")
    if _looks_binary(raw):
        return Problem(name, "binary file, not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return Problem(name, f"invalid UTF-8 at byte {err.start}", line)
    return _no_nul(name, text.removeprefix("\ufeff"))


# Byte-order marks, UTF-32 before UTF-16: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = [
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
]  # fmt: skip


def _no_nul(name: str, text: str) -> str | Problem:
    """Text with a NUL character anywhere is a binary file or a wrong decoding, not an article."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return Problem(name, "NUL character in the text (binary data, or the wrong encoding)", line)
    return text


def _looks_binary(raw: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KiB mean it is not a text file."""
    sample = raw[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.1
