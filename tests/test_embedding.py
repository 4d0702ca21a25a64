"""The embedder: real model from local files, normalized vectors, honest length checks."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from qa.config import DEFAULT_MODEL, Config
from qa.embedding import ModelError, auto_prompts, native_bf16, resolve_model
from qa.embedding.cache import cache_root, export_dir
from qa.embedding.embedder import (
    Embedder,
    auto_precision,
    choose,
    passage_choice,
    question_choice,
)
from qa.embedding.model import cpu_flags
from qa.embedding.speed import SPEED_FILE, bf16_beats_int8


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder(Config.load(env={}, precision="fp32"))


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
    assert auto_prompts("/models/multilingual-e5-small", {}) == ("query: ", "passage: ")
    assert auto_prompts("/models/all-MiniLM-L6-v2", {"query": "", "document": ""}) == ("", "")
    own = {"query": "Represent this query: ", "document": "Doc: "}
    assert auto_prompts("/models/custom", own) == ("Represent this query: ", "Doc: ")


def test_explicit_prompts_override(embedder: Embedder) -> None:
    custom = Embedder(Config.load(env={}, query_prompt="query: ", passage_prompt="passage: "))
    assert custom.query_prompt == "query: " and custom.passage_prompt == "passage: "
    assert custom.token_count("x") > embedder.token_count("x")


def test_bf16_only_where_the_cpu_has_it(tmp_path) -> None:
    """Emulated bf16 was 6.5x slower than fp32 on an AVX2 CPU: `auto` must not pick it there."""
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor : 0\nflags : fpu sse2 avx2 fma\n\nflags : avx2\n")
    assert not native_bf16(cpu_flags(cpuinfo))
    cpuinfo.write_text("flags : avx2 avx512f avx512_bf16 amx_tile\n")
    assert native_bf16(cpu_flags(cpuinfo))
    assert not native_bf16(cpu_flags(tmp_path / "missing"))
    fp32 = Embedder(Config.load(env={}, precision="fp32"))
    assert (fp32.runtime, fp32.precision) == ("onnx", "fp32")
    bf16 = Embedder(Config.load(env={}, precision="bf16"))
    assert (bf16.runtime, bf16.precision) == ("openvino", "bf16")
    torch_bf16 = Embedder(Config.load(env={}, runtime="torch", precision="bf16"))
    assert (torch_bf16.runtime, torch_bf16.precision) == ("torch", "bf16")


TEXTS = [
    "Siapa Sekretaris Daerah Kota Bandarlampung?",
    "Pemkot Bandarlampung dukung UMKM bersinergi dengan BP Jamsostek",
    "The football team won the match 2-0",
    "kata " * 400,  # truncated at the model's 256 tokens by both runtimes
    "x",
]


@pytest.fixture(scope="module")
def torch_fp32() -> Embedder:
    return Embedder(Config.load(env={}, runtime="torch", precision="fp32"))


def test_onnx_vectors_match_torch(embedder: Embedder, torch_fp32: Embedder) -> None:
    """onnx is the default runtime; its vectors can sit in an index that torch built."""
    assert (embedder.runtime, embedder.precision) == ("onnx", "fp32")
    assert torch_fp32.runtime == "torch"
    onnx, reference = embedder.encode_passages(TEXTS), torch_fp32.encode_passages(TEXTS)
    assert np.min(np.sum(onnx * reference, axis=1)) >= 0.999
    query = embedder.encode_query(TEXTS[0])
    assert float(query @ torch_fp32.encode_query(TEXTS[0])) >= 0.999
    assert [embedder.token_count(t) for t in TEXTS] == [torch_fp32.token_count(t) for t in TEXTS]


def test_int8_vectors_stay_close_to_fp32(embedder: Embedder) -> None:
    """int8 is a different kind of vector (manifest precision) but still near fp32: the
    least cosine measured over 600 FacQA passages was 0.977 (bench/encoders.py)."""
    int8 = Embedder(Config.load(env={}, precision="int8"))
    assert (int8.runtime, int8.precision) == ("onnx", "int8")
    cosine = np.sum(int8.encode_passages(TEXTS) * embedder.encode_passages(TEXTS), axis=1)
    assert np.min(cosine) >= 0.95 and np.mean(cosine) >= 0.97


def test_export_is_cached_by_the_models_files(tmp_path, capsys) -> None:
    model = tmp_path / "model"
    shutil.copytree(resolve_model(DEFAULT_MODEL), model)
    config = Config.load(env={}, model=str(model), cache_dir=str(tmp_path / "cache"))
    Embedder(config)
    assert "exporting" in capsys.readouterr().err
    (export,) = (tmp_path / "cache" / "onnx").iterdir()
    assert {"model.onnx", "tokenizer.json", "encoder.json"} <= {p.name for p in export.iterdir()}
    again = Embedder(config)  # the cached export: no torch, no second export
    assert again.encoder.runtime == "onnx" and "exporting" not in capsys.readouterr().err
    (model / "README.md").write_text("changed", encoding="utf-8")  # other files, other key
    Embedder(config)
    assert "exporting" in capsys.readouterr().err
    assert len(list((tmp_path / "cache" / "onnx").iterdir())) == 2


def test_failed_export_falls_back_to_torch_with_a_note(tmp_path, capsys) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    embedder = Embedder(Config.load(env={}, cache_dir=str(blocked)))
    assert embedder.runtime == "torch" and embedder.precision in ("fp32", "bf16")
    *_, note = capsys.readouterr().err.strip().splitlines()
    assert note.startswith("note: ONNX export failed") and "encoding with torch" in note
    with pytest.raises(ModelError, match="onnx runtime"):  # asked for onnx by name: no fallback
        Embedder(Config.load(env={}, cache_dir=str(blocked), runtime="onnx"))


def test_impossible_combinations_are_clear_errors() -> None:
    with pytest.raises(ModelError, match="int8 vectors need the onnx runtime"):
        choose(Config.load(env={}, runtime="torch", precision="int8"))
    with pytest.raises(ModelError, match="bf16 needs the openvino or torch runtime"):
        choose(Config.load(env={}, runtime="onnx", precision="bf16"))
    with pytest.raises(ModelError, match="int8 vectors need the onnx runtime"):
        choose(Config.load(env={}, runtime="openvino", precision="int8"))
    # auto follows the index: int8 vectors are queried with int8, float ones with fp32
    assert choose(Config.load(env={}), "int8") == ("onnx", "int8")
    assert choose(Config.load(env={}), "bf16") == ("onnx", "fp32")


def test_auto_precision_follows_the_cpu_the_measurements_and_the_index() -> None:
    """int8 only where it was measured 2x faster at equal quality: CPUs with int8 dot
    products, models whose FacQA MRR@10 held (qa/embedding/precision.json)."""
    config = Config.load(env={})
    assert auto_precision(config, None, frozenset({"avx2", "avx512_vnni"})) == "int8"
    assert auto_precision(config, None, frozenset({"avx2", "fma"})) == "fp32"
    unmeasured = Config.load(env={}, model="/models/unmeasured")
    assert auto_precision(unmeasured, None, frozenset({"avx512_vnni"})) == "fp32"
    assert auto_precision(config, "fp32", frozenset({"avx512_vnni"})) == "fp32"  # index's own
    # where bf16 passages on OpenVINO were measured faster than int8, a new index is float
    amx = frozenset({"avx512_vnni", "amx_int8", "amx_bf16"})
    assert auto_precision(config, None, amx, bf16_faster=lambda: True) == "fp32"
    assert auto_precision(config, None, amx, bf16_faster=lambda: False) == "int8"
    assert auto_precision(config, "int8", amx, bf16_faster=lambda: True) == "int8"


def test_passages_encode_in_bf16_on_openvino_only_where_the_cpu_has_it() -> None:
    """Questions stay on onnxruntime (fast start); passages of a float index use OpenVINO
    bf16 where the CPU computes bf16 natively; an explicit choice is kept as it is."""
    config = Config.load(env={})
    expected = ("openvino", "bf16") if native_bf16() else ("onnx", "fp32")
    assert passage_choice(config, "onnx", "fp32") == expected
    assert passage_choice(config, "onnx", "int8") == ("onnx", "int8")
    explicit = Config.load(env={}, precision="fp32")
    assert passage_choice(explicit, "onnx", "fp32") == ("onnx", "fp32")


def test_questions_are_int8_over_float_vectors_only_where_measured_to_pay() -> None:
    """`auto` encodes questions in int8 over a float index it chose, on CPUs with int8 dot
    products (precision.json holds the quality measured); an explicit choice, a CPU without
    them or `question_precision=index` keeps the index's own precision."""
    vnni, avx2 = frozenset({"avx2", "avx512_vnni"}), frozenset({"avx2", "fma"})
    config = Config.load(env={})
    assert question_choice(config, "onnx", "fp32", vnni) == ("onnx", "int8")
    assert question_choice(config, "onnx", "fp32", avx2) == ("onnx", "fp32")
    assert question_choice(config, "onnx", "int8", vnni) == ("onnx", "int8")
    assert question_choice(config, "torch", "fp32", vnni) == ("torch", "fp32")  # no export
    explicit = Config.load(env={}, precision="fp32")
    assert question_choice(explicit, "onnx", "fp32", vnni) == ("onnx", "fp32")
    same = Config.load(env={"QA_QUESTION_PRECISION": "index"})
    assert question_choice(same, "onnx", "fp32", vnni) == ("onnx", "fp32")
    unmeasured = Config.load(env={}, model="/models/unmeasured")
    assert question_choice(unmeasured, "onnx", "fp32", vnni) == ("onnx", "fp32")
    asked = Config.load(env={}, precision="fp32", question_precision="int8")
    assert question_choice(asked, "onnx", "fp32", avx2) == ("onnx", "int8")


