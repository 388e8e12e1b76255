"""Evaluate stage: score the bundle on the test split; write metrics and offline plots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib import plots, registry
from mtf_lib.inference import Predictor
from mtf_lib.io import write_json
from mtf_lib.tasks.common import read_preprocessed
from mtf_lib.training.threads import set_threads


def evaluate(params: Any, bundle_dir: Path, test_file: Path, live_dir: Path, metrics_dir: Path) -> dict:
    """Entity-level scores on ``test_file`` through the same Predictor that serves the model."""
    set_threads(params.threads)
    records = read_preprocessed(test_file)
    predictor = Predictor.load(bundle_dir)
    predicted = predictor.tag([r["text"] for r in records], batch_size=params.batch_size)
    gold = [r["tags"] for r in records]
    scores = registry.metrics.get(params.metric)()(gold, predicted)
    summary = {
        "test": {k: round(v, 6) for k, v in scores.overall.items()},
        "test_per_type": {
            kind: {"f1": round(s["f1"], 6), "support": s["support"]} for kind, s in scores.groups.items()
        },
        "sentences": len(records),
    }
    write_json(metrics_dir / "eval.json", summary)
    if scores.groups:
        per_type = {k: s["f1"] for k, s in scores.groups.items()}
        plots.bar_chart(per_type, "test F1 per entity type", "F1", metrics_dir / "plots" / "per_type_f1.png")
    series = plots.read_live_series(live_dir)
    if series:
        plots.training_curves(series, metrics_dir / "plots" / "training_curves.png")
    return summary
