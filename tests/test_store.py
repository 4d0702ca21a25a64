"""The manifest guards an index against being read with other settings or code."""

import json
from dataclasses import asdict, replace

import pytest

from qa.store import MANIFEST_NAME, IndexMismatchError, Manifest, Store, read_manifest

MANIFEST = Manifest(
    model="m",
    dim=4,
    chunk_tokens=200,
    chunk_overlap=40,
    encoding="e",
    stemmer="sastrawi",
    stopwords=True,
)


def test_manifest_is_written_once_and_checked(tmp_path):
    Store(tmp_path, MANIFEST).close()
    saved = json.loads((tmp_path / MANIFEST_NAME).read_text())
    assert saved["model"] == "m" and saved["analyzer_version"] == MANIFEST.analyzer_version
    Store(tmp_path, MANIFEST).close()  # same settings: fine
    with pytest.raises(IndexMismatchError, match="dim: index has 4, asked for 8"):
        Store(tmp_path, replace(MANIFEST, dim=8))


def test_index_from_another_analyzer_version_is_refused(tmp_path):
    Store(tmp_path, MANIFEST).close()
    path = tmp_path / MANIFEST_NAME
    path.write_text(json.dumps({**json.loads(path.read_text()), "analyzer_version": 0}))
    with pytest.raises(IndexMismatchError, match="analyzer_version"):
        Store(tmp_path, MANIFEST)


def test_unreadable_manifest_names_the_file(tmp_path):
    (tmp_path / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(IndexMismatchError, match="manifest.json: unreadable manifest"):
        Store(tmp_path, MANIFEST)


def test_precision_is_checked_by_the_kind_of_vectors_it_makes(tmp_path):
    """fp32 and bf16 vectors (either runtime) mix in one index; int8 ones do not."""
    Store(tmp_path, replace(MANIFEST, runtime="onnx", precision="fp32")).close()
    Store(tmp_path, replace(MANIFEST, runtime="torch", precision="bf16")).close()
    with pytest.raises(IndexMismatchError, match="precision: index has 'fp32', asked for 'int8'"):
        Store(tmp_path, replace(MANIFEST, runtime="onnx", precision="int8"))


def test_manifest_from_before_runtimes_reads_as_torch_fp32(tmp_path):
    old = {k: v for k, v in asdict(MANIFEST).items() if k not in ("runtime", "precision")}
    (tmp_path / MANIFEST_NAME).write_text(json.dumps(old))
    assert (read_manifest(tmp_path).runtime, read_manifest(tmp_path).precision) == (
        "torch",
        "fp32",
    )
    Store(tmp_path, replace(MANIFEST, runtime="onnx", precision="fp32")).close()
