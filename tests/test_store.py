"""The store: the manifest guards an index against other settings or code; the lexical
(tantivy) and vector (FAISS) indexes follow every write, catch up when left behind, and the
vector index changes kind with the collection's size."""

import json
import shutil
import sqlite3
from dataclasses import asdict, replace

import numpy as np
import pytest

from qa.analysis import Analyzer
from qa.articles import Article
from qa.chunking import Chunk
from qa.store import (
    DB_NAME,
    MANIFEST_NAME,
    Filters,
    IndexMismatchError,
    Manifest,
    Store,
    derived,
    read_manifest,
    vectors,
)
from qa.store.lexical import LEXICAL_DIR

MANIFEST = Manifest(
    model="m",
    dim=4,
    chunk_tokens=200,
    chunk_overlap=40,
    encoding="e",
    stemmer="sastrawi",
    stopwords=True,
)


def test_manifest_is_written_once_and_checked(tmp_path):
    Store(tmp_path, MANIFEST).close()
    saved = json.loads((tmp_path / MANIFEST_NAME).read_text())
    assert saved["model"] == "m" and saved["analyzer_version"] == MANIFEST.analyzer_version
    Store(tmp_path, MANIFEST).close()  # same settings: fine
    with pytest.raises(IndexMismatchError, match="dim: index has 4, asked for 8"):
        Store(tmp_path, replace(MANIFEST, dim=8))


def test_index_from_a_newer_analyzer_version_is_refused(tmp_path):
    Store(tmp_path, MANIFEST).close()
    path = tmp_path / MANIFEST_NAME
    newer = MANIFEST.analyzer_version + 1  # made by a later qa: its terms cannot be read here
    path.write_text(json.dumps({**json.loads(path.read_text()), "analyzer_version": newer}))
    with pytest.raises(IndexMismatchError, match="analyzer_version"):
        Store(tmp_path, MANIFEST)


