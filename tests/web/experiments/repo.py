"""A real git + DVC repository for the experiments dashboard's tests: a classification task
generated from the template, its first `dvc repro` committed as the baseline, and real DVC
experiments of every kind (no DVC call is mocked).

    fast-lr     finished   train.lr=0.01        run in the workspace (which keeps its params)
    narrow      finished   model.filters=8      run by the queue
    broken      failed     train.epochs=-1      the queue's run stops at params validation
    waiting-a   queued     train.lr=0.02
    waiting-b   queued     train.lr=0.03
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.conftest import set_params
from tests.template.baking import bake, commit_all, git_dvc_repo, run

APP, TASK = "demo_app", "topics"
EPOCHS = 3  # the baseline's; each finished experiment has as many points per curve
FINISHED = {"fast-lr": {"train.lr": 0.01}, "narrow": {"model.filters": 8}}
FAILED = {"broken": {"train.epochs": -1}}
QUEUED = {"waiting-a": {"train.lr": 0.02}, "waiting-b": {"train.lr": 0.03}}


@dataclass(frozen=True)
class ExperimentsRepo:
    root: Path
    task: Path

    def dvc(self, *args: str, check: bool = True) -> str:
        return run(["dvc", *args], self.task, check=check).stdout


def set_option(name: str, changes: dict[str, object]) -> list[str]:
    return ["-n", name, *(f"-S{key}={value}" for key, value in changes.items())]


def build_experiments_repo(base: Path) -> ExperimentsRepo:
    root = git_dvc_repo(base)
    task_dir = bake(root / "apps" / APP, task_slug=TASK, task_type="classification")
    set_params(task_dir / "params.yaml", {"train.epochs": EPOCHS})
    repo = ExperimentsRepo(root, task_dir)
    repo.dvc("repro")
    commit_all(root, "the topics task and its first run")
    # The queue runs each experiment in a temporary copy; one that fails is kept as failed.
    for name, changes in {**FAILED, "narrow": FINISHED["narrow"]}.items():
        repo.dvc("exp", "run", "--queue", *set_option(name, changes))
    repo.dvc("exp", "run", "--run-all", check=False)  # exit 1: one of them failed
    repo.dvc("queue", "stop")  # its worker would take the next ones
    for name, changes in QUEUED.items():
        repo.dvc("exp", "run", "--queue", *set_option(name, changes))
    repo.dvc("exp", "run", *set_option("fast-lr", FINISHED["fast-lr"]))
    return repo
