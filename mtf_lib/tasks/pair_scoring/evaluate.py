"""Evaluate stage: score the bundle on the test split through the Predictor that serves it;
write metrics (overall and per group), a predicted-vs-gold scatter and per-group bars."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.inference import Predictor
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import read_preprocessed
from mtf_lib.tasks.error_analysis import write_error_analysis
from mtf_lib.tasks.evaluation import write_evaluation
from mtf_lib.tasks.pair_scoring.params import metric_range
from mtf_lib.training.threads import set_threads

TEST_ONLY = "evaluate scores the test split only"


def as_request(record: dict[str, Any]) -> dict[str, Any]:
    """A preprocessed record as the Predictor's input."""
    return {"a": record["a"], "b": record["refs"], "context": record["context"], "group": record["group"]}


def evaluate(params: Any, paths: StagePaths) -> dict[str, Any]:
    set_threads(params.evaluate.threads)
    records = read_preprocessed(paths.preprocessed / "test.jsonl")
    predictor = Predictor.load(paths.bundle)
    outputs = predictor.predict([as_request(r) for r in records], batch_size=params.evaluate.batch_size)
    target = params.preprocess.target
    predicted = [o["score"] if target.kind == "score" else o["label"] for o in outputs]
    gold, groups = [r["target"] for r in records], [r["group"] for r in records]
    scores = registry.metrics.get(params.evaluate.metric)(**metric_range(target))(gold, predicted, groups)
    summary = write_evaluation(paths.metrics, paths.live, scores, len(records), "group")
    write_plots(Path(paths.metrics) / "plots", gold, predicted, scores, params.train.monitor, target.kind)
    write_error_analysis(paths.metrics, params.task.type, {"test": (records, outputs)}, TEST_ONLY)
    return summary


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
