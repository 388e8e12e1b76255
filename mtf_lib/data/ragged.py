"""Sequences of different lengths stored flat (values + offsets): ``.npz`` files without pickle."""

from __future__ import annotations

import numpy as np


def flatten(seqs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(values, offsets): sequence ``i`` is ``values[offsets[i]:offsets[i + 1]]``."""
    offsets = np.concatenate([[0], np.cumsum([len(s) for s in seqs])]).astype(np.int64)
    flat = np.concatenate(seqs).astype(np.int64) if seqs else np.zeros(0, np.int64)
    return flat, offsets


def unflatten(flat: np.ndarray, offsets: np.ndarray) -> list[np.ndarray]:
    return [flat[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]
