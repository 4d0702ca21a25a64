"""Lexical analysis: text to the terms the BM25 index stores and queries.

Indonesian-aware: stemming (`mendaftarkan` -> `daftar`) with Snowball's
Indonesian stemmer by default (Sastrawi scores the same on FacQA but is about
15x slower, which showed in ingest time), Indonesian and English stopwords,
and legal references folded to one canonical term so that `UU 24/2011`,
`UU No. 24 Tahun 2011` and `Undang-Undang Nomor 24 Tahun 2011` (or the
English `Law No. 24 of 2011`) all match each other.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Sequence
from enum import Enum
from functools import lru_cache

from qa.calendar import MONTH_NAMES, WEEKDAYS

# Bump when the terms produced for the same text change: an index stores analyzed
# terms, and one built by another version must not be queried with this one.
ANALYZER_VERSION = 3

# Regulation kinds, longest spellings first; each maps to its canonical prefix.
_LEGAL_KINDS: list[tuple[str, str]] = [
    (r"peraturan\s+pemerintah\s+pengganti\s+undang[\s-]*undang|perppu|perpu", "perppu"),
    (r"undang[\s-]*undang|uu|law", "uu"),
    (r"peraturan\s+pemerintah|pp|government\s+regulation", "pp"),
    (r"peraturan\s+presiden|perpres|presidential\s+regulation", "perpres"),
    (r"keputusan\s+presiden|keppres|kepres|presidential\s+decree", "keppres"),
    (r"instruksi\s+presiden|inpres|presidential\s+instruction", "inpres"),
    (
        r"peraturan\s+menteri(?:\s+[a-z]+){0,3}?|permen[a-z]*|ministerial\s+regulation",
        "permen",
    ),
    (
        r"peraturan\s+daerah(?:\s+[a-z]+){0,2}?|perda|regional\s+regulation|local\s+regulation",
        "perda",
    ),
]
_KIND_RE = "|".join(f"(?P<k{i}>{pattern})" for i, (pattern, _) in enumerate(_LEGAL_KINDS))
_LEGAL_RE = re.compile(
    rf"\b(?:{_KIND_RE})"
    r"(?:\s*\((?:uu|pp|perpres|perppu|perda|permen[a-z]*)\))?"  # "Undang-Undang (UU)"
    r"\s*(?:no(?:mor|mer)?\.?|number|nr\.?|\#)?\s*"
    r"(?P<num>\d+[a-z]?)"
    r"\s*(?:/|tahun|th\.?|thn\.?|of(?:\s+the\s+year)?|year)\s*"
    r"(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# Shared patterns: a term's letters and digits; a capitalized word (names); a run of digits.
TOKEN = re.compile(r"[^\W_]+")
NAME = re.compile(r"\b[A-Z][\w-]*")
DIGITS = re.compile(r"\d+")
# A number joined to a word is part of a name, no count: "BI 7-Day Repo Rate", "Galaxy
# S8-Plus" (a decade, "1990-an", is a date).
NAMED_NUMBER = re.compile(r"\b\d+-(?!an\b)[A-Za-z]\w*")
# A word as a reader sees it: inner punctuation kept ("24/2011", "Jum'at", "1,5").
WORD = re.compile(r"\w(?:[\w'’/.,-]*\w)?")

# Compounds written as two words or as one ("ibu kota", "ibukota") whose first word alone is a
# stopword: one term, so that "capital" (ibu kota) matches no "kota" (city) and "luar negeri"
# (abroad) no "dalam negeri" (domestic).
_COMPOUNDS = re.compile(
    r"\b(?:ibu\s+kota|kerja\s+sama|orang\s+tua|(?:luar|dalam)\s+negeri)\b", re.IGNORECASE
)

# English function words; not "as", which in Indonesian news is AS, Amerika Serikat.
_ENGLISH_STOPWORDS = frozenset(
    """a about above after again against all am an and any are at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself
    just me more most my no nor not of off on once only or other our out over own same she
    should so some such than that the their them then there these they this those through to
    too under until up very was we were what when where which while who whom why will with
    would you your tell says said according""".split()
)


def canonical_legal(match: re.Match[str]) -> str:
    kind = next(canon for i, (_, canon) in enumerate(_LEGAL_KINDS) if match.group(f"k{i}"))
    return f" {kind}{match.group('num').lower()}th{match.group('year')} "


def legal_references(text: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical term) of every legal reference in `text`."""
    return [(m.start(), m.end(), canonical_legal(m).strip()) for m in _LEGAL_RE.finditer(text)]


