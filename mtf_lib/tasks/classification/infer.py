"""Batched class probabilities for encoded texts (dev scoring in training, and the Predictor)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from mtf_lib.inference.batched import map_batches
from mtf_lib.tasks.classification.features import collate


def class_probabilities(
    model: torch.nn.Module, inputs: Sequence[dict[str, np.ndarray]], n_classes: int, batch_size: int = 64
) -> np.ndarray:
    """``[N, n_classes]`` softmax probabilities of encoded texts (``features.examples``), in input order."""

    def step(m: torch.nn.Module, batch: dict[str, torch.Tensor]) -> np.ndarray:
        return torch.softmax(m(batch)["logits"].float(), dim=-1).cpu().numpy()

    lengths = [max(len(e["tokens"]), len(e["codepoints"])) for e in inputs]
    rows = map_batches(model, inputs, lengths, collate, step, batch_size)
    return np.stack(rows) if rows else np.zeros((0, n_classes), dtype=np.float32)
