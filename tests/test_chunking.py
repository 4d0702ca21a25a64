"""Tests for sentence splitting and token-budgeted chunking of Indonesian news."""

from __future__ import annotations

import re
from typing import TypeVar

import pytest
import tiktoken

from qa.articles import Article
from qa.chunking import Chunk, Chunker, split_sentences
from qa.config import Config

# An ANTARA article (5 December 2019), pasted so the tests need no shared data.
BANDARLAMPUNG = """\
Bandarlampung (ANTARA) - Pemerintah Kota (Pemkot) Bandarlampung mendukung para pelaku Usaha \
Mikro Kecil Menengah (UMKM) untuk menjalin sinergitas dengan badan jaminan sosial dan lembaga \
keuangan.

"Sinergitas bagi para pelaku UMKM dengan lembaga keuangan dan Badan Penyelenggara Jaminan \
Sosial Tenaga Kerja (BP Jamsostek) sangat penting guna menjamin pekerja ketika terjadinya \
kecelakaan dalam bekerja," kata Sekretaris Daerah Kota Bandarlampung, Badri Tamam di \
Bandarlampung, Kamis.

Ia pun mengungkapkan, Wali kota Bandarlampung, Herman HN dalam mendukung para pelaku UMKM \
tersebut untuk mendapatkan pinjaman ataupun jaminan sosial, telah membentuk tim percepatan \
akses keuangan daerah agar mereka diberikan fasilitas pelayanan keuangan, melalui kerjasama \
melalui BUMN, BUMD dan swasta.

Baca juga: Herman HN: Cegah kecurangan politik tugas bersama semua pihak

Terkait jaminan sosial kepada para pekerja, lanjutnya pemkot pun terus melakukan koordinasi \
dengan ratusan UMKM yang tergabung dalam Himpunan Pengusaha Mikro dan Kecil Indonesia \
(Hipmikindo) agar mereka segera mendaftarkan pegawainya ke BP Jamsostek.

"Ini penting bila ada hal buruk yang menimpa mereka saat bekerja kan sudah ada jaminannya, \
sehingga mereka merasa nyaman dan aman dalam melakukan tugasnya," ujar dia.

Di sisi lain, Badri menegaskan bahwa semua perusahaan diwajibkan mendaftarkan para \
karyawannya ke badan jaminan sosial guna menjamin keselamatan kerja pegawainya sebagaimana \
yang tertuang dalam UU 24 Tahun 2011 tentang BPJS Ketenagakerjaan.

Baca juga: Pemkot Bandarlampung tambah mobil pemadam kebakaran dan truk sampah

"Perusahaan tidak boleh abai dalam hal ini sebab mereka dapat dikenai sangsi bila tidak \
mendaftarkan pegawainya ke badan jaminan sosial karena telah melanggar peraturan yang ada," \
tambahnya.

Ia pun mengatakan bahwa Pemkot Bandarlampung selalu melakukan pengawasan dan memantau para \
perusahaan di wilayahnya melalui Dinas Ketenagakerjaan apakah mereka sudah menjamin \
karyawannya atau belum.
"""

# Shorter sentences, several per paragraph, so overlap has whole sentences to reuse.
SINGKAWANG = """\
Pontianak (ANTARA News) - Pengurus masjid se-Kota Singkawang diberi pelatihan penyembelihan \
hewan kurban. Pelatihan digelar Dinas Pertanian. "Kalau kita di dinas mengajarkan secara \
teknis. Sedangkan di Kemenag mengajarkan syariat," tuturnya. Kegiatan dimulai pukul 08.00 WIB. \
Pesertanya 120 orang. Biayanya Rp. 1.500.000 per kelompok.

Kepala Seksi Bimas Islam, Drs. H. Mukhlis, M.Si. hadir di Jl. Diponegoro No. 12. Ia memberi \
sambutan singkat. Hewan harus diperiksa dokter hewan. Hasilnya dicatat petugas. Sebanyak 49,07 \
persen hewan sudah diperiksa. Sisanya diperiksa pekan depan. Masyarakat diminta tenang. \
Pemeriksaan tidak dipungut biaya. Informasi lengkap ada di www.singkawangkota.go.id/kurban. \
Pertanyaan dapat dikirim ke humas@singkawangkota.go.id. Pelatihan berikutnya digelar Jumat \
(13/9/2019).
"""

