"""BM25 as sparse vectors we compute ourselves, so that Milvus ranks like the local store.

Milvus' own BM25 function cannot take our analyzer's terms as they are (its tokenizers split
and lowercase them) and keeps its statistics per segment; a sparse vector scored by inner
product is exact and ours: each chunk stores the saturated term frequency of its terms, and a
question weighs each of its terms by its IDF over the whole index (document frequencies kept
beside the chunks). The formulas are Lucene's and tantivy's (k1 1.2, b 0.75).
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Iterable

K1 = 1.2
B = 0.75
_IDS = 2**32 - 1  # Milvus sparse indices are uint32


def term_id(term: str) -> int:
    """A term's sparse index. 32-bit: two terms may share one (expected ~1 pair per 100k
    distinct terms), which merges their postings; the IDF still uses each term's own count."""
    return zlib.crc32(term.encode("utf-8")) % _IDS


def chunk_weights(terms: list[str], avgdl: float) -> dict[int, float]:
    """BM25's document side: tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))."""
    norm = K1 * (1 - B + B * len(terms) / max(avgdl, 1e-9))
    weights: dict[int, float] = {}
    for term, tf in Counter(terms).items():
        key = term_id(term)
        weights[key] = weights.get(key, 0.0) + tf * (K1 + 1) / (tf + norm)
    return weights or {0: 0.0}  # Milvus refuses an empty sparse vector


def idf(df: int, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def query_weights(terms: Iterable[str], dfs: dict[str, int], n: int) -> dict[int, float]:
    """BM25's query side: each distinct term present in the index, weighed by its IDF."""
    weights: dict[int, float] = {}
    for term in dict.fromkeys(terms):
        if 0 < dfs.get(term, 0) <= n:  # counts read a moment apart may disagree
            key = term_id(term)
            weights[key] = weights.get(key, 0.0) + idf(dfs[term], n)
    return weights


def frequency_changes(added: Iterable[list[str]], removed: Iterable[list[str]]) -> Counter:
    """Per term, how many chunks holding it are added minus removed."""
    change: Counter = Counter()
    for terms in added:
        change.update(set(terms))
    for terms in removed:
        change.subtract(set(terms))
    return change
