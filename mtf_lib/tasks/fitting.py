"""The train stage every task type shares: threads, distributed set-up, batching, Trainer,
callbacks, ensemble members, the bundle's meta and the kept model's dev scores.

A task type supplies only what is its own, as a ``TrainPlan`` made from the params and the
stage's paths (its data set, a model builder, its collate, how it scores dev, how it saves its
bundle), and its train stage is ``train_stage(its_plan)``: the stage runs the plan's members
through ``fit_members``, saves the bundle on rank 0, and ``write_dev_metrics`` reads back from
the bundle what the kept model scored on dev, for the stage's metrics file.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from torch import nn
from torch.utils.data import DataLoader

from mtf_lib import registry
from mtf_lib.data.batching import BucketBatchSampler, FirstBatches, TokenBatchSampler
from mtf_lib.encoders.pretrained import params_folder
from mtf_lib.layout import StagePaths
from mtf_lib.metrics.scores import rounded
from mtf_lib.tasks.common import run_hash, task_dir
from mtf_lib.tasks.sections import monitor_maximized
from mtf_lib.training.callbacks import keyed
from mtf_lib.training.distributed import DistInfo, init_distributed, launch_info, shutdown
from mtf_lib.training.fingerprint import data_hash
from mtf_lib.training.seed import seed_everything
from mtf_lib.training.threads import set_threads
from mtf_lib.training.trainer import FitResult, Objective, Trainer, model_loss

T = TypeVar("T")
NOT_SCORES = ("epoch", "train_loss")  # in a Trainer's best metrics beside the dev scores


@dataclass
class TrainPlan:
    """What a task type's train stage is made of; ``train_stage`` does the rest.

    ``train_set``: indexable examples (``lengths``: each one's size, for bucketing) that
    ``collate`` makes batches of; ``build``: a fresh model (one per ensemble member);
    ``score_dev``: the metric's dev scores of a model; ``combine``: members into one model;
    ``objective``: the Trainer's loss (distillation); ``meta``: the type's own entries of
    bundle.json; ``save(fitted, meta)``: writes the bundle of the kept model (``fitted.model``).
    """

    train_set: Any
    lengths: Sequence[int]
    build: Callable[[], nn.Module]
    collate: Callable[[list], dict]
    score_dev: Callable[[nn.Module], dict[str, float]]
    save: Callable[[Members, dict[str, Any]], None]
    combine: Callable[[list[nn.Module]], nn.Module] | None = None
    objective: Objective = model_loss
    meta: dict[str, Any] = field(default_factory=dict)


def train_stage(plan: Callable[[Any, StagePaths], TrainPlan]) -> Callable[[Any, StagePaths], dict[str, Any]]:
    """The train stage of a task type whose ``plan(params, paths)`` says what is its own."""

    def train(params: Any, paths: StagePaths) -> dict[str, Any]:
        set_threads(params.train.threads)

        def run(dist: DistInfo) -> int:
            own = plan(params, paths)
            fitted = fit_members(
                params,
                paths,
                dist,
                own.build,
                own.train_set,
                own.lengths,
                own.collate,
                own.score_dev,
                own.combine,
                own.objective,
            )
            if dist.is_main:
                own.save(fitted, bundle_meta(params, fitted, paths.bundle, **own.meta))
            return fitted.resumed_from_epoch

        return write_dev_metrics(paths, distributed(run))

    train.__doc__ = plan.__doc__
    return train


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
    objective: Objective = model_loss,
    data_hash: str | None = None,
) -> tuple[Trainer, FitResult]:
    """Fit ``model`` on length-bucketed batches of ``train_set`` (of ``train.batch_size`` examples,
    or of ``train.max_tokens`` tokens where the task type has that setting), resuming from checkpoints."""
    tp = params.train
    sampler: Any = batch_sampler(tp, lengths, dist)
    if tp.fast_dev_run:  # a smoke run of every part: one epoch of a few batches, dev scored once
        sampler, tp = FirstBatches(sampler, tp.fast_dev_run), tp.model_copy(update={"epochs": 1})
        print(
            f"warning: train.fast_dev_run is {tp.fast_dev_run}: one epoch of {tp.fast_dev_run} batches, a smoke run; "
            "the model it saves is not for use (set it to 0 for a real run)",
            file=sys.stderr,
        )
    loader = DataLoader(train_set, batch_sampler=sampler, collate_fn=collate)
    callbacks = keyed([(section["name"], registry.callbacks.build(section, live_dir)) for section in tp.callbacks])
    trainer = Trainer(
        model,
        loader,
        evaluate,
        tp,
        checkpoint_dir,
        run_hash(params),
        callbacks,
        dist,
        progress,
        maximize=monitor_maximized(params),
        objective=objective,
        data_hash=data_hash,
    )
    return trainer, trainer.fit(resume=True)


def batch_sampler(tp: Any, lengths: Sequence[int], dist: DistInfo) -> BucketBatchSampler:
    max_tokens = getattr(tp, "max_tokens", 0)
    if not max_tokens:
        return BucketBatchSampler(
            lengths, tp.batch_size, shuffle=True, seed=tp.seed, rank=dist.rank, num_replicas=dist.world_size
        )
    if dist.world_size > 1:
        # Each rank would cut its own number of batches, and DDP needs the same number everywhere.
        raise ValueError(
            "train.max_tokens batches are for one process: set max_tokens: 0 and batch_size under torchrun"
        )
    return TokenBatchSampler(lengths, max_tokens, shuffle=True, seed=tp.seed)


@dataclass
class Members:
    """What ``fit_members`` trained: the kept model (an ensemble's combination), its dev scores,
    and each member's seed, best epoch and dev scores (for the bundle)."""

    model: nn.Module
    dev_metrics: dict[str, float]
    best_epoch: int | None
    members: list[dict[str, Any]]
    resumed_from_epoch: int


def fit_members(
    params: Any,
    paths: StagePaths,
    dist: DistInfo,
    build: Callable[[], nn.Module],
    train_set: Any,
    lengths: Sequence[int],
    collate: Callable[[list], dict],
    evaluate: Callable[[nn.Module], dict[str, float]],
    combine: Callable[[list[nn.Module]], nn.Module] | None = None,
    objective: Objective = model_loss,
) -> Members:
    """Train ``train.ensemble`` models (1 unless the task type has that setting) with seeds
    seed, seed+1, ..., each with its own checkpoints (a resumed run skips finished members at
    once); ``combine`` makes them one model; ``objective`` is the Trainer's (distillation). The
    first member's curves go to the live folder, the others' beside their checkpoints."""
    tp = params.train
    count = getattr(tp, "ensemble", 1)
    if dist.is_main:
        tidy_checkpoints(paths.checkpoints, count)
    learnt_from = data_hash([paths.dataset, paths.teacher] if getattr(params, "distill", None) else [paths.dataset])
    trained, results = [], []
    for k in range(count):
        member_params = params.model_copy(update={"train": tp.model_copy(update={"seed": tp.seed + k})})
        member_dir = paths.checkpoints if count == 1 else paths.checkpoints / f"member{k}"
        seed_everything(tp.seed + k)
        with params_folder(task_dir(params)):  # a model.encoder.pretrained folder is relative to the task
            model = build()
        trainer, result = fit_task(
            member_params,
            model,
            train_set,
            lengths,
            collate,
            evaluate,
            member_dir,
            paths.live if k == 0 else member_dir / "live",
            dist,
            paths.progress,
            objective,
            learnt_from,
        )
        trained.append(trainer.model)
        results.append(result)
    members = [
        {"seed": tp.seed + k, "best_epoch": r.best_epoch, "dev_metrics": r.best_metrics} for k, r in enumerate(results)
    ]
    if count == 1:
        return Members(
            trained[0], results[0].best_metrics, results[0].best_epoch, members, results[0].resumed_from_epoch
        )
    model = combine(trained)
    # The ensemble's own dev scores; its best epoch is each member's (in members).
    return Members(model, evaluate(model), None, members, min(r.resumed_from_epoch for r in results))


def bundle_meta(params: Any, fitted: Members, bundle: Path, **own: Any) -> dict[str, Any]:
    """What every trained bundle's bundle.json holds (the model's params, the whole params, the
    kept model's dev scores and members, the code it needs), with the type's ``own`` entries."""
    from mtf_lib.plugins import code_record
    from mtf_lib.tasks.common import model_components

    tp = params.train
    return {
        "model": params.model,
        **own,
        "params": params.model_dump(mode="json"),
        "dev_metrics": fitted.dev_metrics,
        "best_epoch": fitted.best_epoch,
        "ensemble": getattr(tp, "ensemble", 1),
        "members": fitted.members,
        "code": code_record(task_dir(params), params.task.code, bundle, model_components(params)),
    }


def tidy_checkpoints(directory: Path, count: int) -> None:
    """Remove checkpoints of another ensemble size (a single model's ``last.ckpt`` beside
    ``member<k>/`` folders, or members beyond ``count``): they would never be resumed, and the
    cached checkpoints folder would carry them into every later version."""
    import shutil

    if not directory.is_dir():
        return
    keep = {"last.ckpt"} if count == 1 else {f"member{k}" for k in range(count)}
    for entry in directory.iterdir():
        if entry.name in keep:
            continue
        if entry.is_dir() and entry.name.startswith("member"):
            shutil.rmtree(entry)
        elif entry.name == "last.ckpt":
            entry.unlink()


def write_dev_metrics(paths: StagePaths, resumed_from_epoch: int) -> dict[str, Any]:
    """Rank 0 writes the kept model's dev scores (from its bundle) to ``paths.dev_metrics``;
    returns them, with the epoch training resumed from, as the stage's summary ({} elsewhere)."""
    from mtf_lib.inference.bundle import read_bundle_meta
    from mtf_lib.io import write_json

    if not launch_info().is_main:
        return {}
    summary = rounded(dev_summary(read_bundle_meta(paths.bundle)))
    write_json(paths.dev_metrics, summary)
    size = sum(f.stat().st_size for f in paths.bundle.rglob("*") if f.is_file())
    return {**summary, "resumed_from_epoch": resumed_from_epoch, "bundle_mb": round(size / 2**20, 1)}


def dev_summary(meta: dict[str, Any]) -> dict[str, Any]:
    """The kept model's dev scores from its bundle's meta, with the epoch it was kept at (an
    ensemble's members keep theirs in the bundle): flat, so ``dvc exp show`` stays narrow."""
    scores = {k: v for k, v in meta["dev_metrics"].items() if k not in NOT_SCORES}
    return {**scores, "best_epoch": meta["best_epoch"]} if meta.get("best_epoch") is not None else scores


def distilled(
    params: Any,
    paths: StagePaths,
    train_set: Any,
    lengths: Any,
    labels: list[str],
    objective: Any,
    encode_silver: Callable[[list[dict]], tuple[Any, Any]],
    one_row: bool = False,
) -> tuple[Any, Any, Objective]:
    """The train set, its lengths and the Trainer's objective: with a ``distill`` section, the
    train set followed by the teacher stage's unlabeled sentences (``encode_silver`` encodes their
    records into a data set and its lengths; their items have ``gold`` 0) with the teacher's soft targets, and
    ``objective(alpha, temperature)``; else as they are."""
    if getattr(params, "distill", None) is None:
        return train_set, lengths, model_loss
    from mtf_lib.distill.soft_targets import SoftTargets, WithSoftTargets
    from mtf_lib.distill.teacher import read_silver

    targets = SoftTargets.load(paths.teacher)
    if abs(targets.temperature - params.distill.temperature) > 1e-9:
        from mtf_lib.errors import InputError

        raise InputError("the teacher's soft targets were made at another distill.temperature: run the teacher stage")
    silver = read_silver(paths.teacher)
    extra, extra_lengths = encode_silver(silver) if silver else (None, [])
    soft = WithSoftTargets(train_set, targets, labels, one_row, extra)
    all_lengths = np.concatenate([np.asarray(lengths, np.int64), np.asarray(extra_lengths, np.int64)])
    return soft, all_lengths, objective(params.distill.alpha, params.distill.temperature)