T = TypeVar("T")
ENCODING = tiktoken.get_encoding(Config().encoding)


def tokens(text: str) -> int:
    return len(ENCODING.encode_ordinary(text))


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def article(text: str, article_id: str = "antara-2019-12-05-umkm") -> Article:
    return Article(
        id=article_id,
        title="Pemkot Bandarlampung dukung UMKM bersinergi dengan BP Jamsostek",
        text=text,
        date="2019-12-05",
        source="ANTARA",
        url="https://example.test/berita/umkm",
    )


def neighbours(items: list[T]) -> list[tuple[T, T]]:
    """Consecutive pairs (a, b) of items."""
    return list(zip(items[:-1], items[1:], strict=True))


def uncovered_words(text: str, chunks: list[Chunk]) -> list[str]:
    """Words of the chunks in order, each chunk contributing only what follows its overlap."""
    words: list[str] = []
    covered = 0
    for chunk in chunks:
        words.extend(chunk.text[max(covered - chunk.start, 0) :].split())
        covered = chunk.end
    return words


def assert_valid_chunks(text: str, chunks: list[Chunk], config: Config) -> None:
    assert chunks, "a non-empty article yields chunks"
    for ordinal, chunk in enumerate(chunks):
        assert chunk.ordinal == ordinal
        assert chunk.id == f"antara-2019-12-05-umkm#{ordinal}"
        assert chunk.text == text[chunk.start : chunk.end]
        assert chunk.text == chunk.text.strip()
        assert tokens(chunk.text) <= config.chunk_tokens
    for previous, chunk in neighbours(chunks):
        assert chunk.start > previous.start, "overlap never repeats a whole chunk"
        assert chunk.end > previous.end, "every chunk adds new text"
    assert uncovered_words(text, chunks) == text.split()


# Sentence splitting -----------------------------------------------------------


def test_abbreviations_decimals_dates_and_times_do_not_split() -> None:
    text = (
        "Kepala Dinas Kab. Bogor dr. H. Ahmad hadir di Jl. Sudirman No. 5 pada 5/12/2019 "
        "pukul 07.00. Nilainya naik 49,07 persen."
    )
    assert sentences(text) == [
        "Kepala Dinas Kab. Bogor dr. H. Ahmad hadir di Jl. Sudirman No. 5 pada 5/12/2019 "
        "pukul 07.00.",
        "Nilainya naik 49,07 persen.",
    ]


@pytest.mark.parametrize(
    "abbreviation",
    [
        "Kab.", "Kec.", "No.", "Jl.", "dr.", "Dr.", "H.", "Hj.", "Prof.", "Ir.", "Drs.",
        "S.H.", "M.Si.", "St.", "Tbk.", "Rp.", "dll.", "dsb.", "a.n.", "u.p.", "M.",
        "Sdr.", "Bpk.", "Kol.", "Jend.", "Brigjen.", "Kompol.", "AKBP.", "Pol.", "Pemkot.",
        "Prov.", "Kel.", "Gg.", "Ds.",
    ],
)  # fmt: skip
def test_no_split_after_abbreviation(abbreviation: str) -> None:
    first = f"Surat itu ditujukan kepada {abbreviation} Yamin di kantornya."
    assert sentences(f"{first} Ia menerimanya kemarin.") == [first, "Ia menerimanya kemarin."]


