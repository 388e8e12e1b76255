"""Batched class probabilities for encoded texts (dev scoring in training, and the Predictor)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from mtf_lib.data.batching import BucketBatchSampler
from mtf_lib.tasks.classification.features import collate


def class_probabilities(
    model: torch.nn.Module,
    token_ids: Sequence[np.ndarray],
    n_classes: int,
    batch_size: int = 64,
    device: torch.device | None = None,
) -> np.ndarray:
    """``[N, n_classes]`` softmax probabilities, in input order (batches are sorted by length for speed)."""
    device = device or next(model.parameters()).device
    out = np.zeros((len(token_ids), n_classes), dtype=np.float32)
    sampler = BucketBatchSampler([len(t) for t in token_ids], batch_size, shuffle=False)
    model.eval()
    with torch.no_grad():
        for indices in sampler:
            batch = collate([{"tokens": token_ids[i]} for i in indices])
            logits = model({k: v.to(device) for k, v in batch.items()})["logits"]
            out[indices] = torch.softmax(logits.float(), dim=-1).cpu().numpy()
    return out
