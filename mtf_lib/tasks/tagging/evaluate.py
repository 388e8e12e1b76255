"""Evaluate stage: score the bundle on the test split; write metrics and offline plots, and the
error analysis of the dev and test splits (tagging them is cheap)."""

from __future__ import annotations

from typing import Any

from mtf_lib import registry
from mtf_lib.tasks.evaluation import EvalPlan, evaluate_stage


def plan(params: Any) -> EvalPlan:
    """``evaluate.metric`` on the test split, through the same Predictor that serves the model."""
    metric = registry.metrics.build(params.evaluate.metric)
    return EvalPlan(
        predict=lambda predictor, records: predictor.tag(
            [r["text"] for r in records], batch_size=params.evaluate.batch_size
        ),
        score=lambda records, predicted: metric([r["tags"] for r in records], predicted),
        group="entity type",
    )


evaluate = evaluate_stage(plan)
