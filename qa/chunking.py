"""Chunking: split an article into token-budgeted, sentence-aligned chunks.

Chunks are what gets embedded and cited, so each one is a verbatim slice of
the article (`text == article.text[start:end]`) made of whole sentences where
possible. Sentences are packed greedily up to `Config.chunk_tokens` cl100k
tokens, and neighbouring chunks repeat a few trailing sentences (at most
`Config.chunk_overlap` tokens) so an answer that straddles a boundary is still
found. A sentence longer than the budget is cut at word boundaries; nothing is
ever dropped or truncated.

The embedder has its own tokenizer and length limit, which cl100k counts only
approximate, so it passes a `fits` check; a chunk that fails it is re-split
into smaller pieces, and an article whose single word fails it is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import tiktoken

from qa.articles import Article
from qa.config import Config


@dataclass
class Chunk:
    id: str  # f"{article_id}#{ordinal}"
    article_id: str
    ordinal: int
    text: str  # exactly article.text[start:end]
    start: int
    end: int
    title: str
    date: str | None = None
    source: str | None = None
    url: str | None = None


# Words (lowercased, without the final period) after which a period does not
# end a sentence in Indonesian news: titles, ranks, places, units, Latin-ish
# shorthands. Dotted forms like "S.H." and single initials ("M. Yamin") are
# recognised by shape as well, see `_is_abbreviation`.
ABBREVIATIONS = frozenset(
    {
        # Places and addresses.
        "kab", "kec", "kel", "ds", "jl", "jln", "gg", "no", "prov",
        "pemkot", "pemkab", "pemprov", "st",
        # Forms of address and academic or religious titles.
        "dr", "drg", "drs", "dra", "h", "hj", "ir", "prof", "sdr", "sdri",
        "bpk", "bp", "yth", "s.h", "m.h", "m.si", "s.e", "s.sos", "s.pd",
        "s.kom", "s.ag", "s.ip", "m.m", "m.pd", "mr", "mrs",
        # Military and police ranks and units.
        "jend", "brigjen", "mayjen", "letjen", "kol", "letkol", "kapt", "kombes",
        "kompol", "akbp", "akp", "iptu", "ipda", "aiptu", "aipda", "bripka",
        "pol", "purn",
        # Companies, money, references and other shorthands.
        "tbk", "rp", "dll", "dsb", "dst", "dkk", "a.n", "u.p", "d.a", "s.d",
        "tgl", "hlm", "vs",
    }
)  # fmt: skip

# A blank line (possibly holding spaces) separates paragraphs.
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
# Terminal punctuation, with any closing quotes/brackets that belong to the
# sentence, followed by whitespace. Decimals, times, dates, URLs and e-mails
# carry no whitespace after their inner periods, so they never match.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_NON_SPACE = re.compile(r"\S")
_WORD = re.compile(r"\S+")
# Characters that may open a sentence besides capitals and digits.
_OPENERS = frozenset("\"'“‘«([")
# Dotted abbreviations (final period removed): single letters (S.H, a.n, u.p)
# or capitalised syllables (M.Si, S.Kom); "E.coli" or "detik.com" are words.
_DOTTED = re.compile(
    r"[A-Za-z]\.(?:[A-Za-z]\.)*[A-Za-z]|[A-Z]\.(?:[A-Z][a-z]{0,3}\.)*[A-Z][a-z]{0,3}"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences in text (covering all non-space text, in order).

    Spans are stripped of surrounding whitespace so they can be sliced straight
    out of the article for citations.
    """
    spans: list[tuple[int, int]] = []
    for para_start, para_end in _paragraphs(text):
        start = para_start
        for cut in _sentence_cuts(text, para_start, para_end):
            _add_stripped(spans, text, start, cut)
            start = cut
        _add_stripped(spans, text, start, para_end)
    return spans


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Spans between blank lines: a paragraph break always ends a sentence."""
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _sentence_cuts(text: str, start: int, end: int) -> Iterator[int]:
    """Offsets inside text[start:end] right after a sentence's last character."""
    for match in _SENTENCE_END.finditer(text, start, end):
        following = _NON_SPACE.search(text, match.end(), end)
        if following is None or not _starts_sentence(text[following.start()]):
            continue
        if not _is_abbreviation(text, start, match):
            yield match.end()


