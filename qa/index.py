"""The Python API: one `Index` that ingests, searches, removes and reports.

It wires the one-way pipeline together: files -> articles -> chunks -> vectors and BM25
terms in the store; question -> query -> hits -> answer with verified citations. The CLI,
the web chat and the eval are thin shells over it.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from qa.analysis import Analyzer
from qa.answering.llm import stream_answer
from qa.answering.model import AnswerModel, load_model
from qa.answering.reader import read
from qa.answers import Answer
from qa.articles import Article, Problem, read_articles
from qa.chunking import Chunk, Chunker
from qa.config import AnswerMode, Config, RetrieverKind
from qa.embedding.embedder import Embedder, choose, passage_choice
from qa.query import Query
from qa.retrieval import Hit, Retriever
from qa.store import (
    Backend,
    DiskFullError,
    Filters,
    Manifest,
    describe,
    open_store,
    stored_manifest,
)

# Settings that shape what is stored; an existing index's own values win over
# defaults, and an explicit conflicting value is an error.
_BUILD_SETTINGS = ("model", "chunk_tokens", "chunk_overlap", "encoding", "stemmer", "stopwords")


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.problems)} failed; "
            f"{self.chunks} chunks in {self.seconds:.1f} s"
        )


class Index:
    def __init__(self, config: Config | None = None, **overrides: Any):
        config = config or Config.load()
        if overrides:
            config = config.replace(**overrides, explicit=config.explicit | set(overrides))
        existing = stored_manifest(config.store, config.index)
        if existing is not None:
            adopted = {
                name: getattr(existing, name)
                for name in _BUILD_SETTINGS
                if name not in config.explicit
            }
            config = config.replace(**adopted)
        self.config = config
        self._vectors = existing.precision if existing is not None else None
        self.analyzer = Analyzer(config.stemmer, config.stopwords)  # one for ingest and queries
        self._loading = threading.Lock()  # chat threads may race to load the model first
        self._embedder: Embedder | None = None
        dim = existing.dim if existing is not None else self.embedder.dim
        self.store: Backend = open_store(config.store, config.index, self._manifest(dim))
        self._retriever: Retriever | None = None

    def _manifest(self, dim: int) -> Manifest:
        c = self.config
        if self._embedder is not None:  # what really encodes, after any fallback
            runtime, precision = self._embedder.runtime, self._embedder.precision
        else:
            runtime, precision = passage_choice(c, *choose(c, self._vectors))
        return Manifest(
            model=c.model,
            dim=dim,
            chunk_tokens=c.chunk_tokens,
            chunk_overlap=c.chunk_overlap,
            encoding=c.encoding,
            stemmer=c.stemmer,
            stopwords=c.stopwords,
            runtime=str(runtime),
            precision=precision,
        )

    @property
    def embedder(self) -> Embedder:
        """Loaded on first use: `stats` and `remove` never pay for the model."""
        with self._loading:
            if self._embedder is None:
                self._embedder = Embedder(self.config, self._vectors)
        return self._embedder

    @property
    def retriever(self) -> Retriever:
        if self._retriever is None:
            embedder = self.embedder
            with self._loading:
                if self._retriever is None:
                    self._retriever = Retriever(self.store, embedder, self.analyzer, self.config)
        return self._retriever

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingest --------------------------------------------------------------

    def ingest(self, paths: Iterable[str | Path], progress: bool | None = None) -> IngestReport:
        """Add new articles, replace changed ones, skip unchanged ones; report per file.

        The files are read first; what is new is decided only once this writer holds the
        index's write lock, so two ingests of the same file never both embed it.
        """
        started = time.perf_counter()
        progress = sys.stderr.isatty() if progress is None else progress
        report = IngestReport()
        items = list(read_articles(paths, self.config))
        with self.store.writing(self.config.lock_timeout, self._waiting):
            todo = self._changed_articles(items, report)
            if todo:
                self._embed_and_store(todo, report, progress)
        report.seconds = time.perf_counter() - started
        return report

    def _embed_and_store(
        self, todo: list[tuple[Article, bool]], report: IngestReport, progress: bool
    ) -> None:
        """Chunk, embed and commit, `commit_chunks` at a time (a crash loses one batch). An
        article counts as added or updated once its batch is committed: a full disk leaves
        `report` saying exactly what the index holds."""
        chunker = Chunker(self.config, fits=self.embedder.fits)
        chunked = list(self._chunk_all(todo, chunker, report))
        total = sum(len(chunks) for _, chunks, _ in chunked)
        with tqdm(total=total, unit="chunk", desc="Embedding", disable=not progress) as bar:
            for batch in _batches(chunked, self.config.commit_chunks):
                texts = [c.text for _, chunks, _ in batch for c in chunks]
                vectors = self.embedder.encode_passages(texts, on_batch=bar.update)
                items, offset = [], 0
                for (article, chunks, _), chunk_terms in zip(
                    batch, _terms(self.analyzer, batch), strict=True
                ):
                    end = offset + len(chunks)
                    items.append((article, chunks, chunk_terms, vectors[offset:end]))
                    offset = end
                try:
                    self.store.put(items)
                except DiskFullError as exc:
                    exc.add_note(self._full_note(report, total - report.chunks))
                    raise
                for article, _, replaces in batch:
                    (report.updated if replaces else report.added).append(article.id)
                report.chunks += len(texts)

    def _full_note(self, report: IngestReport, remaining: int) -> str:
        """What a full disk left committed, and roughly how much more space the rest needs
        (the index's own bytes per chunk so far, times the chunks not stored)."""
        stats = self.store.stats()
        per_chunk = stats["size_bytes"] / max(stats["chunks"], 1)
        return (
            f"committed before the disk filled: {len(report.added)} added, "
            f"{len(report.updated)} updated ({report.chunks} chunks); the other {remaining} "
            f"chunks need about {remaining * per_chunk / 2**20:.0f} MB more free space"
        )

    def _waiting(self, holder: str) -> None:
        """Said once when another writer holds the index: whom we wait for, and how long."""
        print(
            f"qa: index {describe(self.config.store, self.config.index)} is being written by "
            f"{holder}; waiting up to "
            f"{self.config.lock_timeout:g} s (QA_LOCK_TIMEOUT)",
            file=sys.stderr,
            flush=True,
        )

    def _changed_articles(
        self, items: Iterable[Article | Problem], report: IngestReport
    ) -> list[tuple[Article, bool]]:
        """New or changed articles (with whether they replace one); the rest is reported."""
        todo = []
        for item in items:
            if isinstance(item, Problem):
                report.problems.append(item)
                continue
            old_hash = self.store.article_hash(item.id)
            if old_hash == item.content_hash():
                report.unchanged.append(item.id)
            else:
                todo.append((item, old_hash is not None))
        return todo

    def _chunk_all(
        self, todo: list[tuple[Article, bool]], chunker: Chunker, report: IngestReport
    ) -> Iterator[Chunked]:
        """Each article with its chunks and whether it replaces one; unchunkable ones are
        reported."""
        for article, replaces in todo:
            try:
                chunks = chunker.split(article)
            except ValueError as exc:
                report.problems.append(Problem(article.path or article.id, str(exc)))
                continue
            if not chunks:
                report.problems.append(
                    Problem(article.path or article.id, f"{article.id}: no text")
                )
                continue
            yield article, chunks, replaces

    # -- queries -------------------------------------------------------------

    @property
    def answer_model(self) -> AnswerModel:
        """The reader's learned parameters (`answer_model` setting; default: the shipped ones)."""
        return load_model(self.config.answer_model or None)

    def query(
        self,
        question: str,
        history: Sequence[tuple[str, Any]] | None = None,
        filters: Filters | None = None,
    ) -> Query:
        """The question analyzed once, for `search` and `answer_hits` (see `qa.query`)."""
        return Query.build(
            question,
            self.analyzer,
            self.store.document_frequencies,
            history=history,
            filters=filters,
        )

    def search(
        self,
        query: str | Query,
        k: int | None = None,
        retriever: RetrieverKind | str | None = None,
        filters: Filters | None = None,
    ) -> list[Hit]:
        """The best passages for a query (a string, or a `Query` with its own filters)."""
        if k is not None and k < 1:
            raise ValueError(f"k must be at least 1 (got {k})")
        if isinstance(query, str):
            query = self.query(query, filters=filters)
        return self.retriever.search(query, k=k, retriever=retriever)

    def ask(
        self,
        question: str,
        history: Sequence[tuple[str, Any]] | None = None,
        k: int | None = None,
        answer_mode: AnswerMode | str | None = None,
        filters: Filters | None = None,
    ) -> Answer:
        """Answer with verified quotes from the indexed articles, or say it is not there.

        `history` holds earlier (question, answer) pairs: a short follow-up such as
        "Siapa wali kotanya?" is retrieved together with the last question's words.
        """
        final = None
        for item in self.ask_stream(question, history, k, answer_mode, filters):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def ask_stream(
        self,
        question: str,
        history: Sequence[tuple[str, Any]] | None = None,
        k: int | None = None,
        answer_mode: AnswerMode | str | None = None,
        filters: Filters | None = None,
    ) -> Iterator[str | Answer]:
        """`ask`, streamed: an LLM's text as it comes, then the final `Answer`.

        The final answer is what counts (an LLM's streamed draft may lose citations that
        fail verification); the pieces only let a chat show progress. An extractive answer
        comes whole, as the final `Answer` alone.
        """
        query = self.query(question, history, filters)
        hits = self.search(query, k=k)
        extractive = self.answer_hits(query, hits)
        if AnswerMode(answer_mode or self.config.answer_mode) is AnswerMode.LLM:
            yield from stream_answer(
                query, hits, extractive, self.article_text, self.analyzer, self.config
            )
            return
        yield extractive

    def answer_hits(self, query: str | Query, hits: Sequence[Hit]) -> Answer:
        """The extractive answer step of `ask` alone, on hits already retrieved.

        Public so that `qa eval` can time retrieval and answering separately.
        """
        if isinstance(query, str):
            query = self.query(query)
        return read(query, hits, self.analyzer, self.article_text, self.answer_model, self.config)

    def article_text(self, article_id: str) -> str | None:
        """The stored text an article's citations are verified against (None when gone)."""
        article = self.store.article(article_id)
        return article.text if article is not None else None

    def remove(self, *article_ids: str) -> list[str]:
        """Delete articles by id; returns those that were there."""
        with self.store.writing(self.config.lock_timeout, self._waiting):
            return self.store.remove(article_ids)

    def stats(self) -> dict:
        return self.store.stats()

    def article(self, article_id: str) -> Article | None:
        return self.store.article(article_id)


def _terms(analyzer: Analyzer, batch: list[Chunked]) -> list[list[list[str]]]:
    """BM25 terms per chunk: the chunk text only (titles repeated in every chunk hurt BM25)."""
    return [[analyzer.terms(c.text) for c in chunks] for _, chunks, _ in batch]


Chunked = tuple[Article, list[Chunk], bool]  # an article, its chunks, whether it replaces one


def _batches(chunked: list[Chunked], size: int) -> Iterator[list[Chunked]]:
    """Whole articles grouped until about `size` chunks: one encode call and one commit each."""
    batch: list[Chunked] = []
    count = 0
    for item in chunked:
        batch.append(item)
        count += len(item[1])
        if count >= size:
            yield batch
            batch, count = [], 0
    if batch:
        yield batch
