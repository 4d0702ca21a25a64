"""PDF files (.pdf): the text of every page, with page markers so citations can name the page.

Read with pypdf (pure Python, well kept). Each page's text is cleaned like any article text
and preceded by its own paragraph "[page N]": the markers stay in the article, so a reader
sees where a page starts and `page_of` tells the page of any offset. A PDF without
extractable text (a scan) or one that cannot be opened is a Problem, never an exception.
"""

from __future__ import annotations

import io
import logging
import re

from qa.articles.cleaning import clean_title, derive_title, split_paragraphs
from qa.articles.model import Article, Problem, make_id

PAGE_MARKER = re.compile(r"^\[page (\d+)\]$", re.MULTILINE)


def parse_pdf(name: str, raw: bytes) -> Article | Problem:
    """One PDF file as one article."""
    from pypdf import PdfReader  # only when a PDF is read

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are ours to report
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            return Problem(name, "encrypted PDF: cannot read its text")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    except Exception as exc:  # pypdf raises many kinds on broken files
        return Problem(name, f"unreadable PDF ({type(exc).__name__}: {exc})")
    blocks: list[str] = []
    for number, page in enumerate(pages, start=1):
        paragraphs = split_paragraphs(page)
        if paragraphs:
            blocks += [f"[page {number}]", *paragraphs]
    if not blocks:
        return Problem(name, "no text in this PDF (a scan? its pages hold no extractable text)")
    text = "\n\n".join(blocks)
    first = next(b for b in blocks if not PAGE_MARKER.match(b))
    return Article(
        id=make_id(None, None, text),
        title=clean_title(str(title)) if title else derive_title(first),
        text=text,
        path=name,
    )


def page_of(text: str, offset: int) -> int | None:
    """The page an offset of a PDF article's text is on (None for other articles)."""
    page = None
    for marker in PAGE_MARKER.finditer(text, 0, offset):
        page = int(marker.group(1))
    return page
