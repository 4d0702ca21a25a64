"""The collections of one index on a Milvus client: batched reads and writes, retried on
connection failures (every write here is idempotent), errors that name the URI."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from pymilvus import MilvusClient
from pymilvus.exceptions import MilvusException

from qa.store.backend import StoreUnavailableError
from qa.store.manifest import Manifest
from qa.store.milvus import schema
from qa.store.milvus.uri import MilvusLocation

# Set after importing pymilvus, which configures its loggers: it logs a traceback per failed
# call, and notes that Milvus Lite gives its iterators no timestamps (they manage without).
# Milvus Lite in a file serves gRPC inside this process, whose server logs the same calls.
logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
logging.getLogger("grpc._server").setLevel(logging.CRITICAL)

BATCH = 500  # rows per upsert
READ = 1000  # ids per get
RETRIES = 3
UNREACHABLE = (1, 2)  # pymilvus' codes for a connection that failed or was lost
T = TypeVar("T")


def connect(location: MilvusLocation) -> MilvusClient:
    """A client, or `StoreUnavailableError` naming the URI (never the credentials)."""
    if location.is_file:
        Path(location.address).parent.mkdir(parents=True, exist_ok=True)
    try:
        return MilvusClient(uri=location.address, timeout=10, **location.credentials())
    except MilvusException as exc:
        hint = (
            "is another process using this file? Serve it with `milvus-lite server` and use "
            "milvus://HOST:PORT"
            if location.is_file
            else "is the server running?"
        )
        raise StoreUnavailableError(
            f"cannot open Milvus at {location.uri}: {exc.message}; {hint}"
        ) from None


def read_manifest(location: MilvusLocation, prefix: str) -> Manifest | None:
    """The manifest of the index `prefix` in Milvus, or None where none was built yet."""
    client = connect(location)
    try:
        meta = schema.names(prefix)["meta"]
        if meta not in client.list_collections():
            return None
        client.load_collection(meta)
        rows = client.get(meta, ids=["manifest"], output_fields=["value"])
        return Manifest(**rows[0]["value"]) if rows else None
    finally:
        client.close()


class Collections:
    """One index's collections (`schema.names`), reached through one client."""

    def __init__(self, location: MilvusLocation, prefix: str):
        self.location = location
        self.names = schema.names(prefix)
        self._client = connect(location)

    def call(self, fn: Callable[[MilvusClient], T]) -> T:
        """`fn(client)`, retried with a new client when the connection fails (a pymilvus
        client does not recover by itself), then `StoreUnavailableError`."""
        for attempt in range(RETRIES):
            try:
                return fn(self._client)
            except MilvusException as exc:
                if exc.code not in UNREACHABLE:
                    raise
                if attempt == RETRIES - 1:
                    raise StoreUnavailableError(
                        f"Milvus at {self.location.uri} failed: {exc.message}"
                    ) from None
                time.sleep(0.5 * 2**attempt)
                with contextlib.suppress(StoreUnavailableError):
                    self._client = connect(self.location)
        raise AssertionError("unreachable")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._client.close()

    def get(self, kind: str, ids: Sequence, fields: list[str]) -> list[dict]:
        rows: list[dict] = []
        for start in range(0, len(ids), READ):
            part = list(ids[start : start + READ])
            rows += self.call(
                lambda c, p=part: c.get(self.names[kind], ids=p, output_fields=fields)
            )
        return rows

    def query(self, kind: str, expr: str, fields: list[str]) -> list[dict]:
        return self.call(lambda c: c.query(self.names[kind], filter=expr, output_fields=fields))

    def iterate(self, kind: str, expr: str, fields: list[str]) -> Iterator[dict]:
        found = self.call(
            lambda c: c.query_iterator(
                self.names[kind], batch_size=READ, filter=expr, output_fields=fields
            )
        )
        try:
            while batch := self.call(lambda _: found.next()):
                yield from batch
        finally:
            found.close()

    def count(self, kind: str, expr: str = "") -> int:
        return int(self.query(kind, expr, ["count(*)"])[0]["count(*)"])

    def upsert(self, kind: str, rows: list[dict]) -> None:
        for start in range(0, len(rows), BATCH):
            part = rows[start : start + BATCH]
            self.call(lambda c, p=part: c.upsert(self.names[kind], p))

    def delete(self, kind: str, expr: str) -> None:
        self.call(lambda c: c.delete(self.names[kind], filter=expr))

    def delete_ids(self, kind: str, ids: Sequence) -> None:
        for start in range(0, len(ids), READ):
            part = list(ids[start : start + READ])
            self.call(lambda c, p=part: c.delete(self.names[kind], ids=p))

    def search(self, kind: str, **request) -> list[dict]:
        return self.call(lambda c: c.search(self.names[kind], **request))[0]

    def flush(self, kind: str) -> None:
        self.call(lambda c: c.flush(self.names[kind]))

    # -- the meta collection: small JSON values by key ---------------------------

    def meta_get(self, key: str) -> dict | None:
        rows = self.get("meta", [key], ["value"])
        return rows[0]["value"] if rows else None

    def meta_put(self, key: str, value: dict) -> None:
        self.upsert("meta", [{"key": key, "value": value, "zero": schema.ZERO}])

    def meta_delete(self, key: str) -> None:
        self.delete_ids("meta", [key])
