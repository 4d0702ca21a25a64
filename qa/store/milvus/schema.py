"""The four collections of one index in Milvus, created on first use.

- `<prefix>_chunks`: one row per chunk, keyed by a 63-bit hash of the chunk id (so a rerun
  of an interrupted write overwrites instead of duplicating): its text, offsets, the
  article's title, date, source and URL (enough to cite without another database), its
  analyzed terms, dense vector and BM25 sparse vector.
- `<prefix>_articles`: the article's text in parts (a VARCHAR holds 64 KB) and, on part 0,
  its metadata and content hash: part 0 is written last, so an article whose hash is there is
  complete.
- `<prefix>_terms`: each term's document frequency (BM25's IDF).
- `<prefix>_meta`: the manifest, the index state and the writer's lease.

Milvus needs a vector field in every collection: the last three carry a one-dimensional zero.
"""

from __future__ import annotations

import hashlib

from pymilvus import DataType, MilvusClient

TEXT_PART = 16_000  # characters: 64 KB even if every character takes four bytes in UTF-8
LONG = 65_535
ZERO = [0.0]


def names(prefix: str) -> dict[str, str]:
    return {kind: f"{prefix}_{kind}" for kind in ("chunks", "articles", "terms", "meta")}


def chunk_key(chunk_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(chunk_id.encode(), digest_size=8).digest()) >> 1


def _chunks(client: MilvusClient, name: str, dim: int, hnsw: dict) -> None:
    s = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("id", DataType.INT64, is_primary=True)
    for field in ("chunk_id", "article_id", "title", "date_text", "source", "url"):
        s.add_field(field, DataType.VARCHAR, max_length=LONG)
    s.add_field("text", DataType.VARCHAR, max_length=LONG)
    s.add_field("terms", DataType.VARCHAR, max_length=LONG)
    for field in ("ordinal", "start", "end", "date"):
        s.add_field(field, DataType.INT64)
    s.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    s.add_field("bm25", DataType.SPARSE_FLOAT_VECTOR)
    index = client.prepare_index_params()
    # Milvus Lite reads build parameters only under "params"; a server reads both forms.
    index.add_index("vector", index_type="HNSW", metric_type="IP", params={"params": hnsw, **hnsw})
    index.add_index("bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    _create(client, name, s, index)


def _create(client: MilvusClient, name: str, fields, index) -> None:
    """The collection and its indexes, without waiting for the (empty) indexes to be
    reported built: pymilvus polls for that, a fixed 1.5 s per collection on Milvus Lite."""
    client.create_collection(name, schema=fields, consistency_level="Strong")
    client.create_index(name, index, sync=False)


def _keyed(client: MilvusClient, name: str, fields: dict[str, DataType]) -> None:
    s = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("key", DataType.VARCHAR, is_primary=True, max_length=LONG)
    for field, kind in fields.items():
        extra = {"max_length": LONG} if kind == DataType.VARCHAR else {}
        s.add_field(field, kind, **extra)
    s.add_field("zero", DataType.FLOAT_VECTOR, dim=1)
    index = client.prepare_index_params()
    index.add_index("zero", index_type="FLAT", metric_type="L2")
    _create(client, name, s, index)


def create(client: MilvusClient, prefix: str, dim: int, hnsw: dict) -> None:
    """Create whichever collections are missing, and load all of them (a reopened Milvus
    Lite keeps them released)."""
    found = set(client.list_collections())
    n = names(prefix)
    if n["chunks"] not in found:
        _chunks(client, n["chunks"], dim, hnsw)
    fields = {
        "articles": {
            "article_id": DataType.VARCHAR,
            "part": DataType.INT64,
            "text": DataType.VARCHAR,
            "info": DataType.JSON,
        },
        "terms": {"df": DataType.INT64},
        "meta": {"value": DataType.JSON},
    }
    for kind, columns in fields.items():
        if n[kind] not in found:
            _keyed(client, n[kind], columns)
    for name in n.values():
        client.load_collection(name)
