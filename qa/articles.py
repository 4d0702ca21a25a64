"""Articles: read files of many formats into clean `Article` records.

`read_articles` takes files and folders and yields an `Article` for every
article it can read and a `Problem` for everything it cannot, so one bad file
or line never stops a batch. Supported: .txt/.md (news-aware plain text),
.html/.htm (main text via trafilatura), .json (object or list), .jsonl and
.csv (records whose field names come from `Config`).

The cleaned `Article.text` is the string chunk offsets index into, so every
clean-up (dropping "Baca juga:" cross-links, whitespace, NFC) happens here.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.config import Config


@dataclass
class Article:
    id: str
    title: str
    text: str  # cleaned body; chunk offsets index into this string
    date: str | None = None  # ISO date, YYYY-MM-DD
    source: str | None = None
    url: str | None = None
    place: str | None = None  # dateline place, e.g. "Bandarlampung"
    path: str | None = None  # file the article was read from

    def content_hash(self) -> str:
        """Hash of everything that ends up in the index; unchanged hash = no-op re-ingest."""
        parts = [self.title, self.text, self.date, self.source, self.url, self.place]
        joined = "\x1f".join(p or "" for p in parts)
        return hashlib.sha256(joined.encode("utf-8")).hexdigest()


@dataclass
class Problem:
    """A file (or one line of it) that could not be read; the rest of the batch goes on."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


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

MAX_TITLE_CHARS = 200  # a longer first line is a paragraph, not a title
DERIVED_TITLE_CHARS = 100
NEWS_HEADER_MAX_PARAS = 6  # title, tag line, repeated title, caption, ... then the dateline
NEWS_HEADER_MAX_CHARS = 500  # header paragraphs are short; a long one means "not a header"

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "february", "feb", "pebruari"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "agt", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nopember", "nov", "nop"),
            ("desember", "december", "des", "dec"),
        ],
        start=1,
    )
    for name in names
}

_WEEKDAYS = {"senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu"}

_BACA_JUGA = re.compile(r"^\s*[(\[]?\s*baca\s+juga\s*:", re.IGNORECASE)
# A closing paragraph that is only an editor's code: "(T.A067/R010)", "(utw/utw)", "[bim]",
# "(M054)", optionally followed by a timestamp "01-11-2016 18:35:47".
_EDITOR_CODE = re.compile(
    r"^[(\[](?:Uu?\.\s*|T\.\s*)?[A-Za-z0-9 .&-]{0,12}(?:/[A-Za-z0-9 .&-]{1,12}){0,4}[)\]]"
    r"(?:\s+\d{2}-\d{2}-\d{4}\s+\d{2}:\d{2}(?::\d{2})?)?$"
)
_SPACES = re.compile(r"[^\S\n]+")  # runs of whitespace other than newlines
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_BLANK_LINES = re.compile(r"\n\s*\n")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_MD_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")

_PLACE = r"[A-Z][\w.'’/-]*(?:\s+[A-Z][\w.'’/-]*){0,3}"
_PLACES = rf"{_PLACE}(?:,\s*{_PLACE})*"  # "Sukabumi, Jawa Barat"
_DASH = r"\s*[-–—]{1,2}\s*"
_DATELINES = [
    # "Bandarlampung (ANTARA) - ", "Garut, Jawa Barat (ANTARA News) - ", "JAKARTA (Pos Kota) – "
    re.compile(
        rf"^(?P<place>{_PLACES}),?\s*(?:\d{{1,2}}/\d{{1,2}}\s*)?"
        rf"\((?P<source>[A-Za-z][\w .&]{{1,30}}?)\){_DASH}(?=\S)"
    ),
    # "Jakarta, Kompas - ", "JAKARTA, KOMPAS.com - ", "Jakarta, CNN Indonesia -- "
    re.compile(
        rf"^(?P<place>{_PLACE}),\s*(?P<source>[A-Z][\w.]*(?:\s+[A-Z][\w.]*){{0,2}}){_DASH}(?=\S)"
    ),
    # "KOMPAS.com - ", "Merdeka.com - "
    re.compile(rf"^(?P<source>[A-Za-z][\w-]*\.(?:com|co\.id|id|net)){_DASH}(?=\S)"),
]
_CAPTION_DATE = re.compile(r"\((\d{1,2})/(\d{1,2})/(\d{4})\)")
_CREDIT = re.compile(r"\(([A-Z][A-Za-z ]{1,30})/[^)]+\)")  # "(ANTARA/Dian Hadiyatna)"


@dataclass
class _News:
    """What the news-layout parser found in a plain-text article."""

    title: str | None
    paragraphs: list[str]
    date: str | None = None
    place: str | None = None
    source: str | None = None
    dateline: bool = False  # the body opens with a dateline, so it is news


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


# ---------------------------------------------------------------- finding files


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


# ---------------------------------------------------------------- reading files


# An article with the 1-based line of its record (None for whole-file formats).
_Located = tuple[Article, int | None]


