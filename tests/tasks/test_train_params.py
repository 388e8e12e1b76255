"""The shared train section: the EMA setting is validated and shapes the run hash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mtf_lib.config import ParamsError
from mtf_lib.params import load_params
from mtf_lib.tasks.common import run_hash

FLAGSHIP = Path(__file__).resolve().parents[2] / "params.yaml"


def flagship_with(tmp_path: Path, **train: Any) -> Path:
    data = yaml.safe_load(FLAGSHIP.read_text(encoding="utf-8"))
    data["train"].update(train)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("decay", [1.0, -0.5, "slow"])
def test_bad_ema_decay_is_refused(tmp_path: Path, decay: object) -> None:
    with pytest.raises(ParamsError) as exc:
        load_params(flagship_with(tmp_path, ema_decay=decay))
    assert [p.split(":")[0] for p in exc.value.problems] == ["train.ema_decay"]


def test_ema_decay_defaults_to_off_and_changes_the_run_hash(tmp_path: Path) -> None:
    data = yaml.safe_load(FLAGSHIP.read_text(encoding="utf-8"))
    data["train"].pop("ema_decay", None)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    off = load_params(path)
    assert off.train.ema_decay == 0.0
    (tmp_path / "on").mkdir()
    on = load_params(flagship_with(tmp_path / "on", ema_decay=0.999))
    assert run_hash(on) != run_hash(off)


@pytest.mark.parametrize("task_type", ["tagging", "classification"])
def test_every_trainer_setting_comes_from_train_params(task_type: str) -> None:
    """fit_task hands the Trainer the train params it knows: a Trainer setting missing from the
    params (or a params field misspelt) would otherwise be left at its default without a word."""
    from mtf_lib import registry
    from mtf_lib.tasks.fitting import TRAINER_SETTINGS

    schema = registry.task_types.get(task_type).schema()
    params_fields = set(schema.model_fields["train"].annotation.model_fields)
    assert params_fields >= TRAINER_SETTINGS
    read_by_the_task = {"batch_size", "callbacks", "threads", "ensemble"}  # the stage and fit_members read these
    assert params_fields - TRAINER_SETTINGS == read_by_the_task
