"""Record files (.json, .jsonl, .csv): one article per record, field names from `Config`.

A bad record is a Problem with its line (or list item), and the records around it are
still read. A record's own id is kept exactly as given.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from qa.articles.cleaning import clean_text, clean_title, derive_title
from qa.articles.dates import iso_date
from qa.articles.model import Article, Located, Problem, make_id, whole
from qa.articles.news import dateline
from qa.config import Config


def parse_jsonl(name: str, text: str, config: Config) -> Iterator[Located | Problem]:
    """One record per line; a bad line is a Problem with its line number, the rest go on."""
    # split("\n"), not splitlines(): JSON strings may hold a raw U+2028.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield Problem(name, f"invalid JSON: {err.msg} (column {err.colno})", number)
            continue
        yield _located(_record_article(record, config, name, number), number)


def parse_json(name: str, text: str, config: Config) -> Iterator[Located | Problem]:
    """A single record object or a list of them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        yield Problem(name, f"invalid JSON: {err.msg} (column {err.colno})", err.lineno)
        return
    if isinstance(data, dict):
        yield whole(_record_article(data, config, name, None))
    elif isinstance(data, list):
        for index, record in enumerate(data, start=1):
            yield whole(_record_article(record, config, name, None, label=f"item {index}: "))
    else:
        yield Problem(name, f"expected an object or a list of objects, got {type(data).__name__}")


def parse_csv(name: str, text: str, config: Config) -> Iterator[Located | Problem]:
    """Rows with a header line; the text column must exist (its name comes from config)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = reader.fieldnames or []
    if config.text_field not in columns:
        has = ", ".join(columns) if columns else "none"
        message = f"no {config.text_field!r} column (QA_TEXT_FIELD); the columns are: {has}"
        yield Problem(name, message, 1)
        return
    start = reader.line_num + 1
    try:
        for row in reader:
            yield _located(_record_article(row, config, name, start), start)
            start = reader.line_num + 1
    except csv.Error as err:
        yield Problem(name, f"invalid CSV: {err}", start)


def _record_article(
    record: Any, config: Config, name: str, line: int | None, label: str = ""
) -> Article | Problem:
    """One JSON/JSONL/CSV record as an Article; the record's id is kept exactly as given."""
    if not isinstance(record, dict):
        return Problem(name, f"{label}expected an object, got {type(record).__name__}", line)
    raw_text = _field_text(record, config.text_field)
    text = clean_text(raw_text) if raw_text else ""
    if not text:
        return Problem(name, f"{label}no text (field {config.text_field!r} empty or missing)", line)
    url = _field_text(record, config.url_field)
    title = clean_title(_field_text(record, config.title_field) or "")
    found = dateline(text)
    place, dateline_source = found if found else (None, None)
    source = _field_text(record, config.source_field)
    return Article(
        id=make_id(_field_text(record, config.id_field), url, raw_text or ""),
        title=title or derive_title(text),
        text=text,
        date=iso_date(_field_text(record, config.date_field)),
        source=source.strip() if source else dateline_source,
        url=url.strip() if url else None,
        place=place,
        path=name,
    )


def _field_text(record: dict[str, Any], key: str) -> str | None:
    """A record field as a string: numbers become text, lists of strings become paragraphs."""
    value = record.get(key)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def _located(result: Article | Problem, line: int) -> Located | Problem:
    """Pair a record's article with its line so duplicates can be reported by line."""
    return result if isinstance(result, Problem) else (result, line)
