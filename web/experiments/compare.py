"""Two or more experiments side by side: the params that differ among them, every metric with its
change from the reference (the first one chosen that has metrics: a queued, running or failed
one has none), and their training curves overlaid."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from web.experiments.curves import Series, experiment_curves
from web.experiments.source import Experiment, TaskLayout
from web.experiments.svg import colour, line_chart
from web.experiments.table import SPLITS


@dataclass(frozen=True)
class MetricDiff:
    split: str
    name: str
    values: list[float | None]  # one per experiment, in the order chosen
    deltas: list[float | None]  # value - the reference's; None for the reference and where there is none
    signs: list[str]  # "+", "-", "=" or "" (no value to compare)
    better: str  # "higher", "lower", or "" for a count that is no score (best_epoch, support): not coloured

    @property
    def integer(self) -> bool:
        """Every value is whole (best_epoch): shown without decimals."""
        return all(v is None or float(v).is_integer() for v in self.values)


@dataclass(frozen=True)
class Comparison:
    experiments: list[Experiment]
    colours: list[str]
    params: list[tuple[str, list[Any]]]  # (key, a value per experiment); only keys that differ
    reference: int | None  # the index of the experiment metrics are compared with; None: none has metrics
    metrics: list[MetricDiff]
    curves: dict[str, dict[str, list[tuple[float, float]]]]  # {metric: {experiment id: points}}
    charts: list[tuple[str, Markup]]  # (metric, its SVG)


def compare(layout: TaskLayout, experiments: list[Experiment]) -> Comparison:
    series = [experiment_curves(layout, exp) for exp in experiments]
    overlaid = overlay(experiments, series)
    return Comparison(
        experiments=experiments,
        colours=[colour(i) for i in range(len(experiments))],
        params=params_diff(experiments),
        reference=reference_index(experiments),
        metrics=metrics_diff(experiments),
        curves={metric: {exp.id: points for exp, points in lines} for metric, lines in overlaid},
        charts=[(metric, line_chart(metric, [(e.name, points) for e, points in lines])) for metric, lines in overlaid],
    )


def params_diff(experiments: list[Experiment]) -> list[tuple[str, list[Any]]]:
    keys = dict.fromkeys(key for exp in experiments for key in exp.params)
    rows = [(key, [exp.params.get(key) for exp in experiments]) for key in keys]
    return [(key, values) for key, values in rows if any(v != values[0] for v in values)]


def reference_index(experiments: list[Experiment]) -> int | None:
    """The first experiment chosen that has metrics."""
    return next((i for i, exp in enumerate(experiments) if exp.metrics), None)


def metrics_diff(experiments: list[Experiment]) -> list[MetricDiff]:
    found = []
    index = reference_index(experiments)
    minimized = lower_is_better(experiments[index] if index is not None else None)
    for split in SPLITS:
        for name in dict.fromkeys(n for exp in experiments for n in exp.metrics.get(split, {})):
            values = [exp.metrics.get(split, {}).get(name) for exp in experiments]
            reference = values[index] if index is not None else None
            deltas = [
                None if i == index or v is None or reference is None else v - reference for i, v in enumerate(values)
            ]
            found.append(MetricDiff(split, name, values, deltas, [sign(d) for d in deltas], better(name, minimized)))
    return found


# Numbers in the metrics files that are no score: a change in them is neither better nor worse.
NOT_A_SCORE = re.compile(r"(^|_)(epochs?|steps?|support|count|size)$|^(n|num)_|^best_(epoch|step)$")
# Scores where lower is better, besides those the task's metric names (its ``minimize`` tag).
LOWER_IS_BETTER = re.compile(r"(^|_)(loss|rmse|mse|mae|error|err|perplexity|ppl|wer|cer|ter)($|_)")


def better(name: str, minimized: set[str]) -> str:
    if NOT_A_SCORE.search(name):
        return ""
    return "lower" if name in minimized or LOWER_IS_BETTER.search(name) else "higher"


def lower_is_better(experiment: Experiment | None) -> set[str]:
    """The scores the experiment's metric (``evaluate.metric``) minimises, as the registry tags them."""
    # A bare name, or {name, its settings} (flattened: evaluate.metric.name).
    params = experiment.params if experiment else {}
    metric = params.get("evaluate.metric.name", params.get("evaluate.metric"))
    if not isinstance(metric, str):
        return set()
    from mtf_lib import registry

    try:
        return set(registry.metrics.tags(metric).get("minimize", ()))
    except Exception:  # an unknown or plug-in metric: the names alone decide
        return set()


def sign(delta: float | None) -> str:
    if delta is None:
        return ""
    return "+" if delta > 0 else "-" if delta < 0 else "="


def overlay(experiments: list[Experiment], series: list[Series]) -> list[tuple[str, list[tuple[Experiment, list]]]]:
    """Per metric, each experiment's points (an empty list keeps its colour when it has none)."""
    metrics = dict.fromkeys(metric for curves in series for metric in curves)
    pairs = list(zip(experiments, series, strict=True))
    return [(metric, [(exp, curves.get(metric, [])) for exp, curves in pairs]) for metric in metrics]
