"""The lexical index: BM25 over our analyzer's terms, in tantivy, derived from the database.

tantivy (a Rust search engine) answers a BM25 OR-query over a million chunks in a few
milliseconds and persists its segments in `lexical/`. It never tokenizes on its own: each
chunk's terms come from `qa.analysis` (stems, legal references, stopwords removed), joined by
spaces and split back on them, so ranking keeps the analyzer's meaning. Date and source are
indexed beside the terms, so filtered searches stay one query.

Like the vector cache it is derived data: the database is the truth. A marker document
(rowid 0) records the database generation the index mirrors, committed atomically with the
change, so an index that fell behind (a writer killed between the two commits) is brought up
to date from the database's change log when the index is next opened for writing.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import tantivy

from qa.store.change import Change, LexicalDoc

LEXICAL_DIR = "lexical"
_MARKER = 0  # rowid of the generation marker; chunk rowids start at 1
_HEAP = 64_000_000  # the writer's indexing memory, in bytes
Q = tantivy.Query


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("rowid", indexed=True, fast=True)
    builder.add_text_field("terms", tokenizer_name="whitespace", index_option="freq")
    builder.add_integer_field("date", indexed=True, fast=True)
    builder.add_text_field("source", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("generation", stored=True)
    return builder.build()


class LexicalIndex:
    """BM25 search over chunk terms, with the date and source filters, keyed by chunk rowid."""

    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / LEXICAL_DIR
        self.path.mkdir(exist_ok=True)
        self.schema = _schema()
        try:
            self._index = tantivy.Index(self.schema, path=str(self.path))
        except (ValueError, OSError, RuntimeError):  # damaged or foreign: derived, rebuilt
            shutil.rmtree(self.path)
            self.path.mkdir()
            self._index = tantivy.Index(self.schema, path=str(self.path))
        self._writer: tantivy.IndexWriter | None = None

    # -- state ---------------------------------------------------------------

    def refresh(self) -> None:
        """See the latest commit, whichever process made it."""
        self._index.reload()

    def generation(self) -> int:
        """The database generation this index mirrors (0: empty or never committed)."""
        searcher = self._index.searcher()
        hits = searcher.search(Q.term_query(self.schema, "rowid", _MARKER), 1, count=False).hits
        return int(searcher.doc(hits[0][1])["generation"][0]) if hits else 0

    def size(self) -> int:
        """Chunks indexed (the marker not counted)."""
        searcher = self._index.searcher()
        marker = searcher.search(Q.term_query(self.schema, "rowid", _MARKER), 1).count
        return searcher.num_docs - marker

    # -- writes --------------------------------------------------------------

    @contextlib.contextmanager
    def writing(self):
        """One tantivy writer for a whole write session; its merges finish at the end."""
        self._writer = self._index.writer(heap_size=_HEAP, num_threads=1)
        # A writer killed mid-commit can leave files no commit refers to (a segment's delete
        # file named by its operation stamp); a later commit that wants the same name fails
        # with FileAlreadyExists unless they are collected first.
        self._writer.garbage_collect_files()
        try:
            yield
        finally:
            writer, self._writer = self._writer, None
            with contextlib.suppress(RuntimeError, ValueError):
                writer.rollback()  # drops anything not committed
                writer.wait_merging_threads()
            self._index.reload()

    def apply(self, change: Change, generation: int) -> None:
        """Mirror a committed transaction, and its generation, in one commit."""
        self._replace(change.rowids, change.added_docs, generation)

    def catch_up(self, rowids: Iterable[int], docs: Iterable[LexicalDoc], generation: int):
        """Replace these chunks (deleted, then re-added where `docs` still has them)."""
        self._replace(rowids, docs, generation)

    def rebuild(self, docs: Iterable[LexicalDoc], generation: int) -> None:
        """Index every chunk again from scratch (no usable change log)."""
        writer = self._required_writer()
        writer.delete_all_documents()
        self._replace([], docs, generation)

    def _replace(self, removed: Iterable[int], docs: Iterable[LexicalDoc], generation: int):
        writer = self._required_writer()
        for rowid in removed:
            writer.delete_documents_by_term("rowid", rowid)
        for doc in docs:
            writer.add_document(_document(doc))
        writer.delete_documents_by_term("rowid", _MARKER)
        writer.add_document(tantivy.Document(rowid=_MARKER, generation=generation))
        writer.commit()
        self._index.reload()

    def _required_writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            raise RuntimeError("the lexical index is written only inside writing()")
        return self._writer

    # -- reads ---------------------------------------------------------------

    def search(
        self,
        terms: Sequence[str],
        n: int,
        date_range: tuple[int | None, int | None] = (None, None),
        sources: Sequence[str] | None = None,
    ) -> list[tuple[int, float]]:
        """The `n` best (rowid, BM25) pairs for any of `terms`, within the date range and
        among `sources` (None: any source; empty: none)."""
        if not terms or n <= 0 or (sources is not None and not sources):
            return []
        query = Q.boolean_query(
            [
                (tantivy.Occur.Should, Q.term_query(self.schema, "terms", t, index_option="freq"))
                for t in terms
            ]
        )
        filters = self._filters(date_range, sources)
        if filters:
            query = Q.boolean_query(
                [(tantivy.Occur.Must, query)]
                + [(tantivy.Occur.Must, Q.const_score_query(f, 0.0)) for f in filters]
            )
        searcher = self._index.searcher()
        hits = searcher.search(query, n, count=False).hits
        rowids = searcher.fast_field_values("rowid", [address for _, address in hits])
        return [(int(r), float(s)) for r, (s, _) in zip(rowids, hits, strict=True)]

    def _filters(
        self, date_range: tuple[int | None, int | None], sources: Sequence[str] | None
    ) -> list[tantivy.Query]:
        found = []
        low, high = date_range
        if low is not None or high is not None:
            found.append(Q.range_query(self.schema, "date", tantivy.FieldType.Integer, low, high))
        if sources:
            found.append(Q.term_set_query(self.schema, "source", list(sources)))
        return found

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """Chunks containing each term, counted over live documents. tantivy's own
        `doc_freq` also counts replaced and removed chunks until their segment merges, so it
        is taken as it is only while the index holds none; otherwise each term's documents
        are counted (about 3 ms a question at 1M chunks)."""
        searcher = self._index.searcher()
        counted = not self._no_removed_chunks(searcher)
        found = {}
        for term in terms:
            count = searcher.doc_freq("terms", term)
            if count and counted:
                query = Q.term_query(self.schema, "terms", term, index_option="basic")
                count = searcher.search(query, 1, count=True).count
            if count:
                found[term] = count
        return found

    def _no_removed_chunks(self, searcher: tantivy.Searcher) -> bool:
        """Are the only removed documents this searcher sees old generation markers? Read
        from tantivy's `meta.json` (each segment's size and removals), trusted only when it
        agrees with the searcher's own counts (a commit in between: False)."""
        try:
            meta = json.loads((self.path / "meta.json").read_text("utf-8"))
            sizes = [
                (s["max_doc"], (s["deletes"] or {}).get("num_deleted_docs", 0))
                for s in meta["segments"]
            ]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):  # not as expected
            return False
        if len(sizes) != searcher.num_segments or searcher.num_docs != sum(m - d for m, d in sizes):
            return False
        old_markers = max(searcher.doc_freq("rowid", _MARKER) - 1, 0)  # all but the live one
        return sum(d for _, d in sizes) == old_markers


def _document(doc: LexicalDoc) -> tantivy.Document:
    fields: dict = {"rowid": doc.rowid, "terms": doc.terms}
    if doc.date is not None:
        fields["date"] = doc.date
    if doc.source is not None:
        fields["source"] = doc.source
    return tantivy.Document(**fields)
