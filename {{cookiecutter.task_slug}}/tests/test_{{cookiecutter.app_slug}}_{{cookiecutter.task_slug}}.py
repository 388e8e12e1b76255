"""Smoke test of this task: its params are valid and every stage runs on a short slice of its data.

Run from the task folder: ``pytest tests``. Outputs go to a temporary folder, so the task's own
data/, models/ and metrics/ (DVC's outputs) are left alone. The file name holds the app and task
slugs so that the tests of several tasks can run in one pytest session.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mtf_lib.config import read_yaml
from mtf_lib.params import load_params

TASK = Path(__file__).resolve().parents[1]
# Enough to show that every stage works, not to train a good model.
SMOKE = {
    "preprocess": {"limit": 64},
    "train": {"epochs": 2},
}


def test_params_are_valid() -> None:
    load_params(TASK / "params.yaml")  # raises ParamsError naming each bad key


def smoke_params(folder: Path) -> Path:
    params = read_yaml(TASK / "params.yaml")
    for group, values in SMOKE.items():
        params[group].update(values)
    path = folder / "params.yaml"
    path.write_text(json.dumps(params, ensure_ascii=False), encoding="utf-8")  # JSON is YAML
    return path


def run_stage(stage: str, *args: str) -> None:
    """One stage script, run from the task folder as dvc.yaml runs it."""
    cmd = [sys.executable, str(TASK / "stages" / f"{stage}.py"), *args]
    result = subprocess.run(cmd, cwd=TASK, capture_output=True, text=True)
    assert result.returncode == 0, f"{stage} failed:\n{result.stdout}\n{result.stderr}"


def test_every_stage_runs(tmp_path: Path) -> None:
    params = smoke_params(tmp_path)
    given = ["--params", str(params)]
    preprocessed, dataset = tmp_path / "data" / "preprocessed", tmp_path / "data" / "dataset"
    bundle, live, metrics = tmp_path / "models" / "model", tmp_path / "metrics" / "train", tmp_path / "metrics"
    if load_params(params).fetch.dataset:
        run_stage("fetch", *given)  # into resources/datasets/, as `dvc repro` does
    run_stage("preprocess", *given, "--out", str(preprocessed))
    run_stage("dataset", *given, "--input", str(preprocessed), "--out", str(dataset))
    run_stage(
        "train",
        *given,
        *("--data", str(dataset), "--checkpoints", str(tmp_path / "models" / "checkpoints")),
        *("--bundle", str(bundle), "--live", str(live), "--dev-metrics", str(metrics / "dev.json"), "--no-progress"),
    )
    run_stage(
        "evaluate",
        *given,
        *("--bundle", str(bundle), "--test", str(preprocessed / "test.jsonl")),
        *("--live", str(live), "--out", str(metrics)),
    )
    scores = json.loads((metrics / "eval.json").read_text(encoding="utf-8"))
    assert scores["test"], scores
