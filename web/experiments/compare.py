"""Two or more experiments side by side: the params that differ among them, every metric with its
change from the first one chosen (the reference), and their training curves overlaid."""

from __future__ import annotations

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
    deltas: list[float | None]  # value - the reference's (the first experiment's); None for the reference
    signs: list[str]  # "+", "-", "=" or "" (no value to compare)

    @property
    def integer(self) -> bool:
        """Every value is whole (best_epoch): shown without decimals."""
        return all(v is None or float(v).is_integer() for v in self.values)


@dataclass(frozen=True)
class Comparison:
    experiments: list[Experiment]
    colours: list[str]
    params: list[tuple[str, list[Any]]]  # (key, a value per experiment); only keys that differ
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
        metrics=metrics_diff(experiments),
        curves={metric: {exp.id: points for exp, points in lines} for metric, lines in overlaid},
        charts=[(metric, line_chart(metric, [(e.name, points) for e, points in lines])) for metric, lines in overlaid],
    )


def params_diff(experiments: list[Experiment]) -> list[tuple[str, list[Any]]]:
    keys = dict.fromkeys(key for exp in experiments for key in exp.params)
    rows = [(key, [exp.params.get(key) for exp in experiments]) for key in keys]
    return [(key, values) for key, values in rows if any(v != values[0] for v in values)]


def metrics_diff(experiments: list[Experiment]) -> list[MetricDiff]:
    found = []
    for split in SPLITS:
        for name in dict.fromkeys(n for exp in experiments for n in exp.metrics.get(split, {})):
            values = [exp.metrics.get(split, {}).get(name) for exp in experiments]
            reference = values[0]
            deltas = [None if v is None or reference is None else v - reference for v in values[1:]]
            deltas.insert(0, None)  # the reference itself
            found.append(MetricDiff(split, name, values, deltas, [sign(d) for d in deltas]))
    return found


def sign(delta: float | None) -> str:
    if delta is None:
        return ""
    return "+" if delta > 0 else "-" if delta < 0 else "="


def overlay(experiments: list[Experiment], series: list[Series]) -> list[tuple[str, list[tuple[Experiment, list]]]]:
    """Per metric, each experiment's points (an empty list keeps its colour when it has none)."""
    metrics = dict.fromkeys(metric for curves in series for metric in curves)
    pairs = list(zip(experiments, series, strict=True))
    return [(metric, [(exp, curves.get(metric, [])) for exp, curves in pairs]) for metric in metrics]
