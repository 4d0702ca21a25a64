"""The embedder: texts in, normalized vectors out, on onnxruntime or on torch.

The default runtime exports the model to ONNX once (torch is only needed for that step; the
export is cached, keyed by the model files' hash) and from then on encodes without torch,
so a question from a cold start does not pay for importing it. If the export fails, the
embedder falls back to torch with a one-line note.

Precision: `fp32` on either runtime; `int8` (onnxruntime, quantized matrix products);
`bf16` (torch autocast, fast only on CPUs with native bf16). Vectors of fp32 and bf16 are
interchangeable; int8 vectors are not (see `FAMILY`), so an index remembers its precision
and a query adopts it. `auto` picks by measurement (`auto_precision`); questions over float
vectors may still be encoded in int8 where that was measured to pay (`question_choice`).
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.config import Config, Precision, QuestionPrecision, Runtime
from qa.embedding.cache import cache_root, export_dir
from qa.embedding.model import (
    FAMILY,
    ModelError,
    auto_prompts,
    fast_int8,
    int8_passes,
    native_bf16,
    resolve_model,
)


class Encoder(Protocol):
    """What both runtimes offer: the model's size, prompts and limit, counting and encoding."""

    runtime: str
    precision: str
    dim: int
    max_tokens: int
    prompts: dict[str, str]

    def token_count(self, text: str) -> int: ...

    def encode(self, texts: list[str], prompt: str) -> np.ndarray: ...


def openvino_installed() -> bool:
    return importlib.util.find_spec("openvino") is not None


def bf16_ingest(config: Config, flags: frozenset[str] | None = None) -> bool:
    """Can passages encode in bf16 on OpenVINO here (native bf16, engine installed, runtime
    left to `auto`)? Its vectors are of the float family, like fp32 questions."""
    return config.runtime == Runtime.AUTO and native_bf16(flags) and openvino_installed()


def auto_precision(
    config: Config,
    index_precision: str | None,
    flags: frozenset[str] | None = None,
    bf16_faster: Callable[[], bool] = lambda: False,
) -> str:
    """An existing index's kind of vectors; for a new one, the fastest precision measured
    to keep retrieval quality on this CPU: int8 where the CPU has int8 dot products and the
    model passed the gate (`int8_passes`), unless bf16 passages on OpenVINO were measured
    faster still (`bf16_faster`); bf16 on torch or OpenVINO where the CPU has it; else fp32."""
    bf16_engine = config.runtime in (Runtime.TORCH, Runtime.OPENVINO)
    if index_precision is not None:
        if FAMILY.get(index_precision) == "int8":
            return "int8"
        return "bf16" if bf16_engine and native_bf16(flags) else "fp32"
    if bf16_engine:
        return "bf16" if native_bf16(flags) else "fp32"
    if not (fast_int8(flags) and int8_passes(config.model)):
        return "fp32"
    return "fp32" if bf16_ingest(config, flags) and bf16_faster() else "int8"


def choose(
    config: Config,
    index_precision: str | None = None,
    bf16_faster: Callable[[], bool] = lambda: False,
) -> tuple[Runtime, str]:
    """The runtime and precision to encode questions with: the configured ones, with `auto`
    resolved for this CPU and for the index's vectors (`index_precision`, None for a new
    index)."""
    precision = str(config.precision)
    if precision == Precision.AUTO:
        precision = auto_precision(config, index_precision, bf16_faster=bf16_faster)
    runtime = config.runtime
    if runtime == Runtime.AUTO and precision == "bf16":
        runtime = Runtime.OPENVINO if openvino_installed() else Runtime.TORCH
    elif runtime == Runtime.AUTO:
        runtime = Runtime.ONNX
    if runtime in (Runtime.TORCH, Runtime.OPENVINO) and precision == "int8":
        raise ModelError("int8 vectors need the onnx runtime (--runtime onnx)")
    if runtime == Runtime.ONNX and precision == "bf16":
        raise ModelError("bf16 needs the openvino or torch runtime (--runtime openvino)")
    return runtime, precision


def passage_choice(config: Config, runtime: str, precision: str) -> tuple[str, str]:
    """What encodes passages, given what encodes questions: the same, except that float
    vectors chosen by `auto` encode in bf16 on OpenVINO where the CPU has bf16 natively
    (measured 2.5x onnxruntime fp32 on an AMX Xeon), while questions keep onnxruntime's
    faster start."""
    automatic = config.precision == Precision.AUTO
    if automatic and runtime == "onnx" and precision == "fp32" and bf16_ingest(config):
        return "openvino", "bf16"
    return runtime, precision


def question_choice(
    config: Config, runtime: str, precision: str, flags: frozenset[str] | None = None
) -> tuple[str, str]:
    """What encodes questions, given what encodes them by the index's vectors: the same,
    except int8 on onnxruntime when asked for, or by `auto` over float vectors that `auto`
    chose, where the CPU has int8 dot products and int8 questions kept the model's quality
    (measured on an AMX Xeon: 3.3 against 8.3 ms of CPU per question, FacQA valid hybrid
    MRR@10 unchanged)."""
    wanted = config.question_precision
    if wanted == QuestionPrecision.INT8:
        return "onnx", "int8"
    automatic = config.runtime == Runtime.AUTO and config.precision == Precision.AUTO
    if (
        wanted == QuestionPrecision.AUTO
        and automatic
        and (runtime, precision) == ("onnx", "fp32")
        and fast_int8(flags)
        and int8_passes(config.model, "int8_questions")
    ):
        return "onnx", "int8"
    return runtime, precision


