"""Evaluate stage: score the bundle on the test split; write metrics and offline plots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib import plots, registry
from mtf_lib.inference import Predictor
from mtf_lib.io import write_json
from mtf_lib.plots import confusion_matrix
from mtf_lib.tasks.common import read_preprocessed
from mtf_lib.training.threads import set_threads


def evaluate(params: Any, bundle_dir: Path, test_file: Path, live_dir: Path, metrics_dir: Path) -> dict:
    """Accuracy, macro/micro F1 and per-class scores on ``test_file`` through the Predictor that serves the model."""
    set_threads(params.threads)
    records = read_preprocessed(test_file)
    predictor = Predictor.load(bundle_dir)
    predicted = predictor.classify([r["text"] for r in records], batch_size=params.batch_size)
    gold = [r["label"] for r in records]
    scores = registry.metrics.get(params.metric)()(gold, predicted)
    per_class = scores.groups
    summary = {
        "test": {k: round(v, 6) for k, v in scores.overall.items()},
        "test_per_class": {
            label: {k: round(v, 6) if isinstance(v, float) else v for k, v in scores.items()}
            for label, scores in per_class.items()
        },
        "texts": len(records),
    }
    write_json(metrics_dir / "eval.json", summary)
    confusion_matrix(gold, predicted, list(per_class), metrics_dir / "plots" / "confusion_matrix.png")
    series = plots.read_live_series(live_dir)
    if series:
        plots.training_curves(series, metrics_dir / "plots" / "training_curves.png")
    return summary
