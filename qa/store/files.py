"""File helpers for the index folder, safe against crashes and against other processes.

A reader may open the folder while a writer (here or in another process) replaces files in
it, so files are written whole or not at all, and sizes are read without trusting that a
file listed a moment ago still exists.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import threading
from pathlib import Path


class DiskFullError(RuntimeError):
    """The disk under the index filled up during a write; the message says what was kept."""


def is_disk_full(exc: BaseException) -> bool:
    """SQLite's "database or disk is full", or an OS write that found no space or quota."""
    if isinstance(exc, sqlite3.OperationalError):
        return "full" in str(exc).lower()
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def free_mb(path: Path) -> float:
    """Free space where `path` lives, in MB (0 when it cannot be read)."""
    try:
        return shutil.disk_usage(path).free / 2**20
    except OSError:
        return 0.0


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a crash leaves either the old file or the new one."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk must not keep a half-written copy
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # make the rename itself durable
    finally:
        os.close(dir_fd)


def file_size(path: Path) -> int:
    """A file's size, 0 when a concurrent writer renamed or removed it meanwhile."""
    try:
        return path.stat().st_size if path.is_file() else 0
    except FileNotFoundError:
        return 0
