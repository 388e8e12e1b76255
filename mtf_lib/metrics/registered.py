"""Metrics in the registry: a name → a factory of ``score(gold, predicted) -> Scores``.

Every metric is tagged with its task type and the names of the scores it reports; the train
stage scores dev with the task's ``evaluate.metric`` (``train.monitor`` must be one of its
scores) and the evaluate stage scores test with the same metric.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from mtf_lib import registry
from mtf_lib.metrics.entities import entity_scores


@dataclass(frozen=True)
class Scores:
    """``overall``: the headline scores; ``groups``: the same per entity type or class, each with
    its ``support`` (empty when a metric has no such breakdown)."""

    overall: dict[str, float]
    groups: dict[str, dict[str, float]] = field(default_factory=dict)


Metric = Callable[[Sequence, Sequence], Scores]
PRF = ("precision", "recall", "f1")


@registry.metrics("entity_f1.v1", task_type="tagging", scores=PRF)
def entity_f1() -> Metric:
    """Entity-level P/R/F1 (micro, and per type), conlleval semantics."""

    def score(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> Scores:
        scores = entity_scores(gold, predicted)
        overall = {k: v for k, v in scores["micro"].items() if k != "support"}
        return Scores(overall, scores["per_type"])

    return score


@registry.metrics("token_accuracy.v1", task_type="tagging", scores=("accuracy",))
def token_accuracy() -> Metric:
    """Fraction of characters whose tag is right."""

    def score(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> Scores:
        pairs = [(g, p) for gs, ps in zip(gold, predicted, strict=True) for g, p in zip(gs, ps, strict=True)]
        return Scores({"accuracy": sum(g == p for g, p in pairs) / max(1, len(pairs))})

    return score


@registry.metrics("classification_scores.v1", task_type="classification", scores=("accuracy", "macro_f1", "micro_f1"))
def classification() -> Metric:
    """Accuracy, macro and micro F1 (scikit-learn), and P/R/F1 per class."""
    from mtf_lib.metrics.classification import classification_scores, per_class_report

    def score(gold: Sequence[str], predicted: Sequence[str]) -> Scores:
        return Scores(classification_scores(gold, predicted), per_class_report(gold, predicted))

    return score


def metric_scores(name: str) -> tuple[str, ...]:
    """The score names metric ``name`` reports (its ``scores`` tag)."""
    return tuple(registry.metrics.tags(name).get("scores", ()))
