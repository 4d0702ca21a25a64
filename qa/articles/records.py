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
        record = _load_json(name, line, number)
        if isinstance(record, Problem):
            yield record
            continue
        yield _located(_record_article(record, config, name, number), number)


def parse_json(name: str, text: str, config: Config) -> Iterator[Located | Problem]:
    """A single record object or a list of them."""
    data = _load_json(name, text)
    if isinstance(data, Problem):
        yield data
        return
    if isinstance(data, dict):
        yield whole(_record_article(data, config, name, None))
    elif isinstance(data, list):
        for index, record in enumerate(data, start=1):
            yield whole(_record_article(record, config, name, None, label=f"item {index}: "))
    else:
        yield Problem(name, f"expected an object or a list of objects, got {type(data).__name__}")


def _load_json(name: str, text: str, line: int | None = None) -> Any:
    """The parsed JSON, or a Problem: bad syntax, nesting too deep for Python, or an integer
    too long to convert must each cost one record, never the batch."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        return Problem(name, f"invalid JSON: {err.msg} (column {err.colno})", line or err.lineno)
    except RecursionError:
        return Problem(name, "invalid JSON: nested too deeply", line)
    except ValueError as err:  # e.g. an integer of more than 4,300 digits
        return Problem(name, f"invalid JSON: {err}", line)


def parse_csv(name: str, text: str, config: Config) -> Iterator[Located | Problem]:
    """Rows with a header line; the text column must exist (its name comes from config)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = reader.fieldnames or []
    if config.text_field not in columns:
        has = ", ".join(columns) if columns else "none"
        message = f"no {config.text_field!r} column (QA_TEXT_FIELD); the columns are: {has}"
        yield Problem(name, message, 1)
        return
    start, rows = reader.line_num + 1, 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:  # one bad row: report it; the reader goes on past it
            yield Problem(name, f"invalid CSV: {err}", start)
            start = reader.line_num + 1
            continue
        rows += 1
        yield _located(_record_article(row, config, name, start), start)
        start = reader.line_num + 1
    if not rows:
        yield Problem(name, "no rows after the header line", 1)


def _record_article(
    record: Any, config: Config, name: str, line: int | None, label: str = ""
) -> Article | Problem:
    """One JSON/JSONL/CSV record as an Article; the record's id is kept exactly as given."""
    if not isinstance(record, dict):
        return Problem(name, f"{label}expected an object, got {type(record).__name__}", line)
    broken = _unencodable(record)
    if broken:
        return Problem(
            name, f"{label}field {broken!r} is not valid Unicode (a lone surrogate)", line
        )
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


def _unencodable(record: dict[str, Any]) -> str | None:
    """The first field whose text cannot be stored as UTF-8 ("\\ud800" in JSON decodes to a
    lone surrogate), or None."""
    for key, value in record.items():
        texts = value if isinstance(value, list) else [value]
        for text in (key, *texts):
            if isinstance(text, str):
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    return str(key).encode("utf-8", "backslashreplace").decode("utf-8")
    return None


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
