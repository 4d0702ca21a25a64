"""The sentence-transformers model on torch: the fallback runtime, and the one step that
exports the model to ONNX (torch is needed for nothing else)."""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from transformers.utils import logging as transformers_logging

from qa.embedding.model import ModelError

EXPORT_FORMAT = 1
ONNX_OPSET = 17


def load(path: str, name: str) -> SentenceTransformer:
    """The model from local files only, with a clear error when it is not there."""
    transformers_logging.disable_progress_bar()  # "Loading weights" on every command
    try:
        model = SentenceTransformer(path, device="cpu", local_files_only=True)
    except Exception as exc:  # the library raises many types for a missing model
        raise ModelError(
            f"cannot load embedding model {name!r} ({path}): {exc}. "
            "Give a local sentence-transformers folder or a model already in the cache "
            "(QA_MODEL / --model); nothing is downloaded at run time."
        ) from exc
    return model.eval()


class TorchEncoder:
    """Encodes with sentence-transformers; `bf16` runs under CPU bfloat16 autocast."""

    runtime = "torch"

    def __init__(self, path: str, name: str, bf16: bool, batch_size: int):
        self.model = load(path, name)
        self.bf16 = bf16
        self.precision = "bf16" if bf16 else "fp32"
        self.batch_size = batch_size
        self.prompts = dict(self.model.prompts or {})
        self.dim = int(self.model.get_embedding_dimension())
        self.max_tokens = int(self.model.max_seq_length)

    def token_count(self, text: str) -> int:
        return len(self.model.tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])

    def encode(self, texts: list[str], prompt: str) -> np.ndarray:
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


class _Pipeline(torch.nn.Module):
    """Token ids in, the model's sentence embedding out: every module after the tokenizer
    (transformer, pooling, dense layers, normalization) goes into the ONNX graph as is."""

    def __init__(self, model: SentenceTransformer, inputs: list[str]):
        super().__init__()
        self.model = model
        self.inputs = inputs

    def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
        return self.model(dict(zip(self.inputs, tensors, strict=True)))["sentence_embedding"]


def export_onnx(path: str, name: str, target: Path) -> None:
    """Write `target`/model.onnx, tokenizer.json and encoder.json (what the ONNX runtime
    needs besides the graph); a half-done export never appears under `target`."""
    model = load(path, name)
    transformer = model[0]
    tokenizer = model.tokenizer
    if not getattr(tokenizer, "is_fast", False):
        raise ModelError(f"{name}: no fast tokenizer (tokenizer.json) to run without torch")
    pooling = next((m for m in model if hasattr(m, "include_prompt")), None)
    if pooling is not None and not pooling.include_prompt:
        raise ModelError(f"{name}: pooling leaves out the prompt, which the export cannot")
    preprocess = getattr(model, "preprocess", None) or model.tokenize  # sentence-transformers 6, 5
    sample = preprocess(["an example sentence", "another, longer example sentence"])
    inputs = [k for k in tokenizer.model_input_names if k in sample]
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes meant for the exporter's authors
            torch.onnx.export(
                _Pipeline(model, inputs).eval(),
                tuple(sample[k] for k in inputs),
                str(work / "model.onnx"),
                input_names=inputs,
                output_names=["sentence_embedding"],
                dynamic_axes={k: {0: "batch", 1: "tokens"} for k in inputs}
                | {"sentence_embedding": {0: "batch"}},
                opset_version=ONNX_OPSET,
                dynamo=False,
            )
        tokenizer.backend_tokenizer.save(str(work / "tokenizer.json"))
        settings = {
            "format": EXPORT_FORMAT,
            "model": name,
            "inputs": inputs,
            "dim": int(model.get_embedding_dimension()),
            "max_tokens": int(model.max_seq_length),
            "lowercase": bool(getattr(transformer, "do_lower_case", False)),
            "pad_id": int(tokenizer.pad_token_id or 0),
            "pad_token": str(tokenizer.pad_token or "[PAD]"),
            "prompts": dict(model.prompts or {}),
            "torch": torch.__version__,
        }
        (work / "encoder.json").write_text(json.dumps(settings, indent=2) + "\n", "utf-8")
        try:
            work.rename(target)
        except OSError:  # another process finished the same export first
            if not (target / "encoder.json").exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
