"""Registered pair-scoring metrics.

The factory takes the task's score range (``low``, ``high``: the declared target range, e.g. 0 and 5
for STS-B), and the metric it returns is called with the gold and predicted scores on that
scale, and optionally each pair's group::

    metric = registry.metrics.get("pair_scores.v1")(low=0, high=10)
    scores = metric(gold, predicted, groups=q_ids)  # Scores(overall, per-group scores)

Gold scores may be numbers or their strings (the ``PairExample.target`` as read). Without
``low``/``high`` the QWK scale is taken from the gold scores of each call (floor of the lowest,
ceiling of the highest): pass the declared range so dev and test are scored on the same one.

The tags say which target kind a metric scores (``kind``: "score" or "label"), and
``minimize`` names the scores where lower is better (``train.monitor``'s direction).
"""

from __future__ import annotations

from collections.abc import Sequence

from mtf_lib import registry
from mtf_lib.metrics.scores import Metric, Scores


@registry.metrics(
    "pair_scores.v1",
    task_type="pair_scoring",
    scores=("pearson", "spearman", "rmse", "qwk"),
    minimize=("rmse",),
    kind="score",
)
def pair_scores(low: float | None = None, high: float | None = None) -> Metric:
    """Pearson and Spearman correlation, RMSE, and quadratic-weighted kappa (scores rounded and
    clipped to the integers of ``[low, high]``); the same per group where pairs have groups."""
    from mtf_lib.metrics.pair import grouped_pair_scores, pair_scores, score_range

    def score(gold: Sequence, predicted: Sequence, groups: Sequence[str] | None = None) -> Scores:
        y = [float(v) for v in gold]
        lo, hi = score_range(y, low, high) if y else (0, 0)
        per_group = {}
        if groups is not None and any(groups):
            per_group = grouped_pair_scores(y, predicted, [str(g) for g in groups], lo, hi)
        return Scores(pair_scores(y, predicted, lo, hi), per_group)

    return score


@registry.metrics("pair_labels.v1", task_type="pair_scoring", scores=("accuracy", "macro_f1", "micro_f1"), kind="label")
def pair_labels() -> Metric:
    """For label targets (entailment, paraphrase or not): accuracy, macro and micro F1
    (scikit-learn), and P/R/F1 per label."""
    from mtf_lib.metrics.classification import classification_scores, per_class_report

    def score(gold: Sequence[str], predicted: Sequence[str], groups: Sequence[str] | None = None) -> Scores:
        return Scores(classification_scores(gold, predicted), per_class_report(gold, predicted))

    return score
