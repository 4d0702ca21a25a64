"""Plain-text and markdown files (.txt, .md): news layout when there is a dateline, else a
short first line (or a markdown "# heading") is the title.
"""

from __future__ import annotations

import re

from qa.articles.cleaning import (
    MAX_TITLE_CHARS,
    clean_title,
    derive_title,
    drop_repeated_title,
    split_paragraphs,
)
from qa.articles.model import Article, Problem, make_id
from qa.articles.news import parse_news

_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_MD_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


def parse_plain(name: str, raw: str, markdown: bool) -> Article | Problem:
    """A .txt/.md file: news layout when it has a dateline, else first short line = title."""
    text = _strip_markdown(raw) if markdown else raw
    paragraphs = split_paragraphs(text)
    title = None
    if markdown and paragraphs:
        heading = _MD_HEADING.match(paragraphs[0].split("\n")[0])
        if heading and paragraphs[0].startswith("# "):
            title = clean_title(heading.group(1))
            paragraphs = _drop_first_line(paragraphs)
    news = parse_news(paragraphs, title)
    title, paragraphs = news.title, news.paragraphs
    if title is None and not news.dateline:
        title, paragraphs = _split_title(paragraphs)
    paragraphs = drop_repeated_title(paragraphs, title)
    body = "\n\n".join(paragraphs)
    if not body:
        return Problem(name, "no text")
    return Article(
        id=make_id(None, None, raw),
        title=title or derive_title(body),
        text=body,
        date=news.date,
        source=news.source,
        place=news.place,
        path=name,
    )


def _strip_markdown(text: str) -> str:
    """Keep the words of markdown links and images, drop their targets."""
    return _MD_LINK.sub(r"\1", _MD_IMAGE.sub(r"\1", text))


def _drop_first_line(paragraphs: list[str]) -> list[str]:
    """Paragraphs without the first line of the first paragraph."""
    rest = paragraphs[0].split("\n", 1)[1:]
    return [rest[0].strip()] + paragraphs[1:] if rest and rest[0].strip() else paragraphs[1:]


def _split_title(paragraphs: list[str]) -> tuple[str | None, list[str]]:
    """Take a short first line as the title, unless it is the only text there is."""
    if not paragraphs:
        return None, paragraphs
    first = paragraphs[0].split("\n")[0]
    if len(first) >= MAX_TITLE_CHARS:
        return None, paragraphs
    rest = _drop_first_line(paragraphs)
    return (first, rest) if rest else (first, paragraphs)
