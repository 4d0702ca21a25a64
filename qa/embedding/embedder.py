"""The embedder: texts in, normalized vectors out, on onnxruntime or on torch.

The default runtime exports the model to ONNX once (torch is only needed for that step; the
export is cached, keyed by the model files' hash) and from then on encodes without torch,
so a question from a cold start does not pay for importing it. If the export fails, the
embedder falls back to torch with a one-line note.

Precision: `fp32` on either runtime; `int8` (onnxruntime, quantized matrix products);
`bf16` (torch autocast, fast only on CPUs with native bf16). Vectors of fp32 and bf16 are
interchangeable; int8 vectors are not (see `FAMILY`), so an index remembers its precision
and a query adopts it. `auto` picks by measurement (`auto_precision`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.config import Config, Precision, Runtime
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


def auto_precision(
    config: Config, index_precision: str | None, flags: frozenset[str] | None = None
) -> str:
    """An existing index's kind of vectors; for a new one, the fastest precision measured
    to keep retrieval quality on this CPU: int8 where the CPU has int8 dot products and the
    model passed the gate (`int8_passes`), bf16 on torch where the CPU has it, else fp32."""
    if index_precision is not None:
        if FAMILY.get(index_precision) == "int8":
            return "int8"
        return "bf16" if config.runtime == Runtime.TORCH and native_bf16() else "fp32"
    if config.runtime == Runtime.TORCH:
        return "bf16" if native_bf16() else "fp32"
    return "int8" if fast_int8(flags) and int8_passes(config.model) else "fp32"


def choose(config: Config, index_precision: str | None = None) -> tuple[Runtime, str]:
    """The runtime and precision to encode with: the configured ones, with `auto` resolved
    for this CPU and for the index's vectors (`index_precision`, None for a new index)."""
    precision = str(config.precision)
    if precision == Precision.AUTO:
        precision = auto_precision(config, index_precision)
    runtime = config.runtime
    if runtime == Runtime.AUTO:
        runtime = Runtime.TORCH if precision == "bf16" else Runtime.ONNX
    if runtime == Runtime.TORCH and precision == "int8":
        raise ModelError("int8 vectors need the onnx runtime (--runtime onnx)")
    if runtime == Runtime.ONNX and precision == "bf16":
        raise ModelError("bf16 needs the torch runtime (--runtime torch)")
    return runtime, precision


def _onnx(config: Config, path: str, precision: str) -> Encoder:
    """The ONNX encoder, exporting the model first when the cache has no export of it."""
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
    from qa.embedding.onnx_encoder import OnnxEncoder  # onnxruntime loads only to encode

    return OnnxEncoder(folder, precision, config.batch_size)


def _open(config: Config, index_precision: str | None) -> Encoder:
    runtime, precision = choose(config, index_precision)
    path = resolve_model(config.model)
    if runtime == Runtime.ONNX:
        try:
            return _onnx(config, path, precision)
        except Exception as exc:
            fallback = config.replace(runtime=Runtime.TORCH)
            chosen = config.precision == Precision.AUTO or precision == "fp32"
            if config.runtime == Runtime.ONNX or not chosen or index_precision == "int8":
                raise ModelError(f"ONNX runtime for {config.model!r} failed: {exc}") from exc
            print(f"note: ONNX export failed ({exc}); encoding with torch", file=sys.stderr)
            precision = auto_precision(fallback, index_precision)
    from qa.embedding.torch_encoder import TorchEncoder

    return TorchEncoder(path, config.model, precision == "bf16", config.batch_size)


class Embedder:
    def __init__(self, config: Config, index_precision: str | None = None):
        self.name = config.model
        self.encoder = _open(config, index_precision)
        self.runtime: str = self.encoder.runtime
        self.precision: str = self.encoder.precision
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
            vectors[batch] = self._encode([texts[i] for i in batch], self.passage_prompt)
            if on_batch:
                on_batch(len(batch))
        return vectors

    def encode_query(self, text: str) -> np.ndarray:
        return self._encode([text], self.query_prompt)[0]

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.encoder.encode(texts, prompt)
