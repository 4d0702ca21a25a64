"""PDF files: read page by page with pypdf; a citation names the page its quote is on."""

from __future__ import annotations

from pathlib import Path

from conftest import make_config, make_pdf

from qa.articles import Article, Problem, read_articles
from qa.articles.pdf import page_of
from qa.config import Config
from qa.index import Index
from qa.render import to_text

PAGES = [
    ["Laporan Kabupaten Sukamaju 2019.", "Bupati Sukamaju adalah Ahmad Rifai."],
    ["Festival Durian Sukamaju dihadiri 12.500 pengunjung.", "Festival itu digelar di Liwa."],
]


def read(*paths: Path) -> list[Article | Problem]:
    return list(read_articles(paths, Config.load(env={})))


def test_a_pdf_is_one_article_with_its_pages_marked(tmp_path: Path) -> None:
    path = tmp_path / "laporan.pdf"
    path.write_bytes(make_pdf(PAGES, title="Laporan Sukamaju"))
    [article] = read(path)
    assert isinstance(article, Article) and article.title == "Laporan Sukamaju"
    assert article.text.startswith("[page 1]\n\nLaporan Kabupaten Sukamaju 2019.")
    second = article.text.index("Festival Durian")
    assert page_of(article.text, second) == 2 and page_of(article.text, 20) == 1
    assert page_of("Teks biasa tanpa halaman.", 5) is None


def test_broken_empty_and_textless_pdfs_are_problems(tmp_path: Path) -> None:
    broken = tmp_path / "rusak.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    empty = tmp_path / "kosong.pdf"
    empty.write_bytes(b"")
    scan = tmp_path / "pindaian.pdf"
    scan.write_bytes(make_pdf([[]]))  # a page with no text, as a scan has
    messages = {Path(p.path).name: p.message for p in read(broken, empty, scan)}
    assert "unreadable PDF" in messages["rusak.pdf"]
    assert messages["kosong.pdf"] == "empty file"
    assert "no text in this PDF" in messages["pindaian.pdf"]


def test_a_citation_from_a_pdf_names_its_page(tmp_path: Path) -> None:
    path = tmp_path / "laporan.pdf"
    path.write_bytes(make_pdf(PAGES, title="Laporan Sukamaju"))
    with Index(make_config(tmp_path / "index")) as index:
        assert index.ingest([path], progress=False).ok
        answer = index.ask("Berapa pengunjung Festival Durian Sukamaju?")
    assert not answer.abstained
    first = answer.citations[0]
    assert "12.500 pengunjung" in first.quote and first.page == 2
    assert "p. 2" in to_text(answer)
