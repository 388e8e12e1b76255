"""End to end: the medical_kg task's DVC pipeline (fetch → build → evaluate), in a temporary
git + DVC repository: every stage runs and lists the mtf_lib files it runs (measured), nothing
re-runs when nothing changed, and a QA rule change rebuilds the bundle without fetching again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, run_env
from tests.conftest import run as run_command
from tests.graph.kg_project import copy_medical_kg
from tests.stage_imports import missing_deps, trace_env


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    return run_command(cmd, cwd, env=env).stdout


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, str]:
    project = tmp_path_factory.mktemp("kgrepo")
    task = copy_medical_kg(project)
    (project / "mtf_lib").symlink_to(REPO / "mtf_lib")  # what the deps reach outside the task
    for cmd in (["git", "init", "-q"], ["dvc", "init", "-q"], ["git", "add", "-A"]):
        run(cmd, project)
    run(["git", "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qm", "kg"], project)
    log = project / "imports.jsonl"
    out = run(["dvc", "repro"], task, env=trace_env(log, run_env()))
    return project, task, log, out


def test_every_stage_runs_and_lists_the_library_files_it_runs(pipeline: tuple[Path, Path, Path, str]) -> None:
    project, task, log, out = pipeline
    stages = yaml.safe_load((task / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    assert all(f"Running stage '{name}'" in out for name in stages), out
    missing = {stage: files for stage, files in missing_deps(task, log, project).items() if files}
    assert not missing, f"apps/demo_app/medical_kg/dvc.yaml misses files its stages run: {missing}"
    assert json.loads((task / "metrics" / "eval.json").read_text(encoding="utf-8"))["test"]["answer_f1"] > 0


def test_nothing_reruns_and_a_rule_change_rebuilds_without_fetching(pipeline: tuple[Path, Path, Path, str]) -> None:
    _, task, _, _ = pipeline
    assert "Running stage" not in run(["dvc", "repro"], task)
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    params["qa"]["max_items"] = 5
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = run(["dvc", "repro"], task)
    assert "Running stage 'build'" in out and "Running stage 'evaluate'" in out
    assert "Running stage 'fetch'" not in out
    shown = run(["dvc", "metrics", "show", "--json"], task)
    assert "intent_accuracy" in shown