def test_int8_questions_find_what_fp32_questions_find(embedder: Embedder) -> None:
    """Over the same float passages, an int8 question stays near its fp32 self and ranks
    the passages the same (FacQA valid: hybrid MRR@10 unchanged, bench/encoders.py)."""
    int8 = Embedder(Config.load(env={}, precision="fp32", question_precision="int8"))
    assert (int8.runtime, int8.precision) == ("onnx", "fp32")  # the passages' own
    passages = embedder.encode_passages(TEXTS)
    for text in ("Sekda Bandarlampung siapa?", "who won the football match", "UMKM Jamsostek"):
        fast, exact = int8.encode_query(text), embedder.encode_query(text)
        assert float(fast @ exact) >= 0.98
        assert np.argmax(passages @ fast) == np.argmax(passages @ exact)


def test_openvino_vectors_are_float_vectors(embedder: Embedder) -> None:
    """OpenVINO's vectors (fp32, and bf16 where native) can sit in a float index beside
    onnxruntime fp32 questions: cosine >= 0.999, the same bar as torch's."""
    reference = embedder.encode_passages(TEXTS)
    for precision in ("fp32", "bf16"):
        engine = Embedder(Config.load(env={}, runtime="openvino", precision=precision))
        assert (engine.runtime, engine.precision) == ("openvino", precision)
        cosine = np.sum(engine.encode_passages(TEXTS) * reference, axis=1)
        assert np.min(cosine) >= 0.999, precision


