"""Text-classification scores from scikit-learn: accuracy, macro/micro F1 and a per-class report.

Averages run over the labels that occur in gold or predicted (scikit-learn's default), so a
label absent from a split neither helps nor hurts its macro F1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def classification_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": float(accuracy_score(gold, predicted)),
        "macro_f1": float(f1_score(gold, predicted, average="macro", zero_division=0)),
        "micro_f1": float(f1_score(gold, predicted, average="micro", zero_division=0)),
    }


def per_class_report(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``{label: {precision, recall, f1, support}}`` for each label in gold or predicted, sorted."""
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(gold) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    return {
        label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
