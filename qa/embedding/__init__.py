"""Embedding: chunk texts and queries as normalized vectors, from local model files only.

The package itself is light (no onnxruntime, no torch): `qa.embedding.embedder.Embedder`
loads a runtime when it is built.
"""

from qa.embedding.model import FAMILY, ModelError, auto_prompts, native_bf16, resolve_model

__all__ = ["FAMILY", "ModelError", "auto_prompts", "native_bf16", "resolve_model"]
