"""The Trainer: a task-independent loop with AMP, accumulation, clipping, weight EMA, DDP and exact resume.

The model is a plain ``nn.Module`` whose ``forward(batch)`` returns a dict with ``"loss"``;
``evaluate(model)`` returns dev metrics. Everything else (data, metrics, what "better" means)
comes from the task.
"""

from __future__ import annotations

import contextlib
import math
import sys
from collections.abc import Callable, Iterable
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from mtf_lib import registry
from mtf_lib.training.callbacks import Callback
from mtf_lib.training.checkpoint import load_checkpoint, save_checkpoint
from mtf_lib.training.device import amp_dtype, resolve_device
from mtf_lib.training.distributed import DistInfo, barrier
from mtf_lib.training.ema import WeightAverage
from mtf_lib.training.seed import rng_state, seed_everything, set_rng_state

Batch = dict[str, torch.Tensor]


@dataclass
class TrainSettings:
    epochs: int = 30
    lr: float = 1e-3
    optimizer: str = "adam.v1"
    weight_decay: float = 0.0
    scheduler: str = "linear.v1"
    warmup_ratio: float = 0.0
    grad_accum: int = 1
    clip_norm: float = 5.0
    amp: str = "none"
    device: str = "auto"
    seed: int = 42
    monitor: str = "f1"
    patience: int = 0
    ema_decay: float = 0.0  # 0: off; else dev evaluation and the kept weights use the weights' EMA


@dataclass
class FitResult:
    best_metrics: dict[str, float]
    best_epoch: int
    history: list[dict[str, float]]
    resumed_from_epoch: int


