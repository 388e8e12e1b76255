"""Train stage: build the model from params, fit it with the Trainer, save the bundle."""

from __future__ import annotations

from typing import Any

from mtf_lib import registry
from mtf_lib.data.vocab import load_vocabs
from mtf_lib.distill.objective import ClassificationDistillation
from mtf_lib.layout import StagePaths
from mtf_lib.models.ensemble import Ensemble
from mtf_lib.tasks.classification.dataset import EncodedSplit, encode_split
from mtf_lib.tasks.classification.features import collate
from mtf_lib.tasks.classification.infer import class_probabilities
from mtf_lib.tasks.classification.model_io import build_model, save_classification_bundle
from mtf_lib.tasks.fitting import bundle_meta, distilled, distributed, fit_members, write_dev_metrics
from mtf_lib.training.distributed import DistInfo
from mtf_lib.training.threads import set_threads


def train(params: Any, paths: StagePaths) -> dict[str, Any]:
    set_threads(params.train.threads)
    resumed = distributed(lambda dist: _train(params, paths, dist))
    return write_dev_metrics(paths, resumed)


def _train(params: Any, paths: StagePaths, dist: DistInfo) -> int:
    tp = params.train
    vocabs = load_vocabs(paths.dataset / "vocab")
    labels = vocabs["labels"].tokens
    train_set = EncodedSplit.load(paths.dataset, "train")
    dev_set = EncodedSplit.load(paths.dataset, "dev")
    dev_inputs = dev_set.inputs()
    gold_dev = [labels[i] for i in dev_set.labels]
    label_counts = train_set.label_counts(len(labels))
    meta_base = {"label_counts": label_counts, "dataset": params.dataset.model_dump(mode="json")}
    metric = registry.metrics.get(params.evaluate.metric)()

    def evaluate(m: Any) -> dict[str, float]:
        probabilities = class_probabilities(m, dev_inputs, len(labels), 2 * tp.batch_size)
        return metric(gold_dev, [labels[i] for i in probabilities.argmax(1)]).overall

    def encode_silver(records: list[dict]) -> tuple[EncodedSplit, Any]:
        split = encode_split(records, vocabs, params.dataset.max_len)
        return split, split.lengths()

    training, lengths, objective = distilled(
        params, paths, train_set, train_set.lengths(), labels, ClassificationDistillation, encode_silver, one_row=True
    )
    fitted = fit_members(
        params,
        paths,
        dist,
        lambda: build_model(params.model, vocabs, meta_base),
        training,
        lengths,
        collate,
        evaluate,
        Ensemble,
        objective,
    )
    if dist.is_main:
        meta = bundle_meta(
            params, fitted, paths.bundle, preprocess=params.preprocess.model_dump(mode="json"), **meta_base
        )
        save_classification_bundle(paths.bundle, fitted.model, vocabs, meta)
    return fitted.resumed_from_epoch
