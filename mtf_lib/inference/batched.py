"""Batched inference over encoded examples: one loop for dev scoring in training and the Predictors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from mtf_lib.data.batching import BucketBatchSampler


def map_batches(
    model: torch.nn.Module,
    examples: Sequence[Any],
    lengths: Sequence[int],
    collate: Callable[[list[Any]], dict[str, torch.Tensor]],
    step: Callable[[torch.nn.Module, dict[str, torch.Tensor]], Sequence[Any]],
    batch_size: int = 64,
) -> list[Any]:
    """``step(model, batch)`` gives one output per example of a batch; the outputs come back in
    input order. Batches group similar lengths (little padding); gradients are off."""
    device = next(model.parameters()).device
    out: list[Any] = [None] * len(examples)
    sampler = BucketBatchSampler(list(lengths), batch_size, shuffle=False)
    model.eval()
    with torch.no_grad():
        for indices in sampler:
            batch = collate([examples[i] for i in indices])
            results = step(model, {k: v.to(device) for k, v in batch.items()})
            for i, result in zip(indices, results, strict=True):
                out[i] = result
    return out
