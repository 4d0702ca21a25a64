"""Eval reports: the console table, the Markdown report with PNG plots, and comparisons.

Everything here reads the result dict that `qa.eval.runner.evaluate` returns (and `--json`
writes), so a saved run can be reported or compared later without re-running it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from qa.eval.metrics import DEPTH, METRIC_KEYS

# Console / Markdown sections: (title, metric keys).
SECTIONS = [
    ("retrieval", ["hit@1", "hit@5", "hit@10", "mrr@10", "ndcg@10", "recall@10"]),
    ("answer", ["em", "f1", "contains"]),
    ("short", ["short_precision", "short_coverage", "wrong_answer_rate"]),
    ("citations", ["citation_precision", "citation_verified", "citation_recall"]),
    ("abstention", ["abstain_precision", "abstain_recall", "false_abstain"]),
    ("latency", ["latency_p50_ms", "latency_p95_ms"]),
]
# Columns of the per-type and per-language tables.
GROUP_COLUMNS = [
    "n", "hit@5", "mrr@10", "f1", "contains", "short_precision", "short_coverage", "abstained",
]  # fmt: skip
GROUPS = [("type", "by_type"), ("lang", "by_lang")]  # (label, result key)


def fmt(value: Any, key: str = "") -> str:
    """Fractions with 3 decimals, milliseconds with 1, undefined as an en dash."""
    if value is None:
        return "–"
    if key == "n" or isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return f"{value:.1f}" if key.endswith("_ms") else f"{value:.3f}"


def _summary_line(result: dict) -> str:
    s, rows = result.get("settings", {}), result["questions"]
    unanswerable = sum(r["unanswerable"] for r in rows)
    gold = ", ".join(Path(g).name for g in s.get("gold", [])) or "gold"
    model = f", answer model {s['answer_model']}" if s.get("answer_model") else ""
    return (
        f"{gold}: {len(rows)} questions ({len(rows) - unanswerable} answerable, "
        f"{unanswerable} unanswerable); retriever {s.get('retriever', '?')}, k {s.get('k', '?')}"
        f"{model}"
    )


def print_console(result: dict, out: TextIO | None = None) -> None:
    """The summary line, the metrics by section, stage latency and the per-type table."""
    out = out or sys.stdout
    metrics, latency = result["metrics"], result["latency_ms"]
    print(_summary_line(result), file=out)
    for title, keys in SECTIONS:
        cells = "  ".join(f"{k} {fmt(metrics[k], k)}" for k in keys)
        print(f"  {title:<11} {cells}", file=out)
    stages = "  ".join(
        f"{name} {fmt(v['p50'], '_ms')} / {fmt(v['p95'], '_ms')}" for name, v in latency.items()
    )
    print(f"  {'stages':<11} p50 / p95 ms: {stages}", file=out)
    for label, key in GROUPS:
        if result.get(key):  # runs saved before a table existed lack it
            _console_table(label, result[key], out)


def _console_table(label: str, groups: dict[str, dict], out: TextIO) -> None:
    widths = {c: max(10, len(c) + 2) for c in GROUP_COLUMNS}
    print(f"  {label:<14}" + "".join(f"{c:>{w}}" for c, w in widths.items()), file=out)
    for name, scores in groups.items():
        cells = [f"{fmt(scores.get(c), c):>{w}}" for c, w in widths.items()]
        print(f"  {name:<14}" + "".join(cells), file=out)


# -- Markdown and plots ------------------------------------------------------------------


def write_report(result: dict, folder: Path) -> list[Path]:
    """report.md plus hit_at_k.png, latency.png and by_type.png in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    plots = list(_plots(result, folder))
    path = folder / "report.md"
    path.write_text(markdown(result, [p.name for p in plots]), encoding="utf-8")
    return [path, *plots]


