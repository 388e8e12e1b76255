"""One task's experiments, read through DVC's Python API (``Repo.experiments.show``): a row per
commit baseline and per experiment — queued, running, failed and finished — with the task's
params and its dev and test metrics. The workspace row is read from the files themselves:
DVC's workspace collection changes the process's working directory, which a threaded server
cannot allow.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import yaml

from mtf_lib.layout import StagePaths
from mtf_lib.tasks.evaluation import EVAL_FILE
from web.catalog import numbers

if TYPE_CHECKING:
    from dvc.repo import Repo
    from dvc.repo.experiments.serialize import ExpRange, ExpState

# DVC's executor states, in the words of the page.
EXECUTOR_STATES = {"success": "finished", "queued": "queued", "running": "running", "failed": "failed"}
STATES = ("workspace", "baseline", "running", "queued", "failed", "finished")
WORKSPACE = "workspace"
# A queued run has not made its metrics yet, a failed one's commit holds the files it started from,
# and for a running one DVC reports the files it started from (the previous run's scores): only
# its curves, read live from where it runs, are its own.
HAS_RESULTS = ("workspace", "baseline", "finished")
EXPERIMENT_STATES = ("running", "queued", "failed", "finished")
# DVC's executor name for a run of its queue (`dvc exp run --queue`, then `dvc queue start`);
# "workspace" and "tempdir" (`dvc exp run [--temp]`) run in the terminal that started them.
QUEUE_EXECUTOR = "dvc-task"


class NotInRepository(Exception):
    """The task is not inside a git + DVC repository with a commit: it has no experiments."""


@dataclass(frozen=True)
class TaskLayout:
    """A task's files, as paths relative to its DVC repository's root (the keys DVC reports)."""

    root: Path
    folder: PurePosixPath  # the task folder; "." for a task at the root

    @classmethod
    def of(cls, task_dir: Path) -> TaskLayout:
        """The layout of the task in ``task_dir``; NotInRepository when no DVC project holds it."""
        task_dir = task_dir.resolve()
        for candidate in (task_dir, *task_dir.parents):
            if (candidate / ".dvc").is_dir():
                return cls(candidate, PurePosixPath(task_dir.relative_to(candidate).as_posix()))
        raise NotInRepository(f"{task_dir} is not inside a DVC project (run `git init && dvc init` above it)")

    def path(self, relative: Path | str) -> str:
        """A task file's path as DVC names it (relative to the root, with / separators)."""
        return (self.folder / PurePosixPath(Path(relative).as_posix())).as_posix()

    @property
    def params_file(self) -> str:
        return self.path("params.yaml")

    @property
    def dev_file(self) -> str:
        return self.path(StagePaths.dev_metrics)

    @property
    def test_file(self) -> str:
        return self.path(StagePaths.metrics / EVAL_FILE)

    @property
    def live_dir(self) -> str:
        return self.path(StagePaths.live)


@dataclass(frozen=True)
class Experiment:
    """One row: a commit baseline, the workspace, or an experiment derived from a baseline."""

    id: str  # an experiment's name (unless two rows share it); else the rev's first 12 hex digits; "workspace"
    name: str
    rev: str
    state: str  # one of STATES
    baseline: str  # the baseline commit's rev (its own, for a baseline)
    created: datetime | None
    params: dict[str, Any]  # this task's params file, flattened: {"train.lr": 0.01, ...}
    metrics: dict[str, dict[str, float]]  # {"dev": {...}, "test": {...}}
    changed: dict[str, Any] = field(default_factory=dict)  # params that differ from the baseline's
    error: str | None = None
    workdir: str | None = None  # where a running experiment runs (a temporary copy, or the workspace)
    executor: str | None = None  # DVC's executor: "dvc-task" (the queue), "workspace", "tempdir"

    @property
    def queued_run(self) -> bool:
        """Whether DVC's queue runs it (so `dvc queue logs/kill/remove` apply to it)."""
        return self.executor == QUEUE_EXECUTOR


def read_experiments(layout: TaskLayout) -> list[Experiment]:
    """The workspace, then each baseline followed by its experiments (DVC's order)."""
    from dvc.repo import Repo
    from dvc.scm import Git

    with Repo(str(layout.root)) as repo:
        if not isinstance(repo.scm, Git):
            raise NotInRepository(f"the DVC project at {layout.root} is not in a git repository")
        if repo.scm.no_commits:
            raise NotInRepository(f"the repository at {layout.root} has no commit yet: commit the task first")
        head = repo.scm.get_rev()
        states = repo.experiments.show(revs=[head, *exp_baselines(repo, head)], hide_workspace=True)
    rows = [workspace_row(layout, head)]
    for baseline in states:
        base = baseline_row(layout, baseline)
        rows.append(base)
        rows += [experiment_row(layout, base, exp_range) for exp_range in baseline.experiments or []]
    baselines = {row.rev: row for row in rows if row.state == "baseline"}
    rows[0] = tracked_only(rows[0], baselines.get(head))
    rows = [with_changes(row, baselines.get(row.baseline)) for row in rows]
    return named_ids(this_task(rows, head))


def this_task(rows: list[Experiment], head: str) -> list[Experiment]:
    """The rows of this task: a repository with several tasks has one list of experiments, and
    an experiment belongs to a task when it changed the task's params (vs its baseline) or, once
    finished, its metrics differ from the baseline's (the task's stages ran). A queued, running or
    failed one has no metrics of its own: only its param changes tell. A commit baseline other than
    HEAD stays while it has an experiment of this task."""
    baselines = {row.rev: row for row in rows if row.state == "baseline"}
    kept = [row for row in rows if row.state not in EXPERIMENT_STATES or belongs(row, baselines.get(row.baseline))]
    used = {row.baseline for row in kept if row.state in EXPERIMENT_STATES}
    return [row for row in kept if row.state != "baseline" or row.rev == head or row.rev in used]


