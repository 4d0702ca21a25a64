"""Which Milvus lexical side ranks closer to the local store: Milvus' own BM25 function, or
the sparse vectors we compute (`qa/store/milvus/bm25.py`)?

    python bench/milvus_bm25.py      # needs the FacQA eval indexes that `qa eval` builds

Over the FacQA valid questions, compares the top 10 of the local store's BM25 (tantivy) with
(a) a Milvus Lite collection whose BM25 function reads the same analyzed terms (each one
hex-encoded, so that Milvus' `standard` tokenizer keeps it whole and its case), written in
batches of 500 with a flush after each, as an ingest would; and (b) our own sparse vectors in
a Milvus Lite index built by `qa --store ... eval`. Prints the mean overlap@10 and the share of
questions with the same first hit. Asserts nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GRPC_VERBOSITY", "ERROR")

from pymilvus import DataType, Function, FunctionType, MilvusClient  # noqa: E402

from qa.config import Config  # noqa: E402
from qa.eval.command import corpus_index_dir  # noqa: E402
from qa.index import Index  # noqa: E402
from qa.store import Filters  # noqa: E402

CORPUS = ROOT / "eval/facqa/corpus.jsonl"
GOLD = ROOT / "eval/facqa/gold-valid.jsonl"
WORK = ROOT / "bench/results/milvus-bm25"


def hexed(terms: list[str]) -> str:
    return " ".join(t.encode("utf-8").hex() for t in terms)


def function_collection(client: MilvusClient, rows: list[tuple[int, list[str]]]) -> None:
    s = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("id", DataType.INT64, is_primary=True)
    s.add_field("terms", DataType.VARCHAR, max_length=65535, enable_analyzer=True)
    s.add_field("bm25", DataType.SPARSE_FLOAT_VECTOR)
    s.add_field("zero", DataType.FLOAT_VECTOR, dim=1)
    s.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                            input_field_names=["terms"], output_field_names=["bm25"]))  # fmt: skip
    index = client.prepare_index_params()
    index.add_index("bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                    params={"params": {"bm25_k1": 1.2, "bm25_b": 0.75}})  # fmt: skip
    index.add_index("zero", index_type="FLAT", metric_type="L2")
    client.create_collection("f", schema=s, index_params=index)
    for start in range(0, len(rows), 500):
        batch = rows[start : start + 500]
        client.insert("f", [{"id": i, "terms": hexed(t), "zero": [0.0]} for i, t in batch])
        client.flush("f")


def overlap(a: list[int], b: list[int]) -> float:
    return len(set(a) & set(b)) / max(len(a), 1)


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    local_dir = corpus_index_dir(Config.load(env={}), [CORPUS])
    local = Index(Config.load(env={}, index=local_dir))
    store = local.store
    chunks = list(store.all_chunks())
    by_id = {c.id: c for c in chunks}
    terms = {c.id: local.analyzer.terms(c.text) for c in chunks}
    ids = {cid: n for n, cid in enumerate(by_id)}
    client = MilvusClient(str(WORK / "f.db"))
    function_collection(client, [(ids[cid], terms[cid]) for cid in by_id])
    ours = Index(Config.load(env={}, index=WORK / "ours", store=f"milvus://{WORK}/ours.db"))
    ours.ingest([CORPUS], progress=False)
    questions = [json.loads(line)["question"] for line in GOLD.read_text("utf-8").splitlines()]
    found = {"function": [0.0, 0], "ours": [0.0, 0]}
    for q in questions:
        query = local.query(q)
        want = [r for r, _ in store.lexical_search(query.terms, 10, Filters())]
        want_ids = [ids[store.chunks([r])[r].id] for r in want]
        hits = client.search("f", data=[hexed(list(dict.fromkeys(query.terms)))],
                             anns_field="bm25", limit=10)[0]  # fmt: skip
        got = [h["id"] for h in hits]
        mine = [r for r, _ in ours.store.lexical_search(query.terms, 10, Filters())]
        mine_ids = [ids[ours.store.chunks([r])[r].id] for r in mine]
        for name, ranked in (("function", got), ("ours", mine_ids)):
            found[name][0] += overlap(want_ids, ranked)
            found[name][1] += bool(want_ids and ranked and want_ids[0] == ranked[0])
    n = len(questions)
    for name, (total, first) in found.items():
        share = f"overlap@10 with the local store {total / n:.3f}, same first hit {first / n:.3f}"
        print(f"{name:9s} {share}")


if __name__ == "__main__":
    main()
