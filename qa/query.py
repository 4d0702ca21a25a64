"""The query: everything about one question, worked out once and read by retrieval and answering.

A question arrives with the chat's history and the reader's filters. `Query.build` decides its
language, widens a short or anaphoric follow-up with the last question's words, analyzes it
into terms and bigrams, reads its kind (who, when, how many ...) and weighs each term by its
idf in the index. The retriever searches with it and the reader answers from it, so both see
the same facts (one analyzer, one set of weights) instead of recomputing their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from qa.analysis import TOKEN, WORD, Analyzer, QuestionType, question_type, stem, term_weights
from qa.spelling import respellings
from qa.store import Filters
from qa.translation.abbreviations import group_abbreviations
from qa.translation.dictionary import Dictionary, load_dictionary
from qa.translation.translate import translate

# Function words that tell the two languages apart in a question.
_ENGLISH_CUES = frozenset(
    """what who whom whose when where which why how many much does do did is are was were
    the a an of in on for to and or by with from about this that these those it its his
    her their has have had will would can could should tell me please""".split()
)
_INDONESIAN_CUES = frozenset(
    """apa apakah siapa siapakah kapan kapankah di mana dimana dimanakah manakah kemana
    kemanakah berapa berapakah bagaimana bagaimanakah mengapa mengapakah kenapa yang dan atau
    ini itu dari ke pada untuk dengan dalam oleh adalah ialah tahun nama sebutkan tersebut
    tidak sudah akan telah bisa""".split()
)
_POSSESSIVE = re.compile(r"\b[a-z]+['’]s\b", re.IGNORECASE)  # "Uruguay's": Indonesian has none
# Anaphora that make a question lean on the one before it ("wali kotanya", "he").
_ANAPHORA = re.compile(
    r"\w+nya\b|\b(ia|dia|mereka|beliau|tersebut|itu|he|she|it|they|him|her|its|his|their|there)\b",
    re.IGNORECASE,
)
# Words ending in -nya that refer to nothing before them ("hanya", "sebenarnya").
_NOT_ANAPHORA = frozenset(
    """hanya punya tanya bertanya sebenarnya biasanya akhirnya sebelumnya sesudahnya
    setelahnya selanjutnya lainnya setidaknya misalnya khususnya umumnya seharusnya
    sayangnya rupanya tampaknya agaknya terutamanya""".split()
)
# Ellipsis: a question that continues the one before ("Dan wakilnya?", "What about Medan?").
_CONTINUES = re.compile(
    r"^\W*(dan|lalu|terus|kalau|bagaimana dengan|and|what about|how about)\b", re.IGNORECASE
)

DocumentFrequencies = Callable[[list[str]], tuple[int, dict[str, int]]]
Alternatives = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Query:
    """One question, analyzed. `text` is what is searched: the question itself, or a
    follow-up with the words it borrowed from the question before.

    An English question is translated (`qa.translation`): each translated word is one term
    of `terms` (a "~word" head) standing for all its Indonesian alternatives (`groups`), and
    `fold` turns an article's terms into heads, so that every scorer counts a group as one
    term. An abbreviation and its long forms ("Sekda", "Sekretaris Daerah") are one group in
    either language. A question with no groups is scored on its terms as they are.
    """

    question: str
    text: str
    lang: str  # "id" or "en"
    kind: QuestionType
    terms: list[str]  # analyzed terms (or group heads) of `text`, in order
    idf: dict[str, float]  # per distinct term: how much it counts in coverage and evidence
    filters: Filters = field(default_factory=Filters)
    groups: dict[str, Alternatives] = field(default_factory=dict)  # head -> alternatives
    unseen: frozenset[str] = frozenset()  # the terms no chunk of the index holds

    @property
    def size(self) -> int:
        """How much the question says: its distinct terms (a translated word counts once),
        up to eight. A count, not the terms' idf, so that it reads the same in any index."""
        return min(len(self.idf), 8)

    @cached_property
    def bigrams(self) -> frozenset[tuple[str, str]]:
        return frozenset(zip(self.terms, self.terms[1:], strict=False))

    @cached_property
    def idf_total(self) -> float:
        """The weight of the whole question, that coverage shares are taken of (1 if none)."""
        return sum(self.idf.values()) or 1.0

    @property
    def lexical_terms(self) -> list[str]:
        """What the lexical index is searched with: every alternative's terms."""
        found = []
        for term in self.terms:
            alternatives = self.groups.get(term, ((term,),))
            found += [t for alternative in alternatives for t in alternative]
        return list(dict.fromkeys(found))

    @cached_property
    def wanted(self) -> frozenset[str]:
        """The lexical terms as a set: what a passage's words are matched against."""
        return frozenset(self.lexical_terms)

    @cached_property
    def _starts(self) -> dict[str, list[tuple[tuple[str, ...], str]]]:
        """Each alternative's first term -> (alternative, head), longest first."""
        starts: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for head, alternatives in self.groups.items():
            for alternative in alternatives:
                starts.setdefault(alternative[0], []).append((alternative, head))
        for found in starts.values():
            found.sort(key=lambda pair: -len(pair[0]))
        return starts

    @cached_property
    def _plain(self) -> frozenset[str]:
        """The terms that stand for themselves (no group of alternatives)."""
        return frozenset(self.terms) - frozenset(self.groups)

    def matches(self, terms: Sequence[str | None]) -> list[tuple[int, int, str]]:
        """(start, end, head) of every place an article's `terms` say a query term; a None
        term (a stopword kept for its position) matches nothing."""
        plain = self._plain
        found, i = [], 0
        while i < len(terms):
            term = terms[i]
            heads = [
                (alt, head)
                for alt, head in self._starts.get(term or "", ())
                if tuple(terms[i : i + len(alt)]) == alt
            ]
            if heads:
                size = len(heads[0][0])
                found += [(i, i + size, head) for alt, head in heads if len(alt) == size]
                if term in plain:
                    found.append((i, i + 1, term))
                i += size
                continue
            if term in plain:
                found.append((i, i + 1, term))
            i += 1
        return found

    def fold(self, terms: Sequence[str]) -> list[str]:
        """An article's terms with each translation replaced by its group's head, for
        presence, term counts and bigrams; unchanged for an untranslated question."""
        starts, plain = self._starts, self._plain
        if not self.groups or starts.keys().isdisjoint(terms):
            return list(terms)
        at = [i for i, term in enumerate(terms) if term in starts]  # where one may start
        folded: list[str] = []
        done = 0  # terms before this are folded
        for i in at:
            if i < done:
                continue  # inside an alternative already folded
            folded += terms[done:i]
            term = terms[i]
            best = None  # (size, head): the longest alternative here, as `matches` finds it
            for alternative, head in starts[term]:
                if best is not None and len(alternative) < best[0]:
                    break
                if tuple(terms[i : i + len(alternative)]) == alternative:
                    best = (len(alternative), head)
            if best is None:
                folded.append(term)
                done = i + 1
            elif term in plain:  # a query term of its own: kept, with the words it starts
                folded += terms[i : i + best[0]]
                done = i + best[0]
            else:
                folded.append(best[1])
                done = i + best[0]
        return folded + list(terms[done:])

    @classmethod
    def build(
        cls,
        question: str,
        analyzer: Analyzer,
        document_frequencies: DocumentFrequencies,
        history: Sequence[tuple[str, object]] | None = None,
        filters: Filters | None = None,
        dictionary: Dictionary | None = None,
    ) -> Query:
        """`document_frequencies(terms)` gives (chunk count, {term: chunks holding it}).
        An English question is translated with `dictionary` (default: the shipped one).
        A question that is not text, or has no word in it, is a ValueError saying so."""
        check_question(question)
        text = followup_text(question, history, analyzer)
        lang = detect_language(question, dictionary)
        if lang == "en":
            found = translate(text, dictionary or load_dictionary(), analyzer)
            terms = [g.head for g in found]
            groups = {g.head: g.alternatives for g in found if g.translated}
        else:
            terms, groups = analyzer.terms(plain_question_words(text, analyzer.stopwords)), {}
        terms, groups = group_abbreviations(terms, groups, analyzer)
        kind = question_type(question)
        query = cls(question, text, lang, kind, terms, {}, filters or Filters(), groups)
        joined = joined_names(text, terms, analyzer)
        total, freqs = document_frequencies([*query.lexical_terms, *joined.values()])
        held_joined = {pair: one for pair, one in joined.items() if freqs.get(one)}
        terms, groups = _join(terms, groups, held_joined)
        if lang == "id":  # an English word no article holds counts against the evidence
            terms, groups, freqs = _respelled(terms, groups, freqs, document_frequencies)
        query = replace(query, terms=terms, groups=_held(groups, freqs))
        held = _group_frequencies(query, freqs)
        unseen = frozenset(t for t in terms if not held.get(t))
        return replace(query, idf=term_weights(terms, total, held), unseen=unseen)


