"""HTML files (.html, .htm): the main text of a saved web page, its boilerplate left behind.

trafilatura finds the main text and the page's title, date and url; the text then goes
through the same cleaning and news-layout parsing as plain text.
"""

from __future__ import annotations

import json

from qa.articles.cleaning import clean_title, derive_title, drop_repeated_title, split_paragraphs
from qa.articles.dates import iso_date
from qa.articles.model import Article, Problem, make_id
from qa.articles.news import parse_news


def parse_html(name: str, raw: str) -> Article | Problem:
    """Main text and title/date/url metadata of a web page, boilerplate left behind."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        extracted = trafilatura.extract(
            raw,
            output_format="json",
            with_metadata=True,
            include_comments=False,
            # No guessing from copyright lines or "today": a date must be stated.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as err:  # trafilatura raises many kinds on odd markup
        return Problem(name, f"could not extract text from HTML: {err}")
    meta = json.loads(extracted) if extracted else {}
    title = clean_title(meta.get("title") or "") or None
    news = parse_news(split_paragraphs(meta.get("text") or ""), title)
    paragraphs = drop_repeated_title(news.paragraphs, news.title)
    body = "\n\n".join(paragraphs)
    if not body:
        return Problem(name, "no text (no main text found in the HTML)")
    url = meta.get("source") or None
    return Article(
        id=make_id(None, url, raw),
        title=news.title or derive_title(body),
        text=body,
        date=iso_date(meta.get("date")) or news.date,
        source=news.source or meta.get("source-hostname") or None,  # "ANTARA" beats a hostname
        url=url,
        place=news.place,
        path=name,
    )