def test_bf16_against_int8_is_measured_once_per_cpu(tmp_path, embedder: Embedder) -> None:
    """The choice of a new index's precision rests on a short measurement on this CPU,
    remembered in the cache folder (a second ingest does not measure again)."""
    folder = export_dir(Path(resolve_model(DEFAULT_MODEL)), cache_root(""))
    assert bf16_beats_int8(folder, tmp_path, 16) in (True, False)
    memo = json.loads((tmp_path / SPEED_FILE).read_text())
    ((key, rates),) = memo.items()
    assert set(rates) == {"onnx-int8", "openvino-bf16"} and min(rates.values()) > 0
    # remembered: another answer in the file is believed, not measured again
    memo[key] = {"onnx-int8": 2.0, "openvino-bf16": 1.0}
    (tmp_path / SPEED_FILE).write_text(json.dumps(memo))
    assert bf16_beats_int8(folder, tmp_path, 16) is False
    memo[key] = {"onnx-int8": 1.0, "openvino-bf16": 2.0}
    (tmp_path / SPEED_FILE).write_text(json.dumps(memo))
    assert bf16_beats_int8(folder, tmp_path, 16) is True


def test_export_follows_the_models_pooling_length_and_prompts(tmp_path) -> None:
    """Another model's settings (CLS pooling, 128 tokens, its own prompts) come through the
    export: the ONNX vectors match that model on torch, and its prompts are used."""
    model = tmp_path / "cls-model"
    shutil.copytree(resolve_model(DEFAULT_MODEL), model)
    pooling = json.loads((model / "1_Pooling/config.json").read_text())
    pooling.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    (model / "1_Pooling/config.json").write_text(json.dumps(pooling))
    (model / "sentence_bert_config.json").write_text('{"max_seq_length": 128}')
    settings = json.loads((model / "config_sentence_transformers.json").read_text())
    settings["prompts"] = {"query": "query: ", "document": "passage: "}
    (model / "config_sentence_transformers.json").write_text(json.dumps(settings))
    common = {"model": str(model), "cache_dir": str(tmp_path / "cache"), "precision": "fp32"}
    onnx = Embedder(Config.load(env={}, runtime="onnx", **common))
    torch = Embedder(Config.load(env={}, runtime="torch", **common))
    assert onnx.max_tokens == torch.max_tokens == 128
    assert (onnx.query_prompt, onnx.passage_prompt) == ("query: ", "passage: ")
    cosine = np.sum(onnx.encode_passages(TEXTS) * torch.encode_passages(TEXTS), axis=1)
    assert np.min(cosine) >= 0.999
    assert float(onnx.encode_query(TEXTS[0]) @ torch.encode_query(TEXTS[0])) >= 0.999
    default = Embedder(Config.load(env={}, precision="fp32"))
    assert float(onnx.encode_query(TEXTS[0]) @ default.encode_query(TEXTS[0])) < 0.99  # not mean
