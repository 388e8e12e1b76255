"""A generated tagging task and a generated classification task with ``bert_*`` models: `dvc
repro` end to end on a tiny BERT saved in the task's resources/ (as a downloaded one would be),
every mtf_lib file the stages run among their deps, a self-contained bundle served by the web
app after the pretrained folder is gone, and the params checks that stop a run before any work."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import make_task_copy, run_env
from tests.encoders.tiny_models import encoder_section, make_tiny_bert
from tests.stage_imports import missing_deps, trace_env
from tests.template.baking import bake, run

# Slow: BERT tasks trained end to end under dvc repro.
# `make test-all` and CI run it, `make test` does not.
pytestmark = pytest.mark.slow

PRETRAINED = "resources/bert_models/tiny-bert"
MODELS = {
    "tagging": {"name": "bert_tagger.v1", "encoder": encoder_section(PRETRAINED, encoder_lr=0.001), "dropout": 0.1},
    "classification": {"name": "bert_classifier.v1", "encoder": encoder_section(PRETRAINED, encoder_lr=0.001)},
}
KNOWN = {"tagging": "张伟毕业于北京大学，现任华为公司工程师。", "classification": "地铁三号线将于明年开通"}


@dataclass
class BertTask:
    repo: Path
    task: Path
    task_type: str
    log: Path
    repro: str


@pytest.fixture(scope="module", params=list(MODELS))
def bert_task(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> BertTask:
    task_type = request.param
    repo = make_task_copy(tmp_path_factory.mktemp(f"repo_{task_type}"), {})
    task = bake(repo / "apps" / "demo_app", task_slug=f"bert_{task_type}", task_type=task_type)
    make_tiny_bert((task / PRETRAINED).resolve(), hidden=64)
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    params["model"] = MODELS[task_type]
    params["train"].update(epochs=4, batch_size=8, lr=0.005, threads=2)
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    log = tmp_path_factory.mktemp(f"trace_{task_type}") / "imports.jsonl"
    result = subprocess.run(
        ["dvc", "repro"], cwd=task, env=trace_env(log, run_env()), capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, f"dvc repro failed:\n{result.stdout}\n{result.stderr}"
    return BertTask(repo, task, task_type, log, result.stdout)


def test_repro_trains_and_evaluates_a_self_contained_bundle(bert_task: BertTask) -> None:
    task = bert_task.task
    scores = json.loads((task / "metrics" / "eval.json").read_text(encoding="utf-8"))
    assert scores["examples"] > 0 and scores["test"]
    bundle = task / "models" / "model"
    assert {p.name for p in (bundle / "encoder").iterdir()} >= {"config.json", "tokenizer.json"}
    meta = json.loads((bundle / "bundle.json").read_text(encoding="utf-8"))
    assert meta["model"]["name"] == MODELS[bert_task.task_type]["name"]
    assert '"bundle_mb": ' in bert_task.repro  # the train stage says how big the bundle is


def test_every_stage_lists_the_library_files_it_runs(bert_task: BertTask) -> None:
    missing = {s: f for s, f in missing_deps(bert_task.task, bert_task.log, bert_task.repo).items() if f}
    assert not missing, f"dvc.yaml (mtf pipeline) misses mtf_lib files the stages run: {missing}"


def test_the_web_app_serves_the_bundle_without_the_pretrained_folder(bert_task: BertTask, tmp_path: Path) -> None:
    from web import create_app

    folder = bert_task.task / PRETRAINED
    kept = shutil.move(folder, tmp_path / "tiny-bert")
    try:
        client = create_app(root=bert_task.repo).test_client()
        text = KNOWN[bert_task.task_type]
        answer = client.post(f"/api/v1/demo_app/bert_{bert_task.task_type}/predict", json={"texts": [text, "A1 😀 ?"]})
        assert answer.status_code == 200, answer.get_json()
        results = answer.get_json()["results"]
        if bert_task.task_type == "tagging":
            for sentence, result in zip([text, "A1 😀 ?"], results, strict=True):
                assert all(sentence[e["start"] : e["end"]] == e["text"] for e in result["entities"])
        else:
            assert all(abs(sum(r["probabilities"].values()) - 1) < 1e-4 for r in results)
    finally:
        shutil.move(kept, folder)


def test_a_missing_pretrained_folder_stops_training_before_any_work(bert_task: BertTask) -> None:
    params = yaml.safe_load((bert_task.task / "params.yaml").read_text(encoding="utf-8"))
    params["model"]["encoder"]["pretrained"] = "resources/bert_models/bert-base-chinese"
    bad = bert_task.task / "bad_params.yaml"
    bad.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    before = (bert_task.task / "models" / "model" / "bundle.json").read_bytes()
    try:
        result = run(
            [sys.executable, "-m", "mtf_lib.stage", "train", "--params", "bad_params.yaml"], bert_task.task, check=False
        )
    finally:
        bad.unlink()
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "model.encoder.pretrained" in result.stderr
    assert "hf download bert-base-chinese --local-dir resources/bert_models/bert-base-chinese" in result.stderr, (
        result.stderr
    )
    assert (bert_task.task / "models" / "model" / "bundle.json").read_bytes() == before


def test_only_training_needs_the_pretrained_folder(bert_task: BertTask, tmp_path: Path) -> None:
    folder = bert_task.task / PRETRAINED
    kept = shutil.move(folder, tmp_path / "tiny-bert")
    try:
        evaluated = run([sys.executable, "-m", "mtf_lib.stage", "evaluate"], bert_task.task, check=False)
        assert evaluated.returncode == 0, evaluated.stderr  # the bundle holds the encoder
        trained = run([sys.executable, "-m", "mtf_lib.stage", "train"], bert_task.task, check=False)
        assert trained.returncode == 2 and "hf download" in trained.stderr
    finally:
        shutil.move(kept, folder)
