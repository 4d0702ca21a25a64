"""Convert the FreeDict English-Indonesian dictd files into the compact TSV the translator reads.

Why: questions arrive in English but the articles are Indonesian, so English query words are
translated with a bilingual dictionary before searching. FreeDict's eng-ind dictionary (WikDict
data from Wiktionary, CC BY-SA 3.0) is the one free, offline English->Indonesian word list that
Debian packages (``apt install dict-freedict-eng-ind``). Its dictd form is made for display:
a headword line with pronunciations and a part of speech, lines of comma-separated translations
and English glosses, numbered senses. Parsing that at query time would be slow and fragile, so
this script runs once and writes one tab-separated line per English headword::

    english <TAB> pos <TAB> translation|translation|...

sorted by headword, with ``#`` header lines that give the source, edition, licence and the
command that produced the file. Standard library only, so it runs without the project's
dependencies::

    python -m qa.translation.convert --dictd /usr/share/dictd/freedict-eng-ind \\
        --out qa/data/dictionary/eng-ind.tsv
"""

from __future__ import annotations

import argparse
import gzip
import re
import shlex
import sys
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DICTD = "/usr/share/dictd/freedict-eng-ind"
DEFAULT_OUT = "qa/data/dictionary/eng-ind.tsv"
LICENCE = "CC BY-SA 3.0 (https://creativecommons.org/licenses/by-sa/3.0/)"
MAX_HEADWORD_WORDS = 4  # longer headwords are proverbs and set phrases, useless for queries

# dictd's base64 digits (offsets and lengths in the .index file), most significant first.
B64_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
B64_VALUE = {c: i for i, c in enumerate(B64_DIGITS)}

# FreeDict part-of-speech tags, shortened. Affixes are dropped: their headwords are written
# without the hyphen ("er", "ism", "ation") and would shadow real words.
POS_SHORT = {
    "n": "n",
    "v": "v",
    "adj": "adj",
    "adv": "adv",
    "pn": "pn",
    "numeral": "num",
    "preposition": "prep",
    "conjunction": "conj",
    "pronoun": "pron",
    "determiner": "det",
    "interjection": "intj",
    "article": "art",
    "particle": "part",
    "symbol": "sym",
    "phraseologicalUnit": "phrase",
    "proverb": "proverb",
}
SKIPPED_POS = {"prefix", "suffix", "infix", "affix"}

# "headword /pron/ /pron/ <pos>": pronunciations and the part of speech are optional.
HEADWORD_LINE = re.compile(r"(?P<head>.*?)(?: /.*?/)*(?: <(?P<pos>\w+)>)?")
SENSE_LINE = re.compile(r"(?P<num>\d+)\. (?P<text>.*)")  # "2. hukum, undang-undang"
SENSE_MARKER = re.compile(r"\s*\d+\.\s*")  # " 3." alone: a sub-sense with a gloss only
TRAILING_MARKER = re.compile(r"\s+\d+\.$")  # "kepala 2.": next sub-sense number
WIKI_LINK = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]")  # [[target|shown]] -> shown
PARENTHESES = re.compile(r"\([^)]*\)")  # optional parts: "(orang) brengsek"
INDONESIAN = re.compile(r"[a-z0-9](?:[a-z0-9 '.-]*[a-z0-9])?")


class ConvertError(Exception):
    """The dictd input is missing or not in the expected shape."""


@dataclass
class Entry:
    """One English headword with its parts of speech and Indonesian translations."""

    english: str
    pos: list[str] = field(default_factory=list)
    translations: list[str] = field(default_factory=list)

    def add(self, pos: str, translations: Iterable[str]) -> None:
        if pos and pos not in self.pos:
            self.pos.append(pos)
        for word in translations:
            if word not in self.translations:
                self.translations.append(word)


