"""Batched decoding of encoded sentences to tag strings."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from mtf_lib.data.batching import BucketBatchSampler
from mtf_lib.data.vocab import Vocab
from mtf_lib.tasks.tagging.features import collate


def decode_examples(
    model: torch.nn.Module,
    examples: Sequence[dict[str, np.ndarray]],
    labels: Vocab,
    batch_size: int = 64,
    device: torch.device | None = None,
) -> list[list[str]]:
    """Tag strings for each example, in input order (batches are sorted by length for speed)."""
    device = device or next(model.parameters()).device
    out: list[list[str]] = [[] for _ in examples]
    sampler = BucketBatchSampler([len(e["chars"]) for e in examples], batch_size, shuffle=False)
    model.eval()
    with torch.no_grad():
        for indices in sampler:
            batch = collate([{k: v for k, v in examples[i].items() if k != "tags"} for i in indices])
            paths = model.decode({k: v.to(device) for k, v in batch.items()})
            for i, path in zip(indices, paths, strict=True):
                out[i] = [labels.tokens[t] for t in path]
    return out
