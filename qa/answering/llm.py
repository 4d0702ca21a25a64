"""Optional LLM answers from an OpenAI-compatible chat endpoint, verified like our own.

The model sees the best hits as numbered passages and must put `[n]` after every claim.
Its reply is streamed to the caller as it comes, then checked: each `[n]` is kept only
when passage n holds a sentence (or two adjacent ones) that supports the claim, and that
sentence becomes the citation's quote, verified verbatim with `verify_citation` like every
extractive quote. Claims left without a verified citation are dropped. Anything that goes
wrong (no endpoint configured, timeout, refused connection, HTTP error, nothing verifiable)
yields the extractive answer with a note saying why, so an answer is never lost to the LLM.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Callable, Iterator, Sequence

from qa.analysis import DIGITS, NAME, TOKEN, Analyzer
from qa.answering.citations import cite, verify_citation
from qa.answers import NOT_FOUND, Answer, Citation
from qa.chunking import split_sentences
from qa.config import AnswerMode, Config
from qa.query import Query
from qa.retrieval import Hit

_FALLBACK = {"en": "showing the extractive answer.", "id": "ditampilkan jawaban ekstraktif."}
_NOTES = {
    "config": {
        "en": "LLM mode needs {missing}; {fallback}",
        "id": "Mode LLM memerlukan {missing}; {fallback}",
    },
    "timeout": {
        "en": "The LLM at {url} did not answer within {timeout:g} s; {fallback}",
        "id": "LLM di {url} tidak menjawab dalam {timeout:g} detik; {fallback}",
    },
    "connect": {
        "en": "Cannot connect to the LLM at {url}; {fallback}",
        "id": "Tidak dapat terhubung ke LLM di {url}; {fallback}",
    },
    "status": {
        "en": "The LLM at {url} answered HTTP {status}{hint}; {fallback}",
        "id": "LLM di {url} menjawab HTTP {status}{hint}; {fallback}",
    },
    "error": {
        "en": "The LLM request failed ({error}); {fallback}",
        "id": "Permintaan ke LLM gagal ({error}); {fallback}",
    },
    "empty": {
        "en": "The LLM returned an empty answer; {fallback}",
        "id": "LLM tidak memberi jawaban; {fallback}",
    },
    "unverified": {
        "en": "None of the LLM's citations could be verified in the passages; {fallback}",
        "id": "Tidak ada kutipan LLM yang dapat diverifikasi pada artikel; {fallback}",
    },
    "removed": {
        "en": "Removed what the cited passages do not support: {what}.",
        "id": "Dihapus karena tidak didukung artikel yang dikutip: {what}.",
    },
}
_COUNTED = {
    "en": ("{n} statement", "{n} statements", "{n} citation", "{n} citations"),
    "id": ("{n} pernyataan", "{n} pernyataan", "{n} kutipan", "{n} kutipan"),
}
_CHECK = {"en": "check", "id": "periksa"}
_AND = {"en": " and ", "id": " dan "}
_LANGUAGE_NAME = {"en": "English", "id": "Indonesian (Bahasa Indonesia)"}

SYSTEM_PROMPT = """You answer questions about news articles using only the numbered passages \
the user gives you.
- Write the answer in {language}, in one to three sentences.
- Right after every sentence or claim, put the number of the passage that says it, like [1]. \
Cite only a passage that states the claim; never cite a passage for something it does not say.
- If your answer is not in the passage's language, quote the passage's own words for each \
claim in double quotes, exactly as written there.
- Use nothing but the passages: no outside knowledge, no guesses.
- If the passages do not contain the answer, reply with exactly this sentence and nothing \
else: {not_found}"""

_MARKERS = re.compile(r"\s*\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])+")
_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”“]+)[”“]|„([^“”]+)[“”]|«([^»]+)»")


class _Failure(Exception):
    """The endpoint did not give an answer; `kind` picks the note."""

    def __init__(self, kind: str, **details: object):
        super().__init__(kind)
        self.kind = kind
        self.details = details


def stream_answer(
    query: Query,
    hits: Sequence[Hit],
    extractive: Answer,
    article_text: Callable[[str], str | None],
    analyzer: Analyzer,
    config: Config,
) -> Iterator[str | Answer]:
    """The LLM's text as it streams, then exactly one final `Answer`.

    The final answer is what counts: its text is rebuilt from the verified claims, so it
    may differ from the streamed draft (markers renumbered, unsupported claims gone), or
    be the extractive answer with a note when the LLM gave nothing usable.
    """
    lang = query.lang
    missing = [
        name
        for name, value in (
            ("QA_LLM_BASE_URL", config.llm_base_url),
            ("QA_LLM_MODEL", config.llm_model),
        )
        if not value
    ]
    if missing:
        yield fallback(extractive, note("config", lang, missing=_AND[lang].join(missing)))
        return
    passages = list(hits[: config.llm_passages])
    if not passages:  # nothing to cite: the extractive answer already says it was not found
        yield extractive
        return
    pieces: list[str] = []
    try:
        with contextlib.closing(complete(query.question, passages, lang, config)) as stream:
            for piece in stream:
                pieces.append(piece)
                yield piece
    except _Failure as failure:
        details = {"url": config.llm_base_url, "timeout": config.llm_timeout, **failure.details}
        yield fallback(extractive, note(failure.kind, lang, **details))
        return
    checker = _Checker(passages, article_text, analyzer, config.llm_min_support)
    yield verify(lang, "".join(pieces), checker, extractive)


def note(kind: str, lang: str, **details: object) -> str:
    check = details.pop("check", None)
    hint = f" ({_CHECK[lang]} {check})" if check else ""
    return _NOTES[kind][lang].format(fallback=_FALLBACK[lang], hint=hint, **details)


def fallback(extractive: Answer, why: str) -> Answer:
    """The extractive answer, with the reason the LLM's was not used as a note."""
    return dataclasses.replace(
        extractive, mode=AnswerMode.EXTRACTIVE, notes=[*extractive.notes, why]
    )