def decode_b64(text: str, where: str) -> int:
    """Decode a dictd base64 number (offset or length)."""
    value = 0
    for char in text:
        if char not in B64_VALUE:
            raise ConvertError(f"{where}: bad base64 number {text!r}")
        value = value * 64 + B64_VALUE[char]
    return value


def read_index(path: Path) -> list[tuple[str, int, int]]:
    """Read (headword, offset, length) rows from a dictd .index file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ConvertError(f"{path}: index file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConvertError(f"{path}: cannot read index: {exc}") from None
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        where = f"{path}:{number}"
        if len(parts) != 3:
            raise ConvertError(f"{where}: expected 3 tab-separated fields, got {len(parts)}")
        rows.append((parts[0], decode_b64(parts[1], where), decode_b64(parts[2], where)))
    if not rows:
        raise ConvertError(f"{path}: index file is empty")
    return rows


def read_dict(base: Path) -> tuple[Path, bytes]:
    """Read the dictionary body: BASE.dict.dz (dictzip is gzip) or an uncompressed BASE.dict."""
    packed, plain = Path(f"{base}.dict.dz"), Path(f"{base}.dict")
    path = packed if packed.exists() or not plain.exists() else plain
    try:
        if path is packed:
            with gzip.open(path) as stream:
                return path, stream.read()
        return path, path.read_bytes()
    except FileNotFoundError:
        raise ConvertError(f"{packed}: dictionary file not found (nor {plain})") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise ConvertError(f"{path}: cannot read dictionary: {exc}") from None


def entry_text(data: bytes, offset: int, length: int, where: str) -> str:
    """Slice one entry out of the dictionary body."""
    if offset + length > len(data):
        raise ConvertError(f"{where}: entry at {offset}+{length} runs past the end ({len(data)})")
    try:
        return data[offset : offset + length].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConvertError(f"{where}: entry is not UTF-8: {exc}") from None


def parse_headword_line(line: str) -> tuple[str, str]:
    """Split 'mayor //ˈmeɪ.ə// <n>' into ('mayor', 'n')."""
    match = HEADWORD_LINE.fullmatch(line.strip())
    if match is None:  # cannot happen: every part of the pattern is optional
        return line.strip(), ""
    return match["head"], match["pos"] or ""


def translation_lines(body: list[str]) -> Iterator[str]:
    """Yield the lines of an entry body that hold translations, glosses skipped.

    Without numbered senses the first line holds the translations and the rest is gloss.
    With them, each "N. ..." line at the start of a line holds one sense's translations;
    bare " N." markers and the lines after them are glosses of sub-senses.
    """
    if not body:
        return
    if SENSE_LINE.fullmatch(body[0]) is None:
        yield TRAILING_MARKER.sub("", body[0])
        return
    for line in body:
        match = SENSE_LINE.fullmatch(line)
        if match is not None:
            yield TRAILING_MARKER.sub("", match["text"])


def fold_accents(text: str) -> str:
    """Drop diacritics: 'ginséng' -> 'ginseng'. Indonesian news text is plain ASCII."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def clean_translation(raw: str) -> str:
    """Normalise one translation, or return '' when it is not a usable Indonesian word."""
    text = WIKI_LINK.sub(r"\1", raw)
    if "..." in text or "/" in text:  # templates ("saya perlu ...") and "a / b" notes
        return ""
    text = PARENTHESES.sub(" ", text)
    text = fold_accents(text).lower().rstrip("?!.").strip()
    text = " ".join(text.split())
    if text.startswith("-") or text.endswith("-"):  # affixes: "-mu", "ke-", "swa-"
        return ""
    return text if INDONESIAN.fullmatch(text) else ""


def split_translations(line: str) -> list[str]:
    """'Wali kota, walikota' -> ['wali kota', 'walikota'], dropping unusable ones."""
    cleaned = (clean_translation(part) for part in line.split(","))
    return [word for word in cleaned if word]


def normalise_headword(head: str) -> str:
    return " ".join(head.lower().split())


