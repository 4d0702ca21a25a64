"""Reading articles from files: formats, news-aware cleaning and every kind of bad input."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from qa.articles import Article, Problem, clean_text, iso_date, read_articles
from qa.config import Config

SAMPLE = Path(__file__).resolve().parents[1] / "qa" / "data" / "sample"
SEED = SAMPLE / "antara-2019-12-05-pemkot-bandarlampung-umkm-bp-jamsostek.txt"


def read(*paths: Path | str, config: Config | None = None) -> list[Article | Problem]:
    return list(read_articles(paths, config or Config.load(env={})))


def articles(results: list[Article | Problem]) -> list[Article]:
    return [r for r in results if isinstance(r, Article)]


def problems(results: list[Article | Problem]) -> list[Problem]:
    return [r for r in results if isinstance(r, Problem)]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def assert_clean(text: str) -> None:
    """The invariants every article text must satisfy."""
    assert "baca juga" not in text.lower()
    assert "\n\n\n" not in text
    assert text == text.strip()
    assert all(line == line.strip() for line in text.split("\n"))
    assert "  " not in text
    assert unicodedata.is_normalized("NFC", text)


# ---------------------------------------------------------------- the ANTARA seed article


def test_seed_article_fields():
    [article] = read(SEED)
    assert article.title == "Pemkot Bandarlampung dukung UMKM bersinergi dengan BP Jamsostek"
    assert article.date == "2019-12-05"
    assert article.place == "Bandarlampung"
    assert article.source == "ANTARA"
    assert article.path == str(SEED)
    assert article.id.startswith("sha-") and len(article.id) == 4 + 16


def test_seed_article_text_starts_at_dateline_without_header_or_cross_links():
    [article] = read(SEED)
    assert article.text.startswith("Bandarlampung (ANTARA) - Pemerintah Kota (Pemkot) Bandar")
    assert article.text.endswith("apakah mereka sudah menjamin karyawannya atau belum.")
    assert_clean(article.text)
    assert "Dian Hadiyatna" not in article.text  # photo caption
    assert "(5/12/2019)" not in article.text
    assert "Badri Tamam,Sekda" not in article.text  # tag line
    assert article.title not in article.text  # title and its repeat
    assert "Herman HN: Cegah kecurangan" not in article.text  # a "Baca juga" link
    # Body paragraphs survive intact, separated by exactly one blank line.
    assert 'badan jaminan sosial dan lembaga keuangan.\n\n"Sinergitas bagi' in article.text
    assert article.text.count("\n\n") == 7  # 8 body paragraphs; the 2 cross-links are gone


def test_file_id_is_a_content_hash_so_a_moved_copy_is_a_duplicate(tmp_path):
    copy = tmp_path / "elsewhere" / "renamed.txt"
    copy.parent.mkdir()
    copy.write_bytes(SEED.read_bytes())
    first, second = read(SEED, copy)
    assert isinstance(first, Article)
    assert isinstance(second, Problem)
    assert second.path == str(copy)
    assert first.id in second.message and "duplicate id" in second.message


def test_sample_indosum_records_keep_their_ids():
    path = SAMPLE / "indosum.jsonl"
    ids = [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]
    results = read(path)
    assert problems(results) == []
    got = articles(results)
    assert [a.id for a in got] == ids
    assert len(got) == 400
    assert sum(a.source == "ANTARA News" for a in got) == 288
    for article in got:
        assert_clean(article.text)
        assert article.date is not None and len(article.date) == 10


def test_facqa_corpus_reads_unchanged_so_gold_answers_stay_substrings():
    root = SAMPLE.parents[2] / "eval" / "facqa"
    raw = {}
    for line in (root / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        raw[record["id"]] = record["text"]
    results = read(root / "corpus.jsonl")
    assert problems(results) == []
    got = {a.id: a.text for a in articles(results)}
    assert got == raw
    gold = (root / "gold-valid.jsonl").read_text(encoding="utf-8").splitlines()
    for line in gold:
        question = json.loads(line)
        assert all(answer in got[question["doc_ids"][0]] for answer in question["answers"])


# ---------------------------------------------------------------- news datelines


@pytest.mark.parametrize(
    ("opening", "place", "source"),
    [
        ("Jakarta (ANTARA News) - ", "Jakarta", "ANTARA News"),
        ("Sanaa (ANTARA News) – ", "Sanaa", "ANTARA News"),
        ("Garut, Jawa Barat (ANTARA News) - ", "Garut, Jawa Barat", "ANTARA News"),
        ("Jakarta, Kompas - ", "Jakarta", "Kompas"),
        ("JAKARTA, KOMPAS.com - ", "Jakarta", "KOMPAS.com"),
        ("KOMPAS.com - ", None, "KOMPAS.com"),
        ("Jakarta, CNN Indonesia -- ", "Jakarta", "CNN Indonesia"),
        ("KEBAYORAN BARU (Pos Kota) – ", "Kebayoran Baru", "Pos Kota"),
        ("Washington, Rabu - ", "Washington", None),
    ],
)
def test_datelines_give_place_and_source(tmp_path, opening, place, source):
    body = opening + "Pemerintah mengumumkan kebijakan baru pada hari ini."
    path = tmp_path / "berita.txt"
    path.write_text(f"Judul berita\n\n{body}\n\nParagraf kedua.\n", encoding="utf-8")
    [article] = read(path)
    assert (article.place, article.source) == (place, source)
    assert article.title == "Judul berita"
    assert article.text == body + "\n\nParagraf kedua."


def test_record_text_dateline_gives_place_but_record_source_wins(tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [{"id": "x1", "source": "Kompas", "text": "Jakarta, Kompas - Harga beras naik."}],
    )
    [article] = read(path)
    assert (article.place, article.source) == ("Jakarta", "Kompas")
    path = write_jsonl(tmp_path / "b.jsonl", [{"id": "x2", "text": "Medan (ANTARA) - Hujan."}])
    [article] = read(path)
    assert (article.place, article.source) == ("Medan", "ANTARA")


def test_plain_text_that_is_not_news(tmp_path):
    path = tmp_path / "catatan.txt"
    path.write_text("Catatan rapat\n\nRapat dimulai pukul sembilan.\n\nSelesai.\n")
    [article] = read(path)
    assert article.title == "Catatan rapat"
    assert article.text == "Rapat dimulai pukul sembilan.\n\nSelesai."
    assert (article.place, article.source, article.date) == (None, None, None)


def test_single_paragraph_text_keeps_all_its_text(tmp_path):
    path = tmp_path / "satu.txt"
    path.write_text("Hanya satu kalimat di berkas ini.", encoding="utf-8")
    [article] = read(path)
    assert article.title == "Hanya satu kalimat di berkas ini."
    assert article.text == "Hanya satu kalimat di berkas ini."


def test_long_first_line_is_not_a_title(tmp_path):
    long_line = "Kata " * 60 + "akhir."
    path = tmp_path / "panjang.txt"
    path.write_text(long_line + "\n\nParagraf kedua.", encoding="utf-8")
    [article] = read(path)
    assert article.text.startswith("Kata Kata")
    assert article.text.endswith("Paragraf kedua.")
    assert article.title.endswith("…") and len(article.title) <= 102


def test_text_cleaning_whitespace_nfc_and_cross_links():
    raw = (
        "  Satu\u00a0 dua   tiga.  \r\n\r\n\r\n"
        "Baca Juga: Tautan pertama\n\n"
        "(Baca juga: Tautan dalam kurung)\n\n"
        "(Baca: Polres Depok Buru Pelaku Dua Kasus Pembunuhan)\n\n"
        "BACA JUGA:\n- Tautan A\n- Tautan B\n\n"
        "Cafe\u0301 buka.\t\n\n"
        "Ia baca juga buku itu.\n"
    )
    assert clean_text(raw) == "Satu dua tiga.\n\nCafé buka.\n\nIa baca juga buku itu."


def test_lines_without_blank_lines_are_paragraphs():
    assert clean_text("Baris satu.\nBaris dua.\nBaca juga: x\nBaris tiga.") == (
        "Baris satu.\n\nBaris dua.\n\nBaris tiga."
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016-08-30T10:00:00+07:00", "2016-08-30"),
        ("2016-08-30", "2016-08-30"),
        ("2016-8-3 10:00", "2016-08-03"),
        ("30/08/2016", "2016-08-30"),
        ("Kamis, 5 Desember 2019 10:00 WIB", "2019-12-05"),
        ("5 December 2019", "2019-12-05"),
        ("2016-02-30", None),
        ("kemarin", None),
        (None, None),
    ],
)
def test_iso_date(value, expected):
    assert iso_date(value) == expected


# ---------------------------------------------------------------- record formats


def test_jsonl_keeps_ids_unchanged_and_derives_missing_ones(tmp_path):
    path = write_jsonl(
        tmp_path / "berita.jsonl",
        [
            {"id": "ANT/2019:12-05#1", "title": "A", "text": "Teks A.", "date": "2016-08-30"},
            {"id": 42, "title": "B", "text": "Teks B.", "date": "2016-08-30T10:00:00+07:00"},
            {"title": "C", "text": "Teks C.", "url": "https://contoh.example/c"},
            {"title": "D", "text": "Teks D.\n\nBaca juga: lain\n\nAkhir D."},
        ],
    )
    got = read(path)
    assert problems(got) == []
    a, b, c, d = got
    assert (a.id, b.id) == ("ANT/2019:12-05#1", "42")
    assert (a.date, b.date) == ("2016-08-30", "2016-08-30")
    assert c.id.startswith("url-") and c.url == "https://contoh.example/c"
    assert d.id.startswith("sha-")
    assert d.text == "Teks D.\n\nAkhir D."
    assert all(x.path == str(path) for x in got)
    # Derived ids are stable: reading again gives the same ones.
    assert [x.id for x in read(path)] == [a.id, b.id, c.id, d.id]


def test_json_list_and_single_object(tmp_path):
    listing = tmp_path / "daftar.json"
    listing.write_text(
        json.dumps(
            [
                {"id": "j1", "title": "Satu", "text": "Isi satu.", "source": "Kompas"},
                {"id": "j2", "title": "Dua", "text": "Isi dua."},
            ]
        ),
        encoding="utf-8",
    )
    single = tmp_path / "tunggal.json"
    single.write_text(json.dumps({"id": "j3", "title": "Tiga", "text": "Isi tiga."}))
    got = read(listing, single)
    assert [(a.id, a.title, a.text) for a in got] == [
        ("j1", "Satu", "Isi satu."),
        ("j2", "Dua", "Isi dua."),
        ("j3", "Tiga", "Isi tiga."),
    ]
    assert got[0].source == "Kompas"


def test_csv_with_configured_field_names(tmp_path):
    path = tmp_path / "berita.csv"
    path.write_text(
        "doc_id,judul,body,tanggal\n"
        'k-1,Judul satu,"Paragraf satu.\n\nParagraf dua.",2019-12-05\n'
        "k-2,Judul dua,Isi kedua.,5/12/2019\n",
        encoding="utf-8",
    )
    config = Config.load(
        env={}, id_field="doc_id", title_field="judul", text_field="body", date_field="tanggal"
    )
    got = read(path, config=config)
    assert problems(got) == []
    assert [(a.id, a.title, a.text, a.date) for a in got] == [
        ("k-1", "Judul satu", "Paragraf satu.\n\nParagraf dua.", "2019-12-05"),
        ("k-2", "Judul dua", "Isi kedua.", "2019-12-05"),
    ]


def test_record_without_title_gets_one_from_its_text(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": "t", "text": "Kalimat pembuka.\n\nLain."}])
    [article] = read(path)
    assert article.title == "Kalimat pembuka."


# ---------------------------------------------------------------- HTML and markdown

PAGE = """<!DOCTYPE html>
<html lang="id"><head>
<title>Banjir rendam ratusan rumah di Bekasi - Berita Contoh</title>
<meta property="og:title" content="Banjir rendam ratusan rumah di Bekasi">
<meta property="article:published_time" content="2020-01-02T08:15:00+07:00">
<link rel="canonical" href="https://contoh.example/berita/123/banjir-bekasi">
</head><body>
<nav><ul><li><a href="/">Beranda</a></li><li><a href="/politik">Politik</a></li>
<li><a href="/ekonomi">Ekonomi Menu Navigasi</a></li></ul></nav>
<article>
<h1>Banjir rendam ratusan rumah di Bekasi</h1>
<p>Bekasi (ANTARA) - Banjir merendam ratusan rumah warga di Kecamatan Bekasi Timur setelah
hujan deras mengguyur wilayah itu sejak Rabu malam hingga Kamis pagi.</p>
<p>Kepala Badan Penanggulangan Bencana Daerah setempat mengatakan ketinggian air mencapai satu
meter di beberapa titik permukiman yang berada di dekat sungai.</p>
<p>Baca juga: Hujan deras diperkirakan turun hingga akhir pekan</p>
<p>Petugas gabungan telah mengevakuasi warga lanjut usia dan anak-anak ke posko pengungsian
yang didirikan di kantor kelurahan.</p>
</article>
<footer><p>Hak cipta 2020 Berita Contoh. Semua hak dilindungi. Kebijakan privasi.</p></footer>
</body></html>
"""


def test_html_main_text_and_metadata(tmp_path):
    path = tmp_path / "halaman.html"
    path.write_text(PAGE, encoding="utf-8")
    [article] = read(path)
    assert article.title == "Banjir rendam ratusan rumah di Bekasi"
    assert article.text.startswith("Bekasi (ANTARA) - Banjir merendam ratusan rumah")
    assert "kantor kelurahan." in article.text
    assert "Beranda" not in article.text and "Menu Navigasi" not in article.text
    assert "Hak cipta" not in article.text
    assert_clean(article.text)
    assert article.date == "2020-01-02"
    assert article.url == "https://contoh.example/berita/123/banjir-bekasi"
    assert article.id.startswith("url-")
    assert (article.place, article.source) == ("Bekasi", "ANTARA")


def test_html_date_is_not_guessed_from_a_copyright_line(tmp_path):
    path = tmp_path / "tanpa-tanggal.htm"
    page = PAGE.replace(
        '<meta property="article:published_time" content="2020-01-02T08:15:00+07:00">', ""
    )
    assert "2020-01-02" not in page
    path.write_text(page, encoding="utf-8")
    [article] = read(path)
    assert article.date is None


def test_html_without_main_text_is_a_problem(tmp_path):
    path = tmp_path / "kosong.html"
    path.write_text("<html><head><title>Kosong</title></head><body><script>x=1</script></body>")
    [problem] = read(path)
    assert isinstance(problem, Problem) and problem.path == str(path)
    assert "no text" in problem.message


def test_markdown_title_and_links(tmp_path):
    path = tmp_path / "catatan.md"
    path.write_text(
        "# Judul *Markdown*\n\nLihat [situs resmi](https://contoh.example/a) untuk detail.\n\n"
        "![foto](x.png)\n\n## Bagian dua\n\nIsi bagian dua.\n",
        encoding="utf-8",
    )
    [article] = read(path)
    assert article.title == "Judul *Markdown*"
    assert article.text == (
        "Lihat situs resmi untuk detail.\n\nfoto\n\n## Bagian dua\n\nIsi bagian dua."
    )


# ---------------------------------------------------------------- folders


def test_folder_recursion_sorted_skipping_hidden_and_unknown(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "dalam").mkdir(parents=True)
    (tmp_path / ".tersembunyi").mkdir()
    (tmp_path / "z.txt").write_text("Z judul\n\nIsi z.")
    (tmp_path / "b" / "b.md").write_text("# B judul\n\nIsi b.")
    (tmp_path / "a" / "dalam" / "a.txt").write_text("A judul\n\nIsi a.")
    write_jsonl(tmp_path / "a" / "c.jsonl", [{"id": "c1", "text": "Isi c."}])
    (tmp_path / "a" / "gambar.png").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / "a" / "catatan.docx").write_text("bukan teks yang didukung")
    (tmp_path / ".rahasia.txt").write_text("Rahasia\n\nJangan dibaca.")
    (tmp_path / ".tersembunyi" / "x.txt").write_text("X\n\nJangan dibaca.")
    got = read(tmp_path)
    # files of other types are named, hidden ones are not
    assert [(Path(p.path).name, "unsupported file type" in p.message) for p in problems(got)] == [
        ("catatan.docx", True),
        ("gambar.png", True),
    ]
    # Sorted by path inside the folder: a/c.jsonl < a/dalam/a.txt < b/b.md < z.txt
    found = articles(got)
    assert [a.text for a in found] == ["Isi c.", "Isi a.", "Isi b.", "Isi z."]
    assert found[1].path == str(tmp_path / "a" / "dalam" / "a.txt")


# ---------------------------------------------------------------- bad input


def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "baik.txt"
    path.write_text("Judul baik\n\nIsi yang baik.", encoding="utf-8")
    return path


def assert_only_problem(results, path: Path, needle: str, line: int | None = None) -> Problem:
    """Exactly one Problem, for path (and line), mentioning needle; the good file still read."""
    [problem] = problems(results)
    assert problem.path == str(path)
    assert needle in problem.message
    assert problem.line == line
    assert [a.text for a in articles(results)] == ["Isi yang baik."]
    return problem


def test_empty_file(tmp_path):
    bad = tmp_path / "kosong.txt"
    bad.write_text("  \n\n")
    assert_only_problem(read(bad, good_file(tmp_path)), bad, "empty file")


def test_binary_file(tmp_path):
    bad = tmp_path / "gambar.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert_only_problem(read(bad, good_file(tmp_path)), bad, "binary file, not text")


def test_invalid_utf8(tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"Judul\n\nCaf\xe9 buka.")  # Latin-1 e-acute at byte 10, line 3
    problem = assert_only_problem(
        read(bad, good_file(tmp_path)), bad, "invalid UTF-8 at byte 10", line=3
    )
    assert str(problem) == f"{bad}:3: invalid UTF-8 at byte 10"


def test_utf8_bom_and_utf16_are_text(tmp_path):
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffJudul BOM\n\nIsi.".encode())
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("Judul UTF16\n\nIsi enam belas.".encode("utf-16"))
    first, second = read(bom, utf16)
    assert (first.title, first.text) == ("Judul BOM", "Isi.")
    assert (second.title, second.text) == ("Judul UTF16", "Isi enam belas.")


def test_malformed_json_line_keeps_the_other_lines(tmp_path):
    bad = tmp_path / "rusak.jsonl"
    bad.write_text(
        '{"id": "r1", "text": "Isi satu."}\n'
        '{"id": "r2", "text": \n'
        "\n"
        '{"id": "r3", "text": "Isi tiga."}\n'
    )
    got = read(bad)
    [problem] = problems(got)
    assert (problem.path, problem.line) == (str(bad), 2)
    assert "invalid JSON" in problem.message
    assert [a.id for a in articles(got)] == ["r1", "r3"]


def test_jsonl_line_that_is_not_an_object(tmp_path):
    bad = write_jsonl(tmp_path / "daftar.jsonl", [{"id": "o1", "text": "Isi."}])
    with bad.open("a") as f:
        f.write('["bukan", "objek"]\n')
    got = read(bad)
    [problem] = problems(got)
    assert (problem.line, "expected an object" in problem.message) == (2, True)
    assert [a.id for a in articles(got)] == ["o1"]


def test_invalid_json_file(tmp_path):
    bad = tmp_path / "rusak.json"
    bad.write_text('[\n  {"id": "a", "text": "x"},\n  oops\n]')
    assert_only_problem(read(bad, good_file(tmp_path)), bad, "invalid JSON", line=3)


@pytest.mark.parametrize(
    "record",
    [{"id": "n"}, {"id": "n", "text": ""}, {"id": "n", "text": "  "}, {"id": "n", "text": None}],
)
def test_record_without_text(tmp_path, record):
    bad = write_jsonl(tmp_path / "tanpa.jsonl", [{"id": "ok", "text": "Isi."}, record])
    got = read(bad)
    [problem] = problems(got)
    assert (problem.path, problem.line) == (str(bad), 2)
    assert "no text" in problem.message
    assert [a.id for a in articles(got)] == ["ok"]


def test_json_list_item_without_text_names_the_item(tmp_path):
    bad = tmp_path / "daftar.json"
    bad.write_text(json.dumps([{"id": "a", "text": "Isi."}, {"id": "b", "text": ""}]))
    got = read(bad)
    [problem] = problems(got)
    assert problem.path == str(bad) and problem.message.startswith("item 2: no text")
    assert [a.id for a in articles(got)] == ["a"]


def test_csv_row_without_text_reports_its_line(tmp_path):
    bad = tmp_path / "baris.csv"
    bad.write_text('id,title,text\na,A,"Isi\n\nmultibaris."\nb,B,\nc,C,Isi c.\n')
    got = read(bad)
    [problem] = problems(got)
    assert (problem.path, problem.line) == (str(bad), 5)
    assert "no text" in problem.message
    assert [(a.id, a.text) for a in articles(got)] == [("a", "Isi\n\nmultibaris."), ("c", "Isi c.")]


def test_csv_without_the_text_column(tmp_path):
    bad = tmp_path / "kolom.csv"
    bad.write_text("id,judul,isi\na,A,Isi a.\nb,B,Isi b.\n")
    problem = assert_only_problem(read(bad, good_file(tmp_path)), bad, "'text' column", line=1)
    assert "id, judul, isi" in problem.message


def test_file_over_the_size_limit_is_refused_without_reading_it(tmp_path, monkeypatch):
    big = tmp_path / "besar.jsonl"
    with big.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: instant, takes no disk space
    good = good_file(tmp_path)

    def guarded_open(file, *args, **kwargs):
        assert Path(file) != big, "the oversized file must not be read"
        return open(file, *args, **kwargs)

    monkeypatch.setattr("qa.articles.reading.open", guarded_open, raising=False)
    problem = assert_only_problem(read(big, good), big, "file is 200.0 MB")
    assert problem.message == "file is 200.0 MB, larger than the 50 MB limit (QA_MAX_FILE_MB)"


def test_size_limit_comes_from_config(tmp_path):
    path = good_file(tmp_path)
    [problem] = read(path, config=Config.load(env={}, max_file_mb=0.00001))
    assert isinstance(problem, Problem) and "larger than the 1e-05 MB limit" in problem.message


def test_missing_path(tmp_path):
    missing = tmp_path / "tidak-ada.txt"
    assert_only_problem(read(missing, good_file(tmp_path)), missing, "no such file")


def test_unknown_extension_named_explicitly(tmp_path):
    bad = tmp_path / "laporan.docx"
    bad.write_text("bukan teks")
    assert_only_problem(read(bad, good_file(tmp_path)), bad, "unsupported file type '.docx'")


def test_duplicate_ids_within_a_batch(tmp_path):
    first = write_jsonl(tmp_path / "a.jsonl", [{"id": "d1", "text": "Pertama."}])
    second = write_jsonl(
        tmp_path / "b.jsonl",
        [{"id": "d2", "text": "Lain."}, {"id": "d1", "text": "Kedua, berbeda."}],
    )
    got = read(first, second)
    assert [(a.id, a.text) for a in articles(got)] == [("d1", "Pertama."), ("d2", "Lain.")]
    [problem] = problems(got)
    assert (problem.path, problem.line) == (str(second), 2)
    assert f"duplicate id 'd1' (first read from {first}:1)" == problem.message


def test_trailing_editor_codes_are_not_article_text(tmp_path):
    body = "Jakarta (ANTARA News) - Harga cabai naik.\n\nPedagang mengeluh, kata dia."
    records = [
        {"id": "a", "title": "Cabai", "text": body + "\n\n(Uu. SYS/G003/M016)"},
        {
            "id": "b",
            "title": "Cabai",
            "text": body + "\n\n(T.M052/B/I007/I007) 01-11-2016 18:35:47",
        },
        {"id": "c", "title": "Cabai", "text": body + "\n\n[bim]"},
        {"id": "d", "title": "Cabai", "text": body + "\n\n(25) tahun lalu ia lahir di sini."},
    ]
    path = tmp_path / "codes.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    texts = {a.id: a.text for a in read(path)}
    assert texts["a"] == texts["b"] == texts["c"] == body
    assert texts["d"].endswith("(25) tahun lalu ia lahir di sini.")  # real text stays
