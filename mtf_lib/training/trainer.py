"""The Trainer: a task-independent loop with AMP, accumulation, clipping, weight EMA, DDP and exact resume.

The model is a plain ``nn.Module`` whose ``forward(batch)`` returns a dict with ``"loss"``;
``evaluate(model)`` returns dev metrics. Everything else comes from the task: its settings (the
params' ``train`` section, ``mtf_lib.tasks.sections.TrainParams``), whether the monitored score
is maximised (F1) or minimised (a loss, an RMSE), and optionally

- the model's own parameter groups: ``model.param_groups(lr, weight_decay)`` returning torch
  optimizer groups (a pretrained encoder's lower learning rate, no decay on biases and LayerNorm);
- an ``objective(model, batch) -> loss`` replacing ``model(batch)["loss"]`` (distillation mixes
  in a teacher's soft targets that way).

Dev is evaluated, and a checkpoint written, once per epoch, or every ``eval_every`` optimizer
steps; a run killed mid-epoch resumes from the batch after its last checkpoint, exactly.
"""

from __future__ import annotations

import contextlib
import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from mtf_lib import registry
from mtf_lib.training.callbacks import Callback, keyed, position_of
from mtf_lib.training.checkpoint import load_checkpoint, save_checkpoint
from mtf_lib.training.device import amp_dtype, resolve_device
from mtf_lib.training.distributed import DistInfo, barrier
from mtf_lib.training.ema import WeightAverage
from mtf_lib.training.seed import rng_state, seed_everything, set_rng_state

Batch = dict[str, torch.Tensor]


@dataclass
class FitResult:
    best_metrics: dict[str, float]
    best_epoch: int
    history: list[dict[str, float]]
    resumed_from_epoch: int
    best_step: int = 0


Objective = Callable[[nn.Module, Batch], torch.Tensor]


def model_loss(model: nn.Module, batch: Batch) -> torch.Tensor:
    return model(batch)["loss"]


