"""Evaluate stage: score the bundle on the test split; write metrics and offline plots, and the
error analysis of the dev and test splits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.metrics.scores import Scores
from mtf_lib.tasks.evaluation import EvalPlan, evaluate_stage


def plan(params: Any) -> EvalPlan:
    """``evaluate.metric`` on the test split through the Predictor that serves the model, and
    the confusion matrix."""
    metric = registry.metrics.build(params.evaluate.metric)

    def confusion(metrics_dir: Path, records: list[dict], outputs: list[Any], scores: Scores) -> None:
        from mtf_lib.plots import confusion_matrix

        gold, predicted = [r["label"] for r in records], [o["label"] for o in outputs]
        confusion_matrix(
            gold, predicted, sorted(set(gold) | set(predicted)), metrics_dir / "plots" / "confusion_matrix.png"
        )

    return EvalPlan(
        predict=lambda predictor, records: predictor.predict(
            [r["text"] for r in records], batch_size=params.evaluate.batch_size
        ),
        score=lambda records, outputs: metric([r["label"] for r in records], [o["label"] for o in outputs]),
        group="class",
        own_files=confusion,
    )


evaluate = evaluate_stage(plan)
