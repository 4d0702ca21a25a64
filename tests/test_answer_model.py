"""The answer model file: loaded from data, versioned by its content, refused when broken."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from qa.answering.model import MODEL_FILE, ModelFileError, load_model
from qa.answering.trees import Trees


def test_the_shipped_model_loads_with_an_abstention_threshold_per_language() -> None:
    model = load_model()
    assert set(model.answerable_above) == {"id", "en"}
    assert 0 < model.answerable_above["en"] < 1 and 0 < model.answerable_above["id"] < 1
    assert model.span_trees.baseline < 0  # most candidates are not the answer
    assert json.loads(MODEL_FILE.read_text("utf-8"))["version"] == model.version
    assert model.version.startswith("facqa-")


def test_a_saved_model_reads_back_equal_and_a_change_makes_a_new_version(tmp_path: Path) -> None:
    model = load_model()
    path = tmp_path / "model.json"
    model.save(path)
    assert load_model(path) == model
    refit = replace(model, dense_when_missing=model.dense_when_missing + 0.01)
    refit.save(tmp_path / "refit.json")
    assert load_model(tmp_path / "refit.json").version != model.version


def test_scores_are_log_odds_from_the_trees_and_the_logistic_regressions() -> None:
    near = Trees(-1.0, ((("near", 0.5, 1, 2), (0.0,), (2.0,)),))
    model = replace(load_model(), span_trees=near, correct_weights={"bias": 0.0, "margin": 1.0})
    assert model.span_scores([{"near": 1.0, "unknown": 9.0}]) == [pytest.approx(1.0)]
    assert model.correct_probability({"margin": 0.0}) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.pop("span_trees"), "bad or missing field"),
        (lambda d: d["span_trees"]["trees"][0][0].__setitem__(2, 999), "outside its tree"),
        (lambda d: d["answerable_above"].pop("id"), "no answerable_above for id"),
        (lambda d: d["show_short_above"].pop("id"), "no show_short_above for id"),
        (lambda d: d.update(format=99), "not an answer model of format 5"),
        (lambda d: d["correct_weights"].update(bias=0.0), "does not match its version"),
    ],
)
def test_a_broken_model_file_is_a_clear_error_naming_the_file(tmp_path: Path, edit, message):
    data = json.loads(MODEL_FILE.read_text("utf-8"))
    edit(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ModelFileError, match=message) as error:
        load_model(path)
    assert str(path) in str(error.value)


def test_a_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="cannot read it"):
        load_model(tmp_path / "nowhere.json")