def markdown(result: dict, plots: Sequence[str] = ()) -> str:
    """report.md: summary, settings, metric tables, plot links and the questions it missed."""
    metrics, settings, rows = result["metrics"], result.get("settings", {}), result["questions"]
    lines = ["# Evaluation report", "", _summary_line(result) + ".", ""]
    lines += [f"- {k}: `{v}`" for k, v in settings.items()]
    lines += ["", "## Metrics", "", "| group | metric | value |", "|---|---|---|"]
    lines.append(f"| | n | {metrics['n']} |")
    for title, keys in SECTIONS:
        lines += [f"| {title} | {k} | {fmt(metrics[k], k)} |" for k in keys]
    lines += [
        "",
        "Fractions 0–1 (– = undefined: no question of that kind); retrieval and answer"
        " metrics over answerable questions; latency per question, retrieval plus answer.",
        "",
        "## Latency by stage (ms)",
        "",
        "| stage | p50 | p95 |",
        "|---|---|---|",
    ]
    for name, v in result["latency_ms"].items():
        lines.append(f"| {name} | {fmt(v['p50'], '_ms')} | {fmt(v['p95'], '_ms')} |")
    for label, key in GROUPS:
        if result.get(key):
            lines += ["", f"## By question {'type' if label == 'type' else 'language'}", ""]
            lines.append(f"| {label} | " + " | ".join(GROUP_COLUMNS) + " |")
            lines.append("|---" * (len(GROUP_COLUMNS) + 1) + "|")
            for name, scores in result[key].items():
                cells = " | ".join(fmt(scores.get(c), c) for c in GROUP_COLUMNS)
                lines.append(f"| {name} | {cells} |")
    if plots:
        lines += ["", "## Plots", ""] + [f"![{Path(p).stem}]({p})" for p in plots]
    lines += _mistakes(rows)
    return "\n".join(lines) + "\n"


def _cell(text: Any, limit: int = 90) -> str:
    """One table cell: on one line, pipes escaped, cut to `limit` characters."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mistakes(rows: list[dict], limit: int = 30) -> list[str]:
    """Tables of the questions worth reading first, `limit` rows each."""
    answerable = [r for r in rows if not r["unanswerable"]]
    missed = [r for r in answerable if r["hit@10"] is not None and r["hit@10"] < 1]
    wrong = [r for r in answerable if not r["abstained"] and r["f1"] is not None and r["f1"] < 0.5]
    abstained = [r for r in answerable if r["abstained"]]
    answered = [r for r in rows if r["unanswerable"] and not r["abstained"]]
    lines: list[str] = []

    def table(title: str, found: list[dict], header: str, cells) -> None:
        lines.extend(["", f"## {title} ({len(found)})", ""])
        if not found:
            lines.append("None.")
            return
        lines.extend([header, "|" + "---|" * (header.count("|") - 1)])
        lines.extend("| " + " | ".join(_cell(c) for c in cells(r)) + " |" for r in found[:limit])
        if len(found) > limit:
            lines.extend(["", f"… and {len(found) - limit} more (see the JSON)."])

    table(
        "Gold article not in the top 10",
        missed,
        "| id | question | gold doc_ids | top hit |",
        lambda r: [
            r["id"],
            r["question"],
            ", ".join(r["doc_ids"]),
            r["retrieved"][0]["article_id"] if r["retrieved"] else "",
        ],
    )
    table(
        "Short answer F1 below 0.5",
        wrong,
        "| id | question | gold | short answer | F1 |",
        lambda r: [r["id"], r["question"], " / ".join(r["answers"]), r["short_answer"] or "–",
                   f"{r['f1']:.2f}"],
    )  # fmt: skip
    table(
        "Answerable but abstained",
        abstained,
        "| id | question | gold |",
        lambda r: [r["id"], r["question"], " / ".join(r["answers"])],
    )
    table(
        "Unanswerable but answered",
        answered,
        "| id | question | answer |",
        lambda r: [r["id"], r["question"], r["short_answer"] or r["answer"]],
    )
    return lines


def _plots(result: dict, folder: Path) -> Iterator[Path]:
    """hit_at_k.png (when any question is answerable), latency.png, by_type.png, and
    risk_coverage.png (when any short answer was shown)."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    if any(v is not None for v in result["hit_curve"]):
        yield _save(_hit_plot(plt, result["hit_curve"]), folder / "hit_at_k.png", plt)
    yield _save(_latency_plot(plt, result), folder / "latency.png", plt)
    yield _save(_type_plot(plt, result["by_type"]), folder / "by_type.png", plt)
    if result.get("risk_coverage"):
        yield _save(_risk_plot(plt, result["risk_coverage"]), folder / "risk_coverage.png", plt)


def _hit_plot(plt: Any, curve: list[float | None]) -> Any:
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ks = list(range(1, DEPTH + 1))
    ax.plot(ks, [v if v is not None else float("nan") for v in curve], marker="o")
    ax.set(xlabel="k", ylabel="hit@k", title="Gold article in the top k", ylim=(0, 1.02))
    ax.set_xticks(ks)
    ax.grid(alpha=0.3)
    return fig


