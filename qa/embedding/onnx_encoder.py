"""The exported model on onnxruntime: starts in a fraction of a second, never imports torch.

The export (`torch_encoder.export_onnx`) holds the whole sentence-transformers pipeline after
the tokenizer, so pooling and normalization are the model's own; this side only tokenizes
with the `tokenizers` package as the model does (its max length, padding id, lowercasing).
`int8` is the same graph with its matrix products quantized (dynamically, per channel),
made from the fp32 file on first use.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

FILES = {"fp32": "model.onnx", "int8": "model-int8.onnx"}


def quantize(folder: Path) -> Path:
    """The int8 graph, made once from the fp32 one (a few seconds)."""
    out = folder / FILES["int8"]
    if not out.exists():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        print(f"quantizing the model to int8 in {folder} (once)", file=sys.stderr)
        tmp = folder / f".{out.name}.{os.getpid()}"
        root = logging.getLogger()
        level, root.level = root.level, logging.ERROR  # its advice on pre-processing
        try:
            quantize_dynamic(
                folder / FILES["fp32"],
                tmp,
                op_types_to_quantize=["MatMul"],
                per_channel=True,
                weight_type=QuantType.QInt8,
            )
        finally:
            root.level = level
        os.replace(tmp, out)
    return out


def external(model: Path) -> Path:
    """The same graph with its weights in a separate file, made once: onnxruntime maps such a
    file instead of reading it into memory beside its own copy (peak RSS of `qa ask`
    257 -> about 170 MB with the fp32 MiniLM)."""
    out = model.with_name(f"{model.stem}-mapped.onnx")
    if not out.exists():
        import onnx

        data = f"{model.stem}-mapped.data"
        tmp = model.with_name(f".mapped-{os.getpid()}")
        tmp.mkdir(exist_ok=True)
        onnx.save_model(
            onnx.load(str(model)),
            str(tmp / out.name),
            save_as_external_data=True,
            all_tensors_to_one_file=True,
            location=data,
            size_threshold=1024,
        )
        # Data first, then the graph that names it; a process racing us writes the same bytes.
        os.replace(tmp / data, model.with_name(data))
        os.replace(tmp / out.name, out)
        tmp.rmdir()
    return out


class OnnxEncoder:
    """Encodes with onnxruntime from an export folder."""

    runtime = "onnx"

    def __init__(self, folder: Path, precision: str, batch_size: int):
        settings = json.loads((folder / "encoder.json").read_text("utf-8"))
        self.precision = precision
        self.batch_size = batch_size
        self.inputs: list[str] = settings["inputs"]
        self.dim = int(settings["dim"])
        self.max_tokens = int(settings["max_tokens"])
        self.lowercase = bool(settings["lowercase"])
        self.prompts: dict[str, str] = settings["prompts"]
        self.counter = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.counter.no_truncation()
        self.counter.no_padding()
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.enable_padding(pad_id=settings["pad_id"], pad_token=settings["pad_token"])
        self.path = external(quantize(folder) if precision == "int8" else folder / FILES["fp32"])
        self._sessions: dict[int, ort.InferenceSession] = {}
        self._opening = threading.Lock()

    def _session(self, texts: int) -> ort.InferenceSession:
        """A session made on first use. One int8 question runs on one thread (2.1 ms against
        2.6 ms on two, measured on a 2-core AVX-512 EPYC); fp32 questions and all batches use
        every core (0: onnxruntime's choice)."""
        threads = 1 if texts == 1 and self.precision == "int8" else 0
        with self._opening:
            if threads not in self._sessions:
                options = ort.SessionOptions()
                options.log_severity_level = 3  # no warnings about unused initializers
                options.intra_op_num_threads = threads
                # Idle threads sleep instead of spinning: in the web chat, spinning threads
                # took the CPU other requests needed (server CPU per answer 65 -> 41 ms).
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                self._sessions[threads] = ort.InferenceSession(
                    str(self.path), options, providers=["CPUExecutionProvider"]
                )
            return self._sessions[threads]

    def _infer(self, feeds: dict[str, np.ndarray], texts: int) -> np.ndarray:
        return self._session(texts).run(None, feeds)[0]

    def _text(self, text: str) -> str:
        return text.lower() if self.lowercase else text

    def token_count(self, text: str) -> int:
        return len(self.counter.encode(self._text(text)).ids)

    def encode(self, texts: list[str], prompt: str) -> np.ndarray:
        out = []
        for start in range(0, len(texts), self.batch_size):
            batch = [self._text(prompt + t) for t in texts[start : start + self.batch_size]]
            encoded = self.tokenizer.encode_batch(batch)
            columns = {
                "input_ids": [e.ids for e in encoded],
                "attention_mask": [e.attention_mask for e in encoded],
                "token_type_ids": [e.type_ids for e in encoded],
            }
            feeds = {k: np.asarray(columns[k], dtype=np.int64) for k in self.inputs}
            out.append(self._infer(feeds, len(batch)))
        vectors = np.concatenate(out).astype(np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return np.ascontiguousarray(vectors)
