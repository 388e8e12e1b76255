"""Padding examples into a batch of tensors: one collate for every task type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def pad_batch(examples: Sequence[Mapping[str, Any]], length_field: str) -> dict[str, Any]:
    """Every sequence field of ``examples`` padded with 0 into an int64 ``[B, L]`` tensor (``L``:
    that field's longest; a float field, e.g. a teacher's probabilities ``[L, K]``, into float32
    ``[B, L, K]``), every scalar field into a ``[B]`` tensor, and ``mask`` ``[B, L]`` marking the
    real positions of ``length_field``. ``L`` is at least 1, so a batch of empty
    sequences still has a (masked) position for the model to run over."""
    import torch

    if not examples:
        raise ValueError("an empty batch: a batch needs at least one example")
    lengths = np.asarray([len(e[length_field]) for e in examples])
    width = max(1, int(lengths.max()))
    batch: dict[str, Any] = {}
    for name, first in examples[0].items():
        if np.ndim(first) == 0:
            batch[name] = torch.as_tensor([int(e[name]) for e in examples], dtype=torch.int64)
            continue
        field_width = width if name == length_field else max(1, max(len(e[name]) for e in examples))
        first = np.asarray(first)
        dtype = np.float32 if np.issubdtype(first.dtype, np.floating) else np.int64
        out = np.zeros((len(examples), field_width, *first.shape[1:]), dtype=dtype)
        for row, example in enumerate(examples):
            out[row, : len(example[name])] = example[name]
        batch[name] = torch.from_numpy(out)
    batch["mask"] = torch.from_numpy(np.arange(width)[None, :] < lengths[:, None])
    return batch
