"""Cross-entropy over classes for text classifiers, with optional label smoothing and class weights."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


def balanced_class_weights(counts: Sequence[int]) -> torch.Tensor:
    """``n / (k * count)`` per class over the k classes seen in train (scikit-learn's "balanced").

    A class missing from train (it occurs only in dev or test) is never a training target;
    its count is taken as 1 so that its weight stays finite under label smoothing.
    """
    counts_t = torch.as_tensor(list(counts), dtype=torch.float32)
    seen = int((counts_t > 0).sum())
    if seen == 0:
        raise ValueError("balanced class weights need at least one labelled train example")
    return counts_t.sum() / (seen * counts_t.clamp(min=1))


class ClassCrossEntropy(nn.Module):
    """Mean cross-entropy of ``logits`` [B, C] against ``labels`` [B]."""

    def __init__(self, weight: torch.Tensor | None = None, label_smoothing: float = 0.0) -> None:
        super().__init__()
        # Not persistent: the weights follow from the train data, and a bundle loads without them.
        self.register_buffer("weight", weight, persistent=False)
        self.label_smoothing = label_smoothing

    def forward(self, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        # float(): under bf16/fp16 autocast the softmax is taken in full precision.
        return nn.functional.cross_entropy(
            logits.float(), labels, weight=self.weight, label_smoothing=self.label_smoothing
        )
