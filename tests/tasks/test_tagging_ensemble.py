"""train.ensemble on a tagging task: members with their own seeds and checkpoints, one bundle,
resume skipping finished members, and the Predictor serving the ensemble."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
import yaml

from mtf_lib.inference import Predictor
from mtf_lib.metrics.scores import rounded
from mtf_lib.params import load_params
from tests.conftest import torch_threads
from tests.stages import paths_under, run_stages
from tests.template.baking import bake, baking_environment


@pytest.fixture(scope="module")
def task(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = tmp_path_factory.mktemp("cookiecutter")
    with baking_environment(config):
        root = bake(tmp_path_factory.mktemp("ens"), task_slug="ner", task_type="tagging")
    params = yaml.safe_load((root / "params.yaml").read_text(encoding="utf-8"))
    params["train"].update(ensemble=2, epochs=3, device="cpu")
    (root / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return root


def run_train(root: Path) -> dict:
    with contextlib.chdir(root), torch_threads(1):
        params = load_params("params.yaml")
        stages = ("train",) if Path("data/dataset").exists() else ("preprocess", "dataset", "train")
        return run_stages(params, paths_under(Path(".")), stages)["train"]


def test_ensemble_trains_each_member_and_serves_them_as_one(task: Path) -> None:
    first = run_train(task)
    meta = json.loads((task / "models" / "model" / "bundle.json").read_text(encoding="utf-8"))
    assert meta["ensemble"] == 2
    assert [m["seed"] for m in meta["members"]] == [42, 43]
    # The ensemble's own dev scores (members keep their best epochs in the bundle).
    assert first["bundle_mb"] > 0  # the train stage says how big the bundle is
    assert {**rounded(meta["dev_metrics"]), "resumed_from_epoch": 0, "bundle_mb": first["bundle_mb"]} == first
    assert sorted(p.name for p in (task / "models" / "checkpoints").iterdir()) == ["member0", "member1"]
    assert (task / "metrics" / "train" / "metrics.json").is_file()  # member 0's curves

    predictor = Predictor.load(task / "models" / "model")
    assert type(predictor.model).__name__ == "TaggerEnsemble" and len(predictor.model.members) == 2
    text = "张伟毕业于北京大学，现任华为公司工程师。"  # a training sentence of the sample data
    entities = predictor.predict([text])[0]
    assert entities, "the ensemble found no entity in a sentence it was trained on"
    assert all(e["text"] == text[e["start"] : e["end"]] for e in entities)

    weights = (task / "models" / "model" / "model.safetensors").read_bytes()
    again = run_train(task)  # both members finished: resumed from their checkpoints, nothing retrained
    assert again == {**first, "resumed_from_epoch": 3}
    assert (task / "models" / "model" / "model.safetensors").read_bytes() == weights
