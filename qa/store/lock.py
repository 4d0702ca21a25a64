"""The index's write lock: one writer at a time across processes, and a waiting writer told
who holds it.

An advisory `flock` on `.write.lock` in the index folder; the holder writes its pid, start
time and command line into the file, so a second writer (another `qa ingest`, a web upload)
can say whom it waits for, and give up with `IndexBusyError` after `timeout` seconds instead of
waiting in silence forever. The kernel drops the lock when its holder dies, so a killed
writer never leaves the index locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

LOCK_NAME = ".write.lock"
_POLL = 0.2  # seconds between tries while waiting


class IndexBusyError(RuntimeError):
    """Another writer held the index's write lock for longer than the timeout."""


@contextlib.contextmanager
def write_lock(
    index_dir: Path, timeout: float, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the index's write lock; `on_wait(holder)` is called once if it must wait."""
    path = Path(index_dir) / LOCK_NAME
    with open(path, "a+", encoding="utf-8") as handle:
        _acquire(handle, path, timeout, on_wait)
        handle.seek(0)
        handle.truncate()
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        command = " ".join(sys.argv)[:200]
        handle.write(f"pid {os.getpid()} since {started}: {command}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()


def _acquire(handle, path: Path, timeout: float, on_wait: Callable[[str], None] | None) -> None:
    """Take the lock at once if free; otherwise say whom we wait for, then poll until it is
    free or `timeout` seconds have passed."""
    if _try(handle):
        return
    holder = holder_of(path)
    if on_wait is not None:
        on_wait(holder)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(_POLL)
        if _try(handle):
            return
    raise busy(path.parent, holder, timeout)


def busy(index_dir: Path | str, holder: str, timeout: float) -> IndexBusyError:
    """The error a writer gives up with, naming the index and whom it waited for."""
    return IndexBusyError(
        f"index {index_dir} is busy: another writer ({holder}) still holds its write lock "
        f"after {timeout:g} s; try again later, or wait longer with QA_LOCK_TIMEOUT"
    )


def _try(handle) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def holder_of(path: Path) -> str:
    """What the lock file says about its holder ("pid 123 since ...: qa ingest ...")."""
    try:
        note = Path(path).read_text("utf-8").strip()
    except OSError:
        note = ""
    return note or "a process that has not said who it is"
