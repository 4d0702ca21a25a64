"""Gold files: the JSONL Q&A pairs an eval scores against, read and checked line by line.

Kept apart from the metrics so a gold set can be validated (tests/test_eval_gold.py)
without running anything, and every bad line is reported as FILE:LINE before an index
is built.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.eval.metrics import normalize_answer


class GoldError(ValueError):
    """A gold file or line that cannot be scored; the message names the file and line."""


@dataclass(frozen=True)
class GoldItem:
    """One gold question: its accepted answers and the articles that answer it."""

    id: str
    question: str
    answers: tuple[str, ...]
    doc_ids: tuple[str, ...]
    unanswerable: bool = False
    lang: str | None = None
    type: str | None = None  # optional label for the per-type report, e.g. "legal"
    source: str = ""  # the file it came from
    history: tuple[str, ...] = ()  # a follow-up's earlier questions, oldest first


_REQUIRED = {"id", "question", "answers", "doc_ids"}
_OPTIONAL = {"unanswerable", "lang", "type", "history"}


def load_gold(paths: Iterable[str | Path]) -> list[GoldItem]:
    """Read and check JSONL gold files; any bad line raises GoldError naming FILE:LINE.

    Unknown keys are errors too: a misspelt `unanswerable` would silently turn a
    question into an answerable one with no answers.
    """
    items: list[GoldItem] = []
    seen: dict[str, str] = {}
    for path in map(Path, paths):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise GoldError(f"{path}: cannot read gold file ({exc})") from exc
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            item = _gold_item(line, where, str(path))
            if item.id in seen:
                raise GoldError(f"{where}: duplicate id {item.id!r} (first in {seen[item.id]})")
            seen[item.id] = where
            items.append(item)
    if not items:
        raise GoldError(f"no questions in {', '.join(map(str, paths))}")
    return items


def _gold_item(line: str, where: str, source: str) -> GoldItem:
    row = _row(line, where)
    _check_values(row, where)
    return GoldItem(
        id=row["id"],
        question=row["question"],
        answers=tuple(row["answers"]),
        doc_ids=tuple(row["doc_ids"]),
        unanswerable=row.get("unanswerable", False),
        lang=row.get("lang"),
        type=row.get("type"),
        source=source,
        history=tuple(row.get("history", ())),
    )


def _row(line: str, where: str) -> dict[str, Any]:
    """The line as a JSON object with every required key and no unknown one."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise GoldError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise GoldError(f"{where}: expected a JSON object")
    missing = sorted(_REQUIRED - row.keys())
    if missing:
        raise GoldError(f"{where}: missing {', '.join(missing)}")
    unknown = sorted(row.keys() - _REQUIRED - _OPTIONAL)
    if unknown:
        raise GoldError(f"{where}: unknown key(s) {', '.join(unknown)}")
    return row


def _check_values(row: dict[str, Any], where: str) -> None:
    """Types, and answers / doc_ids that agree with `unanswerable`."""
    for key in ("id", "question"):
        if not isinstance(row[key], str) or not row[key].strip():
            raise GoldError(f"{where}: {key} must be a non-empty string")
    for key in ("answers", "doc_ids"):
        value = row[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise GoldError(f"{where}: {key} must be a list of non-empty strings")
    unanswerable = row.get("unanswerable", False)
    if not isinstance(unanswerable, bool):
        raise GoldError(f"{where}: unanswerable must be true or false")
    if unanswerable and (row["answers"] or row["doc_ids"]):
        raise GoldError(f"{where}: an unanswerable question has empty answers and doc_ids")
    if not unanswerable and not (row["answers"] and row["doc_ids"]):
        raise GoldError(
            f"{where}: answers and doc_ids must not be empty (or set unanswerable: true)"
        )
    if any(not normalize_answer(a) for a in row["answers"]):
        raise GoldError(f"{where}: an answer is empty once punctuation is removed")
    for key in ("lang", "type"):
        if row.get(key) is not None and not isinstance(row[key], str):
            raise GoldError(f"{where}: {key} must be a string")
    history = row.get("history", [])
    if not isinstance(history, list) or not all(isinstance(q, str) and q.strip() for q in history):
        raise GoldError(f"{where}: history must be a list of earlier questions (strings)")
