"""Evaluate stage: score the bundle on the test split; write metrics and offline plots, and the
error analysis of the dev and test splits (tagging them is cheap)."""

from __future__ import annotations

from typing import Any

from mtf_lib import registry
from mtf_lib.inference import Predictor
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import read_preprocessed
from mtf_lib.tasks.error_analysis import write_error_analysis
from mtf_lib.tasks.evaluation import write_evaluation
from mtf_lib.training.threads import set_threads


def evaluate(params: Any, paths: StagePaths) -> dict[str, Any]:
    """``evaluate.metric`` on the test split, through the same Predictor that serves the model."""
    set_threads(params.evaluate.threads)
    records = read_preprocessed(paths.preprocessed / "test.jsonl")
    predictor = Predictor.load(paths.bundle)
    predicted = predictor.tag([r["text"] for r in records], batch_size=params.evaluate.batch_size)
    scores = registry.metrics.get(params.evaluate.metric)()([r["tags"] for r in records], predicted)
    summary = write_evaluation(paths.metrics, paths.live, scores, len(records), "entity type")
    dev = read_preprocessed(paths.preprocessed / "dev.jsonl")
    dev_predicted = predictor.tag([r["text"] for r in dev], batch_size=params.evaluate.batch_size)
    write_error_analysis(paths.metrics, params.task.type, {"test": (records, predicted), "dev": (dev, dev_predicted)})
    return summary
