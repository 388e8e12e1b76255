"""``train.fast_dev_run``: a smoke run of a whole pipeline, one epoch of a few batches."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mtf_lib.tasks.template import sample_task
from mtf_lib.testing import run_declared_stages
from mtf_lib.training.checkpoint import load_checkpoint
from tests.conftest import torch_threads


def test_fast_dev_run_trains_one_epoch_of_n_batches_and_still_writes_every_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    task = sample_task("classification", tmp_path / "smoke")
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    params["train"].update(fast_dev_run=2, epochs=5)
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    with torch_threads(1):
        _, paths = run_declared_stages(task)
    state = load_checkpoint(task / paths.checkpoints)
    assert (state["epoch"], state["global_step"]) == (1, 2)
    assert (task / paths.bundle / "bundle.json").is_file() and (task / paths.metrics / "eval.json").is_file()
    assert "train.fast_dev_run is 2" in capsys.readouterr().err  # its model is not for use, and it says so
    assert "A smoke run** (train.fast_dev_run: 2" in (task / paths.metrics / "model_card.md").read_text(
        encoding="utf-8"
    )
