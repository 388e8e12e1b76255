"""Registered tagging metrics: entity-level P/R/F1 and per-character accuracy."""

from __future__ import annotations

from collections.abc import Sequence

from mtf_lib import registry
from mtf_lib.metrics.entities import entity_scores
from mtf_lib.metrics.scores import Metric, Scores


@registry.metrics("entity_f1.v1", task_type="tagging", scores=("precision", "recall", "f1"))
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
