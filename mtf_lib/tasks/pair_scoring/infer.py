"""Batched outputs of a pair model over encoded pairs (dev scoring in training, the evaluate
stage and the Predictor)."""

from __future__ import annotations

import numpy as np
import torch

from mtf_lib.inference.batched import map_batches
from mtf_lib.tasks.pair_scoring.encoded import EncodedPairs
from mtf_lib.tasks.pair_scoring.features import collate


def pair_outputs(model: torch.nn.Module, pairs: EncodedPairs, kind: str, batch_size: int = 64) -> np.ndarray:
    """Kind score: ``[N]`` outputs on the model's [0, 1] scale (uncalibrated); kind label:
    ``[N, K]`` label probabilities. In input order; targets are not read."""

    def step(m: torch.nn.Module, batch: dict[str, torch.Tensor]) -> np.ndarray:
        out = m({k: v for k, v in batch.items() if k not in ("score", "labels")})
        if kind == "label":
            return torch.softmax(out["logits"].float(), dim=-1).cpu().numpy()
        return out["score"].float().cpu().numpy()

    items = [pairs[i] for i in range(len(pairs))]
    rows = map_batches(model, items, pairs.lengths().tolist(), collate, step, batch_size)
    return np.stack(rows) if rows else np.zeros((0,), dtype=np.float32)