@pytest.mark.parametrize(
    "sentence",
    [
        "Harga naik menjadi Rp1.500.000 per ton.",
        "Inflasi tercatat 3.5 persen dan 49,07 persen.",
        "Sidang digelar Kamis (5/12/2019) pukul 07.00 WIB.",
        "Berita lengkap di https://www.antaranews.com/berita/1188123/umkm.html hari ini.",
        "Kirim surat ke redaksi@antaranews.com atau www.antaranews.com sekarang.",
    ],
)
def test_no_split_inside_numbers_dates_times_urls_and_emails(sentence: str) -> None:
    assert sentences(f"{sentence} Warga menyambut baik.") == [sentence, "Warga menyambut baik."]


def test_splits_on_terminal_punctuation_and_paragraph_breaks() -> None:
    text = (
        "Apakah aman? Tentu saja! Harga naik 2.000… 10 persen warga protes. "
        "(Baca juga berita lain.)\n\nBaca juga: Herman HN cegah kecurangan\n  \n"
        "Paragraf tanpa titik"
    )
    assert sentences(text) == [
        "Apakah aman?",
        "Tentu saja!",
        "Harga naik 2.000…",
        "10 persen warga protes.",
        "(Baca juga berita lain.)",
        "Baca juga: Herman HN cegah kecurangan",
        "Paragraf tanpa titik",
    ]


def test_no_split_before_lowercase_continuation() -> None:
    text = "Ia membeli beras, gula, dll. dan pulang. Ia tiba pukul 9."
    assert sentences(text) == ["Ia membeli beras, gula, dll. dan pulang.", "Ia tiba pukul 9."]


def test_closing_quote_stays_with_its_sentence() -> None:
    text = (
        '"Sinergitas sangat penting guna menjamin pekerja ketika terjadinya kecelakaan dalam '
        'bekerja," kata Badri Tamam, Kamis. "Ini penting." Ia berkata demikian. '
        '"Apa kabar?" tanya dia. Ia tersenyum (sambil menunduk.) Lalu pergi.'
    )
    assert sentences(text) == [
        '"Sinergitas sangat penting guna menjamin pekerja ketika terjadinya kecelakaan dalam '
        'bekerja," kata Badri Tamam, Kamis.',
        '"Ini penting."',
        "Ia berkata demikian.",
        '"Apa kabar?" tanya dia.',
        "Ia tersenyum (sambil menunduk.)",
        "Lalu pergi.",
    ]


def test_curly_quotes_and_opening_quote_start() -> None:
    text = "Ia berkata, “Kami siap.” Kemudian ia pergi. “Besok kembali,” ujarnya."
    assert sentences(text) == [
        "Ia berkata, “Kami siap.”",
        "Kemudian ia pergi.",
        "“Besok kembali,” ujarnya.",
    ]


def test_sentence_spans_are_stripped_and_cover_all_text_in_order() -> None:
    text = "\n  " + BANDARLAMPUNG + SINGKAWANG + "\n\n   "
    spans = split_sentences(text)
    assert all(start < end for start, end in spans)
    assert all(end <= next_start for (_, end), (next_start, _) in neighbours(spans))
    pieces = [text[start:end] for start, end in spans]
    assert all(piece == piece.strip() for piece in pieces)
    assert " ".join(pieces).split() == text.split()
    # Gaps between sentences hold whitespace only.
    gaps = [text[end:next_start] for (_, end), (next_start, _) in neighbours(spans)]
    assert all(gap.strip() == "" for gap in gaps)


def test_realistic_article_sentences() -> None:
    found = sentences(SINGKAWANG)
    assert "Kegiatan dimulai pukul 08.00 WIB." in found
    assert "Biayanya Rp. 1.500.000 per kelompok." in found
    assert "Kepala Seksi Bimas Islam, Drs. H. Mukhlis, M.Si. hadir di Jl. Diponegoro No. 12." in (
        found
    )
    assert "Informasi lengkap ada di www.singkawangkota.go.id/kurban." in found
    assert "Pertanyaan dapat dikirim ke humas@singkawangkota.go.id." in found
    assert '"Kalau kita di dinas mengajarkan secara teknis.' in found
    assert len(found) == 18
    assert len(sentences(BANDARLAMPUNG)) == 10


