"""A task type of a team's own on the shared train and evaluate stages (``tests/template/
hooks_type/keyword_type.py``, the README's example of ``TrainPlan`` and ``EvalPlan``) keeps the
task-type contract, and its generated pipeline declares only what its stages write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtf_lib.plugins import load_task_code
from mtf_lib.testing import check_task_type
from tests.conftest import torch_threads

HERE = Path(__file__).resolve().parent / "hooks_type"


@pytest.fixture(scope="module")
def keyword_type() -> str:
    load_task_code(HERE, ["keyword_type.py"])  # what naming it in a task's task.code does
    return "keyword"


def test_a_type_on_the_shared_stages_keeps_the_contract(keyword_type: str, tmp_path: Path) -> None:
    with torch_threads(1):
        check_task_type(keyword_type, tmp_path / "task")
    scores = json.loads((tmp_path / "task" / "metrics" / "eval.json").read_text(encoding="utf-8"))
    assert set(scores["test"]) == {"accuracy"} and scores["examples"] == 20
    dev = json.loads((tmp_path / "task" / "metrics" / "dev.json").read_text(encoding="utf-8"))
    assert 0 <= dev["accuracy"] <= 1 and dev["best_epoch"] >= 1


def test_a_type_without_an_error_analysis_declares_no_errors_file(keyword_type: str, tmp_path: Path) -> None:
    from mtf_lib import registry
    from mtf_lib.params import load_params
    from mtf_lib.tasks.template import sample_task

    task = sample_task(keyword_type, tmp_path / "task")
    params = load_params(task / "params.yaml")
    stages = {s.name: s for s in registry.task_types.get(keyword_type).pipeline_stages(params)}
    outs = {out.path for out in stages["evaluate"].outs}
    assert "metrics/eval.json" in outs and "metrics/errors.json" not in outs


def test_the_library_files_a_types_own_code_runs_are_deps_of_its_stages(keyword_type: str, tmp_path: Path) -> None:
    from mtf_lib.params import load_params
    from mtf_lib.pipeline.dvc_yaml import library_deps
    from mtf_lib.tasks.template import sample_task

    task = sample_task(keyword_type, tmp_path / "task")
    params = load_params(task / "params.yaml")
    checkout = Path(__file__).resolve().parents[2]
    train = library_deps(task, checkout, params, "train")
    evaluate = library_deps(task, checkout, params, "evaluate")
    assert any(dep.endswith("mtf_lib/tasks/fitting.py") for dep in train), train  # train_stage's module
    assert any(dep.endswith("mtf_lib/tasks/evaluation.py") for dep in evaluate), evaluate
    assert any(dep.endswith("mtf_lib/data") for dep in train), train  # imported by the type's own file
