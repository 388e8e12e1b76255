"""Sweeps of a generated task with DVC experiments: a queued grid of 2 runs and both show up
with their metrics; applying one, or checking out an earlier commit, leaves the pipeline up to
date (the checkpoints are cached with the model); `-S` forms the README documents (list values,
a task from the repo root)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mtf_lib.params import load_params
from tests.template.baking import bake, commit_all, git_dvc_repo, run

# Slow: sweeps run queued DVC experiments: minutes.
# `make test-all` and CI run it, `make test` does not.
pytestmark = pytest.mark.slow

APP = Path("apps") / "demo_app"


@pytest.fixture(scope="module")
def task(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A classification task in a repository, committed with the results of its first `dvc repro`
    (the baseline experiments compare with; queued experiments start from a commit)."""
    repo = git_dvc_repo(tmp_path_factory.mktemp("sweep_repo"))
    task = bake(repo / APP, task_slug="topics", task_type="classification")
    run(["dvc", "repro"], task)
    commit_all(repo, "new task and its first run")
    return task


@pytest.fixture(scope="module")
def grid(task: Path) -> dict[str, dict[str, Any]]:
    """A queued grid of two learning rates, run: {experiment name: its data}."""
    queued = run(["dvc", "exp", "run", "--queue", "-S", "train.lr=0.003,0.01"], task)
    assert queued.stdout.count("Queued experiment") == 2
    run(["dvc", "exp", "run", "--run-all"], task)
    return experiments(task)


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


def test_queued_grid_of_two_runs_and_both_show_their_metrics(task: Path, grid: dict[str, dict[str, Any]]) -> None:
    assert sorted(task_params(data)["train"]["lr"] for data in grid.values()) == [0.003, 0.01]
    eval_json = (APP / "topics" / "metrics" / "eval.json").as_posix()
    for name, data in grid.items():
        scores = data["metrics"][eval_json]["data"]["test"]
        assert set(scores) == {"accuracy", "macro_f1", "micro_f1"}, name
    # Queued runs ran in temporary copies: the workspace still holds the committed run.
    assert run(["git", "status", "--porcelain", "."], task).stdout == ""


def up_to_date(task: Path) -> bool:
    """`dvc status` reports nothing and `dvc repro` runs no stage."""
    status = json.loads(run(["dvc", "status", "--json"], task).stdout)
    return status == {} and "Running stage" not in run(["dvc", "repro"], task).stdout


def test_applied_experiment_and_checked_out_commit_are_up_to_date(task: Path, grid: dict[str, dict[str, Any]]) -> None:
    repo = task.parents[2]
    second = sorted(grid, key=lambda name: task_params(grid[name])["train"]["lr"])[1]
    run(["dvc", "exp", "apply", second], task)
    assert load_params(task / "params.yaml").train.lr == 0.01
    assert (task / "models" / "checkpoints" / "last.ckpt").is_file()
    assert up_to_date(task)
    commit_all(repo, "apply the lr 0.01 experiment")
    applied = (task / "models" / "model" / "model.safetensors").read_bytes()

    run(["git", "checkout", "-q", "HEAD~1"], repo)
    try:
        run(["dvc", "checkout"], task)
        assert load_params(task / "params.yaml").train.lr != 0.01
        assert (task / "models" / "model" / "model.safetensors").read_bytes() != applied
        assert up_to_date(task)
    finally:
        run(["git", "checkout", "-q", "-"], repo)
        run(["dvc", "checkout"], task)
    assert up_to_date(task)


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