def test_unreadable_manifest_names_the_file(tmp_path):
    (tmp_path / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(IndexMismatchError, match="manifest.json: unreadable manifest"):
        Store(tmp_path, MANIFEST)


def test_precision_is_checked_by_the_kind_of_vectors_it_makes(tmp_path):
    """fp32 and bf16 vectors (either runtime) mix in one index; int8 ones do not."""
    Store(tmp_path, replace(MANIFEST, runtime="onnx", precision="fp32")).close()
    Store(tmp_path, replace(MANIFEST, runtime="torch", precision="bf16")).close()
    with pytest.raises(IndexMismatchError, match="precision: index has 'fp32', asked for 'int8'"):
        Store(tmp_path, replace(MANIFEST, runtime="onnx", precision="int8"))


def test_manifest_from_before_runtimes_reads_as_torch_fp32(tmp_path):
    old = {k: v for k, v in asdict(MANIFEST).items() if k not in ("runtime", "precision")}
    (tmp_path / MANIFEST_NAME).write_text(json.dumps(old))
    assert (read_manifest(tmp_path).runtime, read_manifest(tmp_path).precision) == (
        "torch",
        "fp32",
    )
    Store(tmp_path, replace(MANIFEST, runtime="onnx", precision="fp32")).close()


# -- the engines: tantivy for BM25, FAISS flat or IVF for vectors, both derived -------------

DIM = 16
ENGINES = replace(MANIFEST, dim=DIM)
WORDS = "banjir gempa pemilu jalan tol harga beras sekolah rumah sakit vaksin pajak".split()


def article_items(ids, date="2020-05-01", source="Contoh News", chunks=2, seed=0):
    """Articles whose chunk i of article a has the terms WORDS[a], WORDS[a+i] and a
    random unit vector (rng `seed`), stored as (article, chunks, terms, vectors)."""
    rng = np.random.default_rng(seed)
    items = []
    for n, article_id in enumerate(ids):
        words = [WORDS[(n + i) % len(WORDS)] for i in range(chunks + 1)]
        text = " ".join(words)
        article = Article(article_id, f"Judul {article_id}", text, date, source)
        parts = [
            Chunk(f"{article_id}#{i}", article_id, i, text, 0, len(text), article.title)
            for i in range(chunks)
        ]
        terms = [[words[0], words[i + 1], article_id] for i in range(chunks)]
        vectors = rng.normal(size=(chunks, DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        items.append((article, parts, terms, vectors))
    return items


def put(store: Store, items) -> None:
    with store.writing():
        store.put(items)


def closed_index(folder, ids) -> None:
    """An index in `folder` holding the articles `ids`, closed (to be damaged or aged)."""
    store = Store(folder, ENGINES)
    put(store, article_items(ids))
    store.close()


def found_articles(store: Store, rowids_scores) -> set[str]:
    return {c.article_id for c in store.chunks([r for r, _ in rowids_scores]).values()}


def test_bm25_ranks_the_chunks_with_the_rarer_term_first_within_the_filters(tmp_path):
    store = Store(tmp_path, ENGINES)
    put(store, article_items(["a1", "a2"], date="2020-05-01", source="Contoh News"))
    put(store, article_items(["b1"], date="2021-01-31", source="Berita Lain", seed=1))
    hits = store.lexical_search(["a1", "banjir"], 10, Filters())
    assert found_articles(store, hits[:2]) == {"a1"}  # its id is a term of its chunks only
    assert found_articles(store, hits) == {"a1", "b1"}  # both contain "banjir"
    assert found_articles(store, store.lexical_search(["banjir"], 10, Filters("2021"))) == {"b1"}
    in_may = store.lexical_search(["banjir"], 10, Filters("2020-05", "2020-05"))
    assert found_articles(store, in_may) == {"a1"}
    assert found_articles(store, store.lexical_search(["banjir"], 10, Filters(source="LAIN"))) == {
        "b1"
    }
    assert store.lexical_search(["banjir"], 10, Filters(source="nowhere")) == []
    assert store.document_frequencies(["banjir", "vaksin"]) == (6, {"banjir": 4})
    store.close()


def test_document_frequencies_are_read_without_counting_until_a_chunk_is_removed(tmp_path):
    """tantivy's own document frequencies also count removed chunks: they are used as they
    are only while the index holds none (one count per term otherwise)."""
    store = Store(tmp_path, ENGINES)
    put(store, article_items(["a1", "a2"]))
    put(store, article_items(["b1"], seed=1))  # a second commit replaces the marker document
    lexical = store._lexical
    assert lexical._no_removed_chunks(lexical._index.searcher())
    assert store.document_frequencies(["a1", "banjir"]) == (6, {"a1": 2, "banjir": 4})
    with store.writing():
        store.remove(["a1"])
    assert not lexical._no_removed_chunks(lexical._index.searcher())
    assert store.document_frequencies(["a1", "banjir"]) == (4, {"banjir": 2})  # not 4
    store.close()


def test_document_frequencies_are_counted_when_tantivys_meta_is_not_as_expected(tmp_path):
    store = Store(tmp_path, ENGINES)
    put(store, article_items(["a1", "a2"]))
    meta = tmp_path / "lexical" / "meta.json"
    saved = meta.read_bytes()
    lexical = store._lexical
    for unexpected in ("{", "[]", '{"segments": [{"max_doc": 4, "deletes": [1]}]}'):
        meta.write_text(unexpected)
        assert not lexical._no_removed_chunks(lexical._index.searcher())
        assert store.document_frequencies(["a1", "banjir"]) == (4, {"a1": 2, "banjir": 2})
    meta.write_bytes(saved)
    store.close()


def test_replaced_and_removed_articles_leave_no_trace_in_either_index(tmp_path):
    store = Store(tmp_path, ENGINES)
    put(store, article_items(["a1", "a2", "a3"]))
    old = {r for r, _ in store.lexical_search(["a2"], 10, Filters())}
    put(store, article_items(["a2"], chunks=3, seed=5))  # a2 changed: new chunks and vectors
    new = {r for r, _ in store.lexical_search(["a2"], 10, Filters())}
    assert len(new) == 3 and not new & old
    with store.writing():
        assert store.remove(["a1", "nope"]) == ["a1"]
    assert store.lexical_search(["a1"], 10, Filters()) == []
    assert store.document_frequencies(["a1", "a2"]) == (5, {"a2": 3})
    probe = article_items(["a1"])[0][3][0]  # a1's first vector, no longer stored
    assert "a1" not in found_articles(store, store.dense_search(probe, 10, Filters()))
    stats = store.stats()
    assert stats["chunks"] == stats["vectors"] == stats["lexical"] == 5
    store.close()
    reopened = Store(tmp_path, ENGINES)
    assert reopened.stats()["lexical"] == 5 and reopened.lexical_search(["a1"], 10, Filters()) == []
    reopened.close()


def test_vector_index_turns_ivf_past_flat_max_and_exact_again_when_it_shrinks(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(vectors, "FLAT_MAX", 300)
    store = Store(tmp_path, ENGINES)
    items = article_items([f"x{i}" for i in range(200)], seed=2)  # 400 chunks
    put(store, items[:100])
    assert store.stats()["vector_index"] == "flat"
    put(store, items[100:])
    assert store.stats()["vector_index"] == "ivf-fp16"
    store.close()
    store = Store(tmp_path, ENGINES)  # loaded from the saved file
    assert store.stats()["vector_index"] == "ivf-fp16"
    for article, _, _, vecs in items[::25]:
        [(rowid, score)] = store.dense_search(vecs[1], 1, Filters())
        assert store.chunks([rowid])[rowid].id == f"{article.id}#1"
        assert score == pytest.approx(1.0, abs=1e-5)  # re-scored with the stored vector
    put(store, article_items(["late"], date="1999-01-01", seed=9))
    probe = article_items(["late"], seed=9)[0][3][0]
    assert found_articles(store, store.dense_search(probe, 5, Filters(date_to="1999"))) == {"late"}
    with store.writing():
        store.remove([a.id for a, _, _, _ in items[:150]])
    assert store.stats()["vector_index"] == "flat"  # 101 articles, 202 chunks: under 150
    store.close()


def test_inverted_lists_grow_with_the_collection_each_with_vectors_to_train_on():
    sizes = [vectors.FLAT_MAX + 1, 100_000, 300_000, 1_000_000, 4_000_000]
    lists = [vectors.lists_for(n) for n in sizes]
    assert lists == sorted(lists) and lists[-1] >= 8 * lists[0]
    assert vectors.lists_for(1_000_000) == 8192  # the scale benchmark's figures
    for size, count in zip(sizes, lists, strict=True):
        assert size // count >= vectors._TRAIN_PER_LIST  # k-means has enough to go on
        # a collection just trained is not due for training again until it grows
        assert vectors.trained_size(count) <= size < vectors.GROWTH * vectors.trained_size(count)


def test_a_lexical_index_left_behind_catches_up_on_open(tmp_path):
    """A writer killed between its database commit and its tantivy commit leaves the lexical
    index at an older generation; the next open brings it up to the database."""
    closed_index(tmp_path, ["a1", "a2"])
    shutil.copytree(tmp_path / LEXICAL_DIR, tmp_path / "behind")
    store = Store(tmp_path, ENGINES)
    put(store, article_items(["b1"], seed=1))
    with store.writing():
        store.remove(["a1"])
    store.close()
    shutil.rmtree(tmp_path / LEXICAL_DIR)
    shutil.move(tmp_path / "behind", tmp_path / LEXICAL_DIR)
    store = Store(tmp_path, ENGINES)
    assert found_articles(store, store.lexical_search(["banjir", "gempa"], 10, Filters())) == {
        "a2",
        "b1",
    }
    assert store.stats()["lexical"] == store.stats()["chunks"] == 4
    store.close()


def test_a_damaged_lexical_index_is_rebuilt_from_the_database(tmp_path):
    closed_index(tmp_path, ["a1", "a2"])
    for path in (tmp_path / LEXICAL_DIR).iterdir():
        path.write_bytes(b"garbage")
    store = Store(tmp_path, ENGINES)
    assert found_articles(store, store.lexical_search(["a2"], 10, Filters())) == {"a2"}
    assert store.stats()["lexical"] == 4
    store.close()


def test_files_a_killed_lexical_writer_left_do_not_block_the_next_commit(tmp_path):
    """A writer killed mid-commit leaves delete files that tantivy registered but no commit
    refers to; the next commit wanting one of those names failed with FileAlreadyExists (seen
    once in the kill test) unless they are collected first."""
    closed_index(tmp_path, ["a1", "a2"])
    lexical = tmp_path / LEXICAL_DIR
    managed = json.loads((lexical / ".managed.json").read_text())
    for segment in {p.stem for p in lexical.glob("*.idx")}:
        for stamp in range(60):  # the operation stamps the next commits will use
            (lexical / f"{segment}.{stamp}.del").write_bytes(b"cut off")
            managed.append(f"{segment}.{stamp}.del")
    (lexical / ".managed.json").write_text(json.dumps(managed))
    store = Store(tmp_path, ENGINES)
    with store.writing():
        assert store.remove(["a1"]) == ["a1"]
    assert found_articles(store, store.lexical_search(["a1", "a2"], 10, Filters())) == {"a2"}
    store.close()


def test_the_change_log_stays_short(tmp_path, monkeypatch):
    monkeypatch.setattr(derived, "KEEP_LOG", 3)
    store = Store(tmp_path, ENGINES)
    for i in range(12):
        put(store, article_items([f"a{i}"], seed=i))
    db = sqlite3.connect(tmp_path / DB_NAME)
    generations = {r[0] for r in db.execute("SELECT generation FROM changes")}
    db.close()
    assert 0 < len(generations) <= 12 - 3
    store.close()
    store = Store(tmp_path, ENGINES)  # catches up from the log or by ids, either way complete
    assert store.stats()["vectors"] == store.stats()["lexical"] == 24
    store.close()


def test_an_index_of_an_older_analyzer_is_analyzed_again_on_open(tmp_path, capsys):
    """The analyzer joins "ibu kota" into one term since version 3: an older index gets its
    terms worked out again from the stored texts, once, and keeps its vectors."""
    store = Store(tmp_path, ENGINES)
    text = "Ibu Kota Nusantara diresmikan"
    article = Article("ikn", "IKN", text, "2024-08-17", "Contoh News")
    chunk = Chunk("ikn#0", "ikn", 0, text, 0, len(text), article.title)
    vector = np.eye(1, DIM, dtype=np.float32)
    put(store, [(article, [chunk], [["kota", "nusantara", "resmi"]], vector)])  # version 2
    store.close()
    path = tmp_path / MANIFEST_NAME
    path.write_text(json.dumps({**json.loads(path.read_text()), "analyzer_version": 2}))
    store = Store(tmp_path, ENGINES)
    assert "analyzing its chunks again" in capsys.readouterr().err
    assert store.terms([1])[1][0] == "ibukota"
    assert found_articles(store, store.lexical_search(["ibukota"], 10, Filters())) == {"ikn"}
    assert not store.lexical_search(["kota"], 10, Filters())
    assert store.dense_search(vector[0], 1, Filters())[0][0] == 1
    assert read_manifest(tmp_path).analyzer_version == MANIFEST.analyzer_version
    store.close()
    Store(tmp_path, ENGINES).close()
    assert "again" not in capsys.readouterr().err  # once


def schema_1_index(folder, **manifest) -> None:
    """An index as version 1 left it: terms in an FTS5 table, no change log, no tantivy."""
    closed_index(folder, ["a1", "a2"])
    db = sqlite3.connect(folder / DB_NAME)
    db.executescript(
        "CREATE VIRTUAL TABLE chunk_terms USING fts5(terms, tokenize='unicode61');"
        "INSERT INTO chunk_terms (rowid, terms) SELECT rowid, terms FROM chunks;"
        "ALTER TABLE chunks DROP COLUMN terms; DROP TABLE changes;"
        "DELETE FROM meta WHERE key='log_from';"
    )
    db.close()
    shutil.rmtree(folder / LEXICAL_DIR)
    path = folder / MANIFEST_NAME
    old = {"schema_version": 1, **manifest}
    path.write_text(json.dumps({**json.loads(path.read_text()), **old}))


def test_a_schema_1_index_is_migrated_on_open(tmp_path):
    """Version 1 kept the terms in an SQLite FTS5 table and had no change log."""
    schema_1_index(tmp_path)
    store = Store(tmp_path, ENGINES)
    assert found_articles(store, store.lexical_search(["a1"], 10, Filters())) == {"a1"}
    assert store.terms([1]) == {1: ["banjir", "gempa", "a1"]}
    assert read_manifest(tmp_path).schema_version == 2
    assert store.stats()["lexical"] == store.stats()["vectors"] == 4
    store.close()


def test_a_schema_1_index_of_an_older_analyzer_is_brought_up_to_date_in_one_open(tmp_path):
    """Both steps in turn: neither stops at the other's difference."""
    schema_1_index(tmp_path, analyzer_version=2)
    store = Store(tmp_path, ENGINES)
    upgraded = read_manifest(tmp_path)
    assert (upgraded.schema_version, upgraded.analyzer_version) == (2, ENGINES.analyzer_version)
    text = store.chunks([1])[1].text  # the terms are the stored text's, analyzed again
    assert store.terms([1])[1] == Analyzer(ENGINES.stemmer, ENGINES.stopwords).terms(text)
    assert store.stats()["lexical"] == store.stats()["vectors"] == 4
    store.close()
