"""Batched decoding of encoded sentences to tag strings."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from mtf_lib.data.vocab import Vocab
from mtf_lib.inference.batched import map_batches
from mtf_lib.tasks.tagging.features import collate


def decode_examples(
    model: torch.nn.Module, examples: Sequence[dict[str, np.ndarray]], labels: Vocab, batch_size: int = 64
) -> list[list[str]]:
    """Tag strings for each example, in input order (gold labels in the examples are ignored)."""
    inputs = [{k: v for k, v in e.items() if k != "labels"} for e in examples]
    paths = map_batches(model, inputs, [len(e["chars"]) for e in inputs], collate, lambda m, b: m.decode(b), batch_size)
    return [[labels.tokens[t] for t in path] for path in paths]
