"""A real git + DVC repository for the experiments dashboard's tests: a classification task
generated from the template, its first `dvc repro` committed as the baseline, and real DVC
experiments of every kind (no DVC call is mocked).

    fast-lr     finished   train.lr=0.01        run in the workspace (which keeps its params)
    narrow      finished   model.filters=8      run by the queue
    broken      failed     train.epochs=-1      the queue's run stops at params validation
    waiting-a   queued     train.lr=0.02
    waiting-b   queued     train.lr=0.03

and, beside the task, a second pipeline (pipelines/counter/: one stage of a Python one-liner)
with an experiment of its own that the task's listing must not show:

    other-task  finished   size=2 (counter's param)  run in the workspace
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
OTHER_TASK = {"other-task": {"size": 2}}
# Another task of the same repository, as cheap as a pipeline gets: its metrics file has the
# same name as a task's (metrics/dev.json), in its own folder.
COUNTER_DVC_YAML = """\
stages:
  count:
    cmd: >-
      python -c "import json, os, yaml; size = yaml.safe_load(open('params.yaml'))['size'];
      os.makedirs('metrics', exist_ok=True); json.dump({'count': size * 2}, open('metrics/dev.json', 'w'))"
    params: [size]
    metrics:
      - metrics/dev.json:
          cache: false
"""


@dataclass(frozen=True)
class ExperimentsRepo:
    root: Path
    task: Path

    def dvc(self, *args: str, check: bool = True, cwd: Path | None = None) -> str:
        return run(["dvc", *args], cwd or self.task, check=check).stdout

    @property
    def counter(self) -> Path:
        return self.root / "pipelines" / "counter"


def set_option(name: str, changes: dict[str, object]) -> list[str]:
    return ["-n", name, *(f"-S{key}={value}" for key, value in changes.items())]


def build_experiments_repo(base: Path) -> ExperimentsRepo:
    root = git_dvc_repo(base)
    task_dir = bake(root / "apps" / APP, task_slug=TASK, task_type="classification")
    set_params(task_dir / "params.yaml", {"train.epochs": EPOCHS})
    repo = ExperimentsRepo(root, task_dir)
    repo.counter.mkdir(parents=True)
    (repo.counter / "params.yaml").write_text("size: 1\n", encoding="utf-8")
    (repo.counter / "dvc.yaml").write_text(COUNTER_DVC_YAML, encoding="utf-8")
    repo.dvc("repro")
    repo.dvc("repro", cwd=repo.counter)
    commit_all(root, "the topics task and its first run")
    # The queue runs each experiment in a temporary copy; one that fails is kept as failed.
    for name, changes in {**FAILED, "narrow": FINISHED["narrow"]}.items():
        repo.dvc("exp", "run", "--queue", *set_option(name, changes))
    repo.dvc("exp", "run", "--run-all", check=False)  # exit 1: one of them failed
    repo.dvc("queue", "stop")  # its worker would take the next ones
    for name, changes in QUEUED.items():
        repo.dvc("exp", "run", "--queue", *set_option(name, changes))
    # Run in the workspace, it commits the whole of it: counter's change is also in fast-lr's commit.
    repo.dvc("exp", "run", *set_option("other-task", OTHER_TASK["other-task"]), cwd=repo.counter)
    repo.dvc("exp", "run", *set_option("fast-lr", FINISHED["fast-lr"]))
    return repo