# -- the request ----------------------------------------------------------------------


def messages(question: str, passages: Sequence[Hit], lang: str) -> list[dict[str, str]]:
    numbered = []
    for n, hit in enumerate(passages, 1):
        meta = ", ".join(x for x in (hit.date, hit.source) if x)
        numbered.append(f"[{n}] {hit.title}" + (f" ({meta})" if meta else "") + f"\n{hit.text}")
    system = SYSTEM_PROMPT.format(language=_LANGUAGE_NAME[lang], not_found=NOT_FOUND[lang])
    user = "Passages:\n\n" + "\n\n".join(numbered) + f"\n\nQuestion: {question}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def complete(question: str, passages: Sequence[Hit], lang: str, config: Config) -> Iterator[str]:
    """Pieces of the model's reply; every way the endpoint can fail becomes a `_Failure`.

    `llm_timeout` bounds the connection and each wait for the next piece (httpx's read
    timeout), so a slow but steady stream is not cut off while a stalled one is.
    """
    import httpx
    import openai  # imported here: extractive users never load the client

    client = openai.OpenAI(
        base_url=config.llm_base_url,
        api_key=config.llm_api_key or "none",
        timeout=config.llm_timeout,
        max_retries=0,  # a fallback now beats a retry the reader waits for
    )
    request = {
        "model": config.llm_model,
        "messages": messages(question, passages, lang),
        "temperature": config.llm_temperature,
    }
    try:
        if not config.llm_stream:
            response = client.chat.completions.create(**request)
            content = response.choices[0].message.content if response.choices else None
            if content:
                yield content
            return
        stream = client.chat.completions.create(**request, stream=True)
        try:
            for chunk in stream:
                for choice in chunk.choices:
                    if choice.index == 0 and choice.delta and choice.delta.content:
                        yield choice.delta.content
        finally:
            stream.close()
    # A stream that stalls or breaks midway raises httpx's own errors, not the SDK's.
    except (openai.APITimeoutError, httpx.TimeoutException) as exc:
        raise _Failure("timeout") from exc
    except (openai.APIConnectionError, httpx.TransportError) as exc:
        raise _Failure("connect") from exc
    except openai.APIStatusError as exc:
        checks = {401: "QA_LLM_API_KEY", 403: "QA_LLM_API_KEY", 404: "QA_LLM_BASE_URL"}
        raise _Failure("status", status=exc.status_code, check=checks.get(exc.status_code)) from exc
    except (openai.OpenAIError, ValueError) as exc:  # error events, malformed JSON
        raise _Failure("error", error=str(exc) or type(exc).__name__) from exc
    finally:
        client.close()


