"""The layout of a news article: the header before the dateline, and the dateline itself.

Saved news pages open with a header (title, tags, photo caption) and then the body's
dateline, "Bandarlampung (ANTARA) - ...". Finding the dateline tells where the header ends
and gives the article's place, source and (from the header) date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.articles.cleaning import MAX_TITLE_CHARS
from qa.articles.dates import iso_date, valid_date
from qa.calendar import WEEKDAYS

NEWS_HEADER_MAX_PARAS = 6  # title, tag line, repeated title, caption, ... then the dateline
NEWS_HEADER_MAX_CHARS = 500  # header paragraphs are short; a long one means "not a header"

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
# A dateline source that is a weekday names the day ("Washington, Rabu - "), not a newsroom.
# WEEKDAY_VARIANTS are not included: "jum'at" cannot match a source pattern (no apostrophe),
# and "Ahad" is kept as a source.
_WEEKDAYS = frozenset(WEEKDAYS)
_CAPTION_DATE = re.compile(r"\((\d{1,2})/(\d{1,2})/(\d{4})\)")
_CREDIT = re.compile(r"\(([A-Z][A-Za-z ]{1,30})/[^)]+\)")  # "(ANTARA/Dian Hadiyatna)"


@dataclass
class News:
    """What the news-layout parser found in an article's paragraphs."""

    title: str | None
    paragraphs: list[str]
    date: str | None = None
    place: str | None = None
    source: str | None = None
    dateline: bool = False  # the body opens with a dateline, so it is news


def dateline(paragraph: str) -> tuple[str | None, str | None] | None:
    """(place, source) when the paragraph opens with a news dateline, else None."""
    for pattern in _DATELINES:
        match = pattern.match(paragraph)
        if match:
            groups = match.groupdict()
            place, source = groups.get("place"), groups["source"].strip()
            if place and place.isupper():
                place = place.title()
            return place, None if source.casefold() in _WEEKDAYS else source
    return None


def parse_news(paragraphs: list[str], title: str | None) -> News:
    """Split a news layout into header (title, tags, caption) and body at the dateline.

    ANTARA pages saved as text read: title, "id tag,tag", title again, photo
    caption "... (5/12/2019) (ANTARA/Name)", then "Place (ANTARA) - body". The
    header is dropped from the text; the body keeps its dateline.
    """
    for index, paragraph in enumerate(paragraphs[: NEWS_HEADER_MAX_PARAS + 1]):
        found = dateline(paragraph)
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
        return News(
            title=title,
            paragraphs=paragraphs[index:],
            date=_header_date(joined),
            place=place,
            source=source or (credit.group(1) if credit else None),
            dateline=True,
        )
    return News(title=title, paragraphs=paragraphs)


def _header_date(header: str) -> str | None:
    """The date in a news header: a caption's "(5/12/2019)" or a written "5 Desember 2019"."""
    match = _CAPTION_DATE.search(header)
    if match:
        return valid_date(match.group(3), match.group(2), match.group(1))
    for line in header.split("\n"):
        found = iso_date(line)
        if found:
            return found
    return None
