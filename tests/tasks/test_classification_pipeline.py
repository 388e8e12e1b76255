"""Classification end to end on a tiny headline set: preprocess → dataset → train → evaluate → Predictor."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mtf_lib import cli, registry
from mtf_lib.config import settings_model
from mtf_lib.inference import Predictor
from mtf_lib.inference.bundle import BundleError, read_bundle_meta
from mtf_lib.metrics.scores import rounded
from mtf_lib.plots import read_live_series
from tests.stages import paths_under, run_stages
from tests.tasks.classification_data import FIXTURE_PARAMS, HEADLINES, make_params, splits, write_jsonl

LABELS = sorted(HEADLINES)
PNG = b"\x89PNG\r\n\x1a\n"
MODELS = {
    "textcnn.v1": {"embed_dim": 32, "filters": 16, "kernel_sizes": [1, 2, 3], "dropout": 0.1},
    "bilstm_attention.v1": {"embed_dim": 32, "hidden": 32, "attention_dim": 16, "dropout": 0.1},
}


@dataclass
class Run:
    root: Path
    params: Any
    dev: dict  # the train stage's summary: the kept model's dev scores
    summary: dict  # eval.json

    @property
    def bundle(self) -> Path:
        return self.root / "models" / "model"

    def history(self) -> list[dict[str, float]]:
        """Per-epoch train loss and dev scores, from the training curves dvclive wrote."""
        series = read_live_series(self.root / "metrics" / "train")
        return [{name: points[i][1] for name, points in series.items()} for i in range(len(series["train_loss"]))]


def run_pipeline(root: Path, model: dict[str, Any]) -> Run:
    params = make_params(root, {"train.batch_size": 4})
    params.model = registry.models.resolve(model)
    done = run_stages(params, paths_under(root))
    return Run(root, params, done["train"], done["evaluate"])


@pytest.fixture(scope="module", params=list(MODELS))
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_pipeline(tmp_path_factory.mktemp("cls"), {"name": request.param, **MODELS[request.param]})


def test_metrics_file_and_plots(run: Run) -> None:
    written = json.loads((run.root / "metrics" / "eval.json").read_text(encoding="utf-8"))
    assert written == run.summary
    assert set(written["test"]) == {"accuracy", "macro_f1", "micro_f1"}
    assert written["test"]["micro_f1"] == pytest.approx(written["test"]["accuracy"])  # single-label
    groups = json.loads((run.root / "metrics" / "eval_groups.json").read_text(encoding="utf-8"))
    assert groups["group"] == "class" and set(groups["groups"]) <= set(LABELS)
    for scores in groups["groups"].values():
        assert set(scores) == {"precision", "recall", "f1", "support"}
    assert sum(s["support"] for s in groups["groups"].values()) == written["examples"] == 12
    for name in ("confusion_matrix.png", "training_curves.png"):
        assert (run.root / "metrics" / "plots" / name).read_bytes().startswith(PNG), name


def test_model_learns(run: Run) -> None:
    history = run.history()
    assert len(history) == run.params.train.epochs
    assert history[-1]["train_loss"] < history[0]["train_loss"]
    assert run.dev["accuracy"] >= 0.75  # dev; chance is 1/3
    assert run.summary["test"]["accuracy"] >= 0.6


def test_bundle_records_what_the_predictor_needs(run: Run) -> None:
    meta = read_bundle_meta(run.bundle)
    assert meta["task_type"] == "classification"
    # Every setting of the model's factory, defaults filled in, not only those params.yaml wrote.
    factory = registry.models.get(run.params.model["name"])
    assert meta["model"] == run.params.model
    assert set(meta["model"]) == {"name", *settings_model(factory).model_fields}
    assert meta["label_counts"] == [12, 12, 12]
    assert meta["dataset"]["max_len"] == run.params.dataset.max_len
    assert sorted(p.name for p in (run.bundle / "vocab").iterdir()) == ["labels.json", "tokens.json"]


@pytest.mark.parametrize("damage", ["missing", "garbage", "truncated"])
def test_damaged_weights_are_a_clear_bundle_error(run: Run, tmp_path: Path, damage: str) -> None:
    bundle = shutil.copytree(run.bundle, tmp_path / "model")
    weights = bundle / "model.safetensors"
    if damage == "missing":
        weights.unlink()
    else:
        data = weights.read_bytes()
        weights.write_bytes(b"not weights" if damage == "garbage" else data[: len(data) // 2])
    with pytest.raises(BundleError, match=r"model\.safetensors (is missing|is not a readable).*train the task again"):
        Predictor.load(bundle)


def test_predictor_labels_and_probabilities(run: Run) -> None:
    predictor = Predictor.load(run.bundle)
    texts = ["", "女排夺得冠军", "央行下调利率", "芯片 企业发布新款手机", "足球" * 300]
    results = predictor.predict(texts)
    assert len(results) == len(texts)
    for result in results:
        assert result["label"] in LABELS
        assert set(result["probabilities"]) == set(LABELS)
        assert sum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)
        assert result["label"] == max(result["probabilities"], key=result["probabilities"].get)
    # Batching and sorting by length do not change any text's result.
    for text, batched in zip(texts, results, strict=True):
        alone = predictor.predict([text])[0]
        assert alone["label"] == batched["label"]
        assert alone["probabilities"] == pytest.approx(batched["probabilities"], abs=1e-6)
    assert predictor.predict([]) == []


def test_second_run_resumes_from_the_last_checkpoint(run: Run) -> None:
    root = run.root / "resumed"
    paths = paths_under(run.root, bundle=root / "model", live=root / "live", dev_metrics=root / "dev.json")
    again = run_stages(run.params, paths, ("train",))["train"]
    assert again["resumed_from_epoch"] == run.params.train.epochs
    assert again == {**run.dev, "resumed_from_epoch": run.params.train.epochs}


def test_mtf_stage_runs_a_classification_task(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mtf stage <name>` dispatches on task.type; run in-process (one torch import)."""
    params = FIXTURE_PARAMS.read_text(encoding="utf-8")
    params = params.replace("epochs: 20", "epochs: 2").replace("device: auto", "device: cpu")
    params = params.replace("embed_dim: 128", "embed_dim: 16").replace("filters: 100", "filters: 8")
    (tmp_path / "params.yaml").write_text(params, encoding="utf-8")
    for split, rows in splits().items():
        write_jsonl(tmp_path / "data" / "raw" / f"{split}.jsonl", rows)
    monkeypatch.chdir(tmp_path)
    for stage in ("preprocess", "dataset", "train", "evaluate"):
        extra = ["--no-progress"] if stage == "train" else []
        assert cli.main(["stage", stage, *extra]) == 0
    assert (tmp_path / "data" / "preprocessed" / "test.jsonl").is_file()
    assert (tmp_path / "models" / "model" / "model.safetensors").is_file()
    assert set(json.loads((tmp_path / "metrics" / "eval.json").read_text(encoding="utf-8"))["test"]) == {
        "accuracy",
        "macro_f1",
        "micro_f1",
    }


def test_an_ensemble_of_classifiers_is_served_as_one(tmp_path: Path) -> None:
    params = make_params(tmp_path, {"train.batch_size": 4, "train.ensemble": 2})
    params.model = registry.models.resolve({"name": "textcnn.v1", **MODELS["textcnn.v1"]})
    done = run_stages(params, paths_under(tmp_path))
    meta = read_bundle_meta(tmp_path / "models" / "model")
    assert meta["ensemble"] == 2 and [m["seed"] for m in meta["members"]] == [42, 43]
    assert {**rounded(meta["dev_metrics"]), "resumed_from_epoch": 0, "bundle_mb": done["train"]["bundle_mb"]} == done[
        "train"
    ]  # the ensemble's own dev scores
    assert sorted(p.name for p in (tmp_path / "models" / "checkpoints").iterdir()) == ["member0", "member1"]
    predictor = Predictor.load(tmp_path / "models" / "model")
    assert type(predictor.model).__name__ == "Ensemble" and len(predictor.model.members) == 2
    [result] = predictor.predict(["女排夺得冠军"])
    assert sum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)
    assert done["evaluate"]["test"]["accuracy"] >= 0.6
