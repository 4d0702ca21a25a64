"""Articles and chunks as rows of the Milvus collections, and back.

A chunk row carries what a citation needs (text, offsets, the article's title, date, source
and URL) beside its terms and vectors. An article is its text in parts (a VARCHAR holds 64 KB)
and, on part 0, a record: its metadata, its chunk ids and its content hash.
"""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np

from qa.articles import Article
from qa.chunking import Chunk
from qa.store.change import date_key
from qa.store.milvus import bm25, schema

CHUNK_FIELDS = [
    "chunk_id", "article_id", "ordinal", "text", "start", "end",
    "title", "date_text", "source", "url",
]  # fmt: skip


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def chunk_row(
    article: Article, chunk: Chunk, terms: list[str], vector: np.ndarray, avgdl: float
) -> dict:
    return {
        "id": schema.chunk_key(chunk.id),
        "chunk_id": chunk.id,
        "article_id": article.id,
        "ordinal": chunk.ordinal,
        "text": chunk.text,
        "start": chunk.start,
        "end": chunk.end,
        "title": article.title or "",
        "date_text": article.date or "",
        "date": date_key(article.date) or 0,
        "source": article.source or "",
        "url": article.url or "",
        "terms": " ".join(terms),
        "vector": np.asarray(vector, dtype=np.float32).tolist(),
        "bm25": bm25.chunk_weights(terms, avgdl),
    }


def article_rows(article: Article, chunks: list[Chunk]) -> list[dict]:
    """The text in parts; part 0 (the record, with the hash) is listed last, so it is written
    last."""
    text = article.text
    parts = [text[i : i + schema.TEXT_PART] for i in range(0, len(text), schema.TEXT_PART)]
    parts = parts or [""]
    record = {
        "title": article.title,
        "date": article.date,
        "source": article.source,
        "url": article.url,
        "place": article.place,
        "path": article.path,
        "id": article.id,
        "parts": len(parts),
        "chunks": [c.id for c in chunks],
        "hash": article.content_hash(),
        "added_at": now(),
    }
    rows = [
        {
            "key": f"{i}:{article.id}",
            "article_id": article.id,
            "part": i,
            "text": part,
            "info": record if i == 0 else {},
            "zero": schema.ZERO,
        }
        for i, part in enumerate(parts)
    ]
    return rows[1:] + rows[:1]


def part_keys(record: dict) -> list[str]:
    """The keys of an article's rows in the articles collection, part 0 first."""
    return [f"{i}:{record['id']}" for i in range(record["parts"])]


def record_key(article_id: str) -> str:
    return f"0:{article_id}"


def to_article(first: dict, rest: list[dict]) -> Article:
    """An article from its part 0 row and its other parts."""
    info = first["info"]
    text = first["text"] + "".join(r["text"] for r in sorted(rest, key=lambda r: r["part"]))
    return Article(
        info["id"],
        info["title"],
        text,
        info["date"],
        info["source"],
        info["url"],
        info["place"],
        info["path"],
    )


def to_chunk(row: dict) -> Chunk:
    return Chunk(
        row["chunk_id"],
        row["article_id"],
        int(row["ordinal"]),
        row["text"],
        int(row["start"]),
        int(row["end"]),
        row["title"],
        row["date_text"] or None,
        row["source"] or None,
        row["url"] or None,
    )
