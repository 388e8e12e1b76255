"""Evaluate stage: score the bundle on the test split through the Predictor that serves it;
write metrics (overall and per group), a predicted-vs-gold scatter and per-group bars."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.metrics.scores import Scores
from mtf_lib.tasks.evaluation import EvalPlan, evaluate_stage
from mtf_lib.tasks.pair_scoring.params import metric_range
from mtf_lib.tasks.pair_scoring.predictor import as_request

TEST_ONLY = "evaluate scores the test split only"


def plan(params: Any) -> EvalPlan:
    """``evaluate.metric`` (overall and per group) on the test split through the Predictor that
    serves the model; the scatter and per-group plots."""
    target = params.preprocess.target
    metric = registry.metrics.build(params.evaluate.metric, *metric_range(target))

    def predicted(outputs: list[dict[str, Any]]) -> list[Any]:
        return [o["score"] if target.kind == "score" else o["label"] for o in outputs]

    def plots(metrics_dir: Path, records: list[dict], outputs: list[Any], scores: Scores) -> None:
        gold = [r["target"] for r in records]
        write_plots(metrics_dir / "plots", gold, predicted(outputs), scores, params.train.monitor, target.kind)

    return EvalPlan(
        predict=lambda predictor, records: predictor.predict(
            [as_request(r) for r in records], batch_size=params.evaluate.batch_size
        ),
        score=lambda records, outputs: metric(
            [r["target"] for r in records], predicted(outputs), [r["group"] for r in records]
        ),
        group="group",
        own_files=plots,
        test_only=TEST_ONLY,
    )


evaluate = evaluate_stage(plan)


def write_plots(folder: Path, gold: list, predicted: list, scores: Any, headline: str, kind: str) -> None:
    """The scatter (kind score) and ``headline`` per group (where there are groups)."""
    from mtf_lib import plots

    if kind == "score":
        plots.score_scatter(gold, predicted, folder / "scatter.png", "test: predicted vs gold")
    per_group = {g: s[headline] for g, s in scores.groups.items() if headline in s}
    chart = folder / f"per_group_{headline}.png"
    if per_group:
        plots.bar_chart(per_group, f"test {headline} per group", headline, chart)
    else:
        chart.unlink(missing_ok=True)