def _export(config: Config, path: str) -> Path:
    """The model's ONNX export folder, exported first when the cache has none."""
    if not Path(path).is_dir():
        raise ModelError(
            f"cannot load embedding model {config.model!r}: no folder {path}. Give a local "
            "sentence-transformers folder (QA_MODEL / --model); nothing is downloaded at run time."
        )
    folder = export_dir(Path(path), cache_root(config.cache_dir))
    if not (folder / "encoder.json").exists():
        from qa.embedding.torch_encoder import export_onnx

        print(f"exporting {config.model} to ONNX in {folder} (once)", file=sys.stderr)
        export_onnx(path, config.model, folder)
    return folder


def _exported(config: Config, path: str, runtime: str, precision: str) -> Encoder:
    folder = _export(config, path)
    if runtime == Runtime.OPENVINO:
        from qa.embedding.openvino_encoder import OpenVinoEncoder  # only to encode with it

        return OpenVinoEncoder(folder, precision, config.batch_size)
    from qa.embedding.onnx_encoder import OnnxEncoder  # onnxruntime loads only to encode

    return OnnxEncoder(folder, precision, config.batch_size)


def _bf16_faster(config: Config, path: str) -> bool:
    """Measured once per CPU (`speed`); False when it cannot be measured."""
    try:
        folder = _export(config, path)
        from qa.embedding.speed import bf16_beats_int8

        return bf16_beats_int8(folder, cache_root(config.cache_dir), config.batch_size)
    except Exception as exc:  # a failed measurement must not stop an ingest
        print(f"note: could not measure bf16 against int8 ({exc}); using int8", file=sys.stderr)
        return False


def _open(config: Config, index_precision: str | None) -> Encoder:
    path = resolve_model(config.model)
    runtime, precision = choose(config, index_precision, lambda: _bf16_faster(config, path))
    if runtime in (Runtime.ONNX, Runtime.OPENVINO):
        try:
            return _exported(config, path, runtime, precision)
        except Exception as exc:
            fallback = config.replace(runtime=Runtime.TORCH)
            chosen = config.precision == Precision.AUTO or precision == "fp32"
            if config.runtime != Runtime.AUTO or not chosen or index_precision == "int8":
                raise ModelError(f"{runtime} runtime for {config.model!r} failed: {exc}") from exc
            print(f"note: ONNX export failed ({exc}); encoding with torch", file=sys.stderr)
            precision = auto_precision(fallback, index_precision)
    from qa.embedding.torch_encoder import TorchEncoder

    return TorchEncoder(path, config.model, precision == "bf16", config.batch_size)


class Embedder:
    def __init__(self, config: Config, index_precision: str | None = None):
        self.name = config.model
        self.config = config
        self.encoder = _open(config, index_precision)  # questions, and passages unless...
        # ...another engine encodes passages faster into the same vectors (`passage_choice`);
        # runtime and precision say what encodes the index's passages.
        self.runtime, self.precision = passage_choice(
            config, self.encoder.runtime, self.encoder.precision
        )
        self._passage_encoder: Encoder | None = None
        self._question_encoder: Encoder | None = None
        self._opening = threading.Lock()  # chat threads may ask their first questions at once
        own_query, own_passage = auto_prompts(resolve_model(config.model), self.encoder.prompts)
        self.query_prompt = own_query if config.query_prompt == "auto" else config.query_prompt
        self.passage_prompt = (
            own_passage if config.passage_prompt == "auto" else config.passage_prompt
        )
        self.batch_size = config.batch_size
        self.dim = self.encoder.dim
        self.max_tokens = self.encoder.max_tokens

    def token_count(self, text: str) -> int:
        """Tokens the model sees for a passage, prompt and special tokens included."""
        return self.encoder.token_count(self.passage_prompt + text)

    def fits(self, text: str) -> bool:
        """True when the passage is not truncated by the model's max sequence length."""
        return self.token_count(text) <= self.max_tokens

    def encode_passages(
        self, texts: list[str], on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Vectors in input order. Texts are encoded shortest first, so each batch pads
        little; `on_batch(n)` reports progress after every batch of n texts."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            vectors[batch] = self._encode(
                [texts[i] for i in batch], self.passage_prompt, self._passages()
            )
            if on_batch:
                on_batch(len(batch))
        return vectors

    def _passages(self) -> Encoder:
        """The passage encoder, opened on the first passage; on failure, the question one."""
        if self._passage_encoder is None:
            self._passage_encoder = self.encoder
            if (self.runtime, self.precision) != (self.encoder.runtime, self.encoder.precision):
                try:
                    path = resolve_model(self.config.model)
                    self._passage_encoder = _exported(
                        self.config, path, self.runtime, self.precision
                    )
                except Exception as exc:
                    print(
                        f"note: {self.runtime} failed ({exc}); passages use {self.encoder.runtime}",
                        file=sys.stderr,
                    )
                    self.runtime, self.precision = self.encoder.runtime, self.encoder.precision
        return self._passage_encoder

    def _questions(self) -> Encoder:
        """The question encoder (`question_choice`), opened on the first question; on
        failure, the passages' own, with a note."""
        with self._opening:
            if self._question_encoder is None:
                encoder = self.encoder
                runtime, precision = question_choice(
                    self.config, encoder.runtime, encoder.precision
                )
                if (runtime, precision) != (encoder.runtime, encoder.precision):
                    try:
                        path = resolve_model(self.config.model)
                        encoder = _exported(self.config, path, runtime, precision)
                    except Exception as exc:
                        print(f"note: {precision} questions failed ({exc})", file=sys.stderr)
                self._question_encoder = encoder
            return self._question_encoder

    def encode_query(self, text: str) -> np.ndarray:
        return self._encode([text], self.query_prompt, self._questions())[0]

    def _encode(self, texts: list[str], prompt: str, encoder: Encoder) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return encoder.encode(texts, prompt)
