"""Fit when a short answer is shown: the correctness model and its threshold.

    python bench/correctness.py                    # fit on FacQA train + news dev, write model
    python bench/correctness.py --check            # only print the curves of the current model

For every question of FacQA train, in Indonesian and (600 of them) in English, over the FacQA
index, and of the news dev set over the sample corpus, that the reader does not abstain on,
the top short-answer candidate is labelled right when it matches a gold answer as `qa eval`
counts it (`short_correct`: token F1 >= 0.5 or a gold answer inside it). A logistic regression
over `qa.answering.correctness.features` gives the probability; `show_short_above` is, per
question language, the lowest threshold whose shown answers are right at least `PRECISION` of
the time in two-fold cross-validation over that language's questions together, and
`PRECISION_EACH` in each set.
FacQA valid and the held-out news gold are never read here.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fitting import fit_arguments, logistic_weights, two_folds  # noqa: E402
from qa.answering.abstention import answerable_above  # noqa: E402
from qa.answering.correctness import can_show, features  # noqa: E402
from qa.answering.model import AnswerModel, load_model  # noqa: E402
from qa.answering.reader import assess  # noqa: E402
from qa.config import Config  # noqa: E402
from qa.eval.command import corpus_index_dir  # noqa: E402
from qa.eval.metrics import short_correct  # noqa: E402
from qa.index import Index  # noqa: E402
from qa.sample import sample_files  # noqa: E402

PRECISION = 0.85  # the share of shown short answers that must be right, both sets together
PRECISION_EACH = 0.82  # ... and in each set alone (long news articles are harder)
SET_MIN = 30  # a set with fewer questions of a language is too small to hold a bar to
SETS = {
    "facqa-train": (ROOT / "eval/facqa/gold-train.jsonl", [ROOT / "eval/facqa/corpus.jsonl"]),
    "facqa-train-en": (
        ROOT / "eval/facqa/gold-train-en.jsonl",
        [ROOT / "eval/facqa/corpus.jsonl"],
    ),
    "news-dev": (ROOT / "eval/news/dev.jsonl", None),  # None: the bundled sample corpus
}


@dataclass
class Example:
    """The top candidate of one answered question: its features and whether it is right."""

    source: str
    lang: str
    features: dict[str, float]
    right: bool
    typed: bool


def index_for(corpus: list[Path] | None, config: Config) -> Index:
    """The index `qa eval` keeps for this corpus under index/eval/ (run `make eval-guard`,
    or `qa eval` on the set, first to build it)."""
    name = None if corpus else "sample"
    folder = corpus_index_dir(config, corpus or sample_files(), name)
    if not (folder / "manifest.json").exists():
        sys.exit(f"no index at {folder}: build it with qa eval first (see the README)")
    return Index(config.replace(index=folder))


def examples(name: str, index: Index, gold: Path, config: Config) -> list[Example]:
    """Run the reader's steps on every answerable question of `gold`."""
    found = []
    model = index.answer_model
    for line in gold.read_text("utf-8").splitlines():
        item = json.loads(line)
        if not item["answers"]:
            continue
        query = index.query(item["question"])
        judged = assess(query, index.search(query), index.analyzer, model, config)
        if judged is None or not judged.candidates:
            continue
        if judged.answerable < answerable_above(query, model, config.abstain_shift):
            continue
        candidates = judged.candidates
        right = short_correct(candidates[0].text, item["answers"])
        typed = can_show(query, candidates[0])
        found.append(Example(name, query.lang, features(query, candidates), right, typed))
    return found


def fit(rows: list[Example]) -> dict[str, float]:
    return logistic_weights([r.features for r in rows], [int(r.right) for r in rows])


def cross_validated(rows: list[Example]) -> list[float]:
    """Each example's probability from a model fit on the other half (typed ones only)."""
    halves = two_folds(len(rows))
    probability = [0.0] * len(rows)
    for k in (0, 1):
        weights = fit([rows[i] for i in halves[1 - k] if rows[i].typed])
        scorer = replace(load_model(), correct_weights=weights)
        for i in halves[k]:
            if rows[i].typed:
                probability[i] = scorer.correct_probability(rows[i].features)
    return probability


def curve(rows: list[Example], probability: list[float], answerable: dict[str, int]) -> None:
    """Precision and coverage of shown short answers, per set, at a few thresholds."""
    print("threshold  " + "  ".join(f"{name:>22s}" for name in answerable))
    for t in [x / 100 for x in range(30, 91, 5)]:
        cells = []
        for name, total in answerable.items():
            shown = [
                r for r, p in zip(rows, probability, strict=True) if r.source == name and p >= t
            ]
            right = sum(r.right for r in shown)
            cells.append(f"{right / max(len(shown), 1):.3f} @ {len(shown) / total:.3f}")
        print(f"  {t:.2f}     " + "  ".join(f"{c:>22s}" for c in cells))


def thresholds(rows: list[Example], probability: list[float]) -> dict[str, float]:
    """Per question language, `threshold` over that language's questions alone."""
    found = {}
    for lang in ("id", "en"):
        kept = [i for i, r in enumerate(rows) if r.lang == lang]
        found[lang] = threshold([rows[i] for i in kept], [probability[i] for i in kept])
    return found


def threshold(rows: list[Example], probability: list[float]) -> float:
    """The lowest threshold whose shown answers reach `PRECISION` together and
    `PRECISION_EACH` in each set with at least `SET_MIN` of these questions, at it and at
    every threshold above."""
    grid = [x / 100 for x in range(20, 96)]
    counts = Counter(r.source for r in rows)
    sources = {s for s, n in counts.items() if n >= SET_MIN}

    def good(t: float) -> bool:
        return _precision(rows, probability, t) >= PRECISION and all(
            _precision(rows, probability, t, s) >= PRECISION_EACH for s in sources
        )

    return next((t for t in grid if all(good(u) for u in grid if u >= t)), grid[-1])


def _precision(
    rows: list[Example], probability: list[float], t: float, source: str | None = None
) -> float:
    shown = [
        r.right
        for r, p in zip(rows, probability, strict=True)
        if p >= t and source in (None, r.source)
    ]
    return sum(shown) / len(shown) if shown else 1.0


def main() -> None:
    args = fit_arguments(__doc__)
    config = Config.load()
    rows: list[Example] = []
    answerable: dict[str, int] = {}
    for name, (gold, corpus) in SETS.items():
        with index_for(corpus, config) as index:
            found = examples(name, index, gold, config)
        answerable[name] = sum(
            bool(json.loads(line)["answers"]) for line in gold.read_text("utf-8").splitlines()
        )
        print(f"{name}: {len(found)} answered, {sum(r.right for r in found)} right")
        rows += found
    model = load_model()
    if args.check:
        current = [model.correct_probability(r.features) if r.typed else 0.0 for r in rows]
        curve(rows, current, answerable)
        return
    probability = cross_validated(rows)
    print("two-fold cross-validated:")
    curve(rows, probability, answerable)
    fitted: AnswerModel = replace(
        model,
        correct_weights=fit([r for r in rows if r.typed]),
        show_short_above=thresholds(rows, probability),
    )
    fitted.save(args.model_out)
    print(f"show_short_above = {fitted.show_short_above}")
    print(f"wrote {args.model_out}: answer model {fitted.version} (was {model.version})")


if __name__ == "__main__":
    main()
