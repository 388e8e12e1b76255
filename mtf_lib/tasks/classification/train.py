"""Train stage: build the model from params, fit it with the Trainer, save the bundle."""

from __future__ import annotations

from typing import Any

import numpy as np

from mtf_lib import registry
from mtf_lib.data.shards import Split
from mtf_lib.data.vocab import load_vocabs
from mtf_lib.distill.objective import ClassificationDistillation
from mtf_lib.layout import StagePaths
from mtf_lib.models.ensemble import Ensemble
from mtf_lib.tasks.classification.dataset import encode_split, load_split, text_lengths
from mtf_lib.tasks.classification.features import collate
from mtf_lib.tasks.classification.model_io import build_model, save_classification_bundle
from mtf_lib.tasks.classification.predictor import ClassificationPredictor
from mtf_lib.tasks.common import read_preprocessed
from mtf_lib.tasks.fitting import Members, TrainPlan, distilled, train_stage


def plan(params: Any, paths: StagePaths) -> TrainPlan:
    """Classifiers on the encoded train split (an ensemble with ``train.ensemble``), scored on
    dev through the Predictor that serves them."""
    vocabs = load_vocabs(paths.dataset / "vocab")
    labels = vocabs["labels"].tokens
    train_set = load_split(paths.dataset, "train")
    dev_records = read_preprocessed(paths.preprocessed / "dev.jsonl")
    gold_dev = [r["label"] for r in dev_records]
    label_counts = np.bincount(train_set.column("labels"), minlength=len(labels)).tolist()
    own = {"label_counts": label_counts, "dataset": params.dataset.model_dump(mode="json")}
    served_meta = {"preprocess": params.preprocess.model_dump(mode="json"), **own}
    # Dev goes through the served prediction path (tokenized from its texts as requests are),
    # prepared once: its inputs do not depend on the weights.
    dev_inputs = ClassificationPredictor.for_model(served_meta, None, vocabs).prepare([r["text"] for r in dev_records])
    metric = registry.metrics.build(params.evaluate.metric)

    def score_dev(model: Any) -> dict[str, float]:
        predictor = ClassificationPredictor.for_model(served_meta, model, vocabs)
        return metric(gold_dev, predictor.classify(dev_inputs, 2 * params.train.batch_size)).overall

    def encode_silver(records: list[dict]) -> tuple[Split, Any]:
        silver = encode_split(records, vocabs, params.dataset.max_len)
        return silver, text_lengths(silver)

    training, lengths, objective = distilled(
        params,
        paths,
        train_set,
        text_lengths(train_set),
        labels,
        ClassificationDistillation,
        encode_silver,
        one_row=True,
    )

    def save(fitted: Members, meta: dict[str, Any]) -> None:
        save_classification_bundle(paths.bundle, fitted.model, vocabs, meta)

    return TrainPlan(
        training,
        lengths,
        lambda: build_model(params.model, vocabs, own),
        collate,
        score_dev,
        save,
        combine=Ensemble,
        objective=objective,
        meta=served_meta,
    )


train = train_stage(plan)
