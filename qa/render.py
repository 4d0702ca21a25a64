"""Rendering an `Answer`: plain text for the terminal, a JSON object for `--json` and the API.

The last step of the flow, and the only place that decides how an answer reads as text; the
web chat renders the same fields as Markdown and HTML (`qa.chat.render`).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from qa.answers import NOT_FOUND, Answer, Citation
from qa.config import AnswerMode

SOURCES_HEADING = {"id": "Sumber:", "en": "Sources:"}
NOTE_LABEL = {"id": "Catatan:", "en": "Note:"}
# Said before the quotes when no short answer is sure enough to be shown: the quotes are the
# answer, in the articles' own words.
QUOTES_FRAMING = {"id": "Menurut artikel:", "en": "The articles say:"}


_QUOTE_MARKS = '"“”„«»'


def quote_line(c: Citation) -> str:
    """The quote in quotation marks with its [n]; one that opens with its own quotation mark
    (a speaker's words) is shown as it is, not with a doubled mark."""
    if c.quote[:1] in _QUOTE_MARKS:
        return f"{c.quote} [{c.n}]"
    return f"“{c.quote}” [{c.n}]"


def source_line(c: Citation) -> str:
    page = f"p. {c.page}" if c.page else None
    meta = ", ".join(x for x in (c.source, c.date, page) if x)
    return f"[{c.n}] {c.title}" + (f" ({meta})" if meta else "") + f" — {c.article_id}"


def notes_first(answer: Answer) -> bool:
    """Notes say why an LLM answer was not used (shown first) or what was removed from one
    (shown last)."""
    return answer.mode != AnswerMode.LLM


def to_text(answer: Answer) -> str:
    """What a reader sees in the terminal: the answer, its quotes with [n] markers, sources."""
    notes = [f"{NOTE_LABEL[answer.lang]} {note}" for note in answer.notes]
    body = NOT_FOUND[answer.lang] if answer.abstained else "\n".join(_body_lines(answer))
    parts = [*notes, body] if notes_first(answer) else [body, *notes]
    return "\n\n".join(parts)


def _body_lines(answer: Answer) -> list[str]:
    if answer.generated is not None:
        lines = [answer.generated, ""]
    elif answer.short_answer:
        lines = [f"{answer.short_answer} [1]", ""]
    else:
        lines = [QUOTES_FRAMING[answer.lang]]
    lines += [quote_line(c) for c in answer.citations]
    lines += ["", SOURCES_HEADING[answer.lang]]
    lines += [source_line(c) for c in answer.citations]
    return lines


def to_json(answer: Answer) -> dict[str, Any]:
    """The `qa ask --json` and `/ask` object: every field, plus the rendered `answer` text and
    the older names `score` and `note` that clients already read."""
    data = asdict(answer)
    data["mode"] = str(answer.mode)
    return {
        "answer": to_text(answer),
        **data,
        "score": answer.confidence,
        "note": "\n".join(answer.notes) or None,
    }
