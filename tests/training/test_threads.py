"""train.threads / evaluate.threads: validated like every setting, resolved, applied by the stages."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
import yaml

from mtf_lib.config import ParamsError
from mtf_lib.params import load_params
from mtf_lib.tasks import common, fitting
from mtf_lib.training.threads import available_cpus, resolve_threads, set_threads
from tests.conftest import REPO
from tests.stages import paths_under
from tests.tasks.classification_data import FIXTURE_PARAMS

PARAMS = {"tagging": REPO / "params.yaml", "classification": FIXTURE_PARAMS}


def params_with(tmp_path: Path, task_type: str, **threads: Any) -> Path:
    data = yaml.safe_load(PARAMS[task_type].read_text(encoding="utf-8"))
    for group, value in threads.items():
        data[group]["threads"] = value
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def restore_threads() -> Iterator[None]:
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize("task_type", list(PARAMS))
@pytest.mark.parametrize("value", ["auto", 1, 3])
def test_a_count_or_auto_is_accepted(tmp_path: Path, task_type: str, value: Any) -> None:
    params = load_params(params_with(tmp_path, task_type, train=value, evaluate=value))
    assert params.train.threads == value and params.evaluate.threads == value


def test_auto_is_the_default(tmp_path: Path) -> None:
    data = yaml.safe_load(PARAMS["tagging"].read_text(encoding="utf-8"))
    data["train"].pop("threads", None)
    data["evaluate"].pop("threads", None)
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    params = load_params(tmp_path / "params.yaml")
    assert params.train.threads == "auto" and params.evaluate.threads == "auto"


@pytest.mark.parametrize("task_type", list(PARAMS))
@pytest.mark.parametrize("value", [0, -2, "two", "2", True, 2.0, None])
def test_anything_else_is_refused_by_name(tmp_path: Path, task_type: str, value: Any) -> None:
    with pytest.raises(ParamsError) as exc:
        load_params(params_with(tmp_path, task_type, train=value, evaluate=value))
    assert exc.value.problems == [
        f"evaluate.threads: expected a positive integer or 'auto' (got {value!r})",
        f"train.threads: expected a positive integer or 'auto' (got {value!r})",
    ]


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity on this OS")
def test_auto_is_the_cpus_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert resolve_threads("auto") == available_cpus() == len(os.sched_getaffinity(0))
    assert resolve_threads(3) == 3


def test_auto_falls_back_to_the_cpu_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 7)
    assert resolve_threads("auto") == 7


@pytest.mark.parametrize(("env", "expected"), [("1", 1), ("3", 3), ("0", None), ("many", None), ("", None)])
def test_auto_follows_a_valid_omp_num_threads(monkeypatch: pytest.MonkeyPatch, env: str, expected: int | None) -> None:
    """torchrun sets OMP_NUM_THREADS=1 for each of several processes on a node: auto keeps that."""
    monkeypatch.setenv("OMP_NUM_THREADS", env)
    assert resolve_threads("auto") == (expected or available_cpus())


def test_set_threads_sets_torchs_count(restore_threads: None) -> None:
    target = 2 if torch.get_num_threads() == 1 else 1
    assert set_threads(target) == target
    assert torch.get_num_threads() == target


class Stop(Exception):
    """Raised where a stage's real work would begin, once its thread count has been seen."""


@pytest.mark.parametrize("task_type", list(PARAMS))
def test_train_and_evaluate_set_the_count_before_their_work(
    tmp_path: Path, task_type: str, monkeypatch: pytest.MonkeyPatch, restore_threads: None
) -> None:
    seen: dict[str, int] = {}

    def work_starts(stage: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> None:
            seen[stage] = torch.get_num_threads()
            raise Stop

        return record

    train_module = importlib.import_module(f"mtf_lib.tasks.{task_type}.train")
    evaluate_module = importlib.import_module(f"mtf_lib.tasks.{task_type}.evaluate")
    # The shared stages (fitting.train_stage, evaluation.evaluate_stage) start their work there.
    monkeypatch.setattr(fitting, "distributed", work_starts("train"))
    monkeypatch.setattr(common, "read_preprocessed", work_starts("evaluate"))
    torch.set_num_threads(3)  # neither 1 nor 2: the stages must change it
    params = load_params(params_with(tmp_path, task_type, train=1, evaluate=2))
    paths = paths_under(tmp_path)
    with pytest.raises(Stop):
        train_module.train(params, paths)
    with pytest.raises(Stop):
        evaluate_module.evaluate(params, paths)
    assert seen == {"train": 1, "evaluate": 2}