def test_empty_text_has_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t ") == []


# Chunking ---------------------------------------------------------------------


def test_count_tokens_uses_cl100k() -> None:
    chunker = Chunker(Config())
    assert chunker.count_tokens(BANDARLAMPUNG) == tokens(BANDARLAMPUNG)
    assert chunker.count_tokens("<|endoftext|>") == tokens("<|endoftext|>") > 1


def test_chunks_are_exact_slices_within_budget_with_metadata() -> None:
    config = Config()
    text = BANDARLAMPUNG + "\n" + SINGKAWANG
    chunks = Chunker(config).split(article(text))
    assert len(chunks) >= 4
    assert_valid_chunks(text, chunks, config)
    for chunk in chunks:
        assert chunk.article_id == "antara-2019-12-05-umkm"
        assert chunk.title.startswith("Pemkot Bandarlampung")
        assert (chunk.date, chunk.source, chunk.url) == (
            "2019-12-05",
            "ANTARA",
            "https://example.test/berita/umkm",
        )


def test_chunks_align_to_sentences_and_pack_greedily() -> None:
    config = Config(chunk_tokens=120, chunk_overlap=40)
    text = BANDARLAMPUNG + "\n" + SINGKAWANG
    spans = split_sentences(text)
    starts = {start for start, _ in spans}
    ends = {end for _, end in spans}
    chunks = Chunker(config).split(article(text))
    assert_valid_chunks(text, chunks, config)
    for chunk, following in neighbours(chunks):
        assert chunk.start in starts and chunk.end in ends
        # Greedy: the next unplaced sentence would have broken the budget.
        next_end = min(end for end in ends if end > chunk.end)
        assert tokens(text[chunk.start : next_end]) > config.chunk_tokens
        assert following.start in starts


def test_consecutive_chunks_overlap_by_bounded_whole_sentences() -> None:
    config = Config(chunk_tokens=100, chunk_overlap=30)
    text = SINGKAWANG
    starts = {start for start, _ in split_sentences(text)}
    chunks = Chunker(config).split(article(text))
    assert_valid_chunks(text, chunks, config)
    overlaps = [text[b.start : a.end] for a, b in neighbours(chunks) if b.start < a.end]
    assert len(overlaps) >= 2
    assert all(0 < tokens(overlap) <= config.chunk_overlap for overlap in overlaps)
    assert all(b.start in starts for b in chunks[1:])


def test_zero_overlap_gives_disjoint_chunks() -> None:
    config = Config(chunk_tokens=100, chunk_overlap=0)
    chunks = Chunker(config).split(article(SINGKAWANG))
    assert_valid_chunks(SINGKAWANG, chunks, config)
    assert all(b.start > a.end for a, b in neighbours(chunks))


def test_overlap_never_repeats_whole_previous_chunk() -> None:
    # An overlap allowance close to the budget still leaves every chunk new text.
    config = Config(chunk_tokens=40, chunk_overlap=39)
    text = " ".join(
        f"Warga desa nomor {n} menerima bantuan beras dari pemerintah." for n in range(8)
    )
    chunks = Chunker(config).split(article(text))
    assert_valid_chunks(text, chunks, config)
    assert len(chunks) >= 3


def test_long_sentence_is_split_at_words_within_budget() -> None:
    config = Config()
    words = [f"pekerja{n} menerima jaminan sosial" for n in range(500)]
    text = "Sinergitas " + " ".join(words)  # about 2,000 words, no punctuation
    assert len(text.split()) == 2001
    chunks = Chunker(config).split(article(text))
    assert len(chunks) >= 10
    assert_valid_chunks(text, chunks, config)
    # Word pieces of one sentence do not repeat each other.
    assert all(b.start > a.end for a, b in neighbours(chunks))
    assert all(text[chunk.end : chunk.end + 1] in {"", " "} for chunk in chunks)