def join_compounds(text: str) -> str:
    """Write every compound of `_COMPOUNDS` as one word ("ibu kota" -> "ibukota")."""
    return _COMPOUNDS.sub(lambda m: "".join(m.group().split()), text)


def fold_legal_references(text: str) -> str:
    """Replace every legal reference by its canonical term, e.g. `uu24th2011`."""
    return _LEGAL_RE.sub(canonical_legal, text)


@lru_cache(maxsize=1)
def _indonesian_stopwords() -> frozenset[str]:
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    return frozenset(StopWordRemoverFactory().get_stop_words())


_local = threading.local()  # PyStemmer objects must not be shared between threads


def _snowball(word: str) -> str:
    stemmer = getattr(_local, "snowball", None)
    if stemmer is None:
        import Stemmer

        stemmer = _local.snowball = Stemmer.Stemmer("indonesian")
    return stemmer.stemWord(word)


@lru_cache(maxsize=1)
def _sastrawi_stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


def _sastrawi(word: str) -> str:
    return _sastrawi_stemmer().stem(word)


STEMMERS: dict[str, Callable[[str], str] | None] = {
    "snowball": _snowball,
    "sastrawi": _sastrawi,
    "none": None,
}


@lru_cache(maxsize=200_000)
def stem(word: str, stemmer: str = "snowball") -> str:
    """Stem of one lower-case word; words with digits (and legal-reference terms) stay as is."""
    function = STEMMERS[stemmer]
    if function is None or any(ch.isdigit() for ch in word) or len(word) <= 3:
        return word
    return function(word) or word


def term_weights(terms: Sequence[str], total: int, freqs: dict[str, int]) -> dict[str, float]:
    """BM25-style idf per distinct term among `total` chunks. A term no chunk holds counts
    in full: a missing name, or an English word with no translation, means missing evidence."""
    return {
        t: math.log((total - freqs.get(t, 0) + 0.5) / (freqs.get(t, 0) + 0.5) + 1)
        for t in dict.fromkeys(terms)
    }


class Analyzer:
    def __init__(self, stemmer: str = "snowball", stopwords: bool = True):
        if stemmer not in STEMMERS:
            raise ValueError(f"stemmer must be one of {', '.join(STEMMERS)}, not {stemmer!r}")
        self.stemmer = stemmer
        self.stopwords = _indonesian_stopwords() | _ENGLISH_STOPWORDS if stopwords else frozenset()

    def terms(self, text: str) -> list[str]:
        """Index terms of a text, in order (duplicates kept: BM25 counts them)."""
        words = TOKEN.findall(join_compounds(fold_legal_references(text).lower()))
        return [stem(w, self.stemmer) for w in words if w not in self.stopwords]

    def word_stems(
        self, passage: str, terms: Sequence[str] | None = None
    ) -> tuple[list[str], list[str | None]]:
        """The passage's words, and each one's stem (None for a stopword).

        `terms`, the passage's stored index terms (`terms(passage)`), already are the stems
        of its words but stopwords, unless a legal reference was folded (which always makes
        fewer terms): then they are taken as they are, since stemming a word the first time
        is slow (Sastrawi: about a millisecond). Otherwise the same passages come back
        question after question, so the last few thousand are remembered."""
        if terms is not None:
            words = TOKEN.findall(passage)
            lowered = TOKEN.findall(passage.lower())
            if len(lowered) == len(words):
                kept = [w not in self.stopwords for w in lowered]
                if kept.count(True) == len(terms):
                    found = iter(terms)
                    return words, [next(found) if k else None for k in kept]
        return _word_stems(passage, self.stemmer, self.stopwords)


