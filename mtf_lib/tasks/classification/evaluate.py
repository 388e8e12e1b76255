"""Evaluate stage: score the bundle on the test split; write metrics and offline plots, and the
error analysis of the dev and test splits."""

from __future__ import annotations

from typing import Any

from mtf_lib import registry
from mtf_lib.inference import Predictor
from mtf_lib.layout import StagePaths
from mtf_lib.plots import confusion_matrix
from mtf_lib.tasks.common import read_preprocessed
from mtf_lib.tasks.error_analysis import write_error_analysis
from mtf_lib.tasks.evaluation import write_evaluation
from mtf_lib.training.threads import set_threads


def evaluate(params: Any, paths: StagePaths) -> dict[str, Any]:
    """``evaluate.metric`` on the test split through the Predictor that serves the model, and
    the confusion matrix."""
    set_threads(params.evaluate.threads)
    records = read_preprocessed(paths.preprocessed / "test.jsonl")
    predictor = Predictor.load(paths.bundle)
    outputs = predictor.predict([r["text"] for r in records], batch_size=params.evaluate.batch_size)
    predicted = [o["label"] for o in outputs]
    gold = [r["label"] for r in records]
    scores = registry.metrics.get(params.evaluate.metric)()(gold, predicted)
    summary = write_evaluation(paths.metrics, paths.live, scores, len(records), "class")
    confusion_matrix(
        gold, predicted, sorted(set(gold) | set(predicted)), paths.metrics / "plots" / "confusion_matrix.png"
    )
    dev = read_preprocessed(paths.preprocessed / "dev.jsonl")
    dev_outputs = predictor.predict([r["text"] for r in dev], batch_size=params.evaluate.batch_size)
    write_error_analysis(paths.metrics, params.task.type, {"test": (records, outputs), "dev": (dev, dev_outputs)})
    return summary
