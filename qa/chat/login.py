"""Logins for the web chat: who may sign in, and a back-off that makes guessing slow.

Accounts come from `QA_AUTH` ("user:password", several comma-separated) or, for passwords
that hold commas, from `QA_AUTH_FILE` (one "user:password" per line; '#' lines are comments).
Gradio asks `LoginGuard` for every attempt; after `free_failures` wrong passwords from one
client (its address), that client is locked out for a time that doubles with each further
failure (up to `max_lockout` seconds), even with the right password, so a password cannot be
guessed at speed, while everyone else can still sign in. Gradio's auth hook is told only the
user name, so the `ClientAddress` middleware notes each request's peer address where the
guard can read it; without it (a direct call), the back-off is per user name. Behind a reverse
proxy every client has the proxy's address: limit logins there.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_CLIENT: ContextVar[str | None] = ContextVar("qa_login_client", default=None)


def parse_accounts(auth: str = "", auth_file: str = "") -> dict[str, str]:
    """{user: password} from the setting and the file (the file's entries win)."""
    entries = [p for p in auth.split(",") if p.strip()]
    if auth_file:
        try:
            lines = Path(auth_file).read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"auth file {auth_file}: cannot read it ({exc})") from None
        entries += [line for line in lines if line.strip() and not line.startswith("#")]
    accounts = {}
    for entry in entries:
        user, sep, password = entry.partition(":")
        if not sep or not user.strip():
            raise ValueError("each login must be user:password")
        accounts[user.strip()] = password
    return accounts


class ClientAddress:
    """ASGI middleware: each HTTP request's peer address, for `LoginGuard` to key on."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        client = scope.get("client") if scope["type"] == "http" else None
        token = _CLIENT.set(client[0] if client else None)
        try:
            await self.app(scope, receive, send)
        finally:
            _CLIENT.reset(token)


@dataclass
class LoginGuard:
    """Gradio's `auth` callable, with a per-client back-off after repeated failures."""

    accounts: dict[str, str]
    free_failures: int = 5
    max_lockout: float = 300.0
    clock: Callable[[], float] = time.monotonic
    client: Callable[[], str | None] = _CLIENT.get  # the address being served, if known
    _failures: dict[str, int] = field(default_factory=dict)
    _locked_until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, user: str, password: str) -> bool:
        address = self.client()
        key = f"client {address}" if address else f"user {user}"
        with self._lock:
            locked = self.clock() < self._locked_until.get(key, 0.0)
            expected = self.accounts.get(user)
            right = expected is not None and hmac.compare_digest(
                expected.encode("utf-8"), (password or "").encode("utf-8")
            )
            if right:
                if locked:
                    return False  # locked out: not even the right password gets in
                self._failures.pop(key, None)
                return True
            # A wrong password counts even while locked out, so a guesser who keeps trying
            # keeps doubling the lockout instead of waiting out a short one.
            failures = self._failures[key] = self._failures.get(key, 0) + 1
            if failures >= self.free_failures:
                wait = min(2.0 ** (failures - self.free_failures), self.max_lockout)
                self._locked_until[key] = self.clock() + wait
            return False