def _read_file(path: Path, config: Config) -> Iterator[_Located | Problem]:
    """Size-check, read and decode one file, then hand it to its format's parser."""
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
        yield _whole(_parse_plain(name, text, markdown=kind == "markdown"))
    elif kind == "html":
        yield _whole(_parse_html(name, text))
    elif kind == "json":
        yield from _parse_json(name, text, config)
    elif kind == "jsonl":
        yield from _parse_jsonl(name, text, config)
    else:
        yield from _parse_csv(name, text, config)


def _whole(result: Article | Problem) -> _Located | Problem:
    """A whole-file article has no line number."""
    return result if isinstance(result, Problem) else (result, None)


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


# ---------------------------------------------------------------- cleaning


def clean_text(text: str) -> str:
    """The canonical article text: NFC, tidy spaces, no cross-links, "\n\n" between paragraphs.

    Text without any blank line is taken to have one paragraph per line, which is
    how scraped news and trafilatura output arrive.
    """
    return "\n\n".join(_paragraphs(text))


def _paragraphs(text: str) -> list[str]:
    """Cleaned, non-empty paragraphs of text (see `clean_text`)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    lines = _drop_cross_links(lines)
    joined = "\n".join(lines)
    blocks = _BLANK_LINES.split(joined) if _BLANK_LINES.search(joined) else joined.split("\n")
    paragraphs = [block.strip() for block in blocks if block.strip()]
    while paragraphs and _EDITOR_CODE.match(paragraphs[-1]):
        paragraphs.pop()  # "(Uu. SYS/G003/M016)": newsroom codes, not article text
    return paragraphs


def _drop_cross_links(lines: list[str]) -> list[str]:
    """Remove "Baca juga: ..." lines; a bare "Baca juga:" also takes its link list with it."""
    kept: list[str] = []
    in_list = False
    for line in lines:
        if _BACA_JUGA.match(line):
            in_list = _BACA_JUGA.sub("", line).strip(" )]") == ""
            continue
        if in_list and line:
            continue
        in_list = False
        kept.append(line)
    return kept


def _clean_title(title: str) -> str:
    """A one-line NFC title with tidy spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", title)).strip()


