"""Every registered evaluate metric of a task type runs end to end (dev scoring in training, then
the evaluate stage); a metric of another task type, or a monitor it does not report, is refused."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
import yaml

from mtf_lib import registry
from mtf_lib.config import ParamsError
from mtf_lib.metrics.scores import metric_scores
from mtf_lib.params import load_params
from tests.conftest import torch_threads
from tests.stages import paths_under, run_stages
from tests.template.baking import TASK_TYPES, bake, baking_environment


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    with baking_environment(tmp_path_factory.mktemp("cookiecutter")):
        return {t: bake(tmp_path_factory.mktemp(t), task_slug=f"{t}_task", task_type=t) for t in TASK_TYPES}


def with_metric(task: Path, metric: str, monitor: str) -> Path:
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    params["evaluate"]["metric"] = metric
    params["train"].update(monitor=monitor, epochs=2)
    path = task / f"params.{metric}.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return path


# A metric for another target kind than the sample's (pair scoring's pair_labels.v1 on its 0-5
# scores) is refused by validation; tests/tasks/test_pair_labels.py runs it on labels.
CHOICES = [
    (t, m)
    for t in TASK_TYPES
    for m in registry.metrics.names()
    if registry.metrics.tags(m)["task_type"] == t and registry.metrics.tags(m).get("kind", "score") == "score"
]


@pytest.mark.parametrize(("task_type", "metric"), CHOICES, ids=[m for _, m in CHOICES])
def test_every_registered_metric_runs_end_to_end(
    samples: dict[str, Path], task_type: str, metric: str, tmp_path: Path
) -> None:
    scores = metric_scores(metric)
    task = samples[task_type]
    with contextlib.chdir(task), torch_threads(1):
        params = load_params(with_metric(task, metric, scores[0]))
        done = run_stages(params, paths_under(tmp_path))
    assert set(done["train"]) >= set(scores)  # dev was scored with the chosen metric
    written = json.loads((tmp_path / "metrics" / "eval.json").read_text(encoding="utf-8"))
    assert set(written["test"]) == set(scores)


def test_a_metric_of_another_task_type_is_refused(samples: dict[str, Path]) -> None:
    task = samples["tagging"]
    with pytest.raises(ParamsError) as exc:
        load_params(with_metric(task, "classification_scores.v1", "accuracy"))
    assert any(
        p.startswith("evaluate.metric: 'classification_scores.v1' is a classification metric; a tagging task needs")
        for p in exc.value.problems
    ), exc.value.problems


def test_a_monitor_the_metric_does_not_report_is_refused(samples: dict[str, Path]) -> None:
    with pytest.raises(ParamsError) as exc:
        load_params(with_metric(samples["tagging"], "token_accuracy.v1", "f1"))
    assert exc.value.problems == [
        "train.monitor: 'f1' is not a score of evaluate.metric 'token_accuracy.v1'; choose one of: accuracy"
    ]


def test_a_metric_takes_its_own_settings_like_every_component(samples: dict[str, Path], tmp_path: Path) -> None:
    """``evaluate.metric: {name, its settings}``: translation.v1's sacreBLEU tokenizer reaches the
    scores' signature; a value it does not take is refused at its own key."""
    task = samples["seq2seq"]
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    params["evaluate"]["metric"] = {"name": "translation.v1", "tokenize": "char"}
    params["train"]["epochs"] = 1
    path = task / "params.char.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    with contextlib.chdir(task), torch_threads(1):
        run_stages(load_params(path), paths_under(tmp_path))
    written = json.loads((tmp_path / "metrics" / "eval.json").read_text(encoding="utf-8"))
    assert "tok:char" in written["signatures"]["bleu"]

    params["evaluate"]["metric"]["tokenize"] = "chinese"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParamsError) as exc:
        load_params(path)
    assert [p.split(":")[0] for p in exc.value.problems] == ["evaluate.metric.tokenize"], exc.value.problems