_NAME_ASKED = re.compile(r"\b(apa|apakah|siapa|siapakah)\s+nama(nya)?\b", re.IGNORECASE)
_PARTICLED = re.compile(r"\b\w+kah\b|\b(?:di|ke|dari)mana\b", re.IGNORECASE)


def plain_question_words(text: str, stopwords: frozenset[str]) -> str:
    """The question without the function words its particles hide: "lamakah", "sajakah",
    "dimanakah", "kemana" are "lama", "saja", "di mana", "ke mana" (stopwords), which the
    stemmer would otherwise leave as terms ("lama", "mana") that no answer needs to say; and
    without the "nama" of "Apa nama ...?", "Siapa nama ...?", as English drops "name"."""

    def plain(found: re.Match[str]) -> str:
        word = found.group().lower()
        base = word[:-3] if word.endswith("kah") else word
        base = re.sub(r"^(di|ke|dari)(?=mana$)", "", base)
        return " " if base in stopwords else found.group()

    return _PARTICLED.sub(plain, _NAME_ASKED.sub(r"\1", text))


def joined_names(text: str, terms: list[str], analyzer: Analyzer) -> dict[tuple[str, str], str]:
    """Two capitalized words in a row that are two terms in a row -> the term of the two
    written as one word: news writes "Bandarlampung" as often as "Bandar Lampung"."""
    words = WORD.findall(text)
    adjacent = set(zip(terms, terms[1:], strict=False))
    found = {}
    for first, second in zip(words, words[1:], strict=False):
        if not (first[0].isupper() and second[0].isupper()):
            continue
        pair = (*analyzer.terms(first), *analyzer.terms(second))
        one = analyzer.terms(first + second.lower())
        if len(pair) == 2 and pair in adjacent and len(one) == 1:
            found[pair] = one[0]
    return found