def _derive_title(text: str) -> str:
    """A title for an article that has none: its opening words, cut at a word boundary."""
    first = text.split("\n", 1)[0]
    if len(first) <= DERIVED_TITLE_CHARS:
        return first
    cut = first[:DERIVED_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut + " …"


def _strip_markdown(text: str) -> str:
    """Keep the words of markdown links and images, drop their targets."""
    return _MD_LINK.sub(r"\1", _MD_IMAGE.sub(r"\1", text))


# ---------------------------------------------------------------- dates, ids, datelines


def iso_date(value: Any) -> str | None:
    """YYYY-MM-DD for ISO dates/datetimes, d/m/yyyy and "5 Desember 2019"; None if unparseable.

    An ISO datetime keeps its own calendar day (no time-zone conversion), which is
    the publication day the newsroom printed.
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    patterns = [
        (r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ])", (1, 2, 3)),
        (r"^(\d{4})/(\d{1,2})/(\d{1,2})$", (1, 2, 3)),
        (r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", (3, 2, 1)),
    ]
    for pattern, (y, m, d) in patterns:
        match = re.search(pattern, value)
        if match:
            return _valid_date(match.group(y), match.group(m), match.group(d))
    match = re.search(r"\b(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})\b", value)
    if match and match.group(2).lower() in _MONTHS:
        return _valid_date(match.group(3), _MONTHS[match.group(2).lower()], match.group(1))
    return None


def _valid_date(year: str | int, month: str | int, day: str | int) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _hash_id(prefix: str, value: str) -> str:
    return f"{prefix}-{hashlib.sha256(value.encode('utf-8')).hexdigest()[:16]}"


def _make_id(given: str | None, url: str | None, raw_text: str) -> str:
    """The record's own id unchanged; else one derived from the url; else from the raw text.

    Both fallbacks hash inputs, not file paths, so moving a file keeps its id.
    """
    if given:
        return given
    if url:
        return _hash_id("url", url.strip())
    return _hash_id("sha", raw_text)


def _dateline(paragraph: str) -> tuple[str | None, str | None] | None:
    """(place, source) when the paragraph opens with a news dateline, else None."""
    for pattern in _DATELINES:
        match = pattern.match(paragraph)
        if match:
            groups = match.groupdict()
            place, source = groups.get("place"), groups["source"].strip()
            if place and place.isupper():
                place = place.title()
            # "Washington, Rabu - ": a weekday dateline names the day, not a source.
            return place, None if source.casefold() in _WEEKDAYS else source
    return None


def _parse_news(paragraphs: list[str], title: str | None) -> _News:
    """Split a news layout into header (title, tags, caption) and body at the dateline.

    ANTARA pages saved as text read: title, "id tag,tag", title again, photo
    caption "... (5/12/2019) (ANTARA/Name)", then "Place (ANTARA) - body". The
    header is dropped from the text; the body keeps its dateline.
    """
    for index, paragraph in enumerate(paragraphs[: NEWS_HEADER_MAX_PARAS + 1]):
        found = _dateline(paragraph)
        if found is None:
            continue
        header = paragraphs[:index]
        if any(len(p) > NEWS_HEADER_MAX_CHARS for p in header):
            break
        place, source = found
        if title is None and header and len(header[0].split("\n")[0]) < MAX_TITLE_CHARS:
            title = header[0].split("\n")[0]
        joined = "\n".join(header)
        credit = _CREDIT.search(joined)
        return _News(
            title=title,
            paragraphs=paragraphs[index:],
            date=_header_date(joined),
            place=place,
            source=source or (credit.group(1) if credit else None),
            dateline=True,
        )
    return _News(title=title, paragraphs=paragraphs)


def _header_date(header: str) -> str | None:
    """The date in a news header: a caption's "(5/12/2019)" or a written "5 Desember 2019"."""
    match = _CAPTION_DATE.search(header)
    if match:
        return _valid_date(match.group(3), match.group(2), match.group(1))
    for line in header.split("\n"):
        found = iso_date(line)
        if found:
            return found
    return None


# ---------------------------------------------------------------- plain text and HTML


def _parse_plain(name: str, raw: str, markdown: bool) -> Article | Problem:
    """A .txt/.md file: news layout when it has a dateline, else first short line = title."""
    text = _strip_markdown(raw) if markdown else raw
    paragraphs = _paragraphs(text)
    title = None
    if markdown and paragraphs:
        heading = _MD_HEADING.match(paragraphs[0].split("\n")[0])
        if heading and paragraphs[0].startswith("# "):
            title = _clean_title(heading.group(1))
            paragraphs = _drop_first_line(paragraphs)
    news = _parse_news(paragraphs, title)
    title, paragraphs = news.title, news.paragraphs
    if title is None and not news.dateline:
        title, paragraphs = _split_title(paragraphs)
    paragraphs = _drop_repeated_title(paragraphs, title)
    body = "\n\n".join(paragraphs)
    if not body:
        return Problem(name, "no text")
    return Article(
        id=_make_id(None, None, raw),
        title=title or _derive_title(body),
        text=body,
        date=news.date,
        source=news.source,
        place=news.place,
        path=name,
    )


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


def _drop_repeated_title(paragraphs: list[str], title: str | None) -> list[str]:
    """Drop a first paragraph that only repeats the title (common in saved web pages)."""
    if title and len(paragraphs) > 1 and paragraphs[0].casefold() == title.casefold():
        return paragraphs[1:]
    return paragraphs


def _parse_html(name: str, raw: str) -> Article | Problem:
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
    title = _clean_title(meta.get("title") or "") or None
    news = _parse_news(_paragraphs(meta.get("text") or ""), title)
    paragraphs = _drop_repeated_title(news.paragraphs, news.title)
    body = "\n\n".join(paragraphs)
    if not body:
        return Problem(name, "no text (no main text found in the HTML)")
    url = meta.get("source") or None
    return Article(
        id=_make_id(None, url, raw),
        title=news.title or _derive_title(body),
        text=body,
        date=iso_date(meta.get("date")) or news.date,
        source=news.source or meta.get("source-hostname") or None,  # "ANTARA" beats a hostname
        url=url,
        place=news.place,
        path=name,
    )


# ---------------------------------------------------------------- records


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
    title = _clean_title(_field_text(record, config.title_field) or "")
    found = _dateline(text)
    place, dateline_source = found if found else (None, None)
    source = _field_text(record, config.source_field)
    article = Article(
        id=_make_id(_field_text(record, config.id_field), url, raw_text or ""),
        title=title or _derive_title(text),
        text=text,
        date=iso_date(_field_text(record, config.date_field)),
        source=source.strip() if source else dateline_source,
        url=url.strip() if url else None,
        place=place,
        path=name,
    )
    return article


def _located(result: Article | Problem, line: int) -> _Located | Problem:
    """Pair a record's article with its line so duplicates can be reported by line."""
    return result if isinstance(result, Problem) else (result, line)


def _parse_jsonl(name: str, text: str, config: Config) -> Iterator[_Located | Problem]:
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


def _parse_json(name: str, text: str, config: Config) -> Iterator[_Located | Problem]:
    """A single record object or a list of them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        yield Problem(name, f"invalid JSON: {err.msg} (column {err.colno})", err.lineno)
        return
    if isinstance(data, dict):
        yield _whole(_record_article(data, config, name, None))
    elif isinstance(data, list):
        for index, record in enumerate(data, start=1):
            yield _whole(_record_article(record, config, name, None, label=f"item {index}: "))
    else:
        yield Problem(name, f"expected an object or a list of objects, got {type(data).__name__}")


def _parse_csv(name: str, text: str, config: Config) -> Iterator[_Located | Problem]:
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
