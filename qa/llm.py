"""Optional LLM answers from an OpenAI-compatible chat endpoint, verified like our own.

Placeholder: implemented in the LLM-mode work (issue 3, item 7).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from qa.answering import Answer
from qa.config import Config
from qa.retrieval import Hit


def stream_answer(
    question: str,
    hits: Sequence[Hit],
    extractive: Answer,
    article_text: Callable[[str], str | None],
    config: Config,
) -> Iterator[str | Answer]:
    raise NotImplementedError