def _latency_plot(plt: Any, result: dict) -> Any:
    """Per-stage histograms with the p50 and p95 the tables report."""
    rows = result["questions"]
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.3))
    for ax, stage, color in zip(axes, ("retrieve", "answer"), ("C0", "C1"), strict=True):
        times = [r[f"{stage}_ms"] for r in rows]
        ax.hist(times, bins=30, color=color, alpha=0.8)
        for q, style in ((50, "-"), (95, "--")):
            value = result["latency_ms"][stage][f"p{q}"]
            ax.axvline(value, color="k", linestyle=style, label=f"p{q} {value:.1f} ms")
        ax.set(xlabel="ms per question", ylabel="questions", title=stage)
        ax.legend(fontsize=8)
    fig.suptitle("Latency by stage")
    return fig


def _type_plot(plt: Any, by_type: dict[str, dict]) -> Any:
    """Grouped bars per question type; undefined scores are drawn as 0."""
    kinds = list(by_type)
    columns = ["hit@5", "f1", "contains", "abstained"]
    fig, ax = plt.subplots(figsize=(max(5, 1.2 * len(kinds) + 2), 3.5))
    width = 0.8 / len(columns)
    for i, column in enumerate(columns):
        values = [by_type[k][column] for k in kinds]
        ax.bar(
            [x + i * width for x in range(len(kinds))],
            [v if v is not None else 0 for v in values],
            width,
            label=column,
        )
    ax.set_xticks([x + width * (len(columns) - 1) / 2 for x in range(len(kinds))])
    labels = [f"{k}\n(n={by_type[k]['n']})" for k in kinds]
    ax.set_xticklabels(labels, fontsize=8)
    ax.set(ylim=(0, 1.22), title="Scores by question type")
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.legend(fontsize=7, ncol=len(columns), loc="upper center")
    return fig


def _risk_plot(plt: Any, curve: list[list[float]]) -> Any:
    """Precision of the shown short answers against their coverage, most confident first."""
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot([c for c, _ in curve], [p for _, p in curve], marker=".")
    ax.set(
        xlabel="short_coverage (answerable questions with a short answer)",
        ylabel="short_precision",
        title="Short answers: precision at each coverage",
        xlim=(0, 1.0),
        ylim=(0, 1.02),
    )
    ax.grid(alpha=0.3)
    return fig


def _save(fig: Any, path: Path, plt: Any) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# -- comparing two runs --------------------------------------------------------------------


def load_result(path: Path) -> dict:
    """A saved `--json` result; ValueError when it is not one."""
    try:
        result = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a readable eval JSON ({exc})") from exc
    if not isinstance(result, dict) or not isinstance(result.get("metrics"), dict):
        raise ValueError(f"{path}: not an eval JSON (no metrics)")
    return result


def compare(a_path: Path, b_path: Path, out: TextIO | None = None) -> int:
    """Print each metric of A and B and the change B - A; notes when the runs differ."""
    out = out or sys.stdout
    a, b = load_result(a_path), load_result(b_path)
    print(f"{'metric':<20}{'A':>10}{'B':>10}{'B - A':>10}", file=out)
    for key in METRIC_KEYS:
        print(_compare_row(key, a["metrics"].get(key), b["metrics"].get(key)), file=out)
    for line in _compare_notes(a, b):
        print(line, file=out)
    return 0


def _compare_row(key: str, va: Any, vb: Any) -> str:
    if va is None or vb is None:
        delta = "–"
    elif key == "n":
        delta = f"{vb - va:+d}"
    else:
        delta = f"{vb - va:+.1f}" if key.endswith("_ms") else f"{vb - va:+.3f}"
    return f"{key:<20}{fmt(va, key):>10}{fmt(vb, key):>10}{delta:>10}"


def _compare_notes(a: dict, b: dict) -> list[str]:
    """The answer models, the settings that differ (but the date), different questions."""
    sa, sb = a.get("settings", {}), b.get("settings", {})
    lines = []
    if sa.get("answer_model") or sb.get("answer_model"):
        lines.append(
            f"answer model: A {sa.get('answer_model') or '–'}, B {sb.get('answer_model') or '–'}"
        )
    for key in sorted((set(sa) | set(sb)) - {"date", "answer_model"}):
        if sa.get(key) != sb.get(key):
            lines.append(f"note: {key} differs: A {sa.get(key)!r}, B {sb.get(key)!r}")
    ids_a = {q["id"] for q in a.get("questions", [])}
    ids_b = {q["id"] for q in b.get("questions", [])}
    if ids_a != ids_b:
        lines.append(
            f"note: the runs asked different questions ({len(ids_a - ids_b)} only in A,"
            f" {len(ids_b - ids_a)} only in B)"
        )
    return lines
