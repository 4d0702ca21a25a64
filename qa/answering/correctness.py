"""Is the short answer right? A calibrated probability, so that a bold answer is shown only
when it probably is.

The span scorer (`spans`) ranks candidates within one question; its top score says little
about whether the top pick is right (on FacQA train the pick is right 56% of the time, and
its score barely separates right from wrong). What does separate them is how the pick stands
against the question's other candidates: its share of all candidates' probability, the share
of those that overlap it, its margin over the best rival that does not, how much of the
question stands right around it, whether its sentence covers the question, and whether it is
the kind of thing asked for. A logistic regression over these, fit on FacQA train and the
news dev set (`bench/correctness.py`), gives the probability; the reader shows the answer
when it reaches the model's `show_short_above`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from qa.analysis import (
    NAMED_NUMBER,
    NUMBER,
    OFFICES,
    TIME_UNITS,
    TOKEN,
    QuestionType,
    asks_clock_time,
    asks_definition,
    asks_duration,
    asks_explanation,
    asks_head_count,
    asks_price,
    asks_role_holder,
)
from qa.answering.model import logistic
from qa.answering.spans import Candidate
from qa.calendar import MONTH_NAMES, WEEKDAY_VARIANTS, WEEKDAYS, YEAR, alternation
from qa.query import Query

_RIVAL_FLOOR = -12.0  # a pick with no rival stands this far above "nothing"
_MARGIN_CAP = 8.0

_TIME_WORDS = re.compile(
    rf"\b({'|'.join(MONTH_NAMES + WEEKDAYS)}|{YEAR}|\d{{1,2}}[./:]\d{{2}}"
    r"|\d{1,2}/\d{1,2}(/\d{2,4})?"
    r"|pagi|siang|sore|malam|dini hari|pekan|minggu|bulan|tahun|abad|dekade|kemarin|lalu)\b",
    re.IGNORECASE,
)
# Words that count, and can open an amount ("tujuh orang", "ratusan warga").
_COUNTS = (
    "se|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|seratus|seribu"
    "|setengah|separuh|belasan|puluhan|ratusan|ribuan|jutaan"
)
_NUMBER_WORDS = re.compile(
    rf"\d|\b({_COUNTS}|belas|puluh|ratus|ribu|juta|miliar|milyar|triliun)\b", re.IGNORECASE
)
# An amount starts with its number, its currency or a word that says how near it is: "Olimpiade
# Rio 2016" holds a number but counts nothing.
_AMOUNT_START = re.compile(
    rf"\W*(\d|rp\b|us\$|usd\b|\$|€|£|¥|({_COUNTS}"
    r"|sekitar|lebih|kurang|hampir|mencapai|hanya|setidaknya|minimal|maksimal|total|di bawah"
    r"|di atas|seluas|sepanjang|setinggi|seberat|sebanyak|sebesar|senilai|sejumlah)\b)",
    re.IGNORECASE,
)
# How long, or how old: "12 tahun", "tiga pekan", "9 tahun 6 bulan" (else read as a date).
_SPAN_OF_TIME = re.compile(
    rf"\W*(({_COUNTS}|\d[\d.,]*)\s+({TIME_UNITS})\b\s*)+\W*",
    re.IGNORECASE,
)
# A time of day: "13.45 WIB", "pukul 09.00", "dini hari".
_CLOCK = re.compile(
    r"\b\d{1,2}[.:]\d{2}\b|\b(pukul|jam|wib|wita|wit|pagi|siang|sore|malam|dini hari)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"\b(rp|rupiah|dolar|dollar|usd|us\$|euro|ringgit|yen|won|yuan|pound|poundsterling"
    r"|riyal|peso|baht|rupee)\b|\$|€|£|¥",
    re.IGNORECASE,
)
# A measure, not a head count: "2,8 Skala Richter", "10 km", "70 persen".
_MEASURE = re.compile(
    r"\d[\d.,]*\s*(%|(skala|sr|km|kilometer|meter|m|cm|mm|ton|kg|kilogram|gram|persen|derajat"
    r"|hektare|hektar|ha|liter|jam|menit|detik|knot|mil)\b)",
    re.IGNORECASE,
)
# The words after a region's name that say which part ("Jawa Tengah", "Sulawesi Tenggara").
_POINTS = "utara|selatan|timur|barat|tengah|tenggara|daya|raya"
# A region or a place, not a person or an organisation: never a "who" answer ("Kalimantan
# Tengah" for "Bupati Kotawaringin Timur siapa?", "Jalan Kihapit Timur", "Gedung Promoter").
_PLACE_WORDS = (
    r"(provinsi|kabupaten|kota|kecamatan|desa|kelurahan|jalan|jl|gedung|stadion|bandara"
    r"|bandar udara|pelabuhan|hotel|masjid|gereja|pura|vihara|klenteng|terminal|jembatan"
    r"|bendungan|waduk|gunung|sungai|danau|pantai|pulau|teluk|selat|tol|bundaran|halte"
    r"|lapangan|gelanggang|stasiun|pasar|kampung|dusun|kawasan|wilayah)"
)
_PROVINCES = (
    r"(jawa|sumatera|sumatra|kalimantan|sulawesi|papua|nusa tenggara|bali|maluku|jakarta"
    r"|aceh|riau|kepulauan riau|jambi|bengkulu|lampung|banten|yogyakarta|gorontalo"
    r"|bangka belitung|jabar|jateng|jatim|sumut|sumbar|sumsel|kalbar|kalteng|kalsel|kaltim"
    rf"|sulut|sulteng|sulsel|sultra|ntt|ntb)(\s+({_POINTS}|pusat))*"
)
_REGION = re.compile(rf"{_PLACE_WORDS}\.?\s+\S.*|{_PROVINCES}", re.IGNORECASE)
# A title or a kind of place with no name to it ("Direktur Eksekutif", "Perdana Menteri",
# "Stasiun", "Kantor"): what stands before a name, never the one a "who" or "where" question
# asks for. (With its name, "Kantor Imigrasi" is a body, and may answer "who".)
_TITLE = rf"({OFFICES}|dekan|duta|perdana|komisaris|juru|prof|profesor|dr|dokter)"
_UNNAMED = re.compile(
    rf"{_TITLE}\.?(\s+({_TITLE}|umum|utama|eksekutif|jenderal|besar|agung|bicara|muda|senior)"
    rf"\.?)*|{_PLACE_WORDS}|daerah|kantor",
    re.IGNORECASE,
)
# What may stand before the name of whoever holds an office, left when the question's own
# words were trimmed off: a body's acronym ("Ketua DPR RI Setya Novanto") or a country or
# region ("Pelatih asal Belanda Frank de Boer", "Gubernur Sulawesi Tenggara Nur Alam").
_COUNTRIES = (
    "amerika serikat|amerika|belanda|inggris|prancis|perancis|jerman|italia|spanyol|portugal"
    "|belgia|swiss|swedia|norwegia|denmark|polandia|ukraina|rusia|jepang|china|cina|tiongkok"
    "|korea selatan|korea utara|india|pakistan|australia|selandia baru|malaysia|singapura"
    "|thailand|filipina|vietnam|myanmar|kamboja|brunei|timor leste|brasil|argentina|kanada"
    "|meksiko|mesir|arab saudi|iran|irak|turki|palestina|israel|afrika selatan|nigeria"
)
_QUALIFIERS = re.compile(
    rf"(((?!(PT|CV|UD|TV|FC)\b)[A-Z]{{2,}}|(?i:{_COUNTRIES}|{_PROVINCES}))\s+)+"
    r"(?=[A-Z])"
)
# A weekday is no part of a name ("Indosiar Sabtu"), and a name never starts with a compass
# word: "Tenggara Nur Alam" is cut from "Sulawesi Tenggara Nur Alam".
_WEEKDAY = re.compile(rf"\b{alternation(WEEKDAYS + WEEKDAY_VARIANTS)}\b", re.IGNORECASE)
_COMPASS = re.compile(rf"({_POINTS}|laut)\b", re.IGNORECASE)
_BODY_TAIL = re.compile(r"(Ke|Pe)[a-z]{3,}an")
_QUOTES = "\"“”'‘’"
# Words that stand in for a name without being one: never a "who" or "where" answer.
_PRONOUNS = frozenset(
    """beliau ia dia mereka kami kita saya anda ini itu tersebut pihaknya sang para
    he she they it we this that""".split()
)


def can_show(query: Query, candidate: Candidate) -> bool:
    """Can this candidate be the short answer at all: not in the dateline, for "who" no name
    in quotation marks nor the end of a body's name, and `showable`. The reader and the
    fitting script (`bench/correctness.py`) both ask this."""
    if candidate.byline:
        return False
    if query.kind is QuestionType.WHO and (_quoted(candidate) or _name_tail(candidate)):
        return False
    if asks_head_count(query.question) and _measured(candidate):
        return False
    return showable(query, candidate.text)


def displayed(query: Query, candidate: Candidate) -> str:
    """The short answer as a reader sees it: `Candidate.shown`, and for a question about who
    holds an office the name without the body or place before it ("RI Setya Novanto" for
    "Siapa Ketua DPR?" shows as "Setya Novanto", "Belanda Frank de Boer" as "Frank de Boer")."""
    text = candidate.shown(query.kind)
    if query.kind is not QuestionType.WHO or not asks_role_holder(query.question):
        return text
    found = _QUALIFIERS.match(text)
    name = text[found.end() :] if found else text
    return name if not name.isupper() and not _COMPASS.match(name) else text


def _measured(candidate: Candidate) -> bool:
    """Is a number of the span a measure, its unit inside the span or right after it ("6,4"
    of "6,4 Skala Richter"): never a count of people?"""
    sentence, start = candidate.evidence.text, candidate.start
    return any(_MEASURE.match(sentence, start + n.start()) for n in NUMBER.finditer(candidate.text))


def _name_tail(candidate: Candidate) -> bool:
    """Is the span one *ke-/pe-…-an* word right after a capitalized one: the end of a body's
    name ("Kementerian Pertanian", "Dinas Kebudayaan"), left when the question's words were
    trimmed off, never the person a "who" question asks for?"""
    sentence = candidate.evidence.text
    before = sentence[: candidate.start].split()
    return bool(_BODY_TAIL.fullmatch(candidate.text)) and bool(before) and before[-1][0].isupper()


def _quoted(candidate: Candidate) -> bool:
    """Does the span stand in quotation marks: a nickname or a title (tim "Juku Eja",
    "Tokyo Ghoul"), never the person or body a "who" question asks for?"""
    sentence = candidate.evidence.text
    before = sentence[: candidate.start].rstrip()[-1:]
    after = sentence[candidate.end :].lstrip()[:1]
    return bool(before) and before in _QUOTES and bool(after) and after in _QUOTES


def showable(query: Query, text: str) -> bool:
    """Can this span be a short answer at all: the kind of thing asked for (a price in money),
    and the question does not ask how something is done, why, or what something is (a
    clause or a passage answers those)?"""
    question = query.question
    if asks_explanation(question) or asks_definition(question):
        return False
    if not of_asked_kind(query.kind, text) and not (
        asks_duration(question) and _SPAN_OF_TIME.fullmatch(text)
    ):
        return False
    if asks_role_holder(question) and _acronym(text):
        return False
    if asks_clock_time(question) and not _CLOCK.search(text):
        return False
    return not asks_price(question) or bool(_MONEY.search(text))


def _acronym(text: str) -> bool:
    """Only capitals ("ASEAN", "PB PASI", "GA-181"): a body's short name, not a person's."""
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    return bool(words) and all(w.isupper() for w in words)


def of_asked_kind(kind: QuestionType, text: str) -> bool:
    """Is the span the kind of thing asked for: a name for who/where (a region's is no "who"
    answer), a date or time for when, a number for how many? "Agustus 1962" is no answer to
    "Who is the mayor?"."""
    words = text.split()
    if not words:
        return False
    first = words[0]
    if kind in (QuestionType.WHO, QuestionType.WHERE):
        if kind is QuestionType.WHO and (_REGION.fullmatch(text.strip()) or _COMPASS.match(text)):
            return False
        if _WEEKDAY.search(text) or _UNNAMED.fullmatch(text.strip()):
            return False
        return first[0].isupper() and first.lower() not in _PRONOUNS and not _is_date(text)
    if kind is QuestionType.WHEN:
        return bool(_TIME_WORDS.search(text))
    if kind is QuestionType.HOW_MANY:  # a count or amount, not a year ("Tahun 2011")
        counted = NAMED_NUMBER.sub(" ", text)  # nor "7-Day Repo Rate"
        return bool(
            _NUMBER_WORDS.search(counted) and _AMOUNT_START.match(counted)
        ) and not _is_date(text)
    return first.lower() not in _PRONOUNS


def _is_date(text: str) -> bool:
    """A date, a year or a time and nothing else ("Agustus 1962", "tahun 2011", "30/8/2016")."""
    words = [w for w in re.split(r"[\s,()]+", text.strip()) if w]
    timed = [bool(_TIME_WORDS.fullmatch(w)) for w in words]
    numbers = [bool(re.fullmatch(r"[\d/.:-]+", w)) for w in words]
    # a bare number ("12.500", "9.450,00") is an amount, not a date
    return any(timed) and all(t or n for t, n in zip(timed, numbers, strict=True))


def features(query: Query, candidates: Sequence[Candidate]) -> dict[str, float]:
    """What the correctness model reads about the top candidate (`candidates` best first)."""
    top = candidates[0]
    own = _tokens(top.text)
    best = max(c.score for c in candidates)
    mass = [math.exp(c.score - best) for c in candidates]
    total = sum(mass)
    overlapping = sum(m for c, m in zip(candidates, mass, strict=True) if _tokens(c.text) & own)
    rival = next((c.score for c in candidates[1:] if not _tokens(c.text) & own), _RIVAL_FLOOR)
    found = {
        "share": mass[0] / total,
        "same_share": overlapping / total,
        "margin": min(top.score - max(rival, _RIVAL_FLOOR), _MARGIN_CAP),
        "probability": logistic(top.score),
        "sentence_coverage": top.evidence.coverage,
        "local": top.features.get("local", 0.0),
        "near": top.features.get("near", 0.0),
        "overlap": top.features.get("overlap", 0.0),
        "length": min(len(top.text.split()), 10) / 10,
        "typed": float(of_asked_kind(query.kind, top.text)),
    }
    fits = top.features.get("fits", 0.0)
    found[f"kind:{query.kind.value}"] = 1.0
    found[f"fits:{query.kind.value}"] = fits
    for source in ("name", "number", "date", "clause", "window", "segment"):
        found[f"source:{source}"] = top.features.get(source, 0.0)
    return found


def _tokens(text: str) -> set[str]:
    return set(TOKEN.findall(text.lower()))
