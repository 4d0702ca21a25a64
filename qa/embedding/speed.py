"""Which passage encoder is faster on this CPU: measured once, remembered.

Where a CPU has both native bf16 and int8 dot products, OpenVINO in bf16 and onnxruntime in
int8 are the two fast ways to encode passages, and which one wins depends on the CPU (README
"Encoder runtimes"). A new index's `auto` precision follows a short measurement (a second
or two), remembered per CPU and model export in the cache folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from qa.embedding.model import cpu_flags
from qa.embedding.onnx_encoder import OnnxEncoder

SPEED_FILE = "speed.json"
WORDS = (
    "pemerintah kota bandarlampung menyatakan program jaminan sosial tenaga kerja akan "
    "diperluas tahun depan kepada pekerja informal pedagang pasar dan nelayan di wilayah pesisir"
).split()


def _texts(count: int = 32, words: int = 120) -> list[str]:
    """Passages of chunk length; their words do not matter to the speed of a transformer."""
    return [" ".join(WORDS[(i + j) % len(WORDS)] for j in range(words)) for i in range(count)]


def _cpu_key(folder: Path) -> str:
    """This CPU (model name and features) and this model export."""
    name = ""
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    flags = hashlib.sha256(" ".join(sorted(cpu_flags())).encode()).hexdigest()[:12]
    return f"{name}|{flags}|{os.cpu_count()}|{folder.name}"


def _rate(encoder: OnnxEncoder, texts: list[str]) -> float:
    """Passages per second, best of two runs after a warm-up batch."""
    encoder.encode(texts[:8], "")
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        encoder.encode(texts, "")
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def bf16_beats_int8(folder: Path, root: Path, batch_size: int) -> bool:
    """True when OpenVINO bf16 encodes passages faster than onnxruntime int8 here."""
    memo_path = root / SPEED_FILE
    key = _cpu_key(folder)
    try:
        memo = json.loads(memo_path.read_text("utf-8"))
    except (OSError, ValueError):
        memo = {}
    if key not in memo:
        from qa.embedding.openvino_encoder import OpenVinoEncoder  # only when measuring

        texts = _texts()
        rates = {
            "onnx-int8": _rate(OnnxEncoder(folder, "int8", batch_size), texts),
            "openvino-bf16": _rate(OpenVinoEncoder(folder, "bf16", batch_size), texts),
        }
        memo[key] = {name: round(rate, 1) for name, rate in rates.items()}
        tmp = memo_path.with_name(f".{SPEED_FILE}.{os.getpid()}")
        tmp.write_text(json.dumps(memo, indent=1), "utf-8")
        os.replace(tmp, memo_path)
    rates = memo[key]
    return rates["openvino-bf16"] > rates["onnx-int8"]
