"""The manifest: the settings an index was built with, and the check that they still hold.

Vectors from another model, chunks cut another way or terms from another analyzer would
not fail loudly; they would give wrong answers. So every index folder keeps its settings in
`manifest.json`, and opening it with different ones raises `IndexMismatchError`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from qa.analysis import ANALYZER_VERSION
from qa.embedding import FAMILY
from qa.store.files import write_atomic
from qa.store.schema import SCHEMA_VERSION

MANIFEST_NAME = "manifest.json"


class IndexMismatchError(RuntimeError):
    """The index on disk was built with settings that differ from the ones asked for."""


@dataclass(frozen=True)
class Manifest:
    """Settings an index is built with; opening it with other ones would give garbage."""

    model: str
    dim: int
    chunk_tokens: int
    chunk_overlap: int
    encoding: str
    stemmer: str
    stopwords: bool
    schema_version: int = SCHEMA_VERSION
    analyzer_version: int = ANALYZER_VERSION
    # What encoded the vectors. Indexes from before runtimes were recorded were torch fp32
    # or bf16, whose vectors fp32 from either runtime matches.
    runtime: str = "torch"
    precision: str = "fp32"

    def differences(self, other: Manifest) -> list[str]:
        """Settings that would change results: the runtime never does, and the precision
        only across `FAMILY` (fp32 and bf16 vectors mix, int8 ones do not)."""
        mine, theirs = asdict(self), asdict(other)
        del mine["runtime"], theirs["runtime"]
        if FAMILY.get(self.precision) == FAMILY.get(other.precision):
            del mine["precision"], theirs["precision"]
        return [
            f"{k}: index has {mine[k]!r}, asked for {theirs[k]!r}"
            for k in mine
            if mine[k] != theirs[k]
        ]


def read_manifest(index_dir: Path) -> Manifest | None:
    """The manifest saved in `index_dir`, or None where no index was built yet."""
    path = Path(index_dir) / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        return Manifest(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise IndexMismatchError(f"{path}: unreadable manifest ({exc})") from exc


def claim_manifest(index_dir: Path, manifest: Manifest) -> None:
    """Save `manifest` in a new index folder, or check that an existing index matches it."""
    existing = read_manifest(index_dir)
    if existing is None:
        save_manifest(index_dir, manifest)
    elif existing.differences(manifest):
        raise IndexMismatchError(
            f"index {index_dir} was built with other settings: "
            + "; ".join(existing.differences(manifest))
            + ". Use another --index, or remove this one and ingest again."
        )


def save_manifest(index_dir: Path, manifest: Manifest) -> None:
    text = json.dumps(asdict(manifest), indent=2) + "\n"
    write_atomic(Path(index_dir) / MANIFEST_NAME, text.encode("utf-8"))
