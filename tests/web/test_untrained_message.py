"""A task whose model is not here says why: never trained, or trained elsewhere (its metrics are
committed) and not pulled."""

from __future__ import annotations

from pathlib import Path

import pytest

from web.catalog import ModelUnavailable, Task


def task_at(folder: Path) -> Task:
    return Task("demo_app", "t", "tagging", folder, folder / "models" / "model", "dvc repro dvc.yaml")


def test_a_task_never_trained_says_run_the_pipeline(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match=r"not trained yet: run `dvc repro dvc.yaml`"):
        task_at(tmp_path).model()


def test_a_task_with_committed_metrics_and_no_bundle_says_pull_or_train(tmp_path: Path) -> None:
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "eval.json").write_text('{"test": {"f1": 0.9}}', encoding="utf-8")
    with pytest.raises(ModelUnavailable, match=r"not in this copy \(its metrics are\): `dvc pull`"):
        task_at(tmp_path).model()
