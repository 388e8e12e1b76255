"""The evaluate stage every task type shares, and its output, one layout for every task type.

A task type supplies what is its own as an ``EvalPlan`` (how the served Predictor runs a split's
records, the metric over them, its plots) and its evaluate stage is ``evaluate_stage(its_plan)``:
test is scored through the same Predictor that serves the bundle, then dev's outputs go to the
error analysis beside test's. It writes:

- ``metrics/eval.json``: ``{"test": {<headline scores>}, "examples": N}`` (a DVC metric: what
  ``dvc metrics show`` and ``dvc exp show`` list);
- ``metrics/eval_groups.json``: the same scores per entity type or class, each with its support
  (not a DVC metric, so experiment tables stay narrow; the web app and users read it);
- ``metrics/plots/``: PNG plots that need no browser: scores per group, training curves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtf_lib import plots
from mtf_lib.io import write_json
from mtf_lib.layout import StagePaths
from mtf_lib.metrics.scores import Scores, rounded

EVAL_FILE = "eval.json"
GROUPS_FILE = "eval_groups.json"


def write_evaluation(
    metrics_dir: Path, live_dir: Path, scores: Scores, examples: int, group: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Write the files above for test ``scores`` over ``examples``; ``group`` names what a group is
    ("entity type", "class"); ``extra``: more of eval.json (how the scores were computed).
    Returns eval.json's content."""
    summary = {"test": rounded(scores.overall), "examples": examples, **(extra or {})}
    write_json(metrics_dir / EVAL_FILE, summary)
    write_json(metrics_dir / GROUPS_FILE, {"group": group, "groups": {g: rounded(s) for g, s in scores.groups.items()}})
    f1 = {g: s["f1"] for g, s in scores.groups.items() if "f1" in s}
    chart = metrics_dir / "plots" / "per_group_f1.png"
    if f1:
        plots.bar_chart(f1, f"test F1 per {group}", "F1", chart)
    else:
        chart.unlink(missing_ok=True)  # an earlier run's chart would pass for this one's
    series = plots.read_live_series(live_dir)
    if series:
        plots.training_curves(series, metrics_dir / "plots" / "training_curves.png")
    return summary


@dataclass
class EvalPlan:
    """What a task type's evaluate stage is made of; ``evaluate_stage`` does the rest.

    ``predict(predictor, records)``: one output per preprocessed record; ``score(records,
    outputs)``: the metric's scores; ``group``: what a group of eval_groups.json is ("class");
    ``extra(predictor, records, scores)``: more of eval.json (how the scores were computed);
    ``own_files(metrics_dir, records, outputs, scores)``: the type's own plots and files;
    ``analysed(records)``: the records as the error analysis reads them; ``test_only``: why dev
    is not analysed (None: dev's outputs are analysed beside test's).
    """

    predict: Callable[[Any, list[dict]], list[Any]]
    score: Callable[[list[dict], list[Any]], Scores]
    group: str
    extra: Callable[[Any, list[dict], Scores], dict[str, Any]] | None = None
    own_files: Callable[[Path, list[dict], list[Any], Scores], None] | None = None
    analysed: Callable[[list[dict]], list[dict]] | None = None
    test_only: str | None = None


def evaluate_stage(plan: Callable[[Any], EvalPlan]) -> Callable[[Any, StagePaths], dict[str, Any]]:
    """The evaluate stage of a task type whose ``plan(params)`` says what is its own."""

    def evaluate(params: Any, paths: StagePaths) -> dict[str, Any]:
        # Imported when the stage runs: the web reads this module's names without torch's training code.
        from mtf_lib.inference import Predictor
        from mtf_lib.tasks.common import read_preprocessed
        from mtf_lib.tasks.error_analysis import write_error_analysis
        from mtf_lib.training.threads import set_threads

        set_threads(params.evaluate.threads)
        own = plan(params)
        records = read_preprocessed(paths.preprocessed / "test.jsonl")
        predictor = Predictor.load(paths.bundle)
        outputs = own.predict(predictor, records)
        scores = own.score(records, outputs)
        extra = own.extra(predictor, records, scores) if own.extra else None
        summary = write_evaluation(paths.metrics, paths.live, scores, len(records), own.group, extra)
        if own.own_files:
            own.own_files(Path(paths.metrics), records, outputs, scores)
        splits = {"test": (own.analysed(records) if own.analysed else records, outputs)}
        if own.test_only is None:
            dev = read_preprocessed(paths.preprocessed / "dev.jsonl")
            splits["dev"] = (dev, own.predict(predictor, dev))
        write_error_analysis(paths.metrics, params.task.type, splits, own.test_only)
        return summary

    evaluate.__doc__ = plan.__doc__
    return evaluate
