"""Train stage: build the model from params, fit it (an ensemble with ``train.ensemble``), save the bundle."""

from __future__ import annotations

from typing import Any

from mtf_lib import registry
from mtf_lib.data.shards import SUFFIX, Split
from mtf_lib.data.vocab import load_vocabs
from mtf_lib.distill.objective import TaggingDistillation
from mtf_lib.layout import StagePaths
from mtf_lib.models.ensemble import TaggerEnsemble
from mtf_lib.tasks.common import read_preprocessed
from mtf_lib.tasks.fitting import Members, TrainPlan, distilled, train_stage
from mtf_lib.tasks.tagging.features import collate, encode_split
from mtf_lib.tasks.tagging.model_io import build_model, save_tagging_bundle
from mtf_lib.tasks.tagging.predictor import WindowTagger


def plan(params: Any, paths: StagePaths) -> TrainPlan:
    """Taggers on the encoded train split; dev is scored as evaluate scores test: raw texts
    through the served path (windows and all)."""
    vocabs = load_vocabs(paths.dataset / "vocab")
    train_set = Split(paths.dataset / f"train{SUFFIX}")
    dev = read_preprocessed(paths.preprocessed / "dev.jsonl")
    preprocess = params.preprocess.model_dump(mode="json")
    dev_inputs = WindowTagger.for_params(None, vocabs, preprocess).prepare([r["text"] for r in dev])
    metric = registry.metrics.build(params.evaluate.metric)

    def score_dev(model: Any) -> dict[str, float]:
        tagger = WindowTagger.for_params(model, vocabs, preprocess)
        return metric([r["tags"] for r in dev], tagger.tag(dev_inputs, 2 * params.train.batch_size)).overall

    def encode_silver(records: list[dict]) -> tuple[Split, Any]:
        silver = encode_split(records, vocabs)
        return silver, silver.lengths("chars")

    training, lengths, objective = distilled(
        params,
        paths,
        train_set,
        train_set.lengths("chars"),
        vocabs["labels"].tokens,
        TaggingDistillation,
        encode_silver,
    )

    def save(fitted: Members, meta: dict[str, Any]) -> None:
        save_tagging_bundle(paths.bundle, fitted.model, vocabs, meta)

    return TrainPlan(
        training,
        lengths,
        lambda: build_model(params.model, vocabs),
        collate,
        score_dev,
        save,
        combine=TaggerEnsemble,
        objective=objective,
        meta={"preprocess": preprocess},
    )


train = train_stage(plan)
