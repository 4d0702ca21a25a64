"""Articles: read files of many formats into clean `Article` records.

`read_articles` takes files and folders and yields an `Article` for every
article it can read and a `Problem` for everything it cannot, so one bad file
or line never stops a batch. Supported: .txt/.md (news-aware plain text),
.html/.htm (main text via trafilatura), .json (object or list), .jsonl and
.csv (records whose field names come from `Config`).

The cleaned `Article.text` is the string chunk offsets index into, so every
clean-up (dropping "Baca juga:" cross-links, whitespace, NFC) happens in `cleaning`.

Modules, in the order data flows through them:
- `reading`: `read_articles`, finding and decoding files, duplicate ids
- `plain`, `webpage`, `records`: one reader per format (txt/md, html, json/jsonl/csv)
- `news`: the news layout (header, dateline with place and source)
- `cleaning`: canonical paragraphs and titles; `dates`: ISO dates
- `model`: `Article`, `Problem` and fallback ids
"""

from qa.articles.cleaning import clean_text
from qa.articles.dates import iso_date
from qa.articles.model import Article, Problem
from qa.articles.reading import read_articles

__all__ = ["Article", "Problem", "clean_text", "iso_date", "read_articles"]