@lru_cache(maxsize=4096)
def _word_stems(
    passage: str, stemmer: str, stopwords: frozenset[str]
) -> tuple[list[str], list[str | None]]:
    tokens = list(TOKEN.finditer(passage))
    words = [t.group() for t in tokens]
    stems = [None if w.lower() in stopwords else stem(w.lower(), stemmer) for w in words]
    joined = {m.start(): join_compounds(m.group().lower()) for m in _COMPOUNDS.finditer(passage)}
    for i, token in enumerate(tokens[:-1]):  # a compound's term stands on its last word
        if token.start() in joined:
            stems[i], stems[i + 1] = None, stem(joined[token.start()], stemmer)
    return words, stems


class QuestionType(str, Enum):
    """What kind of answer a question asks for; passages that contain one rank higher."""

    WHEN = "when"
    HOW_MANY = "how_many"
    WHO = "who"
    WHERE = "where"
    OTHER = "other"


_QUESTION_CUES: list[tuple[QuestionType, re.Pattern[str]]] = [
    (
        QuestionType.WHEN,
        re.compile(
            r"\b(kapan|kapankah|(tanggal|tahun|bulan|hari|jam|pukul) (berapa|apa)(kah)?|when"
            r"|(what|which) (year|date|day|month|time))\b"
        ),
    ),
    (
        QuestionType.HOW_MANY,
        re.compile(
            r"\b(berapa|berapakah|how (many|much|long|far|high|old|big|large|tall)"
            r"|what( is|'s| was| are| were) the( \w+){0,3} (price|cost|fee|fare)s?"
            r"|what (does|do|did|will) .{1,60}\bcost|^(the )?(price|cost)s? of)\b"
        ),
    ),
    (QuestionType.WHO, re.compile(r"\b(siapa|siapakah|who|whom)\b")),
    (
        QuestionType.WHERE,
        re.compile(r"\b(di ?mana|di ?manakah|ke ?mana|dari ?mana(kah)?|manakah|where)\b"),
    ),
]
# A date word: an Indonesian month or weekday name, or a year.
_MONTHS = re.compile(
    rf"\b({'|'.join(MONTH_NAMES + WEEKDAYS)}|(19|20)\d\d)\b",
    re.IGNORECASE,
)
NUMBER = re.compile(r"\d[\d.,]*")


# A question about how something is done or went, or why ("How do I renew a passport?",
# "Bagaimana cara membuat rendang?", "Mengapa eksekusinya ditunda?", "Apa penyebab banjir
# ...?"): its answer is a clause or a passage, never a short span.
_EXPLANATION = re.compile(
    r"\b(bagaimana(kah)?|how (to|do|does|did|can|could|should|would|will|is|are|was|were))\b"
    r"|^\W*(cara|tips|langkah)\b"
    r"|\b(mengapa|kenapa|why)\b"
    r"|^\W*(apa(kah)?( saja)? (penyebab|sebab|alasan)"
    r"|what (caused|causes|(is|was|are|were) the (causes?|reasons?)))\b"
)


def asks_explanation(question: str) -> bool:
    return bool(_EXPLANATION.search(question.lower()))


# "What is BPJS Ketenagakerjaan?", "Apa itu JKN?": a question for what something is, answered
# by what the article says of it, not by a name or a number near it. Not "What is the capital
# of ...?" nor "What is Indonesia's growth rate?": those ask for one fact about something.
_DEFINITION = re.compile(
    r"^\W*(what is|what's|what are|apa itu|apakah itu|apa yang dimaksud( dengan)?)\s+"
    r"(?!(the|a|an)\b)(?P<subject>[^?'’]+?)\s*\?*\W*$"
)
_NOT_SUBJECT = re.compile(r"\b(of|in|for|on|about|from|by|dari|di|untuk)\b")