class Trainer:
    def __init__(
        self,
        model: nn.Module,
        train_loader: Iterable[Batch],
        evaluate: Callable[[nn.Module], dict[str, float]],
        settings: TrainSettings,
        checkpoint_dir: str | Path,
        run_hash: str,
        callbacks: list[Callback] | None = None,
        dist: DistInfo | None = None,
        progress: bool = True,
    ) -> None:
        self.settings = settings
        self.dist = dist or DistInfo()
        self.device = resolve_device(settings.device, self.dist.local_rank)
        seed_everything(settings.seed)
        self.model = model.to(self.device)
        self.ema = WeightAverage(self.model, settings.ema_decay) if settings.ema_decay > 0 else None
        self.train_loader = train_loader
        self.evaluate = evaluate
        self.checkpoint_dir = Path(checkpoint_dir)
        self.run_hash = run_hash
        self.callbacks = callbacks or []
        self.progress = progress
        self.amp_dtype = amp_dtype(settings.amp, self.device)
        self.scaler = torch.amp.GradScaler(self.device.type, enabled=self.amp_dtype is torch.float16)
        self.optimizer = registry.optimizers.get(settings.optimizer)(
            [p for p in model.parameters() if p.requires_grad],
            lr=settings.lr,
            weight_decay=settings.weight_decay,
        )
        self.steps_per_epoch = math.ceil(len(train_loader) / settings.grad_accum)  # type: ignore[arg-type]
        total = self.steps_per_epoch * settings.epochs
        self.scheduler = registry.schedulers.get(settings.scheduler)(
            self.optimizer, total_steps=total, warmup_steps=int(settings.warmup_ratio * total)
        )
        self.wrapped: nn.Module = self.model
        if self.dist.enabled:
            ids = [self.device.index] if self.device.type == "cuda" else None
            self.wrapped = nn.parallel.DistributedDataParallel(self.model, device_ids=ids)
        self.epoch = 0
        self.global_step = 0
        self.best_score = -math.inf
        self.best_epoch = 0
        self.best_state: dict[str, torch.Tensor] | None = None
        self.history: list[dict[str, float]] = []
        self.should_stop = False

    def log(self, message: str) -> None:
        if self.dist.is_main:
            print(message, file=sys.stderr, flush=True)

    # --- the loop ---------------------------------------------------------------------------

    def fit(self, resume: bool = True) -> FitResult:
        resumed_from = self._resume() if resume else 0
        for cb in self.callbacks:
            cb.on_fit_start(self)
        while self.epoch < self.settings.epochs and not self.should_stop:
            self.epoch += 1
            loss = self._train_epoch()
            metrics = {"epoch": self.epoch, "train_loss": loss, **self._dev_metrics()}
            self.history.append(metrics)
            score = metrics[self.settings.monitor]
            if score > self.best_score:
                self.best_score, self.best_epoch = score, self.epoch
                with self._evaluated_weights() as model:
                    self.best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
            # The epoch's line first: a callback's verdict on it (early stopping) reads after it.
            self.log(
                f"epoch {self.epoch}: train_loss {loss:.4f} "
                + " ".join(f"{k} {v:.4f}" for k, v in metrics.items() if k not in ("epoch", "train_loss"))
            )
            for cb in self.callbacks:
                cb.on_epoch_end(self, self.epoch, metrics)
            self._save()
        for cb in self.callbacks:
            cb.on_fit_end(self)
        if self.best_state is not None:
            self.model.load_state_dict(self.best_state)
        best = next((m for m in self.history if m["epoch"] == self.best_epoch), {})
        return FitResult(best, self.best_epoch, self.history, resumed_from)

    def _train_epoch(self) -> float:
        self.wrapped.train()
        sampler = getattr(self.train_loader, "batch_sampler", None)
        if hasattr(sampler, "set_epoch"):
            sampler.set_epoch(self.epoch)
        n_batches = len(self.train_loader)  # type: ignore[arg-type]
        # Summed on the device: a .item() per step would wait for the GPU every step.
        total, count = torch.zeros((), device=self.device), 0
        batches = self._progress(self.train_loader, n_batches)
        for i, batch in enumerate(batches):
            batch = {k: v.to(self.device, non_blocking=True) for k, v in batch.items()}
            boundary = (i + 1) % self.settings.grad_accum == 0 or i + 1 == n_batches
            sync = contextlib.nullcontext() if boundary or not self.dist.enabled else self.wrapped.no_sync()
            with sync:
                with torch.autocast(self.device.type, dtype=self.amp_dtype, enabled=self.amp_dtype is not None):
                    loss = self.wrapped(batch)["loss"]
                self.scaler.scale(loss / self.settings.grad_accum).backward()
            total += loss.detach().float()
            count += 1
            if boundary:
                self._optimizer_step()
            if hasattr(batches, "set_postfix") and count % 20 == 0:
                batches.set_postfix(loss=f"{total.item() / count:.4f}", refresh=False)
        return total.item() / max(1, count)

    def _optimizer_step(self) -> None:
        if self.settings.clip_norm > 0:
            self.scaler.unscale_(self.optimizer)
            nn.utils.clip_grad_norm_(self.model.parameters(), self.settings.clip_norm)
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.optimizer.zero_grad(set_to_none=True)
        self.scheduler.step()
        self.global_step += 1
        if self.ema is not None:
            self.ema.update(self.model)

    def _evaluated_weights(self) -> contextlib.AbstractContextManager[nn.Module]:
        """The model with the weights that are evaluated and kept: their EMA when it is on."""
        return self.ema.applied(self.model) if self.ema is not None else contextlib.nullcontext(self.model)

    def _dev_metrics(self) -> dict[str, float]:
        self.model.eval()
        with torch.no_grad(), self._evaluated_weights() as model:
            metrics = self.evaluate(model)
        if self.settings.monitor not in metrics:
            raise KeyError(f"train.monitor {self.settings.monitor!r} is not a dev metric; have {sorted(metrics)}")
        return {k: float(v) for k, v in metrics.items()}

    def _progress(self, loader: Iterable[Batch], total: int) -> Any:
        if not (self.progress and self.dist.is_main):
            return loader
        from tqdm import tqdm

        # disable=None: bars on a terminal only, so CI logs and files stay clean.
        return tqdm(loader, total=total, desc=f"epoch {self.epoch}", leave=False, mininterval=1.0, disable=None)

    # --- checkpoints --------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        return {
            "run_hash": self.run_hash,
            "epoch": self.epoch,
            "global_step": self.global_step,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "scaler": self.scaler.state_dict(),
            "rng": rng_state(),
            "best_score": self.best_score,
            "best_epoch": self.best_epoch,
            "best_state": self.best_state,
            "history": self.history,
            "should_stop": self.should_stop,
            "callbacks": [cb.state_dict() for cb in self.callbacks],
            "ema": self.ema.state_dict() if self.ema is not None else None,
        }

    def _save(self) -> None:
        if self.dist.is_main:
            save_checkpoint(self.checkpoint_dir, self.state_dict())
        barrier(self.dist)

    def _resume(self) -> int:
        state = load_checkpoint(self.checkpoint_dir)
        if state is None:
            return 0
        if state.get("run_hash") != self.run_hash:
            self.log(
                f"checkpoint in {self.checkpoint_dir} was made with different params "
                f"(params hash {state.get('run_hash')!r}, now {self.run_hash!r}); not resuming, starting fresh"
            )
            return 0
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.scaler.load_state_dict(state["scaler"])
        set_rng_state(state["rng"])
        if self.ema is not None:
            self.ema.load_state_dict(state["ema"])
        self.epoch = state["epoch"]
        self.global_step = state["global_step"]
        self.best_score = state["best_score"]
        self.best_epoch = state["best_epoch"]
        self.best_state = deepcopy(state["best_state"])
        self.history = state["history"]
        self.should_stop = state["should_stop"]
        for cb, cb_state in zip(self.callbacks, state["callbacks"], strict=True):
            cb.load_state_dict(cb_state)
        self.log(f"resumed from {self.checkpoint_dir} at epoch {self.epoch} (step {self.global_step})")
        return self.epoch