def belongs(row: Experiment, baseline: Experiment | None) -> bool:
    if row.changed:
        return True
    if row.state != "finished":
        return False
    return baseline is None or row.metrics != baseline.metrics


def exp_baselines(repo: Repo, head: str) -> list[str]:
    """The commits other than HEAD that experiments were run from (refs/exps/<sha>/<name>)."""
    from dvc.repo.experiments.exceptions import InvalidExpRefError
    from dvc.repo.experiments.refs import EXPS_NAMESPACE, ExpRefInfo
    from dvc.scm import Git

    found: dict[str, None] = {}
    for ref in repo.scm.iter_refs(base=EXPS_NAMESPACE):
        try:
            found[ExpRefInfo.from_ref(ref).baseline_sha] = None
        except InvalidExpRefError:
            continue
    # The queue's own refs (celery/stash, exec/EXEC_HEAD) parse too, with no commit for a baseline.
    return [rev for rev in found if rev and Git.is_sha(rev) and rev != head]


def baseline_row(layout: TaskLayout, state: ExpState) -> Experiment:
    data = state.data
    return Experiment(
        id=state.rev[:12],
        name=state.name or state.rev[:7],
        rev=state.rev,
        state="baseline",
        baseline=state.rev,
        created=data.timestamp if data else None,
        params=task_params(layout, data),
        metrics=task_metrics(layout, data),
        error=state.error.msg if state.error else None,
    )


def experiment_row(layout: TaskLayout, baseline: Experiment, exp_range: ExpRange) -> Experiment:
    head = exp_range.revs[0]  # the experiment's last commit (the stash commit, while not run)
    executor = exp_range.executor
    state = EXECUTOR_STATES.get(executor.state, "finished") if executor else "finished"
    data = head.data
    local = executor.local if executor else None
    return Experiment(
        id=head.rev[:12],
        name=exp_range.name or head.name or head.rev[:7],
        rev=head.rev,
        state=state,
        baseline=baseline.rev,
        created=data.timestamp if data else None,
        params=task_params(layout, data),
        metrics=task_metrics(layout, data) if state in HAS_RESULTS else {},
        error=head.error.msg if head.error else None,
        workdir=local.root if state == "running" and local else None,
        executor=executor.name if executor else None,
    )


def workspace_row(layout: TaskLayout, head: str) -> Experiment:
    """The working tree's params and metrics, compared with HEAD."""
    folder = layout.root / layout.folder
    try:
        params = yaml.safe_load((layout.root / layout.params_file).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        params = None
    metrics = {"dev": _read_json(layout.root / layout.dev_file), "test": _read_json(layout.root / layout.test_file)}
    return Experiment(
        id=WORKSPACE,
        name=WORKSPACE,
        rev=WORKSPACE,
        state=WORKSPACE,
        baseline=head,
        created=None,
        params=flatten(params) if isinstance(params, dict) else {},
        metrics=split_metrics(metrics["dev"], metrics["test"]),
        error=None if folder.is_dir() else "the task folder is missing from the workspace",
    )


def named_ids(rows: list[Experiment]) -> list[Experiment]:
    """An experiment's id is its name where no other row has that name: a running experiment's
    rev (its queue entry's) changes when it finishes, and a link to it should keep working."""
    names = Counter(row.name for row in rows)
    unique = [row.state in EXPERIMENT_STATES and names[row.name] == 1 for row in rows]
    return [replace(row, id=row.name) if named else row for row, named in zip(rows, unique, strict=True)]


def tracked_only(workspace: Experiment, head: Experiment | None) -> Experiment:
    """The workspace's params that DVC reports for commits too: the keys its stages depend on
    (dvc.yaml's ``params:``), not the whole file, so an untracked key is no difference."""
    if head is None or not head.params:
        return workspace
    params = {key: value for key, value in workspace.params.items() if key in head.params}
    return replace(workspace, params=params)


def task_params(layout: TaskLayout, data: Any) -> dict[str, Any]:
    entry = data.params.get(layout.params_file, {}) if data else {}
    return flatten(entry.get("data") or {})


def task_metrics(layout: TaskLayout, data: Any) -> dict[str, dict[str, float]]:
    if data is None:
        return {}
    dev = (data.metrics.get(layout.dev_file) or {}).get("data")
    test = (data.metrics.get(layout.test_file) or {}).get("data")
    return split_metrics(dev, test)


def split_metrics(dev: Any, test_file: Any) -> dict[str, dict[str, float]]:
    """dev.json's scores and eval.json's ``test`` group, numbers only."""
    test = test_file.get("test") if isinstance(test_file, dict) else None
    splits = {"dev": dev, "test": test}
    return {split: numbers(values) for split, values in splits.items() if isinstance(values, dict) and numbers(values)}


def with_changes(row: Experiment, baseline: Experiment | None) -> Experiment:
    """``row`` with the params that differ from its baseline's (none for a baseline itself)."""
    if baseline is None or row.state == "baseline":
        return row
    keys = dict.fromkeys([*row.params, *baseline.params])
    changed = {key: row.params.get(key) for key in keys if row.params.get(key) != baseline.params.get(key)}
    return replace(row, changed=changed)


def flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"train": {"lr": 0.01}}`` → ``{"train.lr": 0.01}``; lists stay values (``-S`` sets them whole)."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict) and value:
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