def _starts_sentence(char: str) -> bool:
    """Whether char can begin a sentence; a lowercase word means the period was not final."""
    return char.isupper() or char.isdigit() or char in _OPENERS


def _is_abbreviation(text: str, floor: int, match: re.Match[str]) -> bool:
    """Whether the lone period of match closes an abbreviation rather than a sentence."""
    if match.group() != ".":
        return False
    word_start = match.start()
    while word_start > floor and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start : match.start()].lstrip("\"'“‘«([")
    if not word:
        return False
    if word.lower() in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isupper():  # an initial, as in "M. Yamin"
        return True
    return _DOTTED.fullmatch(word) is not None


def _add_stripped(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    """Append text[start:end] without its surrounding whitespace, unless nothing is left."""
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))


@dataclass(frozen=True)
class _Unit:
    """Smallest slice the packer places: a sentence, or a word of an oversized one."""

    start: int
    end: int
    tokens: int  # cl100k tokens of the slice on its own, counted once
    sentence: bool  # only whole sentences are repeated as overlap


def _always(_text: str) -> bool:
    return True


class Chunker:
    """Splits articles into chunks within the token budget and the embedder's limit."""

    def __init__(self, config: Config, fits: Callable[[str], bool] | None = None):
        self.config = config
        self._budget = config.chunk_tokens
        self._overlap = config.chunk_overlap
        self._encoding = tiktoken.get_encoding(config.encoding)
        self._fits = fits if fits is not None else _always

    def count_tokens(self, text: str) -> int:
        """cl100k tokens of text; special-token strings count as ordinary text."""
        return len(self._encoding.encode_ordinary(text))

    def split(self, article: Article) -> list[Chunk]:
        """The article's chunks in order; [] for an empty article."""
        spans = self._pack(article, self._units(article.text))
        return [_make_chunk(article, n, start, end) for n, (start, end) in enumerate(spans)]

    # Units -----------------------------------------------------------------

    def _units(self, text: str) -> list[_Unit]:
        """Sentences counted once; a sentence over budget falls apart into its words."""
        units: list[_Unit] = []
        for start, end in split_sentences(text):
            tokens = self.count_tokens(text[start:end])
            if tokens <= self._budget:
                units.append(_Unit(start, end, tokens, sentence=True))
            else:
                units.extend(self._word_units(text, start, end))
        return units

    def _word_units(self, text: str, start: int, end: int) -> list[_Unit]:
        """Words of text[start:end]; a word over budget is cut into in-budget pieces."""
        units: list[_Unit] = []
        for match in _WORD.finditer(text, start, end):
            tokens = self.count_tokens(match.group())
            if tokens <= self._budget:
                units.append(_Unit(match.start(), match.end(), tokens, sentence=False))
            else:
                units.extend(self._char_units(text, match.start(), match.end()))
        return units

    def _char_units(self, text: str, start: int, end: int) -> Iterator[_Unit]:
        """Longest in-budget character runs of one huge word (a pasted blob, say)."""
        while start < end:
            low, high = start + 1, end
            while low < high:
                middle = (low + high + 1) // 2
                if self.count_tokens(text[start:middle]) <= self._budget:
                    low = middle
                else:
                    high = middle - 1
            yield _Unit(start, low, self.count_tokens(text[start:low]), sentence=False)
            start = low

    # Packing ---------------------------------------------------------------

    def _pack(self, article: Article, units: list[_Unit]) -> list[tuple[int, int]]:
        """Greedy packing of units into chunk spans, each new chunk adding new units."""
        spans: list[tuple[int, int]] = []
        fresh = 0  # first unit no chunk holds yet
        previous: int | None = None  # first unit of the previous chunk
        while fresh < len(units):
            first = self._overlap_start(article.text, units, previous, fresh)
            stop = self._greedy_stop(units, first, fresh)
            placed = self._fit(article.text, units, first, fresh, stop)
            if placed is None:
                units[fresh : fresh + 1] = self._smaller(article, units[fresh])
                continue
            first, stop = placed
            spans.append((units[first].start, units[stop - 1].end))
            previous, fresh = first, stop
        return spans

    def _overlap_start(
        self, text: str, units: list[_Unit], previous: int | None, fresh: int
    ) -> int:
        """First unit of the next chunk: trailing whole sentences of the previous one."""
        if previous is None:
            return fresh
        room = min(self._overlap, self._budget - units[fresh].tokens)
        first, total = fresh, 0
        # `first - 1 > previous` keeps the overlap short of the whole previous chunk.
        while first - 1 > previous and units[first - 1].sentence:
            if total + units[first - 1].tokens > room:
                break
            first -= 1
            total += units[first].tokens
        # Joined sentences can count a token more than their parts; check exactly.
        while first < fresh and self._tokens(text, units, first, fresh) > self._overlap:
            first += 1
        return first

    def _greedy_stop(self, units: list[_Unit], first: int, fresh: int) -> int:
        """End (exclusive) of the longest run from first whose counted tokens fit the budget."""
        total = sum(unit.tokens for unit in units[first:fresh]) + units[fresh].tokens
        stop = fresh + 1
        while stop < len(units) and total + units[stop].tokens <= self._budget:
            total += units[stop].tokens
            stop += 1
        return stop

    def _fit(
        self, text: str, units: list[_Unit], first: int, fresh: int, stop: int
    ) -> tuple[int, int] | None:
        """Largest accepted chunk, dropping trailing units, then overlap.

        None when units[fresh] alone is rejected and must be split further.
        """
        if self._accepts(text, units, first, stop):
            return first, stop
        for start in range(first, fresh + 1):
            if self._accepts(text, units, start, fresh + 1):
                return start, self._longest(text, units, start, fresh + 1, stop)
        return None

    def _longest(self, text: str, units: list[_Unit], first: int, low: int, high: int) -> int:
        """Binary search for the largest accepted stop in [low, high]; low is accepted."""
        while low < high:
            middle = (low + high + 1) // 2
            if self._accepts(text, units, first, middle):
                low = middle
            else:
                high = middle - 1
        return low

    def _accepts(self, text: str, units: list[_Unit], first: int, stop: int) -> bool:
        """Exact check of a candidate chunk: within budget and accepted by the embedder."""
        if self._tokens(text, units, first, stop) > self._budget:
            return False
        return self._fits(text[units[first].start : units[stop - 1].end])

    def _tokens(self, text: str, units: list[_Unit], first: int, stop: int) -> int:
        return self.count_tokens(text[units[first].start : units[stop - 1].end])

    def _smaller(self, article: Article, unit: _Unit) -> list[_Unit]:
        """Words of a unit the embedder rejects; a rejected single word is an error."""
        pieces = self._word_units(article.text, unit.start, unit.end)
        if len(pieces) <= 1:
            snippet = article.text[unit.start : unit.end][:60]
            raise ValueError(
                f"article {article.id!r}: {snippet!r} does not fit the embedder's "
                "input limit even on its own"
            )
        return pieces


def _make_chunk(article: Article, ordinal: int, start: int, end: int) -> Chunk:
    return Chunk(
        id=f"{article.id}#{ordinal}",
        article_id=article.id,
        ordinal=ordinal,
        text=article.text[start:end],
        start=start,
        end=end,
        title=article.title,
        date=article.date,
        source=article.source,
        url=article.url,
    )
