"""A copy of the medical_kg example task, its data fetched from the mirror and its graph built by
the real stages: what the graph, QA and web tests run against."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, run_env

APP = REPO / "apps" / "demo_app" / "medical_kg"


def copy_medical_kg(root: Path) -> Path:
    """The task at ``root``/apps/demo_app/medical_kg: params, pipeline, code and questions, no outputs."""
    task = root / "apps" / "demo_app" / "medical_kg"
    task.mkdir(parents=True)
    for name in ("params.yaml", "dvc.yaml", "code", "data"):
        source = APP / name
        if source.is_dir():
            shutil.copytree(source, task / name, ignore=shutil.ignore_patterns("graph", "__pycache__"))
        else:
            shutil.copy(source, task / name)
    return task


def run_stage(task: Path, stage: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mtf_lib.stage", stage, *args],
        cwd=task,
        env=env or run_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def built_medical_kg(root: Path) -> Path:
    task = copy_medical_kg(root)
    for stage in ("fetch", "build"):
        result = run_stage(task, stage)
        assert result.returncode == 0, result.stderr
    return task