def _join(
    terms: list[str], groups: dict[str, Alternatives], joined: dict[tuple[str, str], str]
) -> tuple[list[str], dict[str, Alternatives]]:
    """Each name pair whose one-word spelling the index holds becomes one group of both
    spellings (a name of two words is one name: an article that writes it either way holds
    it once)."""
    if not joined:
        return terms, groups
    out, found, i = [], dict(groups), 0
    while i < len(terms):
        pair = tuple(terms[i : i + 2])
        if pair in joined:
            head = "~" + "_".join(pair)
            found[head] = (pair, (joined[pair],))
            out.append(head)
            i += 2
        else:
            out.append(terms[i])
            i += 1
    return out, found


def _respelled(
    terms: list[str],
    groups: dict[str, Alternatives],
    freqs: dict[str, int],
    document_frequencies: DocumentFrequencies,
) -> tuple[list[str], dict[str, Alternatives], dict[str, int]]:
    """Each term no chunk holds, as one group with its spellings one edit away that some
    chunk does (`qa.spelling`), and the frequencies with theirs."""
    unseen = [t for t in terms if t not in groups and not freqs.get(t)]
    if not unseen:  # most questions
        return terms, groups, freqs
    freqs = dict(freqs)

    def frequencies(words: list[str]) -> dict[str, int]:
        found = document_frequencies(words)[1]
        freqs.update(found)
        return found

    found = respellings(unseen, frequencies)
    if not found:
        return terms, groups, freqs
    respelled = {term: "~" + term for term in found}
    groups = dict(groups)
    for term, spellings in found.items():
        groups[respelled[term]] = ((term,), *((s,) for s in spellings))
    return [respelled.get(t, t) for t in terms], groups, freqs


