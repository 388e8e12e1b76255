"""Registered training callbacks. Each may keep state, which is saved in checkpoints."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Protocol

from pydantic import Field

from mtf_lib import registry


def position_of(metrics: dict[str, float]) -> int:
    """Where an evaluation was made: its optimizer step (``train.eval_every``), else its epoch."""
    return int(metrics.get("step", metrics["epoch"]))


def keyed(callbacks: Sequence[tuple[str, Callback]]) -> dict[str, Callback]:
    """Callbacks under the keys their checkpoint state is saved under: each one's name (a
    registered name, or its class's), ``name#2`` for a second of the same name."""
    out: dict[str, Callback] = {}
    for name, callback in callbacks:
        key, n = name, 1
        while key in out:
            n += 1
            key = f"{name}#{n}"
        out[key] = callback
    return out


class Trainer(Protocol):
    """What a callback sees of the trainer running it (``mtf_lib.training.trainer.Trainer``)."""

    settings: Any
    dist: Any
    eval_every: int
    history: list[dict[str, float]]
    best_step: int
    should_stop: bool

    def log(self, message: str) -> None: ...


class Callback:
    def on_fit_start(self, trainer: Trainer) -> None: ...

    def on_epoch_end(self, trainer: Trainer, epoch: int, metrics: dict[str, float]) -> None: ...

    def on_fit_end(self, trainer: Trainer) -> None: ...

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None: ...


class EarlyStopping(Callback):
    """Stop when the monitored dev metric has not improved for ``patience`` evaluations (epochs,
    or every ``train.eval_every`` steps)."""

    def __init__(self, patience: int) -> None:
        self.patience = patience
        self.bad_epochs = 0

    def on_epoch_end(self, trainer: Trainer, epoch: int, metrics: dict[str, float]) -> None:
        self.bad_epochs = 0 if trainer.best_step == position_of(metrics) else self.bad_epochs + 1
        if self.patience and self.bad_epochs >= self.patience:
            unit = "evaluations" if trainer.eval_every else "epochs"
            trainer.log(f"early stopping: no {trainer.settings.monitor} gain for {self.patience} {unit}")
            trainer.should_stop = True

    def state_dict(self) -> dict[str, Any]:
        return {"bad_epochs": self.bad_epochs}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.bad_epochs = state["bad_epochs"]


class DvcLiveLogger(Callback):
    """Per-epoch metrics through dvclive (``dvcyaml=False``: plots are declared in dvc.yaml).

    The log is rebuilt from the trainer's history at every start, so a resumed run writes
    exactly the files an uninterrupted one would.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.live = None

    def on_fit_start(self, trainer: Trainer) -> None:
        if not trainer.dist.is_main:
            return
        from dvclive import Live

        # Rebuilt whole: a metric an earlier run logged (another evaluate.metric) must not stay behind.
        shutil.rmtree(self.directory / "plots" / "metrics", ignore_errors=True)
        self.live = Live(str(self.directory), dvcyaml=False, save_dvc_exp=False, report=None)
        for metrics in trainer.history:
            self._log(metrics)

    def on_epoch_end(self, trainer: Trainer, epoch: int, metrics: dict[str, float]) -> None:
        if self.live is not None:
            self._log(metrics)

    def _log(self, metrics: dict[str, float]) -> None:
        assert self.live is not None
        self.live.step = position_of(metrics)  # optimizer steps with train.eval_every
        for name, value in metrics.items():
            if name not in ("epoch", "step"):
                self.live.log_metric(name, value)
        self.live.next_step()

    def on_fit_end(self, trainer: Trainer) -> None:
        if self.live is not None:
            self.live.end()


@registry.callbacks("early_stopping.v1")
def early_stopping(
    live_dir: Path, *, patience: Annotated[int, Field(ge=0, description="0: never stop early")] = 5
) -> Callback:
    """Stop after ``patience`` evaluations without a better ``train.monitor`` on dev."""
    return EarlyStopping(patience)


@registry.callbacks("dvclive.v1")
def dvclive_logger(live_dir: Path) -> Callback:
    """Log per-epoch train loss and dev metrics under ``<metrics dir>/train`` for ``dvc plots``."""
    return DvcLiveLogger(live_dir)
