"""The reader's learned parameters, as a versioned data file (`model.json` beside this module).

Three models, each written by its own script: the short-answer scorer (boosted trees over
the features of each candidate span, `qa.answering.spans` and `qa.answering.trees`; `python
bench/answering.py --train`, FacQA train); whether the top candidate is right
(`qa.answering.correctness`, and the probability a short answer needs to be shown; `python
bench/correctness.py`, FacQA train in both languages and the news dev set); and whether the
articles answer the question at all (`qa.answering.abstention`, and the probability each
language needs; `python bench/abstention.py`, the same sets and the off-topic training set).
The version is a hash of the content, so an eval report can say which model produced it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qa.answering.trees import Trees

MODEL_FILE = Path(__file__).with_name("model.json")
FORMAT = 5  # bump when the file's layout changes


class ModelFileError(ValueError):
    """The answer model file is missing, unreadable or of another format."""


@dataclass(frozen=True)
class AnswerModel:
    span_trees: Trees
    correct_weights: dict[str, float]
    show_short_above: dict[str, float]  # per question language: the probability of being
    # right a short answer needs
    answerable_weights: dict[str, float]
    answerable_above: dict[str, float]  # per question language: the probability to answer
    dense_when_missing: float  # the abstention feature `dense` for hits without a cosine
    trained_on: str = ""
    trained_by: str = ""

    @property
    def version(self) -> str:
        digest = hashlib.sha256(json.dumps(self._content(), sort_keys=True).encode())
        return "facqa-" + digest.hexdigest()[:8]

    def span_scores(self, rows: Sequence[dict[str, float]]) -> list[float]:
        """Log-odds that each candidate, with these features, is the gold answer."""
        return self.span_trees.score_many(rows)

    def correct_probability(self, features: dict[str, float]) -> float:
        """Probability that the top candidate, with these question-level features, is right."""
        return logistic(linear(self.correct_weights, features))

    def short_bar(self, lang: str) -> float:
        """The probability of being right a short answer to a question in `lang` needs
        (translated questions are right less often at the same probability)."""
        return _for_language(self.show_short_above, lang)

    def answerable_bar(self, lang: str) -> float:
        """The probability that the evidence answers a question in `lang` needs."""
        return _for_language(self.answerable_above, lang)

    def answerable_probability(self, features: dict[str, float]) -> float:
        """Probability that the evidence, with these features, answers the question."""
        return logistic(linear(self.answerable_weights, features))

    def _content(self) -> dict:
        return {
            "format": FORMAT,
            "trained_on": self.trained_on,
            "trained_by": self.trained_by,
            "span_trees": self.span_trees.to_data(),
            "correct_weights": dict(sorted(self.correct_weights.items())),
            "show_short_above": dict(sorted(self.show_short_above.items())),
            "answerable_weights": dict(sorted(self.answerable_weights.items())),
            "answerable_above": dict(sorted(self.answerable_above.items())),
            "dense_when_missing": self.dense_when_missing,
        }

    def save(self, path: Path = MODEL_FILE) -> None:
        data = {"version": self.version, **self._content()}
        Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")


def _for_language(bars: dict[str, float], lang: str) -> float:
    """A language's bar; Indonesian's for any other (every model file has one for "id")."""
    return bars.get(lang, bars["id"])


def logistic(log_odds: float) -> float:
    """Probability from log-odds, clamped so that no score overflows `exp`."""
    return 1 / (1 + math.exp(-max(min(log_odds, 30.0), -30.0)))


def linear(weights: dict[str, float], features: dict[str, float]) -> float:
    """A logistic regression's log-odds: bias plus the weighted features."""
    return weights.get("bias", 0.0) + sum(weights.get(k, 0.0) * v for k, v in features.items())


def load_model(path: str | Path | None = None) -> AnswerModel:
    """The model in `path` (default: the one shipped in the package), read once per path."""
    return _load(str(Path(path) if path else MODEL_FILE))


@lru_cache(maxsize=8)
def _load(path: str) -> AnswerModel:
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"answer model {path}: cannot read it ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelFileError(f"answer model {path}: not an answer model of format {FORMAT}")
    try:
        model = AnswerModel(
            span_trees=Trees.from_data(data["span_trees"]),
            correct_weights={str(k): float(v) for k, v in data["correct_weights"].items()},
            show_short_above={str(k): float(v) for k, v in data["show_short_above"].items()},
            answerable_weights={str(k): float(v) for k, v in data["answerable_weights"].items()},
            answerable_above={str(k): float(v) for k, v in data["answerable_above"].items()},
            dense_when_missing=float(data["dense_when_missing"]),
            trained_on=str(data.get("trained_on", "")),
            trained_by=str(data.get("trained_by", "")),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelFileError(f"answer model {path}: bad or missing field ({exc})") from None
    for field in ("answerable_above", "show_short_above"):
        if "id" not in getattr(model, field):
            raise ModelFileError(f"answer model {path}: no {field} for id")
    if data.get("version") not in (None, model.version):
        raise ModelFileError(
            f"answer model {path}: its content does not match its version "
            f"{data.get('version')!r} (edited by hand? write it with the training script)"
        )
    return model
