"""Metrics in the registry: a name → a function of (gold, predicted) returning scores."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mtf_lib import registry
from mtf_lib.metrics.entities import entity_scores


@registry.metrics("entity_f1.v1")
def entity_f1() -> Callable[[Sequence[Sequence[str]], Sequence[Sequence[str]]], dict]:
    """Entity-level P/R/F1 (micro + per type), conlleval semantics."""
    return entity_scores


@registry.metrics("token_accuracy.v1")
def token_accuracy() -> Callable[[Sequence[Sequence[str]], Sequence[Sequence[str]]], dict]:
    """Fraction of tokens whose tag is right."""

    def score(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> dict:
        pairs = [(g, p) for gs, ps in zip(gold, predicted, strict=True) for g, p in zip(gs, ps, strict=True)]
        return {"micro": {"accuracy": sum(g == p for g, p in pairs) / max(1, len(pairs))}}

    return score
