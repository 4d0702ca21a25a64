"""One writer at a time across processes sharing a Milvus index: a lease row in its meta
collection, renewed while the writer works and released when it is done.

Milvus has no compare-and-set, so a writer claims a free (or expired) lease, waits a moment
and reads it back: two claims in the same instant leave one holder, the one written last. A
holder that died stops renewing, and its lease expires (`TTL`); one on this machine whose
process is gone is taken over at once.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator

from qa.store.lock import IndexBusyError, busy

TTL = 90.0  # seconds a lease lives without renewal
RENEW = 20.0
SETTLE = 0.1  # seconds between claiming the lease and reading it back
POLL = 0.25
KEY = "writer"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Lease:
    def __init__(
        self,
        get: Callable[[str], dict | None],
        put: Callable[[str, dict], None],
        delete: Callable[[str], None],
        where: str,
    ):
        self._get, self._put, self._delete, self.where = get, put, delete, where
        self.host = socket.gethostname()
        self.me = f"{self.host} pid {os.getpid()} ({uuid.uuid4().hex[:8]})"

    def _free(self, row: dict | None) -> bool:
        if row is None or row["expires"] < time.time() or row["holder"] == self.me:
            return True
        return row["host"] == self.host and not _alive(row["pid"])

    def _claim(self) -> None:
        self._put(
            KEY,
            {
                "holder": self.me,
                "host": self.host,
                "pid": os.getpid(),
                "expires": time.time() + TTL,
            },
        )

    def busy(self, holder: str, timeout: float) -> IndexBusyError:
        return busy(self.where, holder, timeout)

    def _acquire(self, timeout: float, on_wait: Callable[[str], None] | None) -> None:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            row = self._get(KEY)
            if self._free(row):
                self._claim()
                time.sleep(SETTLE)
                row = self._get(KEY)
                if row is not None and row["holder"] == self.me:
                    return
            if row is not None and not told and on_wait is not None:
                on_wait(row["holder"])
                told = True
            if time.monotonic() >= deadline:
                raise self.busy(row["holder"] if row else "unknown", timeout)
            time.sleep(POLL)

    @contextlib.contextmanager
    def held(self, timeout: float, on_wait: Callable[[str], None] | None) -> Iterator[None]:
        self._acquire(timeout, on_wait)
        done = threading.Event()

        def renew() -> None:
            while not done.wait(RENEW):
                with contextlib.suppress(Exception):  # the write itself reports a dead server
                    self._claim()

        renewing = threading.Thread(target=renew, name="qa-lease", daemon=True)
        renewing.start()
        try:
            yield
        finally:
            done.set()
            renewing.join()
            with contextlib.suppress(Exception):
                row = self._get(KEY)
                if row is not None and row["holder"] == self.me:
                    self._delete(KEY)
