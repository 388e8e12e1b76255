"""Train stage: build the model from params, fit it with the Trainer, save the bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from torch.utils.data import DataLoader

from mtf_lib import registry
from mtf_lib.data.batching import BucketBatchSampler
from mtf_lib.data.encoding import RaggedArrays
from mtf_lib.metrics.entities import entity_scores
from mtf_lib.tasks.tagging.dataset import load_vocabs
from mtf_lib.tasks.tagging.decode import decode_examples
from mtf_lib.tasks.tagging.features import collate
from mtf_lib.tasks.tagging.model_io import build_model, save_tagging_bundle
from mtf_lib.training.checkpoint import params_hash
from mtf_lib.training.distributed import DistInfo, init_distributed, shutdown
from mtf_lib.training.seed import seed_everything
from mtf_lib.training.trainer import FitResult, Trainer, TrainSettings


class Examples:
    """Index access to the per-sentence arrays of an encoded split."""

    def __init__(self, arrays: RaggedArrays) -> None:
        self.arrays = arrays

    def __len__(self) -> int:
        return len(self.arrays)

    def __getitem__(self, index: int) -> dict:
        return {name: self.arrays.get(name, index) for name in self.arrays.fields}


def run_hash(params: Any) -> str:
    """What shapes the trained weights: a checkpoint from other values is not resumed."""
    shaping = {
        "preprocess": params.preprocess.model_dump(exclude={"workers"}),
        "dataset": params.dataset.model_dump(),
        "model": params.model.model_dump(),
        "train": params.train.model_dump(exclude={"device"}),
    }
    return params_hash(shaping)


def train(
    params: Any, data_dir: Path, checkpoint_dir: Path, bundle_dir: Path, live_dir: Path, progress: bool = True
) -> FitResult:
    dist = init_distributed()
    try:
        return _train(params, data_dir, checkpoint_dir, bundle_dir, live_dir, dist, progress)
    finally:
        shutdown(dist)


def _train(
    params: Any,
    data_dir: Path,
    checkpoint_dir: Path,
    bundle_dir: Path,
    live_dir: Path,
    dist: DistInfo,
    progress: bool,
) -> FitResult:
    tp = params.train
    seed_everything(tp.seed)
    vocabs = load_vocabs(data_dir / "vocab")
    train_set = Examples(RaggedArrays.load(data_dir / "train.npz"))
    dev_set = Examples(RaggedArrays.load(data_dir / "dev.npz"))
    gold_dev = [[vocabs["labels"].tokens[t] for t in dev_set[i]["tags"]] for i in range(len(dev_set))]
    sampler = BucketBatchSampler(
        train_set.arrays.lengths,
        tp.batch_size,
        shuffle=True,
        seed=tp.seed,
        rank=dist.rank,
        num_replicas=dist.world_size,
    )
    loader = DataLoader(train_set, batch_sampler=sampler, collate_fn=collate)
    model_params = params.model.model_dump()
    model = build_model(model_params, vocabs)

    def evaluate(m: Any) -> dict[str, float]:
        predicted = decode_examples(m, dev_set, vocabs["labels"], 2 * tp.batch_size)
        micro = entity_scores(gold_dev, predicted)["micro"]
        return {k: micro[k] for k in ("precision", "recall", "f1")}

    settings = TrainSettings(**tp.model_dump(exclude={"batch_size", "callbacks"}))
    callbacks = [registry.callbacks.get(name)(tp, live_dir) for name in tp.callbacks]
    trainer = Trainer(model, loader, evaluate, settings, checkpoint_dir, run_hash(params), callbacks, dist, progress)
    result = trainer.fit(resume=True)
    if dist.is_main:
        meta = {
            "model": model_params,
            "preprocess": params.preprocess.model_dump(),
            "params": params.model_dump(mode="json"),
            "dev_metrics": result.best_metrics,
            "best_epoch": result.best_epoch,
        }
        save_tagging_bundle(bundle_dir, trainer.model, vocabs, meta)
    return result
