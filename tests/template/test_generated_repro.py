"""One generated task per task type runs `dvc repro` end to end, inside a copy of this
repository as `apps/<app>/<task>` (the way a task is added to it), shows its metrics, and lists
every mtf_lib file its stages run among their deps (measured)."""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from mtf_lib.metrics.scores import metric_scores
from mtf_lib.params import load_params
from tests.conftest import make_task_copy, run_env
from tests.stage_imports import missing_deps, trace_env
from tests.template.baking import TASK_TYPES, bake, run

# The budget for a generated task's `dvc repro` on 2 CPU cores.
REPRO_BUDGET_S = 120


@dataclass
class Generated:
    repo: Path
    task: Path
    repro_seconds: float
    import_log: Path


@pytest.fixture(scope="module", params=TASK_TYPES)
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    repo = make_task_copy(tmp_path_factory.mktemp(f"repo_{request.param}"), {})
    task = bake(repo / "apps" / "demo_app", task_slug=f"{request.param}_task", task_type=request.param)
    log = tmp_path_factory.mktemp(f"trace_{request.param}") / "imports.jsonl"
    start = time.monotonic()
    result = subprocess.run(
        ["dvc", "repro"], cwd=task, env=trace_env(log, run_env()), capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"dvc repro failed:\n{result.stdout}\n{result.stderr}"
    return Generated(repo, task, time.monotonic() - start, log)


def test_every_stage_lists_the_library_files_it_runs(generated: Generated) -> None:
    missing = {
        stage: files
        for stage, files in missing_deps(generated.task, generated.import_log, generated.repo).items()
        if files
    }
    assert not missing, f"dvc.yaml (mtf pipeline) misses mtf_lib files the stages run: {missing}"


def declared(task: Path, key: str) -> set[str]:
    """The paths dvc.yaml declares under ``key`` (outs, metrics, plots) over all stages."""
    stages = yaml.safe_load((task / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    return {next(iter(e)) if isinstance(e, dict) else e for s in stages.values() for e in s.get(key, [])}


def test_repro_writes_metrics_bundle_and_plots_in_time(generated: Generated) -> None:
    print(f"\n{generated.task.name}: dvc repro took {generated.repro_seconds:.1f} s")
    assert generated.repro_seconds < REPRO_BUDGET_S
    scores = json.loads((generated.task / "metrics" / "eval.json").read_text(encoding="utf-8"))
    assert max(scores["test"].values()) > 0, scores  # the sample data are learnable
    assert (generated.task / "models" / "model" / "bundle.json").is_file()
    for path in declared(generated.task, "outs") | declared(generated.task, "metrics"):
        assert (generated.task / path).exists(), f"dvc.yaml declares {path}, which the stages did not write"
    if "metrics/plots" in declared(generated.task, "plots"):
        pngs = list((generated.task / "metrics" / "plots").glob("*.png"))
        assert pngs and all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)


def test_metrics_show_lists_the_task_metrics(generated: Generated) -> None:
    shown = json.loads(run(["dvc", "metrics", "show", "--json"], generated.task).stdout)
    workspace = shown[""]["data"]  # paths relative to the task folder, where the command ran
    assert declared(generated.task, "metrics") <= set(workspace)  # with the enclosing repository's
    metric = getattr(load_params(generated.task / "params.yaml").evaluate, "metric", None)
    if metric is None:  # a type that scores with its own fixed measures (kg_qa)
        assert workspace["metrics/eval.json"]["data"]["test"]
        return
    scores = set(metric_scores(metric["name"]))  # the task's metric
    assert set(workspace["metrics/eval.json"]["data"]["test"]) == scores
    dev_scores = workspace["metrics/dev.json"]["data"]
    assert scores <= set(dev_scores)
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


def test_evaluate_writes_error_analysis_and_model_card_that_the_pages_show(generated: Generated) -> None:
    from web import create_app

    metrics = generated.task / "metrics"
    errors = json.loads((metrics / "errors.json").read_text(encoding="utf-8"))
    assert errors["task_type"] == load_params(generated.task / "params.yaml").task.type and "test" in errors["splits"]
    card = (metrics / "model_card.md").read_text(encoding="utf-8")
    assert (generated.task / "models" / "model" / "MODEL_CARD.md").read_text(encoding="utf-8") == card
    for score, value in json.loads((metrics / "eval.json").read_text(encoding="utf-8"))["test"].items():
        assert f"| test | {score} | {value} |" in card
    if (generated.task / "metrics" / "dev.json").is_file():  # a type with a train stage
        assert "- Train stage: " in card  # metrics/train/run.json: the stage's time and machine
    client = create_app(root=generated.repo).test_client()
    url = f"/tasks/demo_app/{generated.task.name}"
    errors_page, card_page = client.get(f"{url}/errors?split=test"), client.get(f"{url}/card")
    assert errors_page.status_code == 200 and '<section id="analysis" data-split="test">' in errors_page.text
    assert "<pre>" not in errors_page.text  # the type's own view, not the raw JSON
    assert card_page.status_code == 200 and "<h1>Model card: " in card_page.text
