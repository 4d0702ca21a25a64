"""A chunk's words analyzed once, for every question that retrieves it.

The hybrid retriever weighs each of its ~100 candidate chunks by which question terms and
bigrams they hold and whether a word of the asked-for kind stands near one. Done from the
text each time, that was most of a question's time (tokenizing, aligning stems, scanning
for names), though the same chunks come back question after question. A `PassageView`
keeps what does not depend on the question, worked out on first use: its terms as a set, its
words with their stems, and its dates, numbers and capitalized words; `PassageViews` remembers
the last few thousand.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import cached_property

from qa.analysis import (
    TOKEN,
    Analyzer,
    QuestionType,
    answer_marks,
    is_answer_word,
    marks_beyond,
)


class PassageView:
    """One passage's analysis, each part worked out when first asked for (a chunk that holds
    no query term needs no words at all)."""

    def __init__(self, analyzer: Analyzer, passage: str, terms: Sequence[str]):
        self.analyzer = analyzer
        self.passage = passage
        self.terms = terms  # the stored index terms, in order
        self._marks: dict[QuestionType, frozenset[str]] = {}  # `answer_marks` per kind

    @cached_property
    def term_set(self) -> frozenset[str]:
        return frozenset(self.terms)

    @cached_property
    def _words(self) -> tuple[list[str], list[str | None]]:
        """The passage's words, and each one's stem (None for a stopword)."""
        return self.analyzer.word_stems(self.passage, self.terms)

    def holds_bigram(self, first: str, second: str) -> bool:
        """Does `second` follow `first` somewhere in the terms?"""
        if first not in self.term_set or second not in self.term_set:
            return False
        terms, end, i = self.terms, len(self.terms) - 1, -1
        try:
            while True:
                i = terms.index(first, i + 1, end)  # scans in C
                if terms[i + 1] == second:
                    return True
        except ValueError:
            return False

    def has_answer_type(self, kind: QuestionType, question: str) -> bool:
        """`qa.analysis.has_answer_type` for this passage, its marks found once per kind."""
        marks = self._marks.get(kind)
        if marks is None:
            marks = self._marks[kind] = answer_marks(kind, self.passage)
        return marks_beyond(kind, marks, question)

    def answer_near(
        self, kind: QuestionType, question: str, wanted: Iterable[str], window: int = 3
    ) -> bool:
        """Is a word of the asked-for kind, not said in the question, within `window` words
        of a query term (`wanted`)?

        "Siapa Menteri Kesehatan?" -> "... Menteri Kesehatan Siti Fadilah Supari ...": the
        answer usually stands right next to the words the question repeats.
        """
        if self.term_set.isdisjoint(wanted):
            return False  # no query term here: nothing stands near one
        words, stems = self._words
        asked = set(TOKEN.findall(question.lower()))
        for i in [i for i, stem in enumerate(stems) if stem in wanted]:
            around = words[max(0, i - window) : i] + words[i + 1 : i + 1 + window]
            if any(w.lower() not in asked and is_answer_word(kind, w) for w in around):
                return True
        return False


class PassageViews:
    """The views of the last `size` passages seen, by text (safe across threads)."""

    def __init__(self, analyzer: Analyzer, size: int = 2048):
        self.analyzer = analyzer
        self.size = size
        self._views: OrderedDict[str, PassageView] = OrderedDict()
        self._lock = threading.Lock()

    def known(self, passages: Iterable[str]) -> dict[str, PassageView]:
        """The views already made of these passages."""
        found = {}
        with self._lock:
            for passage in passages:
                view = self._views.get(passage)
                if view is not None:
                    self._views.move_to_end(passage)
                    found[passage] = view
        return found

    def add(self, passage: str, terms: Sequence[str]) -> PassageView:
        """A new view of `passage`, whose stored index terms are `terms`."""
        view = PassageView(self.analyzer, passage, terms)
        with self._lock:
            self._views[passage] = view
            while len(self._views) > self.size:
                self._views.popitem(last=False)
        return view
