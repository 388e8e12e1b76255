"""A pair-scoring task with labels instead of scores (NLI-style): the generated sample's pairs
labelled, trained and evaluated end to end with pair_labels.v1; the Predictor answers each label's
probability; a score metric on labels is refused."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
import yaml

from mtf_lib.config import ParamsError
from mtf_lib.inference import Predictor
from mtf_lib.params import load_params
from tests.conftest import torch_threads
from tests.stages import paths_under, run_stages
from tests.template.baking import bake, baking_environment

STAGES = ("preprocess", "dataset", "train", "evaluate")


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with baking_environment(tmp_path_factory.mktemp("cookiecutter")):
        task = bake(tmp_path_factory.mktemp("labels"), task_slug="nli", task_type="pair_scoring")
    for split in ("train", "dev", "test"):
        path = task / "data" / "sample" / f"{split}.jsonl"
        rows = [json.loads(line) for line in path.open(encoding="utf-8")]
        for row in rows:
            row["score"] = "similar" if row["score"] >= 3 else "different"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    params["preprocess"]["target"] = {"kind": "label"}
    params["evaluate"]["metric"] = "pair_labels.v1"
    params["model"]["loss"] = "pair_cross_entropy.v1"
    params["train"].update(monitor="accuracy", epochs=4)
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return task


def test_labels_train_and_evaluate_end_to_end(labelled: Path, tmp_path: Path) -> None:
    with contextlib.chdir(labelled), torch_threads(1):
        done = run_stages(load_params("params.yaml"), paths_under(tmp_path), STAGES)
    assert {"accuracy", "macro_f1"} <= set(done["train"])
    written = json.loads((tmp_path / "metrics" / "eval.json").read_text(encoding="utf-8"))
    assert set(written["test"]) == {"accuracy", "macro_f1", "micro_f1"} and written["examples"] == 15
    predictor = Predictor.load(tmp_path / "models" / "model")
    assert sorted(predictor.labels) == ["different", "similar"]
    [result] = predictor.predict([{"a": "一架飞机正在起飞。", "b": ["一架飞机要起飞了。", "一只猫在睡觉。"]}])
    assert result["label"] in predictor.labels
    assert sum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)


def test_a_score_metric_on_labels_is_refused(labelled: Path) -> None:
    params = yaml.safe_load((labelled / "params.yaml").read_text(encoding="utf-8"))
    params["evaluate"]["metric"], params["train"]["monitor"] = "pair_scores.v1", "spearman"
    path = labelled / "params.scores.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParamsError) as exc:
        load_params(path)
    assert any("'pair_scores.v1' scores scores" in p and "pair_labels.v1" in p for p in exc.value.problems), exc.value


def test_a_score_loss_on_labels_is_refused_before_training(labelled: Path) -> None:
    params = yaml.safe_load((labelled / "params.yaml").read_text(encoding="utf-8"))
    params["model"]["loss"] = "mse.v1"
    path = labelled / "params.mse.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParamsError) as exc:
        load_params(path)
    assert any(
        "model.loss: 'mse.v1' fits score targets" in p and "pair_cross_entropy.v1" in p for p in exc.value.problems
    )
