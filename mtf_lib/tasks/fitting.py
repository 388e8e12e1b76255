"""The training run every task type shares: distributed set-up, batching, Trainer, callbacks.

A task type's train stage prepares its data, model and dev evaluation, then calls
``fit_task``; it saves the bundle when ``dist.is_main``. ``dev_summary`` reads back from the bundle
what the kept model scored on dev, for the stage's metrics file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from torch import nn
from torch.utils.data import DataLoader

from mtf_lib import registry
from mtf_lib.data.batching import BucketBatchSampler
from mtf_lib.tasks.common import run_hash
from mtf_lib.training.distributed import DistInfo, init_distributed, shutdown
from mtf_lib.training.trainer import FitResult, Trainer, TrainSettings

T = TypeVar("T")
TRAINER_SETTINGS = set(TrainSettings.__dataclass_fields__)  # the train params the Trainer itself reads
NOT_SCORES = ("epoch", "train_loss")  # in a Trainer's best metrics beside the dev scores


def distributed(run: Callable[[DistInfo], T]) -> T:
    """``run(dist)`` inside the process group torchrun set up (or as a single process)."""
    dist = init_distributed()
    try:
        return run(dist)
    finally:
        shutdown(dist)


def fit_task(
    params: Any,
    model: nn.Module,
    train_set: Any,
    lengths: Sequence[int],
    collate: Callable[[list], dict],
    evaluate: Callable[[nn.Module], dict[str, float]],
    checkpoint_dir: Path,
    live_dir: Path,
    dist: DistInfo,
    progress: bool,
) -> tuple[Trainer, FitResult]:
    """Fit ``model`` on length-bucketed batches of ``train_set``, resuming from checkpoints."""
    tp = params.train
    sampler = BucketBatchSampler(
        lengths, tp.batch_size, shuffle=True, seed=tp.seed, rank=dist.rank, num_replicas=dist.world_size
    )
    loader = DataLoader(train_set, batch_sampler=sampler, collate_fn=collate)
    settings = TrainSettings(**{k: v for k, v in tp.model_dump().items() if k in TRAINER_SETTINGS})
    callbacks = [registry.callbacks.get(name)(tp, live_dir) for name in tp.callbacks]
    trainer = Trainer(model, loader, evaluate, settings, checkpoint_dir, run_hash(params), callbacks, dist, progress)
    return trainer, trainer.fit(resume=True)


def dev_summary(meta: dict[str, Any]) -> dict[str, Any]:
    """The kept model's dev scores from its bundle's meta, with the epoch it was kept at; for an
    ensemble, each member's best epoch and scores by seed (``dvc metrics show`` lists no lists)."""
    scores = _scores(meta["dev_metrics"])
    members = meta.get("members") or []
    if len(members) <= 1:
        return {**scores, "best_epoch": meta["best_epoch"]}
    return {
        **scores,
        "members": {f"seed{m['seed']}": {**_scores(m["dev_metrics"]), "best_epoch": m["best_epoch"]} for m in members},
    }


def _scores(metrics: dict[str, float]) -> dict[str, float]:
    return {k: v for k, v in metrics.items() if k not in NOT_SCORES}
