"""The chat's rendering: an `Answer` -> the chat message (Markdown) and source cards (HTML).

Plain functions of structured data, tested without a server. Everything that comes from the
articles is escaped: as literal Markdown text in messages, as HTML in the sources panel.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from qa.answers import NOT_FOUND, Answer, Citation
from qa.index import IngestReport
from qa.render import NOTE_LABEL, QUOTES_FRAMING, notes_first, quote_line

NOT_FOUND_HINT = {
    "id": "Coba kata lain, tambah konteks, atau longgarkan filter tanggal/sumber.",
    "en": "Try other words, add context, or loosen the date/source filters.",
}
SOURCES_EMPTY = "<p class='qa-empty'>The sources of an answer appear here, quote highlighted.</p>"
SOURCES_NONE = (
    "<p class='qa-empty'>No passage answers this well enough, so nothing is quoted. "
    "Tidak ada kutipan: tidak ditemukan di artikel.</p>"
)
PASSAGE_CONTEXT = 300  # characters of article text shown around a quote, at most
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
_MD_LIST = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=])", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Article text shown as literal text: no stray emphasis, headings, lists or HTML."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LIST.sub(lambda m: f"{m[1]}{m[2]}\\{m[3]}" if m[2] else f"{m[4]}\\{m[5]}", text)


def answer_markdown(answer: Answer) -> str:
    """The chat message: short answer first (bold), then the quotes with their [n] markers (the
    sources panel lists the sources); an abstention says so plainly, with a hint; notes are set
    off in italics."""
    lang = answer.lang
    notes = [f"_{escape_markdown(f'{NOTE_LABEL[lang]} {note}')}_" for note in answer.notes]
    if answer.abstained:
        # text only: an emoji renders as an empty box where no emoji font is installed
        body = [f"**{escape_markdown(NOT_FOUND[lang])}**", escape_markdown(NOT_FOUND_HINT[lang])]
        return "\n\n".join(notes + body)
    body = []
    if answer.generated is not None:
        body.append(escape_markdown(answer.generated.strip()))
    elif answer.short_answer:
        body.append(f"**{escape_markdown(f'{answer.short_answer} [1]')}**")
    else:
        body.append(escape_markdown(QUOTES_FRAMING[lang]))
    body.append(escape_markdown("\n".join(quote_line(c) for c in answer.citations)))
    return "\n\n".join(notes + body if notes_first(answer) else body + notes)


def draft_markdown(text: str) -> str:
    """An LLM's answer while it streams (replaced by `answer_markdown` once verified)."""
    return escape_markdown(text) + " ▍"


