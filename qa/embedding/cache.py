"""Where a model's ONNX export lives: a cache folder keyed by the hash of the model's files.

Hashing a 90 MB model on every start would cost more than the rest of a query, so each
folder's hash is remembered next to the files' sizes and modification times, and computed
again only when one of them changes.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

FINGERPRINTS = "fingerprints.json"


def cache_root(configured: str) -> Path:
    """`configured` (QA_CACHE_DIR), else $XDG_CACHE_HOME/qa-news, else ~/.cache/qa-news."""
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "qa-news"


def _files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _stamp(folder: Path, files: list[Path]) -> list[list]:
    stamps = []
    for p in files:
        st = p.stat()
        stamps.append([str(p.relative_to(folder)), st.st_size, st.st_mtime_ns])
    return stamps


def _content_hash(folder: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for p in files:
        digest.update(str(p.relative_to(folder)).encode() + b"\0")
        inner = hashlib.sha256()
        with open(p, "rb") as f:
            while block := f.read(1 << 20):
                inner.update(block)
        digest.update(inner.digest())
    return digest.hexdigest()


def fingerprint(folder: Path, root: Path) -> str:
    """The sha256 of `folder`'s files (names and contents), remembered under `root`."""
    folder = folder.resolve()
    files = _files(folder)
    stamp = _stamp(folder, files)
    memo_path = root / FINGERPRINTS
    try:
        memo = json.loads(memo_path.read_text("utf-8"))
    except (OSError, ValueError):
        memo = {}
    known = memo.get(str(folder))
    if isinstance(known, dict) and known.get("files") == stamp:
        return known["sha256"]
    found = _content_hash(folder, files)
    memo[str(folder)] = {"files": stamp, "sha256": found}
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = memo_path.with_name(f".{FINGERPRINTS}.{os.getpid()}")
        tmp.write_text(json.dumps(memo, indent=1), "utf-8")
        os.replace(tmp, memo_path)
    except OSError:  # a read-only cache still works, it only hashes again next time
        pass
    return found


def export_dir(model_folder: Path, root: Path) -> Path:
    """The folder that holds (or will hold) this model's ONNX export."""
    return root / "onnx" / fingerprint(model_folder, root)[:20]