# -- verification ---------------------------------------------------------------------


def verify(lang: str, draft: str, checker: _Checker, extractive: Answer) -> Answer:
    """The final answer from the model's draft: only claims with a verified citation.

    A claim's citation is kept when passage n has a sentence supporting it (see `_supports`)
    whose quote passes `verify_citation`; other markers are removed, and a sentence left
    with no citation is dropped (an unsupported claim is not shown as if it were sourced).
    Kept markers are renumbered by first use, one number per distinct quote.
    """
    plain = " ".join(_MARKERS.sub(" ", draft).split()).lower()
    if not plain:
        return fallback(extractive, note("empty", lang))
    if any(plain.startswith(s.lower().rstrip(".")) for s in NOT_FOUND.values()):
        not_found = Answer.not_found(lang, extractive.confidence)
        return dataclasses.replace(not_found, mode=AnswerMode.LLM)
    lines: dict[int, list[str]] = {}
    numbers: dict[tuple[str, int, int], Citation] = {}
    dropped_claims = dropped_markers = 0
    for line_no, sentence in _sentences(draft):
        parts, tail = _parts(sentence)
        whole = "".join(text for text, _ in parts) + tail
        rebuilt, kept, failed = [], 0, 0
        for text, cited in parts:
            markers = []
            for k in cited:
                citation = checker.support(k, text) or checker.support(k, whole)
                if citation is None:
                    failed += 1
                    continue
                key = (citation.article_id, citation.start, citation.end)
                if key not in numbers:
                    numbers[key] = dataclasses.replace(citation, n=len(numbers) + 1)
                marker = f"[{numbers[key].n}]"
                if marker not in markers:
                    markers.append(marker)
            kept += bool(markers)
            rebuilt.append(text.rstrip() + (" " + "".join(markers) if markers else ""))
        if not kept:
            dropped_claims += bool(TOKEN.search(whole))
            continue
        dropped_markers += failed
        lines.setdefault(line_no, []).append(("".join(rebuilt) + tail).strip())
    citations = sorted(numbers.values(), key=lambda c: c.n)
    if not citations:
        return fallback(extractive, note("unverified", lang))
    body = "\n".join(" ".join(sentences) for _, sentences in sorted(lines.items()))
    removed = _removed(lang, dropped_claims, dropped_markers)
    return Answer(
        short_answer=" ".join(_MARKERS.sub("", body).split()),
        abstained=False,
        citations=citations,
        lang=lang,
        confidence=extractive.confidence,
        mode=AnswerMode.LLM,
        generated=body,
        notes=[note("removed", lang, what=removed)] if removed else [],
    )


def _removed(lang: str, claims: int, markers: int) -> str:
    one_claim, claims_word, one_marker, markers_word = _COUNTED[lang]
    what = []
    if claims:
        what.append((one_claim if claims == 1 else claims_word).format(n=claims))
    if markers:
        what.append((one_marker if markers == 1 else markers_word).format(n=markers))
    return _AND[lang].join(what)


