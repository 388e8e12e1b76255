"""Batched class probabilities for encoded texts (dev scoring in training, and the Predictor)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from mtf_lib.inference.batched import map_batches
from mtf_lib.tasks.classification.features import collate


def class_probabilities(
    model: torch.nn.Module, token_ids: Sequence[np.ndarray], n_classes: int, batch_size: int = 64
) -> np.ndarray:
    """``[N, n_classes]`` softmax probabilities, in input order."""

    def step(m: torch.nn.Module, batch: dict[str, torch.Tensor]) -> np.ndarray:
        return torch.softmax(m(batch)["logits"].float(), dim=-1).cpu().numpy()

    rows = map_batches(
        model, [{"tokens": t} for t in token_ids], [len(t) for t in token_ids], collate, step, batch_size
    )
    return np.stack(rows) if rows else np.zeros((0, n_classes), dtype=np.float32)
