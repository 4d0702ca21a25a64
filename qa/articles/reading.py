"""The entry point `read_articles`: find the files, decode them, hand each to its format's reader.

One bad file, line or record becomes a `Problem` and never stops the batch; ids are checked
for duplicates across the whole batch here, since no single reader sees them all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from qa.articles.model import Article, Located, Problem, whole
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
            known = ", ".join(sorted(FORMATS))
            kind = path.suffix or "(no extension)"
            yield Problem(str(path), f"unsupported file type {kind!r} (supported: {known})")
        else:
            yield path


def _walk(root: Path) -> list[Path]:
    """Supported, non-hidden files under root, sorted by their path inside it."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in FORMATS:
                found.append(Path(folder, name))
    return sorted(found, key=lambda p: p.relative_to(root).parts)


def _read_file(path: Path, config: Config) -> Iterator[Located | Problem]:
    """Size-check, read and decode one file, then hand it to its format's reader."""
    name = str(path)
    try:
        size = os.stat(path).st_size
    except OSError as err:
        yield Problem(name, err.strerror or str(err))
        return
    limit = config.max_file_mb * 1024 * 1024
    if size > limit:
        mb = size / (1024 * 1024)
        message = f"file is {mb:.1f} MB, larger than the {config.max_file_mb:g} MB limit"
        yield Problem(name, message + " (QA_MAX_FILE_MB)")
        return
    try:
        raw = path.read_bytes()
    except OSError as err:
        yield Problem(name, err.strerror or str(err))
        return
    text = _decode(name, raw)
    if isinstance(text, Problem):
        yield text
        return
    kind = FORMATS[path.suffix.lower()]
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


def _decode(name: str, raw: bytes) -> str | Problem:
    """UTF-8 (or BOM-marked UTF-16) text, or a Problem saying why the bytes are not text."""
    if not raw.strip():
        return Problem(name, "empty file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            return Problem(name, "invalid UTF-16")
    if _looks_binary(raw):
        return Problem(name, "binary file, not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return Problem(name, f"invalid UTF-8 at byte {err.start}", line)
    return text.removeprefix("\ufeff")


def _looks_binary(raw: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KiB mean it is not a text file."""
    sample = raw[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.1