def _sentences(draft: str) -> list[tuple[int, str]]:
    """The draft's sentences with their line numbers (list items are sentences too)."""
    found: list[list] = []
    for line_no, line in enumerate(draft.splitlines()):
        found.extend([line_no, line[a:b]] for a, b in split_sentences(line))
    # "Claim one. [1] Claim two [2]." - a marker that opens a sentence closes the one before.
    for before, item in zip(found, found[1:], strict=False):
        leading = _LEADING_MARKERS.match(item[1])
        if leading:
            before[1] = before[1] + " " + leading.group().strip()
            item[1] = item[1][leading.end() :]
    return [(line_no, text) for line_no, text in found if text.strip()]


def _parts(sentence: str) -> tuple[list[tuple[str, list[int]]], str]:
    """A sentence cut after each marker group: (text, cited passage numbers)..., tail."""
    parts, pos = [], 0
    for m in _MARKERS.finditer(sentence):
        cited = list(dict.fromkeys(int(x) for x in re.split(r"[,;]", m.group(1))))
        parts.append((sentence[pos : m.start()], cited))
        pos = m.end()
    return parts, sentence[pos:]


def _normal(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    return " ".join(text.split())


class _Checker:
    """Finds, in a cited passage, the quote that supports a claim, verified verbatim."""

    def __init__(
        self,
        passages: Sequence[Hit],
        article_text: Callable[[str], str | None],
        analyzer: Analyzer,
        min_support: float,
    ):
        self.passages = passages
        self.article_text = article_text
        self.analyzer = analyzer
        self.min_support = min_support
        self._texts: dict[str, str | None] = {}

    def support(self, k: int, claim: str) -> Citation | None:
        if not 1 <= k <= len(self.passages):
            return None  # a passage the model was never shown
        hit = self.passages[k - 1]
        if hit.article_id not in self._texts:
            self._texts[hit.article_id] = self.article_text(hit.article_id)
        article = self._texts[hit.article_id]
        if article is None:
            return None
        spans = split_sentences(hit.text)
        pairs = [(a, d) for (a, _), (_, d) in zip(spans, spans[1:], strict=False)]
        # A sentence, or two adjacent ones when no single sentence supports the claim.
        for candidates in (spans, pairs):
            scored = []
            for a, b in candidates:
                share = self._supports(claim, hit.text[a:b])
                if share is not None:
                    scored.append((-share, b - a, a, b))
            for _, _, a, b in sorted(scored):
                citation = cite(hit, a, b)
                if verify_citation(citation, hit.text, hit.start, article):
                    return citation
        return None

    def _supports(self, claim: str, quote: str) -> float | None:
        """The claim's support in the quote, or None when the quote does not support it.

        Every number in the claim must be in the quote (a wrong number is the typical
        invention). A claim that quotes words is supported when each quoted phrase is in
        the quote; otherwise by the share of its terms the quote holds, names and numbers
        counting double, at least `llm_min_support`. Cross-language claims need the quotes:
        the prompt asks for them.
        """
        if not set(DIGITS.findall(claim)) <= set(DIGITS.findall(quote)):
            return None
        terms = set(self.analyzer.terms(claim))
        anchors = {t for t in terms if any(ch.isdigit() for ch in t)}
        for m in NAME.finditer(claim):
            if TOKEN.search(claim[: m.start()]):  # a sentence's first word is no name
                anchors.update(self.analyzer.terms(m.group()))
        present = set(self.analyzer.terms(quote))
        total = sum(2 if t in anchors else 1 for t in terms)
        share = sum(2 if t in anchors else 1 for t in terms & present) / total if total else 0.0
        phrases = [_normal(next(g for g in m.groups() if g)) for m in _QUOTED.finditer(claim)]
        phrases = [p.strip(" .,;:!?") for p in phrases if len(p.split()) >= 2]
        if phrases:
            return share if all(p in _normal(quote) for p in phrases) else None
        return share if terms and share >= self.min_support else None