def asks_definition(question: str) -> bool:
    found = _DEFINITION.match(question.lower().strip())
    if not found:
        return False
    subject = found.group("subject")
    return len(subject.split()) <= 4 and not _NOT_SUBJECT.search(subject)


# A question about what something costs, or another sum of money ("Berapa harga tiket ...?",
# "Harga kopi berapa?", "How much does it cost?", "What is the fare ...?", "Berapa denda
# ...?", "How much is the fine ...?", "Berapa nilai transaksinya?"); not "Berapa persen
# kenaikan harga?" nor "Berapakah penurunan nilai ekspor?".
_PRICE_WORD = (
    r"(harga|biaya|tarif|ongkos|denda|gaji|upah|nilai|price|cost|fee|fare|fine|salary|wage"
    r"|value|worth)(s|nya)?"
)
_PRICE = re.compile(
    rf"\bberapa(kah)? {_PRICE_WORD}\b|\b{_PRICE_WORD}\b.*\bberapa(kah)?\W*$"
    r"|\bhow much\b.*\b(cost|costs|charge|charges)\b"
    rf"|\bhow much (is|are|was|were|will be) (the |a |an )?(\w+ ){{0,2}}{_PRICE_WORD}\b"
    rf"|\bwhat( is|'s| was| are| were) the( \w+){{0,3}} {_PRICE_WORD}\b|^\W*{_PRICE_WORD} of\b"
)


def asks_price(question: str) -> bool:
    return bool(_PRICE.search(question.lower().strip()))


# A question that counts people ("Berapa korban gempa?", "Berapa jumlah penduduk ...?", "How
# many people died ...?"): a measure ("2,8 Skala Richter", "10 km", "70 persen") never answers it.
_PEOPLE = (
    r"(korban|orang|warga|penduduk|pengunjung|peserta|siswa|murid|mahasiswa|pasien|jiwa"
    r"|tersangka|penumpang|pemudik|atlet|pemain|pekerja|karyawan|pegawai|buruh|tenaga kerja"
    r"|anggota|personel|personil|pengungsi|wisatawan|turis|penonton|pendukung|pemilih|tentara"
    r"|prajurit|polisi|petugas|relawan|people|persons|victims|visitors|residents|students"
    r"|participants|members|workers|employees|passengers|tourists|patients|soldiers|refugees"
    r"|voters|spectators)"
)
_HEAD_COUNT = re.compile(
    rf"\bberapa(kah)?\s+(banyak(nya)?\s+|jumlah\s+|total\s+)?{_PEOPLE}\b|\bhow many {_PEOPLE}\b"
)


def asks_head_count(question: str) -> bool:
    return bool(_HEAD_COUNT.search(question.lower()))


# A question for who holds an office ("Siapa Menteri Luar Negeri?", "Who is the mayor of ...?",
# "Ketua PSSI siapa?"): a person holds it, so an acronym alone ("ASEAN", "PSSI") never answers.
# Offices a person holds, as Indonesian news writes them before the holder's name.
OFFICES = (
    "menteri|presiden|wakil|ketua|gubernur|bupati|wali ?kota|kepala|direktur|dirut|sekretaris"
    "|pelatih|kapolri|kapolda|kapolres|kapolsek|camat|lurah|rektor|panglima|jaksa|hakim|manajer"
)
_ROLE = (
    rf"({OFFICES}|wakil presiden|sekda|juru ?bicara|jubir|duta besar|dubes|perdana menteri"
    r"|raja|ratu|pemimpin|komandan|kapten|pendiri|penulis|pencipta|sutradara|penyanyi|minister"
    r"|president|chairman|chair|governor|regent|mayor|head|director|coach|secretary"
    r"|spokes(man|person)|leader|commander|captain|founder|ambassador|prime minister|king|queen)"
)
_ROLE_HOLDER = re.compile(
    rf"^\W*siapa(kah)?\s+(nama\s+)?{_ROLE}\b|^\W*{_ROLE}\b.*\bsiapa(kah)?\W*$"
    rf"|^\W*who('s| is| was| will be)\s+(the\s+)?(current\s+|new\s+|former\s+)?{_ROLE}\b"
)