def _held(groups: dict[str, Alternatives], freqs: dict[str, int]) -> dict[str, Alternatives]:
    """Each group's alternatives that some chunk holds (a group none of whose alternatives
    occurs keeps them all, and counts as unseen)."""
    kept = {}
    for head, alternatives in groups.items():
        held = tuple(a for a in alternatives if all(freqs.get(t, 0) for t in a))
        kept[head] = held or alternatives
    return kept


def _group_frequencies(query: Query, freqs: dict[str, int]) -> dict[str, int]:
    """Chunks holding each term; for a group, its most frequent alternative (a phrase is
    as frequent as its rarest word): a group is as common as its commonest translation."""
    found = dict(freqs)
    for head, alternatives in query.groups.items():
        found[head] = max(min(freqs.get(t, 0) for t in alt) for alt in alternatives)
    return found


def check_question(question: str) -> None:
    """Refuse what cannot be searched: undecodable bytes (a lone surrogate, as Python hands on
    non-UTF-8 command-line bytes), and text without a single letter or digit."""
    try:
        question.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError(
            f"the question is not valid text (undecodable bytes at character {err.start + 1})"
        ) from None
    if not TOKEN.search(question):
        raise ValueError("no searchable words in the question")


def detect_language(question: str, dictionary: Dictionary | None = None) -> str:
    """'en' or 'id' by counting function words (and English possessives); a question with
    none ("Suzuki MotoGP team manager?") by counting its words that only the English side,
    or only the Indonesian side, of the dictionary holds. Ties go to Indonesian, the corpus
    language."""
    words = re.findall(r"[a-z]+", question.lower())
    english = sum(w in _ENGLISH_CUES for w in words) + len(_POSSESSIVE.findall(question))
    indonesian = sum(w in _INDONESIAN_CUES for w in words)
    if english == indonesian == 0:
        known = dictionary or load_dictionary()
        heads = [bool(known.lookup(w)) for w in words]
        ours = [w in known.indonesian for w in words]
        english = sum(h and not o for h, o in zip(heads, ours, strict=True))
        indonesian = sum(o and not h for h, o in zip(heads, ours, strict=True))
    return "en" if english > indonesian else "id"


def leans_on_history(question: str, analyzer: Analyzer) -> bool:
    """Does the question refer to an earlier one: anaphora, a continuation ("Dan ...?"), or
    too few words of its own and no name ("Siapa wali kota?")?

    Only such a question borrows from the conversation: a self-contained one ("Siapa Bupati
    Sukamaju?") is answered the same with or without history.
    """
    return _leans(question, analyzer.terms(question))


def _leans(question: str, own: list[str]) -> bool:
    """`leans_on_history`, given the question's own terms."""
    refers = any(m.group().lower() not in _NOT_ANAPHORA for m in _ANAPHORA.finditer(question))
    if refers or _CONTINUES.search(question):
        return True
    return len(own) <= 2 and not _names_something(question)


def _names_something(question: str) -> bool:
    """A name (a capitalized word after the first) or a number: the question says what about."""
    words = WORD.findall(question)
    return any(w[0].isdigit() for w in words) or any(w[0].isupper() for w in words[1:])


def followup_text(
    question: str, history: Sequence[tuple[str, object]] | None, analyzer: Analyzer
) -> str:
    """What to search for: a follow-up that leans on the last question borrows its words.

    "Siapa wali kotanya?" after "Apa program Pemkot Bandarlampung untuk UMKM?" retrieves with
    "Pemkot Bandarlampung UMKM" added, since on its own it names nothing to search for.
    """
    if not history:
        return question
    own = analyzer.terms(question)
    if not _leans(question, own):
        return question
    previous = str(history[-1][0])
    words = [
        w
        for w in WORD.findall(previous)
        if w.lower() not in analyzer.stopwords and stem(w.lower(), analyzer.stemmer) not in own
    ]
    return f"{question} {' '.join(words)}" if words else question
