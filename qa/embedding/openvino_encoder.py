"""The exported model on OpenVINO: the same ONNX file and tokenizer as `onnx_encoder`, run
by an engine that computes in bfloat16 on CPUs that have it natively (AMX, AVX512-BF16).

Used for passages at ingest only, where it was measured faster than onnxruntime (README
"Encoder runtimes"); its bf16 vectors are of the float family (cosine >= 0.999 to fp32), so
questions keep encoding with onnxruntime fp32, which starts faster.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import openvino as ov

from qa.embedding.onnx_encoder import OnnxEncoder

HINTS = {"fp32": "f32", "bf16": "bf16"}


class OpenVinoEncoder(OnnxEncoder):
    """Encodes with OpenVINO on the CPU; tokenization is `OnnxEncoder`'s."""

    runtime = "openvino"

    def __init__(self, folder: Path, precision: str, batch_size: int):
        super().__init__(folder, "fp32", batch_size)
        self.precision = precision
        self._model = ov.Core().compile_model(
            str(self.path), "CPU", {"INFERENCE_PRECISION_HINT": HINTS[precision]}
        )
        self._running = threading.Lock()  # one compiled model, used by one thread at a time

    def _infer(self, feeds: dict[str, np.ndarray], texts: int) -> np.ndarray:
        with self._running:
            return np.asarray(self._model(feeds)[0])
