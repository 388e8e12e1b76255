"""Train stage: build the model from params, fit it with the Trainer, save the bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.data.vocab import load_vocabs
from mtf_lib.tasks.classification.dataset import EncodedSplit
from mtf_lib.tasks.classification.features import collate
from mtf_lib.tasks.classification.infer import class_probabilities
from mtf_lib.tasks.classification.model_io import build_model, save_classification_bundle
from mtf_lib.tasks.fitting import distributed, fit_task
from mtf_lib.training.distributed import DistInfo
from mtf_lib.training.seed import seed_everything
from mtf_lib.training.threads import set_threads
from mtf_lib.training.trainer import FitResult


def train(
    params: Any, data_dir: Path, checkpoint_dir: Path, bundle_dir: Path, live_dir: Path, progress: bool = True
) -> FitResult:
    set_threads(params.train.threads)
    return distributed(lambda dist: _train(params, data_dir, checkpoint_dir, bundle_dir, live_dir, dist, progress))


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
    labels = vocabs["labels"].tokens
    train_set = EncodedSplit.load(data_dir, "train")
    dev_set = EncodedSplit.load(data_dir, "dev")
    dev_tokens = dev_set.token_ids()
    gold_dev = [labels[i] for i in dev_set.labels]
    model_params = params.model
    label_counts = train_set.label_counts(len(labels))
    model = build_model(model_params, vocabs, label_counts)

    metric = registry.metrics.get(params.evaluate.metric)()

    def evaluate(m: Any) -> dict[str, float]:
        probabilities = class_probabilities(m, dev_tokens, len(labels), 2 * tp.batch_size)
        return metric(gold_dev, [labels[i] for i in probabilities.argmax(1)]).overall

    trainer, result = fit_task(
        params, model, train_set, train_set.tokens.lengths, collate, evaluate, checkpoint_dir, live_dir, dist, progress
    )
    if dist.is_main:
        meta = {
            "model": model_params,
            "preprocess": params.preprocess.model_dump(),
            "dataset": params.dataset.model_dump(),
            "label_counts": label_counts,
            "params": params.model_dump(mode="json"),
            "dev_metrics": result.best_metrics,
            "best_epoch": result.best_epoch,
        }
        save_classification_bundle(bundle_dir, trainer.model, vocabs, meta)
    return result
