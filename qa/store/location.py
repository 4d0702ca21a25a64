"""Which backend holds an index: the local folder (`--index DIR`, the default), or Milvus
(`--store milvus://...`, where `--index` names the index inside it).

pymilvus is imported only when a `milvus://` store is asked for (`milvus.uri` needs none).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from qa.store.backend import Backend
from qa.store.manifest import Manifest, read_manifest
from qa.store.milvus.uri import SCHEME, collection_prefix, parse
from qa.store.store import Store


def describe(store: str, index: Path) -> str:
    """The index as messages name it."""
    if store.startswith(SCHEME):
        return f"{store} (index {collection_prefix(index)})"
    return str(index)


def _need_milvus(store: str) -> None:
    """A clear error where the `milvus` extra is not installed."""
    if importlib.util.find_spec("pymilvus") is None:
        raise ValueError(f"store {store}: Milvus needs the milvus extra: pip install '.[milvus]'")


def stored_manifest(store: str, index: Path) -> Manifest | None:
    """The settings the index was built with, or None where it has not been built."""
    if not store:
        return read_manifest(index)
    location = parse(store)  # the scheme checked before the extra is needed
    _need_milvus(store)
    from qa.store.milvus.client import read_manifest as read_milvus

    return read_milvus(location, collection_prefix(index))


def open_store(store: str, index: Path, manifest: Manifest) -> Backend:
    """The backend for `store` (empty: the local folder `index`)."""
    if not store:
        return Store(index, manifest)
    location = parse(store)
    _need_milvus(store)
    from qa.store.milvus.store import MilvusStore

    return MilvusStore(location, collection_prefix(index), manifest)
