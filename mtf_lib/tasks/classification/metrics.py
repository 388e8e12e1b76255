"""Registered classification metrics."""

from __future__ import annotations

from collections.abc import Sequence

from mtf_lib import registry
from mtf_lib.metrics.scores import Metric, Scores


@registry.metrics("classification_scores.v1", task_type="classification", scores=("accuracy", "macro_f1", "micro_f1"))
def classification() -> Metric:
    """Accuracy, macro and micro F1 (scikit-learn), and P/R/F1 per class."""
    from mtf_lib.metrics.classification import classification_scores, per_class_report

    def score(gold: Sequence[str], predicted: Sequence[str]) -> Scores:
        return Scores(classification_scores(gold, predicted), per_class_report(gold, predicted))

    return score
