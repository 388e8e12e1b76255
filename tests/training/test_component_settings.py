"""Optimizers, schedules and callbacks are configured as every registered component is: a name
or ``{name, its settings}``; a callback's checkpoint state goes back to it by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from mtf_lib import config, registry
from mtf_lib.config import ParamsError
from mtf_lib.tasks.sections import TrainParams
from mtf_lib.tasks.seq2seq.params import Seq2SeqParams
from mtf_lib.training.callbacks import Callback, EarlyStopping
from tests.training.test_trainer import make_trainer


def test_an_optimizers_own_settings_reach_torch(tmp_path: Path) -> None:
    trainer = make_trainer(tmp_path, optimizer={"name": "sgd.v1", "momentum": 0.5, "nesterov": True})
    group = trainer.optimizer.param_groups[0]
    assert (group["momentum"], group["nesterov"], group["lr"]) == (0.5, True, 0.05)
    assert make_trainer(tmp_path / "b", optimizer="adamw.v1").optimizer.param_groups[0]["betas"] == (0.9, 0.999)


def test_a_bad_optimizer_setting_names_its_key() -> None:
    with pytest.raises(ValidationError, match=r"momentum"):
        TrainParams(optimizer={"name": "sgd.v1", "momentum": 1.5})
    with pytest.raises(ValidationError, match=r"unknown key"):
        TrainParams(optimizer={"name": "adam.v1", "momentum": 0.5})  # Adam has no momentum setting


def test_patience_is_the_early_stopping_callbacks_own_setting() -> None:
    params = TrainParams(callbacks=[{"name": "early_stopping.v1", "patience": 2}, "dvclive.v1"])
    assert params.callbacks == [{"name": "early_stopping.v1", "patience": 2}, {"name": "dvclive.v1"}]
    built = registry.callbacks.build(params.callbacks[0], Path("live"))
    assert isinstance(built, EarlyStopping) and built.patience == 2


def test_an_earlier_params_files_moved_settings_say_what_to_write_beside_every_other_problem() -> None:
    data = {"train": {"patience": 3, "lr": -1.0}, "evaluate": {"tokenize": "zh"}}
    with pytest.raises(ParamsError) as caught:
        config.validate(Seq2SeqParams, data, "params.yaml")
    problems = caught.value.problems
    assert (
        "train.patience: is now the early_stopping.v1 callback's own setting: remove it and write callbacks: "
        "[{name: early_stopping.v1, patience: 3}, dvclive.v1]" in problems
    )
    assert (
        "evaluate.tokenize: is now the metric's own setting: remove it and write metric: "
        "{name: translation.v1, tokenize: zh}" in problems
    )
    assert any(p.startswith("train.lr:") for p in problems)  # not hidden by the moved keys
    assert any(p.startswith("task:") for p in problems)


class Counting(Callback):
    def __init__(self) -> None:
        self.epochs = 0

    def on_epoch_end(self, trainer, epoch: int, metrics: dict) -> None:  # noqa: ANN001
        self.epochs += 1

    def state_dict(self) -> dict:
        return {"epochs": self.epochs}

    def load_state_dict(self, state: dict) -> None:
        self.epochs = state["epochs"]


def test_callback_state_is_resumed_by_name_not_position(tmp_path: Path) -> None:
    first = make_trainer(tmp_path, callbacks={"count": Counting(), "stop": EarlyStopping(patience=0)}, epochs=2)
    first.fit()
    # The same callbacks listed in another order: each gets its own state back.
    again = make_trainer(tmp_path, callbacks={"stop": EarlyStopping(patience=0), "count": Counting()}, epochs=2)
    assert again.fit().resumed_from_epoch == 2
    assert again.callbacks["count"].epochs == 2
    assert again.callbacks["stop"].bad_epochs == first.callbacks["stop"].bad_epochs