class Trainer:
    def __init__(
        self,
        model: nn.Module,
        train_loader: Iterable[Batch],
        evaluate: Callable[[nn.Module], dict[str, float]],
        settings: Any,
        checkpoint_dir: str | Path,
        run_hash: str,
        callbacks: Mapping[str, Callback] | Sequence[Callback] | None = None,
        dist: DistInfo | None = None,
        progress: bool = True,
        maximize: bool = True,
        objective: Objective = model_loss,
        data_hash: str | None = None,
    ) -> None:
        self.settings = settings
        # What the run learns from (mtf_lib.training.fingerprint): a checkpoint of other data
        # is not resumed, as one of other params is not.
        self.data_hash = data_hash
        self.maximize = maximize
        self.objective = objective
        self.eval_every = getattr(settings, "eval_every", 0)
        self.dist = dist or DistInfo()
        self.device = resolve_device(settings.device, self.dist.local_rank)
        seed_everything(settings.seed)
        self.model = model.to(self.device)
        self.ema = WeightAverage(self.model, settings.ema_decay) if settings.ema_decay > 0 else None
        self.train_loader = train_loader
        self.evaluate = evaluate
        self.checkpoint_dir = Path(checkpoint_dir)
        self.run_hash = run_hash
        # Keyed, so a checkpoint's callback state goes back to the same callback (not by position).
        given = callbacks or {}
        self.callbacks = dict(given) if isinstance(given, Mapping) else keyed([(type(c).__name__, c) for c in given])
        self.progress = progress
        self.amp_dtype = amp_dtype(settings.amp, self.device)
        self.scaler = torch.amp.GradScaler(self.device.type, enabled=self.amp_dtype is torch.float16)
        groups = parameter_groups(model, settings.lr, settings.weight_decay)
        # A name or {name, its settings}; the learning rate and weight decay are the train section's.
        self.optimizer = registry.optimizers.build(settings.optimizer, groups, settings.lr, settings.weight_decay)
        self.steps_per_epoch = math.ceil(len(train_loader) / settings.grad_accum)  # type: ignore[arg-type]
        total = self.steps_per_epoch * settings.epochs
        self.scheduler = registry.schedulers.build(
            settings.scheduler, self.optimizer, total, int(settings.warmup_ratio * total)
        )
        self.wrapped: nn.Module = self.model
        if self.dist.enabled:
            ids = [self.device.index] if self.device.type == "cuda" else None
            self.wrapped = nn.parallel.DistributedDataParallel(self.model, device_ids=ids)
        self.epoch = 0
        self.global_step = 0
        # Within the current epoch: batches done (0 at an epoch boundary), their summed loss.
        self.batches_done = 0
        self.loss_sum, self.loss_count = 0.0, 0
        self.best_score = -math.inf if maximize else math.inf
        self.best_epoch = 0
        self.best_step = 0
        self.best_state: dict[str, torch.Tensor] | None = None
        self.history: list[dict[str, float]] = []
        self.should_stop = False
        self._rng_after_iter: Any = None  # a mid-epoch resume's RNG state, restored once its batches are made

    def log(self, message: str) -> None:
        if self.dist.is_main:
            print(message, file=sys.stderr, flush=True)

    # --- the loop ---------------------------------------------------------------------------

    def fit(self, resume: bool = True) -> FitResult:
        resumed_from = self._resume() if resume else 0
        for cb in self.callbacks.values():
            cb.on_fit_start(self)
        while not self.should_stop:
            if self.batches_done == 0:
                if self.epoch >= self.settings.epochs:
                    break
                self.epoch += 1
                self.loss_sum, self.loss_count = 0.0, 0
            if not self._train_epoch():
                break  # stopped early at an evaluation inside the epoch
            self.batches_done = 0
            last_epoch = self.epoch >= self.settings.epochs
            evaluated_now = bool(self.history) and self.history[-1].get("step") == self.global_step
            if not self.eval_every or (last_epoch and not evaluated_now):
                self._evaluation()
            else:
                self._save()  # the epoch boundary, so a resume starts the next epoch
        for cb in self.callbacks.values():
            cb.on_fit_end(self)
        if self.best_state is not None:
            self.model.load_state_dict(self.best_state)
        best = next((m for m in self.history if position_of(m) == self.best_step), {})
        return FitResult(best, self.best_epoch, self.history, resumed_from, self.best_step)

    def better(self, score: float) -> bool:
        return score > self.best_score if self.maximize else score < self.best_score

    def _evaluation(self) -> None:
        """Score dev, keep the weights if they are the best so far, tell the callbacks, checkpoint."""
        loss = self.loss_sum / max(1, self.loss_count)
        position = {"epoch": self.epoch, "step": self.global_step} if self.eval_every else {"epoch": self.epoch}
        metrics = {**position, "train_loss": loss, **self._dev_metrics()}
        self.history.append(metrics)
        if self.better(metrics[self.settings.monitor]):
            self.best_score, self.best_epoch = metrics[self.settings.monitor], self.epoch
            self.best_step = position_of(metrics)
            with self._evaluated_weights() as model:
                self.best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
        # The evaluation's line first: a callback's verdict on it (early stopping) reads after it.
        where = f"epoch {self.epoch}" + (f" step {self.global_step}" if self.eval_every else "")
        self.log(
            f"{where}: train_loss {loss:.4f} "
            + " ".join(f"{k} {v:.4f}" for k, v in metrics.items() if k not in ("epoch", "step", "train_loss"))
        )
        for cb in self.callbacks.values():
            cb.on_epoch_end(self, self.epoch, metrics)
        self._save()

    def _train_epoch(self) -> bool:
        """Train on the rest of the current epoch's batches; False when an evaluation inside it
        stopped the run (early stopping)."""
        self.wrapped.train()
        sampler = getattr(self.train_loader, "batch_sampler", None)
        if hasattr(sampler, "set_epoch"):
            sampler.set_epoch(self.epoch)
        n_batches = len(self.train_loader)  # type: ignore[arg-type]
        iterator = iter(self.train_loader)
        if self._rng_after_iter is not None:
            # Making the epoch's batch iterator draws from torch's RNG: the uninterrupted run drew
            # before the checkpoint, so a resumed one restores the checkpoint's state after it.
            set_rng_state(self._rng_after_iter)
            self._rng_after_iter = None
        # Summed on the device: a .item() per step would wait for the GPU every step.
        total, count = torch.zeros((), device=self.device), 0
        batches = self._progress(iterator, n_batches)
        for i, batch in enumerate(batches):
            if i < self.batches_done:
                continue  # done before the checkpoint this run resumed from
            batch = {k: v.to(self.device, non_blocking=True) for k, v in batch.items()}
            boundary = (i + 1) % self.settings.grad_accum == 0 or i + 1 == n_batches
            sync = contextlib.nullcontext() if boundary or not self.dist.enabled else self.wrapped.no_sync()
            with sync:
                with torch.autocast(self.device.type, dtype=self.amp_dtype, enabled=self.amp_dtype is not None):
                    loss = self.objective(self.wrapped, batch)
                self.scaler.scale(loss / self.settings.grad_accum).backward()
            total += loss.detach().float()
            count += 1
            if boundary:
                self._optimizer_step()
                if self.eval_every and self.global_step % self.eval_every == 0:
                    self.batches_done = i + 1
                    self._add_loss(total, count)
                    total, count = torch.zeros((), device=self.device), 0
                    self._evaluation()
                    self.wrapped.train()
                    if self.should_stop:
                        return False
            if hasattr(batches, "set_postfix") and count and count % 20 == 0:
                batches.set_postfix(loss=f"{total.item() / count:.4f}", refresh=False)
        self._add_loss(total, count)
        return True

    def _add_loss(self, total: torch.Tensor, count: int) -> None:
        self.loss_sum += total.item()
        self.loss_count += count

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
            "data_hash": self.data_hash,
            "epoch": self.epoch,
            "global_step": self.global_step,
            "batches_done": self.batches_done,
            "loss_sum": self.loss_sum,
            "loss_count": self.loss_count,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "scaler": self.scaler.state_dict(),
            "rng": rng_state(),
            "best_score": self.best_score,
            "best_epoch": self.best_epoch,
            "best_step": self.best_step,
            "best_state": self.best_state,
            "history": self.history,
            "should_stop": self.should_stop,
            "callbacks": {key: cb.state_dict() for key, cb in self.callbacks.items()},
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
        # A checkpoint from before data hashes were kept has none: it is resumed on its params alone.
        if state.get("data_hash") is not None and self.data_hash is not None and state["data_hash"] != self.data_hash:
            self.log(
                f"checkpoint in {self.checkpoint_dir} was made on other training data "
                f"(data hash {state['data_hash']!r}, now {self.data_hash!r}); not resuming, starting fresh"
            )
            return 0
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.scaler.load_state_dict(state["scaler"])
        set_rng_state(state["rng"])
        self.batches_done = state.get("batches_done", 0)
        self.loss_sum, self.loss_count = state.get("loss_sum", 0.0), state.get("loss_count", 0)
        if self.batches_done:
            self._rng_after_iter = state["rng"]
        if self.ema is not None:
            self.ema.load_state_dict(state["ema"])
        self.epoch = state["epoch"]
        self.global_step = state["global_step"]
        self.best_score = state["best_score"]
        self.best_epoch = state["best_epoch"]
        self.best_step = state.get("best_step", state["best_epoch"])
        self.best_state = deepcopy(state["best_state"])
        self.history = state["history"]
        self.should_stop = state["should_stop"]
        for key, cb in self.callbacks.items():
            if key in state["callbacks"]:
                cb.load_state_dict(state["callbacks"][key])
        where = f"epoch {self.epoch}" + (f", batch {self.batches_done}" if self.batches_done else "")
        self.log(f"resumed from {self.checkpoint_dir} at {where} (step {self.global_step})")
        return self.epoch - (1 if self.batches_done else 0)


def parameter_groups(model: nn.Module, lr: float, weight_decay: float) -> list[dict[str, Any]]:
    """The model's own optimizer groups (``model.param_groups(lr, weight_decay)``), else one group
    of its trainable parameters."""
    own = getattr(model, "param_groups", None)
    if callable(own):
        return own(lr=lr, weight_decay=weight_decay)
    return [{"params": [p for p in model.parameters() if p.requires_grad]}]
