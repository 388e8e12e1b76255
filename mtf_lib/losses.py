"""Registered losses (sequence-labelling heads; class cross-entropy). Factories import torch
lazily, so that params validation and ``mtf components`` stay fast."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from mtf_lib import registry

if TYPE_CHECKING:
    from mtf_lib.models.class_loss import ClassCrossEntropy
    from mtf_lib.models.heads import CRFLoss, TokenCrossEntropy


@registry.losses("crf_nll.v1", task_type="tagging")
def crf_nll(num_tags: int) -> CRFLoss:
    """Linear-chain CRF negative log-likelihood; Viterbi decoding."""
    from mtf_lib.models.heads import CRFLoss

    return CRFLoss(num_tags)


@registry.losses("token_cross_entropy.v1", task_type="tagging")
def token_cross_entropy(
    num_tags: int, *, label_smoothing: Annotated[float, Field(ge=0, lt=1)] = 0.0
) -> TokenCrossEntropy:
    """Independent per-token softmax; greedy decoding."""
    from mtf_lib.models.heads import TokenCrossEntropy

    return TokenCrossEntropy(label_smoothing)


@registry.losses("cross_entropy.v1", task_type="classification")
def cross_entropy(
    num_classes: int,
    label_counts: Sequence[int] | None = None,
    *,
    label_smoothing: Annotated[float, Field(ge=0, lt=1)] = 0.0,
    class_weights: Literal["none", "balanced"] = "none",
) -> ClassCrossEntropy:
    """Softmax cross-entropy over classes (text classification); optional balanced class weights.

    ``label_counts``: train examples per class, needed for ``class_weights: balanced``.
    """
    from mtf_lib.models.class_loss import ClassCrossEntropy, balanced_class_weights

    weight = None
    if class_weights == "balanced":
        if label_counts is None:
            raise ValueError("class_weights 'balanced' needs the train label counts")
        if len(label_counts) != num_classes:
            raise ValueError(f"{len(label_counts)} label counts for {num_classes} classes")
        weight = balanced_class_weights(label_counts)
    return ClassCrossEntropy(weight, label_smoothing)
