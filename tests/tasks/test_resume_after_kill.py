"""A run killed with SIGKILL mid-training resumes on the next `dvc repro` and ends with the same
dev and test scores as an uninterrupted run (a generated task of each type below, its sample
data; the Trainer's own resume tests are under tests/training)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.template.baking import bake, baking_environment, run, run_env

# Slow: a killed and resumed run per task type (the flagship's runs by default).
# `make test-all` and CI run it, `make test` does not.
pytestmark = pytest.mark.slow


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=["pair_scoring", "seq2seq"])
def tasks(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    with baking_environment(tmp_path_factory.mktemp("cookiecutter")):
        whole = bake(tmp_path_factory.mktemp("whole"), task_slug="task", task_type=request.param)
        killed = bake(tmp_path_factory.mktemp("killed"), task_slug="task", task_type=request.param)
    return whole, killed


def test_sigkill_mid_training_then_repro_resumes_to_the_same_scores(tasks: tuple[Path, Path]) -> None:
    whole, killed = tasks
    run(["dvc", "repro"], whole)
    run(["dvc", "repro", "dataset"], killed)
    checkpoint = killed / "models" / "checkpoints" / "last.ckpt"
    proc = subprocess.Popen(
        ["dvc", "repro"],
        cwd=killed,
        env=run_env(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while not checkpoint.exists():
        assert proc.poll() is None, "training ended before its first checkpoint"
        assert time.monotonic() < deadline, "no checkpoint written in time"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (killed / "metrics" / "eval.json").exists(), "the run finished before it was killed"
    resumed = run(["dvc", "repro"], killed)
    assert "resumed from" in resumed.stderr + resumed.stdout
    for name in ("eval.json", "dev.json"):
        assert read_json(killed / "metrics" / name) == read_json(whole / "metrics" / name)
