"""Text clean-up shared by every format: the canonical paragraphs of an article, and its title.

The cleaned text is the string chunk offsets index into, so every clean-up (NFC, tidy
whitespace, dropping "Baca juga:" cross-links and closing editor codes) happens here, once.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TITLE_CHARS = 200  # a longer first line is a paragraph, not a title
DERIVED_TITLE_CHARS = 100

# A cross-link to another story: "Baca juga: ...", "(Baca: Polres Depok Buru Pelaku ...)".
_BACA_JUGA = re.compile(r"^\s*[(\[]?\s*baca(\s+juga)?\s*:", re.IGNORECASE)
# A closing paragraph that is only an editor's code: "(T.A067/R010)", "(utw/utw)", "[bim]",
# "(M054)", optionally followed by a timestamp "01-11-2016 18:35:47".
_EDITOR_CODE = re.compile(
    r"^[(\[](?:Uu?\.\s*|T\.\s*)?[A-Za-z0-9 .&-]{0,12}(?:/[A-Za-z0-9 .&-]{1,12}){0,4}[)\]]"
    r"(?:\s+\d{2}-\d{2}-\d{4}\s+\d{2}:\d{2}(?::\d{2})?)?$"
)
_SPACES = re.compile(r"[^\S\n]+")  # runs of whitespace other than newlines
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_BLANK_LINES = re.compile(r"\n\s*\n")


def clean_text(text: str) -> str:
    """The canonical article text: NFC, tidy spaces, no cross-links, "\n\n" between paragraphs.

    Text without any blank line is taken to have one paragraph per line, which is
    how scraped news and trafilatura output arrive.
    """
    return "\n\n".join(split_paragraphs(text))


def split_paragraphs(text: str) -> list[str]:
    """Cleaned, non-empty paragraphs of text (see `clean_text`)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    lines = _drop_cross_links(lines)
    joined = "\n".join(lines)
    blocks = _BLANK_LINES.split(joined) if _BLANK_LINES.search(joined) else joined.split("\n")
    found = [block.strip() for block in blocks if block.strip()]
    while found and _EDITOR_CODE.match(found[-1]):
        found.pop()  # "(Uu. SYS/G003/M016)": newsroom codes, not article text
    return found


def _drop_cross_links(lines: list[str]) -> list[str]:
    """Remove "Baca juga: ..." and "(Baca: ...)" lines; a bare "Baca juga:" also takes its
    link list with it."""
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


def clean_title(title: str) -> str:
    """A one-line NFC title with tidy spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", title)).strip()


def derive_title(text: str) -> str:
    """A title for an article that has none: its opening words, cut at a word boundary."""
    first = text.split("\n", 1)[0]
    if len(first) <= DERIVED_TITLE_CHARS:
        return first
    cut = first[:DERIVED_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut + " …"


def drop_repeated_title(paragraphs: list[str], title: str | None) -> list[str]:
    """Drop a first paragraph that only repeats the title (common in saved web pages)."""
    if title and len(paragraphs) > 1 and paragraphs[0].casefold() == title.casefold():
        return paragraphs[1:]
    return paragraphs
