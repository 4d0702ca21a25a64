"""Duty questions: "What does UU 24/2011 require?", "Apa yang harus dilakukan perusahaan?".

Their answer is a clause, not a name or a number: what the best sentence says someone must
do ("semua perusahaan diwajibkan mendaftarkan para karyawannya ke badan jaminan sosial").
The span scorer, fit on factoid questions, has no such candidates, so the reader takes this
clause as the short answer when the question asks what a duty is and its best sentence
states one.
"""

from __future__ import annotations

import re

from qa.analysis import TOKEN

# "What does/must ...", "Apa (yang) ...": a question about what the duty is, not about who
# bears it ("Siapa yang diwajibkan ...?") or which law sets it ("Which law requires ...?").
_ASKS_WHAT = re.compile(
    r"\b(what (does|do|did|must|should|is|are|was|were|has|have|will)"
    r"|apa(kah)?( saja)? (yang|kewajiban))\b",
    re.I,
)
_DUTY_ASKED = re.compile(
    r"\b(require[sd]?|requirements?|must|obliged?|obligations?|obliges|mandate[sd]?"
    r"|ha(ve|s|d) to|wajib|kewajiban|diwajibkan|mewajibkan|berkewajiban|harus|mengharuskan"
    r"|diharuskan)\b",
    re.I,
)
# The words in a sentence that state a duty. Bare "wajib" is often a noun ("wajib pajak",
# "wajib militer"), so it counts only before a verb-like word (me-, ber-, mem-, men-, di-).
_DUTY_SAID = re.compile(
    r"\b(diwajibkan|mewajibkan|berkewajiban|harus|mengharuskan|diharuskan"
    r"|wajib(?=\s+(me|mem|men|meng|meny|ber|di|ter)[a-z]))\b",
    re.I,
)
# Where the duty's clause ends: punctuation, or a word that turns to purpose, source or cause.
_CLAUSE_END = re.compile(
    r"[,;:()\"“”]|\s-\s|\.(?=\s|$)|\b(guna|agar|supaya|demi|sebagaimana|sesuai|karena|sehingga"
    r"|namun|tetapi|tapi|kata|ujar|ungkap|tutur|jelas|ucap)\b",
    re.I,
)
# Where the one who bears the duty starts: after "bahwa", a clause mark or a connective.
_SUBJECT_START = re.compile(
    r"(?:[,;:\"“”()]|\s-\s|\b(?:bahwa|sedangkan|sementara|yakni|yaitu)\b)\s*", re.I
)
# The share of the question's weighted terms the sentence must hold (with its neighbours) for
# its duty to be the answer: a sentence that shares one word with the question states some
# other duty.
DUTY_COVERAGE = 0.6
_MAX_WORDS = 16
_MAX_SUBJECT_WORDS = 4


def asks_duty(question: str) -> bool:
    """Does the question ask what someone must do (rather than who must, or which law)?"""
    return bool(_ASKS_WHAT.search(question) and _DUTY_ASKED.search(question))


def duty_clause(sentence: str, question: str) -> tuple[int, int] | None:
    """The offsets of the duty the sentence states, or None when it states none.

    The clause runs from the duty word to where the clause turns ("... ke badan jaminan sosial
    [guna] menjamin ..."). The one who bears the duty comes first when the question does not
    already name it ("semua perusahaan diwajibkan ..."); otherwise the clause starts after the
    duty word.
    """
    said = _DUTY_SAID.search(sentence)
    if said is None:
        return None
    end = _clause_end(sentence, said.end())
    if not TOKEN.search(sentence, said.end(), end):
        return None
    start = _skip_space(sentence, said.end())
    subject = _subject_start(sentence, said.start())
    if subject is not None:
        words = {w.lower() for w in TOKEN.findall(sentence, subject, said.start())}
        if words and not words & {w.lower() for w in TOKEN.findall(question)}:
            start = subject
    return start, end


def _clause_end(sentence: str, start: int) -> int:
    stop = _CLAUSE_END.search(sentence, start)
    end = stop.start() if stop else len(sentence)
    words = list(TOKEN.finditer(sentence, start, end))
    if len(words) > _MAX_WORDS:
        end = words[_MAX_WORDS - 1].end()
    return len(sentence[:end].rstrip())


def _subject_start(sentence: str, duty: int) -> int | None:
    """Where the duty's bearer begins, when it is a few words just before the duty word."""
    starts = [m.end() for m in _SUBJECT_START.finditer(sentence, 0, duty)]
    start = starts[-1] if starts else 0
    words = TOKEN.findall(sentence, start, duty)
    if words and words[-1].lower() == "yang":
        return None  # "program ... yang mewajibkan": the bearer is named after the duty word
    return start if 0 < len(words) <= _MAX_SUBJECT_WORDS else None


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at
