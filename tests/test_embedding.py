"""The embedder: real model from local files, normalized vectors, honest length checks."""

import numpy as np
import pytest

from qa.config import Config
from qa.embedding import Embedder, ModelError, _auto_prompts, native_bf16


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder(Config.load(env={}))


def test_vectors_are_normalized_and_batched(embedder: Embedder) -> None:
    vectors = embedder.encode_passages(["Pemkot Bandarlampung dukung UMKM", "Harga cabai naik"])
    assert vectors.shape == (2, embedder.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert embedder.encode_passages([]).shape == (0, embedder.dim)


def test_related_texts_are_closer_than_unrelated(embedder: Embedder) -> None:
    query = embedder.encode_query("football match result")
    near, far = embedder.encode_passages(
        ["The football team won the match 2-0", "Rice prices rose"]
    )
    assert query @ near > query @ far


def test_fits_uses_the_models_own_tokenizer_limit(embedder: Embedder) -> None:
    assert embedder.max_tokens == 256
    assert embedder.fits("kata " * 100)
    assert not embedder.fits("kata " * 300)
    assert embedder.token_count("kata " * 300) > 256  # counted, never silently truncated


def test_missing_model_is_a_clear_error_without_download() -> None:
    with pytest.raises(ModelError, match="no-such-model"):
        Embedder(Config.load(env={}, model="/nonexistent/no-such-model"))


def test_prompts_follow_the_model() -> None:
    assert _auto_prompts("/models/multilingual-e5-small", {}) == ("query: ", "passage: ")
    assert _auto_prompts("/models/all-MiniLM-L6-v2", {"query": "", "document": ""}) == ("", "")
    own = {"query": "Represent this query: ", "document": "Doc: "}
    assert _auto_prompts("/models/custom", own) == ("Represent this query: ", "Doc: ")


def test_explicit_prompts_override(embedder: Embedder) -> None:
    custom = Embedder(Config.load(env={}, query_prompt="query: ", passage_prompt="passage: "))
    assert custom.query_prompt == "query: " and custom.passage_prompt == "passage: "
    assert custom.token_count("x") > embedder.token_count("x")


def test_bf16_only_where_the_cpu_has_it(tmp_path) -> None:
    """Emulated bf16 was 6.5x slower than fp32 on an AVX2 CPU: `auto` must not pick it there."""
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor : 0\nflags : fpu sse2 avx2 fma\n\nflags : avx2\n")
    assert not native_bf16(cpuinfo)
    cpuinfo.write_text("flags : avx2 avx512f avx512_bf16 amx_tile\n")
    assert native_bf16(cpuinfo)
    assert not native_bf16(tmp_path / "missing")
    assert Embedder(Config.load(env={}, precision="fp32")).bf16 is False
    assert Embedder(Config.load(env={}, precision="bf16")).bf16 is True