def test_long_sentence_between_normal_sentences() -> None:
    config = Config(chunk_tokens=60, chunk_overlap=20)
    long_sentence = " ".join(["jaminan sosial tenaga kerja"] * 60) + "."
    text = f"Awalnya singkat. {long_sentence} Akhirnya singkat juga. Selesai."
    chunks = Chunker(config).split(article(text))
    assert_valid_chunks(text, chunks, config)
    assert chunks[0].text.startswith("Awalnya singkat.")
    assert chunks[-1].text.endswith("Selesai.")


def test_word_longer_than_budget_is_cut_not_dropped() -> None:
    config = Config(chunk_tokens=16, chunk_overlap=0)
    blob = "".join(f"{n:x}Zq" for n in range(300))  # one "word" of ~1,000 characters
    text = f"Lampiran: {blob} selesai."
    chunks = Chunker(config).split(article(text))
    assert all(tokens(chunk.text) <= 16 for chunk in chunks)
    assert all(chunk.text == text[chunk.start : chunk.end] for chunk in chunks)
    assert all(b.start >= a.end for a, b in neighbours(chunks))
    assert "".join(chunk.text for chunk in chunks).replace(" ", "") == text.replace(" ", "")
    assert max(len(chunk.text) for chunk in chunks) < 100


def test_fits_rejecting_long_texts_forces_smaller_chunks() -> None:
    config = Config()
    text = BANDARLAMPUNG + "\n" + SINGKAWANG
    limit = 150

    def fits(candidate: str) -> bool:
        return len(candidate) <= limit

    unrestricted = Chunker(config).split(article(text))
    chunks = Chunker(config, fits=fits).split(article(text))
    assert len(chunks) > len(unrestricted)
    assert all(len(chunk.text) <= limit for chunk in chunks)
    assert_valid_chunks(text, chunks, config)


def test_fits_is_checked_on_every_chunk_text() -> None:
    seen: list[str] = []

    def fits(candidate: str) -> bool:
        seen.append(candidate)
        return len(tokens_of_embedder(candidate)) <= 50

    def tokens_of_embedder(candidate: str) -> list[str]:
        return re.findall(r"\w+|[^\w\s]", candidate)

    chunks = Chunker(Config(), fits=fits).split(article(BANDARLAMPUNG))
    assert all(chunk.text in seen for chunk in chunks)
    assert all(len(tokens_of_embedder(chunk.text)) <= 50 for chunk in chunks)
    assert uncovered_words(BANDARLAMPUNG, chunks) == BANDARLAMPUNG.split()


def test_fits_rejecting_everything_raises_naming_article() -> None:
    chunker = Chunker(Config(), fits=lambda _text: False)
    with pytest.raises(ValueError, match="antara-2019-12-05-umkm"):
        chunker.split(article(BANDARLAMPUNG))


def test_fits_rejecting_a_single_word_raises() -> None:
    long_word = "Hipmikindo" * 20

    def fits(candidate: str) -> bool:
        return len(candidate) <= 100

    chunker = Chunker(Config(), fits=fits)
    with pytest.raises(ValueError, match="umkm-2"):
        chunker.split(article(f"Ia bergabung dengan {long_word} tahun lalu.", "umkm-2"))


def test_empty_article_has_no_chunks() -> None:
    chunker = Chunker(Config())
    assert chunker.split(article("")) == []
    assert chunker.split(article("  \n\n \t")) == []


def test_short_article_is_one_stripped_chunk() -> None:
    text = "\n\n  Pemkot Bandarlampung mendukung UMKM.  \n"
    chunks = Chunker(Config()).split(article(text))
    assert len(chunks) == 1
    assert chunks[0].text == "Pemkot Bandarlampung mendukung UMKM."
    assert (chunks[0].start, chunks[0].end) == (4, 40)
    assert chunks[0].id == "antara-2019-12-05-umkm#0"
