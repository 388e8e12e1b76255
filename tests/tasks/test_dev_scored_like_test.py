"""The train stage scores dev through the same prediction path the evaluate stage uses on test:
with dev and test the same file, holding a text longer than one window, dev.json = eval.json."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
import yaml

from mtf_lib.params import load_params
from mtf_lib.tasks.tagging.predictor import windows
from tests.conftest import torch_threads
from tests.stages import paths_under, run_stages
from tests.template.baking import bake, baking_environment

WINDOW, OVERLAP = 256, 64  # the tagging predictor's


def long_record(records: list[dict]) -> dict:
    """One text made of the records' texts, entities moved to their new offsets."""
    text, entities = "", []
    for record in records:
        entities += [{**e, "start": e["start"] + len(text), "end": e["end"] + len(text)} for e in record["entities"]]
        text += record["text"]
    return {"text": text, "entities": entities}


def test_dev_and_test_scores_agree_on_a_text_longer_than_a_window(tmp_path: Path) -> None:
    (tmp_path / "cookiecutter").mkdir()
    with baking_environment(tmp_path / "cookiecutter"):
        task = bake(tmp_path / "apps", task_slug="long_task", task_type="tagging")
    sample = task / "data" / "sample"
    unseen = [json.loads(line) for split in ("dev", "test") for line in (sample / f"{split}.jsonl").open("rb")]
    long = long_record(unseen * 6)  # many window edges, where a window sees less context
    assert len(windows(len(long["text"]), WINDOW, OVERLAP)) >= 8
    both = [long, *unseen]
    (sample / "both.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in both), "utf-8")
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    params["preprocess"].update(dev="data/sample/both.jsonl", test="data/sample/both.jsonl")
    params["train"].update(epochs=1, lr=1e-9, callbacks=[])  # near its random start: windows show
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")

    with contextlib.chdir(task), torch_threads(1):
        run_stages(load_params("params.yaml"), paths_under(tmp_path / "out"))
    dev = json.loads((tmp_path / "out" / "metrics" / "dev.json").read_text(encoding="utf-8"))
    test = json.loads((tmp_path / "out" / "metrics" / "eval.json").read_text(encoding="utf-8"))["test"]
    assert set(dev) >= set(test)
    for score, value in test.items():
        assert abs(dev[score] - value) < 1e-6, (score, dev[score], value)


# The split evaluate's greedy scores are under: train keeps the epoch of the best greedy dev score.
SCORED_LIKE_DEV = {"classification": "test", "pair_scoring": "test", "seq2seq": "test_greedy"}


@pytest.mark.parametrize("task_type", sorted(SCORED_LIKE_DEV))
def test_dev_and_test_scores_agree_when_dev_is_the_test_split(tmp_path: Path, task_type: str) -> None:
    """Each type's train stage scores dev through its served Predictor, as evaluate scores test."""
    (tmp_path / "cookiecutter").mkdir()
    with baking_environment(tmp_path / "cookiecutter"):
        task = bake(tmp_path / "apps", task_slug="same_split", task_type=task_type)
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    params["preprocess"]["dev"] = params["preprocess"]["test"]
    params["train"].update(epochs=1, callbacks=[])
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")

    with contextlib.chdir(task), torch_threads(1):
        run_stages(load_params("params.yaml"), paths_under(tmp_path / "out"))
    dev = json.loads((tmp_path / "out" / "metrics" / "dev.json").read_text(encoding="utf-8"))
    test = json.loads((tmp_path / "out" / "metrics" / "eval.json").read_text(encoding="utf-8"))[
        SCORED_LIKE_DEV[task_type]
    ]
    assert test and set(dev) >= set(test)
    for score, value in test.items():
        assert abs(dev[score] - value) < 1e-6, (score, dev[score], value)
