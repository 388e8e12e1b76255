"""Train stage: build the model from params, fit it with the Trainer (an ensemble with
``train.ensemble``), calibrate its outputs on dev, save the bundle."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from mtf_lib import registry
from mtf_lib.data.shards import SUFFIX
from mtf_lib.data.vocab import load_vocabs
from mtf_lib.layout import StagePaths
from mtf_lib.models.ensemble import Ensemble
from mtf_lib.tasks.common import read_preprocessed
from mtf_lib.tasks.fitting import Members, TrainPlan, train_stage
from mtf_lib.tasks.pair_scoring.dataset import encoder_for
from mtf_lib.tasks.pair_scoring.encode import OVERLAP_DIR, PairEncoder
from mtf_lib.tasks.pair_scoring.encoded import EncodedPairs
from mtf_lib.tasks.pair_scoring.features import collate
from mtf_lib.tasks.pair_scoring.model_io import build_model, save_pair_bundle
from mtf_lib.tasks.pair_scoring.params import metric_range
from mtf_lib.tasks.pair_scoring.predictor import PairScoringPredictor, as_request
from mtf_lib.text.overlap import OverlapFeatures


class Calibration(NamedTuple):
    slope: float
    intercept: float
    fitted: bool  # False: dev gave no increasing line, the outputs' dev range was mapped instead


def calibration(units: np.ndarray, gold: list[float], encoder: PairEncoder) -> Calibration:
    """The least-squares line from the model's dev outputs to the gold scores' [0, 1] units. Where
    that line would not be increasing (the outputs fall as the gold scores rise), the line that
    maps the outputs' dev range onto [0, 1]: an increasing map leaves every rank in place and
    keeps the scores apart, where the raw outputs of a ranking loss could all clip to one end."""
    targets = np.asarray([encoder.target_of(g) for g in gold], dtype=np.float64)
    units = units.astype(np.float64)
    if len(units) < 2 or np.ptp(units) == 0:
        return Calibration(1.0, 0.0, fitted=False)
    slope, intercept = np.polyfit(units, targets, 1)
    if slope > 0:
        return Calibration(float(slope), float(intercept), fitted=True)
    span = 1.0 / float(np.ptp(units))
    return Calibration(span, -float(units.min()) * span, fitted=False)


def _warn_unfitted(dev_metrics: dict[str, float]) -> None:
    print(
        "warning: the model's dev outputs do not rise with the gold scores "
        f"(dev spearman {dev_metrics.get('spearman', 0.0):.3f}): no line could be fitted, so its "
        "outputs are mapped by their dev range. It has not learnt the task: train longer, lower "
        "train.lr or the encoder's encoder_lr, or use model.loss mse.v1",
        file=sys.stderr,
    )


def plan(params: Any, paths: StagePaths) -> TrainPlan:
    """Pair models on the encoded train split (an ensemble with ``train.ensemble``), scored on dev
    through the Predictor that serves them; a score target's outputs are calibrated on dev, during
    training as the kept model's will be."""
    tp = params.train
    vocabs = load_vocabs(paths.dataset / "vocab")
    overlap_dir = Path(paths.dataset) / OVERLAP_DIR
    encoder = encoder_for(params, vocabs, OverlapFeatures.load(overlap_dir) if overlap_dir.is_dir() else None)
    train_set = EncodedPairs.load(paths.dataset / f"train{SUFFIX}")
    dev_records = read_preprocessed(paths.preprocessed / "dev.jsonl")
    gold_dev = [r["target"] for r in dev_records]
    groups_dev = [r["group"] for r in dev_records]
    target = params.preprocess.target
    metric = registry.metrics.build(params.evaluate.metric, *metric_range(target))
    own = {
        "target": {"kind": target.kind, "low": encoder.low, "high": encoder.high},
        "n_features": train_set.n_features,
        "dataset": params.dataset.model_dump(mode="json"),
    }
    served_meta = {"preprocess": params.preprocess.model_dump(mode="json"), **own}
    # Dev goes through the served prediction path (tokenized from its texts as requests are),
    # prepared once: its inputs do not depend on the weights.
    dev_requests = [as_request(r) for r in dev_records]
    dev_inputs = PairScoringPredictor.for_model(served_meta, None, encoder).prepare(dev_requests)

    def scored(m: Any, final: bool = False) -> tuple[dict[str, float], PairEncoder]:
        """Dev scores of ``m`` and the encoder that maps its outputs, from one pass over dev: score
        outputs are calibrated on dev as the kept model's will be (a ranking loss leaves their
        scale free; clipped uncalibrated outputs would tie and skew the ranks)."""
        outputs = PairScoringPredictor.for_model(served_meta, m, encoder).outputs(dev_inputs, 2 * tp.batch_size)
        if target.kind == "label":
            predicted = [vocabs["labels"].tokens[i] for i in outputs.argmax(1)]
            return metric(gold_dev, predicted, groups_dev).overall, encoder
        line = calibration(outputs, gold_dev, encoder)
        scoring = dataclasses.replace(encoder, slope=line.slope, intercept=line.intercept)
        scores = metric(gold_dev, scoring.scores_of(outputs), groups_dev).overall
        if final and not line.fitted:
            _warn_unfitted(scores)
        return scores, scoring

    def save(fitted: Members, meta: dict[str, Any]) -> None:
        if target.kind == "score":
            # An ensemble's dev scores and calibration, as it is served.
            meta["dev_metrics"], scoring = scored(fitted.model, final=True)
            meta["target"]["calibration"] = [scoring.slope, scoring.intercept]
        save_pair_bundle(paths.bundle, fitted.model, vocabs, meta, overlap_dir if overlap_dir.is_dir() else None)

    return TrainPlan(
        train_set,
        train_set.lengths(),
        lambda: build_model(params.model, vocabs, own),
        collate,
        lambda m: scored(m)[0],
        save,
        combine=Ensemble,
        meta=served_meta,
    )


train = train_stage(plan)
