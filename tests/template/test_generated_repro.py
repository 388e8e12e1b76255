"""One generated task per task type runs `dvc repro` end to end, inside a git+DVC repository
as `apps/<app>/<task>` (the way a task is added to this repository), and shows its metrics."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.template.baking import TASK_TYPES, bake, git_dvc_repo, run

# The budget for a generated task's `dvc repro` on 2 CPU cores.
REPRO_BUDGET_S = 120


@dataclass
class Generated:
    repo: Path
    task: Path
    repro_seconds: float


@pytest.fixture(scope="module", params=TASK_TYPES)
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    repo = git_dvc_repo(tmp_path_factory.mktemp(f"repo_{request.param}"))
    task = bake(repo / "apps" / "demo_app", task_slug=f"{request.param}_task", task_type=request.param)
    start = time.monotonic()
    run(["dvc", "repro"], task)
    return Generated(repo, task, time.monotonic() - start)


def test_repro_writes_metrics_bundle_and_plots_in_time(generated: Generated) -> None:
    print(f"\n{generated.task.name}: dvc repro took {generated.repro_seconds:.1f} s")
    assert generated.repro_seconds < REPRO_BUDGET_S
    scores = json.loads((generated.task / "metrics" / "eval.json").read_text(encoding="utf-8"))
    assert max(scores["test"].values()) > 0, scores  # the sample data are learnable
    assert (generated.task / "models" / "model" / "model.safetensors").is_file()
    assert (generated.task / "metrics" / "train" / "metrics.json").is_file()
    pngs = list((generated.task / "metrics" / "plots").glob("*.png"))
    assert pngs and all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)


def test_metrics_show_lists_the_task_metrics(generated: Generated) -> None:
    shown = json.loads(run(["dvc", "metrics", "show", "--json"], generated.task).stdout)
    workspace = shown[""]["data"]  # paths relative to the task folder, where the command ran
    assert {"metrics/eval.json", "metrics/train/metrics.json", "metrics/dev.json"} <= set(workspace)
    test_scores = workspace["metrics/eval.json"]["data"]["test"]
    assert {"f1", "precision", "recall"} <= set(test_scores) or {"accuracy", "macro_f1"} <= set(test_scores)
    dev_scores = workspace["metrics/dev.json"]["data"]
    assert {"f1", "precision", "recall"} <= set(dev_scores) or {"accuracy", "macro_f1"} <= set(dev_scores)
    assert dev_scores["best_epoch"] >= 1  # one model (the template trains no ensemble)


def test_second_repro_runs_nothing(generated: Generated) -> None:
    out = run(["dvc", "repro"], generated.task).stdout
    assert "Running stage" not in out


def test_task_joined_the_repository_without_nested_git_or_dvc(generated: Generated) -> None:
    assert not (generated.task / ".git").exists() and not (generated.task / ".dvc").exists()
    assert (generated.task / "data" / ".gitignore").is_file()  # DVC keeps its outputs out of git


def test_generated_smoke_test_passes(generated: Generated) -> None:
    result = run(["python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], generated.task)
    assert "2 passed" in result.stdout
