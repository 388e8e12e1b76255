"""Sweeps of a generated task with DVC experiments: a queued grid of 2 runs and both show up
with their metrics; `-S` forms the README documents (list values, a task from the repo root)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.template.baking import bake, commit_all, git_dvc_repo, run

APP = Path("apps") / "demo_app"


@pytest.fixture(scope="module")
def task(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed classification task in a repository: queued experiments start from a commit."""
    repo = git_dvc_repo(tmp_path_factory.mktemp("sweep_repo"))
    task = bake(repo / APP, task_slug="topics", task_type="classification")
    commit_all(repo, "new task")
    return task


def experiments(task: Path) -> dict[str, dict[str, Any]]:
    """``dvc exp show --json`` as {experiment name: its data (params, metrics, ...)}."""
    shown = json.loads(run(["dvc", "exp", "show", "--json"], task).stdout)
    return {
        rev["name"]: rev["data"]
        for baseline in shown
        for experiment in baseline.get("experiments") or []
        for rev in experiment["revs"]
    }


def task_params(data: dict[str, Any]) -> dict[str, Any]:
    return data["params"][(APP / "topics" / "params.yaml").as_posix()]["data"]


def test_queued_grid_of_two_runs_and_both_show_their_metrics(task: Path) -> None:
    queued = run(["dvc", "exp", "run", "--queue", "-S", "train.lr=0.003,0.01"], task)
    assert queued.stdout.count("Queued experiment") == 2
    run(["dvc", "exp", "run", "--run-all"], task)
    done = experiments(task)
    assert sorted(task_params(data)["train"]["lr"] for data in done.values()) == [0.003, 0.01]
    eval_json = (APP / "topics" / "metrics" / "eval.json").as_posix()
    for name, data in done.items():
        scores = data["metrics"][eval_json]["data"]["test"]
        assert set(scores) == {"accuracy", "macro_f1", "micro_f1"}, name
    assert not (task / "metrics" / "eval.json").exists()  # queued runs ran in temporary copies


def test_set_param_forms_for_lists_and_from_the_repo_root(task: Path) -> None:
    """What the README says about -S: brackets set a whole list, a comma makes a grid, an index
    edits one element, and from the root a task's params file is named before the key."""
    repo = task.parents[2]
    run(["dvc", "exp", "run", "--queue", "-n", "whole-list", "-S", "train.callbacks=[dvclive.v1]"], task)
    run(["dvc", "exp", "run", "--queue", "-n", "one-element", "-S", "train.callbacks.0=dvclive.v1"], task)
    grid = run(["dvc", "exp", "run", "--queue", "-S", "train.callbacks=early_stopping.v1,dvclive.v1"], task)
    assert grid.stdout.count("Queued experiment") == 2
    params_file = (APP / "topics" / "params.yaml").as_posix()
    target = (APP / "topics" / "dvc.yaml").as_posix()
    run(["dvc", "exp", "run", target, "--queue", "-n", "from-root", "-S", f"{params_file}:train.lr=0.02"], repo)
    try:
        queued = {name: task_params(data) for name, data in experiments(task).items()}
        assert queued["whole-list"]["train"]["callbacks"] == ["dvclive.v1"]
        assert queued["one-element"]["train"]["callbacks"] == ["dvclive.v1", "dvclive.v1"]
        scalars = sorted(p["train"]["callbacks"] for p in queued.values() if isinstance(p["train"]["callbacks"], str))
        assert scalars == ["dvclive.v1", "early_stopping.v1"]  # a grid of two strings, not one list
        assert queued["from-root"]["train"]["lr"] == 0.02
    finally:
        run(["dvc", "queue", "remove", "--all"], task)
