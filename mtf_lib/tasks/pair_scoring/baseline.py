"""Baseline stage: scorers that need no neural training — the char TF-IDF cosine (mapped to the
score scale by a per-group linear fit on train), a gradient-boosted regressor over
lexical-overlap features, and a pretrained sentence encoder's zero-shot cosine when
``baseline.encoder`` names one — scored on test with the task's metric, so a trained model's
``metrics/eval.json`` has a trivial one beside it (``metrics/baseline.json``)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.io import write_json
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import read_preprocessed
from mtf_lib.tasks.pair_scoring.params import metric_range

BASELINE_FILE = "baseline.json"


def baseline(params: Any, paths: StagePaths) -> dict[str, Any]:
    from mtf_lib.tasks.pair_scoring import baselines

    target = params.preprocess.target
    if target.kind != "score":
        # The baselines are regressors; a label task's pipeline keeps the stage, with nothing to score.
        summary = {"test": {}, "examples": 0, "note": "no baselines for label targets (they score regression targets)"}
        write_json(Path(paths.metrics) / BASELINE_FILE, summary)
        return summary
    train = read_preprocessed(paths.preprocessed / "train.jsonl")
    test = read_preprocessed(paths.preprocessed / "test.jsonl")
    metric = registry.metrics.build(params.evaluate.metric, *metric_range(target))
    gold, groups = [r["target"] for r in test], [r["group"] for r in test]
    results = {}
    scorers = dict(baselines.BASELINES)
    if params.baseline.encoder is not None:
        scorers["encoder_cosine"] = partial(baselines.encoder_cosine, encoder=params.baseline.encoder)
    for name, scorer in scorers.items():
        predicted = scorer(train, test, seed=params.baseline.seed, low=target.min, high=target.max)
        results[name] = {k: round(v, 6) for k, v in metric(gold, predicted, groups).overall.items()}
    summary = {"test": results, "examples": len(test)}
    write_json(Path(paths.metrics) / BASELINE_FILE, summary)
    return summary
