"""Every built-in task type keeps the task-type contract (``mtf_lib.testing``, which plug-in
authors run on their own types): trains on its template's sample, reloads to identical answers,
answers its API example, scores dev and test with the same metric scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtf_lib.testing import ContractError, check_task_type, sample_task
from tests.conftest import torch_threads
from tests.template.baking import TASK_TYPES


@pytest.mark.parametrize("task_type", TASK_TYPES)
def test_every_task_type_keeps_the_contract(task_type: str, tmp_path: Path) -> None:
    with torch_threads(1):
        check_task_type(task_type, tmp_path / task_type)


def test_a_type_that_breaks_it_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mtf_lib.tasks.classification import evaluate

    def no_scores(params, paths):  # an evaluate stage that writes test scores of another metric
        summary = original(params, paths)
        (paths.metrics / "eval.json").write_text('{"test": {"bleu": 1.0}}', encoding="utf-8")
        return summary

    original = evaluate.evaluate
    monkeypatch.setattr(evaluate, "evaluate", no_scores)
    with torch_threads(1), pytest.raises(ContractError, match="eval.json's test scores"):
        check_task_type("classification", tmp_path / "broken")


def test_the_sample_task_takes_the_templates_smoke_settings(tmp_path: Path) -> None:
    import yaml

    task = sample_task("tagging", tmp_path / "t", "tag_scheme=BIO")
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    assert params["train"]["epochs"] == 2 and params["preprocess"]["scheme"] == "BIO"
    assert (task / "data" / "sample" / "train.jsonl").is_file()


def test_a_stage_reading_a_file_it_does_not_declare_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Classification's train reads dev's raw texts: without that dep DVC would skip it when dev changes."""
    from mtf_lib.pipeline import standard

    monkeypatch.setattr(standard, "DEV", "data/elsewhere.jsonl")  # train's dev dep now names another file
    with torch_threads(1), pytest.raises(ContractError, match=r"stage 'train' reads data/preprocessed/dev.jsonl"):
        check_task_type("classification", tmp_path / "undeclared")


def test_a_type_without_a_template_is_told_what_the_contract_needs(tmp_path: Path) -> None:
    from mtf_lib import registry
    from mtf_lib.tasks.base import TaskType

    bare = TaskType(name="bare", description="no template", params=None, stages={}, predictor=None)
    registry.task_types.register("bare", bare)
    try:
        with pytest.raises(ContractError, match="has no template.*TaskType.template"):
            check_task_type("bare", tmp_path / "bare")
    finally:
        registry.task_types.unregister("bare")
