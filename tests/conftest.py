"""Shared fixtures: the data mirror, small encoded data sets, and temporary task copies."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SHARED_DATASETS = REPO.parent / "shared" / "datasets"
VENV_BIN = Path(sys.executable).parent
# DVC sends usage analytics from a background process; tests reach no address but 127.0.0.1.
os.environ["DVC_NO_ANALYTICS"] = "1"


def mirror_dir() -> Path:
    """The local data-set mirror: ``$MTF_DATA_MIRROR``, else ``../shared/datasets``."""
    return Path(os.environ.get("MTF_DATA_MIRROR") or SHARED_DATASETS)


@pytest.fixture(scope="session", autouse=True)
def data_mirror() -> Path:
    """Every test reads data sets from the local mirror; nothing is downloaded."""
    mirror = mirror_dir()
    if not (mirror / "resume_ner").is_dir():
        pytest.exit(f"data mirror {mirror} has no resume_ner/: set MTF_DATA_MIRROR to the shared datasets folder")
    os.environ["MTF_DATA_MIRROR"] = str(mirror)
    # Nor any model: transformers and the hub client must never try the network here.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    return mirror


def run_env() -> dict[str, str]:
    """Environment for subprocesses: this venv first on PATH (dvc.yaml calls `python`)."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def run(
    cmd: list[str], cwd: Path, *, env: dict[str, str] | None = None, timeout: float = 600, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """``cmd`` in ``cwd`` (env: ``run_env()`` unless given), output captured; with ``check``, a
    failure is an assertion error showing both outputs."""
    result = subprocess.run(cmd, cwd=cwd, env=env or run_env(), capture_output=True, text=True, timeout=timeout)
    assert not check or result.returncode == 0, f"{cmd} failed in {cwd}:\n{result.stdout}\n{result.stderr}"
    return result


def tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in out.stdout.splitlines() if line]


def set_dotted(tree: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``value`` at ``dotted`` ("train.epochs", "graph.builders.0.properties": list indexes as
    numbers) in the nested ``tree``, in place."""
    *parents, leaf = [int(part) if part.isdigit() else part for part in dotted.split(".")]
    node: Any = tree
    for key in parents:
        node = node[key]
    node[leaf] = value


def with_settings(tree: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``tree`` with ``{"train.epochs": 2, ...}`` applied."""
    copy = deepcopy(tree)
    for dotted, value in overrides.items():
        set_dotted(copy, dotted, value)
    return copy


def set_params(params_file: Path, overrides: dict[str, object]) -> None:
    """Apply ``{"train.epochs": 2, ...}`` to a params.yaml."""
    params = with_settings(yaml.safe_load(params_file.read_text(encoding="utf-8")), overrides)
    params_file.write_text(yaml.safe_dump(params, sort_keys=False, allow_unicode=True), encoding="utf-8")


# Tests and benchmarks are not part of a task; pipeline outputs are what the copy must rebuild;
# apps/ holds a user's other tasks (their own pipelines), not the flagship's.
SKIPPED_IN_COPIES = ("tests/", "bench/", "data/", "models/", "metrics/", "apps/")


def make_task_copy(dest: Path, overrides: dict[str, object]) -> Path:
    """A fresh git+DVC copy of this repository's files (no outputs), with param overrides."""
    for name in tracked_files():
        source = REPO / name
        if source.is_file() and not name.startswith(SKIPPED_IN_COPIES):
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    set_params(dest / "params.yaml", overrides)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@localhost"]
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    subprocess.run([*git, "add", "-A"], cwd=dest, check=True)
    subprocess.run([*git, "commit", "-qm", "copy"], cwd=dest, check=True)
    return dest


# A small but real slice of the flagship: seconds per run on 2 CPU cores.
SMALL_RUN = {
    "preprocess.limit": 200,
    "preprocess.workers": 2,
    "model.char_dim": 32,
    "model.bigram_dim": 16,
    "model.softword_dim": 8,
    "model.hidden": 32,
    "train.epochs": 4,
    "train.batch_size": 8,
    "train.lr": 0.01,
    "train.callbacks": [{"name": "early_stopping.v1", "patience": 0}, "dvclive.v1"],
    "train.ensemble": 2,  # the flagship trains an ensemble: keep that path in the end-to-end tests
}


@contextlib.contextmanager
def torch_threads(threads: int) -> Iterator[None]:
    """Tiny models gain nothing from more threads, and lose much when the cores are busy. Stage
    functions inside apply ``threads: auto`` from params, which OMP_NUM_THREADS sets to ``threads``."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("OMP_NUM_THREADS", str(threads))
            yield
    finally:
        torch.set_num_threads(before)