def safe_url(url: str | None) -> str | None:
    """Only http(s) links: an uploaded article's url must not become a javascript: link."""
    if url and re.match(r"^https?://", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def _window(text: str, start: int, end: int, context: int) -> tuple[int, int]:
    """Up to `context` characters around [start, end), cut at whitespace."""
    lo = max(0, start - context)
    if lo > 0:
        space = re.search(r"\s", text[lo:start])
        lo = lo + space.end() if space else start
    hi = min(len(text), end + context)
    if hi < len(text):
        spaces = [m.start() for m in re.finditer(r"\s", text[end:hi])]
        hi = end + spaces[-1] if spaces else end
    return lo, hi


def passages(text: str, cited: list[Citation], context: int = PASSAGE_CONTEXT) -> list[str]:
    """The article around its quotes, as HTML paragraphs with each quote in <mark>, up to
    `context` characters on each side cut at whitespace, "…" where the article goes on;
    quotes near each other share one paragraph, overlapping ones one highlight."""
    e = html.escape
    groups: list[list[Citation]] = []
    for c in sorted(cited, key=lambda c: (c.start, c.end)):
        if groups and c.start - groups[-1][-1].end <= 2 * context:
            groups[-1].append(c)
        else:
            groups.append([c])
    shown = []
    for group in groups:
        lo, hi = _window(text, group[0].start, max(c.end for c in group), context)
        parts, pos = ["…" if lo > 0 else ""], lo
        for c in group:
            if c.end <= pos:
                continue  # inside a quote already highlighted
            start = max(c.start, pos)
            parts.append(e(text[pos:start]))
            parts.append(f'<mark data-n="{c.n}">{e(text[start : c.end])}</mark>')
            pos = c.end
        parts.append(e(text[pos:hi]) + ("…" if hi < len(text) else ""))
        shown.append(f'<p class="qa-passage">{"".join(parts)}</p>')
    return shown


def source_card(cited: list[Citation], article_text: str | None) -> str:
    """One article's card: its [n] markers, title (linked when there is a url), date, source,
    and the passages with every quote from it in <mark>. Everything from the articles is
    HTML-escaped."""
    e = html.escape
    c = cited[0]
    title = e(c.title or c.article_id)
    url = safe_url(c.url)
    if url:
        title = f'<a href="{e(url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
    meta = " · ".join(e(x) for x in (c.date, c.source) if x)
    meta += f"{' · ' if meta else ''}<code>{e(c.article_id)}</code>"
    markers = " ".join(f"[{x.n}]" for x in cited)
    if article_text is not None and all(article_text[x.start : x.end] == x.quote for x in cited):
        body = "".join(passages(article_text, cited))
    else:  # the article changed since the answer: show the quotes as they were verified
        body = "".join(
            f'<p class="qa-passage"><mark data-n="{x.n}">{e(x.quote)}</mark> '
            "<em>(the article has changed since)</em></p>"
            for x in cited
        )
    numbers = " ".join(str(x.n) for x in cited)
    return (
        f'<section class="qa-source" id="source-{c.n}" data-n="{numbers}">'
        f'<div class="qa-title"><span class="qa-n">{markers}</span> {title}</div>'
        f'<div class="qa-meta">{meta}</div>{body}</section>'
    )


def sources_html(answer: Answer | None, article_text: Callable[[str], str | None]) -> str:
    """One card per cited article, in the order of their first [n]."""
    if answer is None:
        return SOURCES_EMPTY
    if answer.abstained or not answer.citations:
        return SOURCES_NONE
    by_article: dict[str, list[Citation]] = {}
    for c in answer.citations:
        by_article.setdefault(c.article_id, []).append(c)
    return "\n".join(source_card(cited, article_text(a)) for a, cited in by_article.items())


def stats_markdown(stats: dict) -> str:
    updated = stats.get("updated_at") or "never"
    updated = updated.replace("T", " ").replace("+00:00", " UTC")
    model = stats["manifest"]["model"]
    return (
        f"**{stats['articles']:,}** articles · **{stats['chunks']:,}** chunks · "
        f"model `{model}` · last update {updated}"
    )


def source_choices(stats: dict) -> list[tuple[str, str]]:
    """Filter choices: every source with its article count; matching is by substring."""
    return [("All sources", "")] + [
        (f"{name} ({count})", name) for name, count in stats["sources"].items() if name != "?"
    ]


def file_result(name: str, report: IngestReport) -> list[str]:
    """[file, result, details] for the upload table: added / updated / unchanged / failed."""
    counts = [
        (len(report.added), "added"),
        (len(report.updated), "updated"),
        (len(report.unchanged), "unchanged"),
    ]
    done = [f"{n} {word}" for n, word in counts if n]
    reasons = [f"line {p.line}: {p.message}" if p.line else p.message for p in report.problems]
    if not done:
        return [name, "failed", "; ".join(reasons) or "no articles in this file"]
    result = next(word for n, word in counts if n)
    details = ", ".join(done) + (f"; {report.chunks} chunks" if report.chunks else "")
    if reasons:
        result += f" ({len(reasons)} failed)"
        details += "; failed: " + "; ".join(reasons)
    return [name, result, details]