def keep_headword(english: str, pos: str) -> bool:
    if not english or pos in SKIPPED_POS or "..." in english:
        return False
    return len(english.split()) <= MAX_HEADWORD_WORDS


def parse_entry(text: str) -> tuple[str, str, list[str]]:
    """Parse one dictd entry into (english headword, short pos, translations)."""
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return "", "", []
    head, pos = parse_headword_line(lines[0])
    translations: list[str] = []
    for line in translation_lines(lines[1:]):
        translations.extend(split_translations(line))
    english = normalise_headword(head)
    if not keep_headword(english, pos):
        return "", "", []
    return english, POS_SHORT.get(pos, pos.lower()), translations


def database_info(rows: list[tuple[str, int, int]], data: bytes, where: str) -> dict[str, str]:
    """Read the title and edition from the 00database* entries."""
    info = {}
    for headword, offset, length in rows:
        if headword == "00databaseshort":
            lines = entry_text(data, offset, length, where).strip().splitlines()
            info["title"] = lines[-1].strip() if lines else ""
        elif headword == "00databaseinfo":
            text = entry_text(data, offset, length, where)
            match = re.search(r"^\s*Edition:\s*(\S+)", text, re.MULTILINE)
            info["edition"] = match[1] if match else "unknown"
    return info


def collect_entries(rows: list[tuple[str, int, int]], data: bytes, where: str) -> list[Entry]:
    """Merge all dictionary entries into one Entry per headword, sorted by headword."""
    entries: dict[str, Entry] = {}
    for headword, offset, length in sorted(rows, key=lambda row: row[1]):
        if headword.startswith("00database"):
            continue
        english, pos, translations = parse_entry(entry_text(data, offset, length, where))
        if english and translations:
            entries.setdefault(english, Entry(english)).add(pos, translations)
    return [entries[key] for key in sorted(entries)]


def header_lines(info: dict[str, str], command: str, count: int) -> list[str]:
    title = info.get("title") or "FreeDict English-Indonesian dictionary"
    return [
        f"# {title} (freedict-eng-ind), converted for English->Indonesian query translation.",
        "# source: FreeDict, https://freedict.org; WikDict data from Wiktionary via DBnary.",
        f"# edition: {info.get('edition', 'unknown')}",
        f"# licence: {LICENCE}; this file is shared under the same licence.",
        f"# command: {command}",
        f"# {count} headwords. columns: english<TAB>pos<TAB>indonesian|indonesian|...",
        "# pos: n v adj adv pn num prep conj pron det intj phrase ..., comma-joined if several.",
    ]


def format_entry(entry: Entry) -> str:
    return "\t".join([entry.english, ",".join(entry.pos), "|".join(entry.translations)])


def convert(dictd: Path, out: Path, command: str) -> int:
    """Convert dictd files at base path DICTD into the TSV OUT; return the headword count."""
    rows = read_index(Path(f"{dictd}.index"))
    dict_path, data = read_dict(dictd)
    where = str(dict_path)
    info = database_info(rows, data, where)
    entries = collect_entries(rows, data, where)
    if not entries:
        raise ConvertError(f"{dict_path}: no entries with Indonesian translations found")
    lines = header_lines(info, command, len(entries)) + [format_entry(e) for e in entries]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(entries)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m qa.translation.convert",
        description="Convert FreeDict eng-ind dictd files into a compact TSV.",
    )
    parser.add_argument(
        "--dictd",
        default=DEFAULT_DICTD,
        help="dictd base path, without .index/.dict.dz (default: %(default)s, "
        "where `apt install dict-freedict-eng-ind` puts it)",
    )
    parser.add_argument("--out", default=DEFAULT_OUT, help="TSV to write (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    command = shlex.join(["python", "-m", "qa.translation.convert", *argv])
    try:
        count = convert(Path(args.dictd), Path(args.out), command)
    except ConvertError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {count} headwords to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
