"""What a registered metric returns, and the score names it declares.

A metric is registered with its task type and the names of its headline scores::

    @registry.metrics("entity_f1.v1", task_type="tagging", scores=("precision", "recall", "f1"))
    def entity_f1() -> Metric: ...

The train stage scores dev with the task's ``evaluate.metric`` (``train.monitor`` must be one of
its scores) and the evaluate stage scores test with the same metric.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Scores:
    """``overall``: the headline scores; ``groups``: scores per entity type or class, each with
    its ``support`` (empty when a metric has no such breakdown)."""

    overall: dict[str, float]
    groups: dict[str, dict[str, float]] = field(default_factory=dict)


Metric = Callable[[Sequence, Sequence], Scores]


def metric_scores(name: str) -> tuple[str, ...]:
    """The score names metric ``name`` reports (its ``scores`` tag)."""
    from mtf_lib import registry

    return tuple(registry.metrics.tags(name).get("scores", ()))


def rounded(values: dict[str, Any]) -> dict[str, Any]:
    """Scores as the metrics files hold them: floats to 6 digits (dev.json and eval.json alike)."""
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in values.items()}