def asks_role_holder(question: str) -> bool:
    return bool(_ROLE_HOLDER.search(question.lower().strip()))


_AGE = re.compile(r"\b(umur(nya)?|usia(nya)?|berusia|how old|age|aged)\b")


def asks_age(question: str) -> bool:
    """ "Berapa umur Jimmy Arnold?", "How old is ...?": the only questions that the age news
    writes in brackets after a name ("Jimmy Arnold (54)") answers."""
    return bool(_AGE.search(question.lower()))


# A question for how long something lasts or how old it is ("Berapa lama ...?", "Berapa
# tahunkah ...?", "How long ...?", "How many years ...?"): "12 tahun" answers it, and is no date.
# Units of a span of time ("12 tahun", "tiga pekan").
TIME_UNITS = "tahun|bulan|minggu|pekan|hari|abad|dekade"
_DURATION = re.compile(
    rf"\bberapa(kah)?\s+(lama|{TIME_UNITS})(kah|nya)?\b"
    r"|\bselama berapa\b|\bhow long\b|\bhow many (years|months|weeks|days|decades|centuries)\b"
)


def asks_duration(question: str) -> bool:
    return bool(_DURATION.search(question.lower())) or asks_age(question)


# A question for the time of day ("Jam berapa ...?", "Pukul berapa ...?", "What time ...?"):
# a date ("14/11") does not answer it.
_CLOCK_TIME = re.compile(r"\b(jam|pukul) berapa(kah)?\b|\bwhat time\b|\bat what time\b")


def asks_clock_time(question: str) -> bool:
    return bool(_CLOCK_TIME.search(question.lower()))


def question_type(question: str) -> QuestionType:
    """The kind its first question word asks for: "How old was he when ...?" asks a number,
    "Who was mayor when ...?" a person."""
    lowered = question.lower()
    found = [
        (m.start(), k) for k, (_, cue) in enumerate(_QUESTION_CUES) if (m := cue.search(lowered))
    ]
    return _QUESTION_CUES[min(found)[1]][0] if found else QuestionType.OTHER


def is_answer_word(kind: QuestionType, word: str) -> bool:
    if kind is QuestionType.WHEN:
        return bool(_MONTHS.fullmatch(word))
    if kind is QuestionType.HOW_MANY:
        return word[0].isdigit()
    return word[0].isupper()  # names: who, where, and "what is the name of ..."


def answer_marks(kind: QuestionType, passage: str) -> frozenset[str]:
    """The passage's words that could answer a question of this kind: its dates (when), its
    numbers (how many), its capitalized words, lower-cased (who, where); none otherwise."""
    if kind is QuestionType.WHEN:
        return frozenset(m.group().lower() for m in _MONTHS.finditer(passage))
    if kind is QuestionType.HOW_MANY:
        return frozenset(NUMBER.findall(passage))
    if kind in (QuestionType.WHO, QuestionType.WHERE):
        return frozenset(name.lower() for name in NAME.findall(passage))
    return frozenset()


def marks_beyond(kind: QuestionType, marks: frozenset[str], question: str) -> bool:
    """Does one of a passage's `answer_marks` say what the question does not (any date does)?"""
    if kind is QuestionType.WHEN:
        return bool(marks)
    if kind is QuestionType.HOW_MANY:
        return not marks <= set(NUMBER.findall(question))
    if kind in (QuestionType.WHO, QuestionType.WHERE):
        return not marks <= set(TOKEN.findall(question.lower()))
    return False


def has_answer_type(kind: QuestionType, passage: str, question: str) -> bool:
    """Does the passage hold something of the asked-for kind that the question lacks?"""
    return marks_beyond(kind, answer_marks(kind, passage), question)
